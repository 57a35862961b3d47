"""A lab: the YAML description, the workdir layout, and the runtime hosting all its devices.

Workdir layout (everything a lab owns; nothing is written elsewhere)::

    lab.yml            the lab definition in use (copied from --lab, reused on restart)
    secrets.json       generated passwords/tokens and the key behind ENC values (0600)
    ca/ca.pem ca.key   the lab CA (kept across restarts)
    state.json         pid, admin port/key and device ports of the running lab (0600)
    inventory.yml      Ansible inventory, one host per device (0600: it holds credentials)
    ssh/               the lab's SSH host key and a known_hosts file for the current ports
    sim.log            the daemon's own log
    <device>/config.json  requests.jsonl  tls/server.pem  tls/server.key
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import re
import secrets
import signal
import socket
from importlib import resources
from pathlib import Path
from typing import Any, Optional

import yaml
from aiohttp import web

from . import cli_lang, loopback, ssh_server
from .behaviour import Behaviour
from .certs import LabCA
from .commands import run_operational_command
from .device import Device, DeviceSpec
from .enc import SecretBox
from .faults import FaultRegistry, FaultRule
from .files import ADMIN_KEY_HEADER, atomic_write
from . import model_admin
from .model import LabModel, SimClock
from .rest_app import RestApi
from .versions import FosVersion

log = logging.getLogger(__name__)

DEFAULT_LAB = "kb-exchange-interface-ip"


# ---- lab definition ----------------------------------------------------------------------------

def labs_dir() -> Path:
    """Embedded labs: ``simulator/labs`` next to the package (editable/source install)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "labs", here / "labs"):
        if candidate.is_dir():
            return candidate
    return Path(str(resources.files("fortigate_sim") / "labs"))


def embedded_lab(name: str = DEFAULT_LAB) -> Path:
    path = labs_dir() / f"{name}.yml"
    if not path.exists():
        raise FileNotFoundError(f"no embedded lab named {name!r} in {labs_dir()}")
    return path


class LabSecrets:
    """Generated credentials (for ``auto`` values) and the ENC key, persisted per workdir."""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        if "enc_key" not in self.data:
            self.data["enc_key"] = base64.b64encode(SecretBox.new_key()).decode()
        self.data.setdefault("devices", {})

    def resolve(self, device: str, attr: str, value: Any, generator) -> str:
        if value not in (None, "", "auto"):
            return str(value)
        per_device = self.data["devices"].setdefault(device, {})
        if attr not in per_device:
            per_device[attr] = generator()
        return per_device[attr]

    def addresses(self, names: list[str]) -> dict[str, str]:
        """Each device's own loopback address: the one kept for it if still bindable, else a new one."""
        per_device = {name: self.data["devices"].setdefault(name, {}) for name in names}
        taken = {d["address"] for d in self.data["devices"].values() if d.get("address")}
        for entry in per_device.values():
            if not entry.get("address") or not loopback.bindable(entry["address"]):
                entry["address"] = loopback.pick(taken)
        return {name: entry["address"] for name, entry in per_device.items()}

    def box(self) -> SecretBox:
        return SecretBox(base64.b64decode(self.data["enc_key"]))

    def save(self) -> None:
        atomic_write(self.path, json.dumps(self.data, indent=1), mode=0o600)


def _token() -> str:
    # FortiOS API keys are 30 characters of [a-zA-Z0-9].
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(30))


def _serial(lab: str, name: str) -> str:
    digest = int(hashlib.sha256(f"{lab}/{name}".encode()).hexdigest(), 16)
    return f"FGVM02TM{digest % 10**8:08d}"


def load_lab(path: Path, lab_secrets: Optional[LabSecrets]) -> tuple[str, list[DeviceSpec]]:
    """Parse a lab YAML file into device specs (``auto`` credentials resolved via secrets)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("devices"), list) or not raw["devices"]:
        raise ValueError(f"{path}: a lab needs a non-empty 'devices' list")
    lab_name = str(raw.get("lab") or path.stem)
    defaults = raw.get("defaults") or {}
    specs, seen = [], set()
    for entry in raw["devices"]:
        item = {**defaults, **(entry or {})}
        name = str(item.get("name") or "")
        if not re.match(r"^[A-Za-z0-9_.-]{1,35}$", name) or name in seen:
            raise ValueError(f"{path}: device name {name!r} is missing, invalid or duplicated")
        seen.add(name)
        unknown = set(item) - {"name", "hostname", "serial", "version", "build", "admin", "api_token",
                               "api_user", "vdoms", "interfaces", "config", "behaviour", "http", "model",
                               "vdom_mode"}
        if unknown:
            raise ValueError(f"{path}: device {name}: unknown keys {sorted(unknown)}")
        version = FosVersion(str(item.get("version", "7.4.4")))
        admin = item.get("admin") or {}
        resolve = (lab_secrets.resolve if lab_secrets else lambda d, a, v, g: v if v not in (None, "", "auto") else g())
        specs.append(DeviceSpec(
            name=name,
            hostname=str(item.get("hostname") or name),
            serial=str(item.get("serial") or _serial(lab_name, name)),
            version=version,
            build=int(item.get("build") or version.default_build()),
            admin_user=str(admin.get("user", "admin")),
            admin_password=resolve(name, "password", admin.get("password"), lambda: secrets.token_urlsafe(12)),
            api_token=resolve(name, "api_token", item.get("api_token"), _token),
            api_user=str(item.get("api_user", "api-admin")),
            vdoms=tuple(item.get("vdoms") or ("root",)),
            interfaces=[_interface(name, port) for port in item.get("interfaces") or []],
            config=_vdom_mode_config(path, name, item.get("vdom_mode")) + str(item.get("config") or ""),
            behaviour=Behaviour.for_version(version, item.get("behaviour") or {}),
            http=bool(item.get("http", False)),
            model=str(item.get("model", "FGVM64")),
        ))
    return lab_name, specs


def _vdom_mode_config(path: Path, device: str, mode: Any) -> str:
    """``vdom_mode: multi-vdom`` turns VDOMs on even with root only (``system global vdom-mode``),
    so the CLI prompts read ``FGT_1 (root) #`` inside ``config vdom`` as in Fortinet KB 253455."""
    if mode in (None, "no-vdom"):
        return ""
    if mode != "multi-vdom":
        raise ValueError(f"{path}: device {device}: vdom_mode must be no-vdom or multi-vdom, not {mode!r}")
    return "config system global\n    set vdom-mode multi-vdom\nend\n"


