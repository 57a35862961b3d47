"""A running lab: every device of a lab file served in one asyncio loop (HTTPS REST, SSH CLI),
one simulated clock and tunnel model for all of them, and the admin API. The lab file is read by
:mod:`.lab_file`; what the workdir holds is described in :mod:`.workdir`."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import socket
from pathlib import Path
from typing import Optional

from aiohttp import web

from . import model_admin, ssh_server
from . import workdir as lab_workdir
from .admin_api import AdminApi
from .certs import LabCA
from .commands import run_operational_command
from .device import Device
from .faults import FaultRegistry
from .files import atomic_write
from .lab_file import DEFAULT_LAB, embedded_lab, labs_dir, load_lab
from .model import LabModel, SimClock
from .rest_app import RestApi
from .workdir import LabSecrets

__all__ = ["DEFAULT_LAB", "LabRuntime", "LabSecrets", "embedded_lab", "labs_dir", "load_lab"]

log = logging.getLogger(__name__)


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
        admin = web.AppRunner(AdminApi(self).app(), access_log=None, handle_signals=False)
        await admin.setup()
        self._runners.append(admin)
        self.admin_port = await _serve(admin, None)
        lab_workdir.write_state(self)
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

    def inventory(self) -> dict:
        return lab_workdir.inventory(self.lab_name, self.devices, self.ca.cert_path)

    def inventory_yaml(self) -> str:
        return lab_workdir.inventory_yaml(self.lab_name, self.devices, self.ca.cert_path)

    def stop(self) -> None:
        """Ask :meth:`run_forever` to close the lab (admin API ``POST /shutdown``)."""
        self._stop.set()


async def _serve(runner: web.AppRunner, ssl_context, address: str = "127.0.0.1") -> int:
    """Listen on ``address`` with an OS-assigned port (two labs never collide) and return it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, 0))
    site = web.SockSite(runner, sock, ssl_context=ssl_context, backlog=256)
    await site.start()
    return sock.getsockname()[1]
