"""One simulated FortiGate: identity, CMDB store, authentication, request log, persistence."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import cli_lang
from .auth import DeviceAuth
from .behaviour import Behaviour
from .enc import SecretBox
from .reqlog import RequestLog
from .schema import TABLES
from .store import DeviceStore, Target
from .versions import FosVersion


@dataclass
class DeviceSpec:
    """A device as the lab YAML describes it (see README "Lab file")."""

    name: str
    hostname: str
    serial: str
    version: FosVersion
    build: int
    admin_user: str
    admin_password: str
    api_token: str
    api_user: str = "api-admin"
    vdoms: tuple = ("root",)
    interfaces: list = field(default_factory=list)
    config: str = ""
    behaviour: Behaviour = field(default_factory=Behaviour)
    http: bool = False
    model: str = "FGVM64"


class Device:
    def __init__(self, spec: DeviceSpec, box: SecretBox, workdir: Optional[Path]):
        self.spec = spec
        self.dir = workdir / spec.name if workdir else None
        self.store = DeviceStore(spec.version, spec.behaviour, box, spec.vdoms)
        self.auth = DeviceAuth(spec.admin_user, spec.admin_password, {spec.api_token: spec.api_user},
                               cookie_suffix=spec.serial[-8:], settings=self.auth_settings)
        self.log = RequestLog(self.dir / "requests.jsonl" if self.dir else None)
        self.address = "127.0.0.1"  # its own loopback address, set by the lab (see loopback.py)
        self.https_port: Optional[int] = None
        self.http_port: Optional[int] = None
        self.ssh_port: Optional[int] = None

    # ---- configuration lifecycle -----------------------------------------------------------
    @property
    def config_path(self) -> Optional[Path]:
        return self.dir / "config.json" if self.dir else None

    def load(self) -> str:
        """Saved configuration if there is one, else the lab's initial one. Returns which."""
        if self.config_path and self.config_path.exists():
            self.store.load_state(json.loads(self.config_path.read_text(encoding="utf-8")))
            source = "saved"
        else:
            self._initial_config()
            source = "initial"
        self.store.on_change = lambda _store: self.save()
        self.save()
        return source

    def _initial_config(self) -> None:
        spec, store = self.spec, self.store
        glob = TABLES["system/global"]
        store.write(Target(glob, spec.vdoms[0]), {"hostname": spec.hostname}, create=False, origin="lab")
        intf = TABLES["system/interface"]
        for port in spec.interfaces:
            body = {"type": "physical", "vdom": spec.vdoms[0], **port}
            store.write(Target(intf, spec.vdoms[0]), body, create=True, origin="lab")
        if spec.config.strip():
            try:
                cli_lang.execute(store, cli_lang.parse(spec.config), vdom=spec.vdoms[0], origin="lab")
            except (cli_lang.CliError, cli_lang.CliSyntaxError) as exc:
                raise ValueError(f"device {spec.name}: initial config {exc}") from None

    def save(self) -> None:
        """Atomic write: temp file in the same directory, then ``os.replace``."""
        if not self.config_path:
            return
        self.config_path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.store.to_state(), separators=(",", ":"))  # compact: saved on every change
        fd, tmp = tempfile.mkstemp(dir=self.config_path.parent, prefix=".config-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.config_path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    # ---- settings read from the CMDB --------------------------------------------------------
    def global_setting(self, attr: str):
        return self.store.read_singleton(TABLES["system/global"], self.spec.vdoms[0]).get(attr)

    @property
    def vdom_mode(self) -> bool:
        """VDOMs on: several in the lab file, or ``system global vdom-mode multi-vdom`` with root only
        (the device of Fortinet KB 253455, whose prompt reads ``FGT_1 (root) #``)."""
        return len(self.spec.vdoms) > 1 or self.global_setting("vdom-mode") == "multi-vdom"

    def auth_settings(self):
        """(idle timeout s, lockout threshold, lockout s, token in URL allowed) from system global."""
        idle = int(self.global_setting("admintimeout") or 5) * 60
        threshold = int(self.global_setting("admin-lockout-threshold") or 3)
        duration = int(self.global_setting("admin-lockout-duration") or 60)
        query_ok = self.spec.behaviour.token_in_query_allowed or \
            self.global_setting("rest-api-key-url-query") == "enable"
        return idle, threshold, duration, query_ok

    def close(self) -> None:
        self.log.close()
