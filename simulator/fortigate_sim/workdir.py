"""A lab's workdir: what it holds, the credentials and ENC key kept across restarts, and the
files written for the lab's users (``state.json``, ``inventory.yml``).

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

import base64
import json
import os
import re
from pathlib import Path
from typing import Any

import yaml

from . import loopback
from .enc import SecretBox
from .files import atomic_write


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


def write_state(runtime: Any) -> None:
    """``state.json``: how the command line finds a running lab (pid, admin API, device ports)."""
    state = {
        "pid": os.getpid(),
        "lab": runtime.lab_name,
        "admin_port": runtime.admin_port,
        "admin_key": runtime.admin_key,
        "ca_path": str(runtime.ca.cert_path),
        "devices": {name: {"address": d.address, "https_port": d.https_port, "http_port": d.http_port,
                           "ssh_port": d.ssh_port, "hostname": d.spec.hostname, "version": d.spec.version.plain}
                    for name, d in runtime.devices.items()},
    }
    atomic_write(runtime.workdir / "state.json", json.dumps(state, indent=1), mode=0o600)


def inventory(lab_name: str, devices: dict, ca_path: Path) -> dict:
    """The Ansible inventory of a running lab: one host per device, group ``fortigates``."""
    hosts = {}
    for name, device in devices.items():
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
            "ansible_httpapi_ca_path": str(ca_path),
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
    group = re.sub(r"[^A-Za-z0-9_]", "_", lab_name)
    return {"all": {"children": {"fortigates": {"hosts": hosts}, group: {"hosts": {n: None for n in hosts}}}}}

def inventory_yaml(lab_name: str, devices: dict, ca_path: Path) -> str:
    header = f"# Generated by fortigate-sim for lab {lab_name}; rewritten on every start.\n"
    return header + yaml.safe_dump(inventory(lab_name, devices, ca_path), sort_keys=False, default_flow_style=False)