def _interface(device: str, port: Any) -> dict:
    if not isinstance(port, dict) or "name" not in port:
        raise ValueError(f"device {device}: each interface needs a name")
    return {k: v for k, v in port.items()}


# ---- runtime ---------------------------------------------------------------------------------------

class LabRuntime:
    """Hosts every device of a lab in one asyncio loop, plus a small admin API."""

    def __init__(self, workdir: Path, lab_file: Optional[Path] = None):
        self.workdir = workdir.resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        lab_copy = self.workdir / "lab.yml"
        if lab_file is not None:
            atomic_write(lab_copy, Path(lab_file).read_text(encoding="utf-8"))
        elif not lab_copy.exists():
            atomic_write(lab_copy, embedded_lab().read_text(encoding="utf-8"))
        self.secrets = LabSecrets(self.workdir / "secrets.json")
        self.lab_name, specs = load_lab(lab_copy, self.secrets)
        addresses = self.secrets.addresses([spec.name for spec in specs])
        self.secrets.save()
        self.ca = LabCA(self.workdir / "ca")
        box = self.secrets.box()
        self.faults = FaultRegistry()
        self.devices = {spec.name: Device(spec, box, self.workdir) for spec in specs}
        for name, device in self.devices.items():
            device.address = addresses[name]
        # One simulated clock and one tunnel/routing model for all devices (see model/).
        self.clock = SimClock(**model_admin.clock_settings(lab_copy))
        self.model = LabModel(self.devices, self.clock)
        self.admin_key = secrets.token_urlsafe(24)
        self._runners: list[web.AppRunner] = []
        self._ssh_servers: list[ssh_server.DeviceSshServer] = []
        self._stop = asyncio.Event()
        self.admin_port: Optional[int] = None

    async def start(self) -> None:
        for device in self.devices.values():
            source = device.load()
            log.info("device %s: %s configuration loaded", device.spec.name, source)
            app = RestApi(device, self.faults, self.model).app()
            runner = web.AppRunner(app, access_log=None, handle_signals=False)
            await runner.setup()
            self._runners.append(runner)
            tls = self.ca.server_context(device.dir / "tls", device.spec.hostname, device.address)
            device.https_port = await _serve(runner, tls, device.address)
            if device.spec.http:
                device.http_port = await _serve(runner, None, device.address)
        await self._start_ssh()
        try:
            self.model.refresh()  # tunnels negotiate from lab start, not from the first query
        except Exception:  # noqa: BLE001 - a model bug must not keep the REST/SSH lab from starting
            log.exception("tunnel model failed at start-up; views will retry")
        admin = web.AppRunner(self._admin_app(), access_log=None, handle_signals=False)
        await admin.setup()
        self._runners.append(admin)
        self.admin_port = await _serve(admin, None)
        self._write_state()
        atomic_write(self.workdir / "inventory.yml", self.inventory_yaml(), mode=0o600)

    async def run_forever(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop.set)
        await self.start()
        await self._stop.wait()
        await self.close()

    async def _start_ssh(self) -> None:
        """One SSH CLI per device, all with the lab's host key; known_hosts for OpenSSH users."""
        ssh_dir = self.workdir / "ssh"
        host_key = ssh_server.load_host_key(ssh_dir)
        self._ssh_servers = await ssh_server.start_servers(self, host_key, run_operational_command)
        lines = [ssh_server.known_hosts_line(d.address, d.ssh_port, host_key) for d in self.devices.values()]
        atomic_write(ssh_dir / "known_hosts", "".join(lines))

    async def close(self) -> None:
        await ssh_server.close_servers(self._ssh_servers)
        for runner in reversed(self._runners):
            await runner.cleanup()
        for device in self.devices.values():
            device.save()
            device.close()
        state = self.workdir / "state.json"
        if state.exists():
            state.unlink()

    def _write_state(self) -> None:
        state = {
            "pid": os.getpid(),
            "lab": self.lab_name,
            "admin_port": self.admin_port,
            "admin_key": self.admin_key,
            "ca_path": str(self.ca.cert_path),
            "devices": {name: {"address": d.address, "https_port": d.https_port, "http_port": d.http_port,
                               "ssh_port": d.ssh_port, "hostname": d.spec.hostname, "version": d.spec.version.plain}
                        for name, d in self.devices.items()},
        }
        atomic_write(self.workdir / "state.json", json.dumps(state, indent=1), mode=0o600)

    def inventory(self) -> dict:
        hosts = {}
        for name, device in self.devices.items():
            spec = device.spec
            # Like a real inventory: own address per device, HTTPS port for httpapi, SSH port for
            # network_cli, so setting ansible_connection alone switches the transport (persistent
            # connections are keyed by host, port, user and connection type, so the two never mix).
            host = {
                "ansible_host": device.address,
                "ansible_connection": "ansible.netcommon.httpapi",
                "ansible_network_os": "overlay.fortigate.fortios",
                "ansible_httpapi_port": device.https_port,
                "ansible_port": device.ssh_port,
                "ansible_httpapi_use_ssl": True,
                "ansible_httpapi_validate_certs": True,
                "ansible_httpapi_ca_path": str(self.ca.cert_path),
                "ansible_user": spec.admin_user,
                "ansible_password": spec.admin_password,
                "fortios_access_token": spec.api_token,
                "fortigate_sim_ssh_port": device.ssh_port,  # = ansible_port, kept for older playbooks
                "ansible_network_cli_ssh_type": "libssh",
                "ansible_host_key_checking": False,  # the key is per workdir; see ssh/known_hosts
                "fortigate_sim_hostname": spec.hostname,
                "fortigate_sim_serial": spec.serial,
                "fortigate_sim_version": spec.version.plain,
            }
            if device.http_port:
                host["fortigate_sim_http_port"] = device.http_port
            hosts[name] = host
        group = re.sub(r"[^A-Za-z0-9_]", "_", self.lab_name)
        return {"all": {"children": {"fortigates": {"hosts": hosts}, group: {"hosts": {n: None for n in hosts}}}}}

    def inventory_yaml(self) -> str:
        header = f"# Generated by fortigate-sim for lab {self.lab_name}; rewritten on every start.\n"
        return header + yaml.safe_dump(self.inventory(), sort_keys=False, default_flow_style=False)

    # ---- admin API (fault injection, status, config dump) -----------------------------------------
    def _admin_app(self) -> web.Application:
        @web.middleware
        async def require_key(request, handler):
            if not secrets.compare_digest(request.headers.get(ADMIN_KEY_HEADER, ""), self.admin_key):
                return web.json_response({"error": "bad admin key"}, status=403)
            return await handler(request)

        app = web.Application(middlewares=[require_key])
        app.router.add_get("/status", self._admin_status)
        app.router.add_get("/faults", lambda r: web.json_response(self.faults.list()))
        app.router.add_post("/faults", self._admin_add_fault)
        app.router.add_delete("/faults", self._admin_clear_faults)
        app.router.add_get("/devices/{name}/config", self._admin_config)
        app.router.add_post("/shutdown", self._admin_shutdown)
        model_admin.add_routes(app, self)
        return app

    async def _admin_status(self, request):
        return web.json_response({"lab": self.lab_name, "pid": os.getpid(), "devices": {
            n: {"https_port": d.https_port, "http_port": d.http_port, "revision": d.store.revision}
            for n, d in self.devices.items()}})

    async def _admin_add_fault(self, request):
        body = await request.json()
        if body.get("device") not in self.devices and body.get("device") != "*":
            return web.json_response({"error": f"unknown device {body.get('device')!r}"}, status=400)
        try:
            rule = self.faults.add(FaultRule(**body))
        except (TypeError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(rule.describe())

    async def _admin_clear_faults(self, request):
        return web.json_response({"cleared": self.faults.clear(request.query.get("device"))})

    async def _admin_config(self, request):
        device = self.devices.get(request.match_info["name"])
        if device is None:
            return web.json_response({"error": "unknown device"}, status=404)
        full = request.query.get("full") == "1"
        text = "".join(cli_lang.render(device.store, vdom, full=full) for vdom in device.spec.vdoms)
        return web.Response(text=text)

    async def _admin_shutdown(self, request):
        asyncio.get_running_loop().call_later(0.05, self._stop.set)
        return web.json_response({"stopping": True})


async def _serve(runner: web.AppRunner, ssl_context, address: str = "127.0.0.1") -> int:
    """Listen on ``address`` with an OS-assigned port (two labs never collide) and return it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, 0))
    site = web.SockSite(runner, sock, ssl_context=ssl_context, backlog=256)
    await site.start()
    return sock.getsockname()[1]
