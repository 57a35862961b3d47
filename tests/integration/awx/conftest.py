"""Simulated labs seen the way AWX sees them: an inventory without secrets (hosts and how to reach them,
plus the controller file's inventory variables) and a "FortiGate" credential holding the secrets."""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from awx_job import ControllerJob, Inventory, load_controller_config  # noqa: E402
from lab_support import REPO, SimLab, ansible_environment, fortigate_sim, running_lab  # noqa: E402

HERE = Path(__file__).resolve().parent
# Connection secrets the simulator puts in its inventory: in AWX they come from the credential.
CREDENTIAL_VARS = ("ansible_user", "ansible_password", "fortios_access_token")


@dataclass
class AwxLab:
    """A running lab, its AWX inventory and the inputs of a FortiGate credential for it."""

    lab: SimLab
    inventory: Inventory
    credential: dict
    config: dict

    def job(self, template: str, credential: dict | None = None) -> ControllerJob:
        environment = ansible_environment()
        environment.pop("ANSIBLE_STDOUT_CALLBACK")     # ansible-runner brings its own (awx_display)
        return ControllerJob(self.config, template, self.inventory, credential or self.credential, environment)


def lab_with_password(source: Path, workdir: Path, password: str) -> Path:
    """The lab file with one admin password for every device (API tokens stay per device)."""
    lab = yaml.safe_load(source.read_text())
    lab.setdefault("defaults", {})["admin"] = {"user": "admin", "password": password}
    path = workdir / f"awx-{source.name}"
    path.write_text(yaml.safe_dump(lab, sort_keys=False))
    return path


def awx_lab(lab: SimLab, config: dict, password: str, intent: dict | None = None) -> AwxLab:
    """Hosts from the lab's inventory minus its secrets, groups and host variables from ``intent``
    (an inventory file's ``all`` as the inventory source would bring it), the controller file's
    inventory variables as AWX's inventory-wide variables."""
    raw = yaml.safe_load(lab.inventory.read_text())["all"]["children"]
    hosts = {name: {k: v for k, v in hostvars.items() if k not in CREDENTIAL_VARS}
             for name, hostvars in raw["fortigates"]["hosts"].items()}
    groups = {name: {"hosts": sorted(spec["hosts"])} for name, spec in raw.items()}
    for name, spec in ((intent or {}).get("children") or {}).items():
        groups[name] = {"hosts": sorted(spec.get("hosts") or {}), "vars": spec.get("vars") or {}}
        for host, hostvars in (spec.get("hosts") or {}).items():
            hosts[host].update(hostvars or {})
    tokens = "\n".join(f"{name}: {token}" for name, token in sorted(lab.tokens.items()))
    credential = {"username": "admin", "password": password, "api_token": tokens,
                  "advpn_psk": "awx-" + secrets.token_hex(12)}
    return AwxLab(lab, Inventory(hosts, groups, config["controller_inventory"]["variables"]), credential, config)


@pytest.fixture(scope="session")
def controller_config():
    return load_controller_config()


@pytest.fixture(scope="module")
def kb_awx(tmp_path_factory, controller_config):
    """The KB 253455 pair (FGT_1, FGT2), exchange-interface-ip still disabled."""
    workdir = tmp_path_factory.mktemp("awx-kb")
    password = secrets.token_urlsafe(12)
    lab_file = lab_with_password(REPO / "simulator" / "labs" / "kb-exchange-interface-ip.yml", workdir, password)
    with running_lab(workdir / "lab", lab_file, lambda w: SimLab(w, HERE)) as lab:
        yield awx_lab(lab, controller_config, password)


def intent_from_addressing(addressing: dict) -> dict:
    """An inventory source's ``all`` for a generated lab: the fabric "corp" over the lab's overlays, hubs with
    loopback 10.200.255.<index>, spokes with site id 10 + index, every LAN announced (CONTRACTS A addressing)."""
    overlays = sorted(next(iter(addressing.values()))["wan"])
    hubs = sorted((d for d in addressing if addressing[d]["role"] == "hub"), key=lambda d: addressing[d]["index"])
    hosts = {}
    for device, spec in addressing.items():
        host = {"advpn_lans": [{"prefix": spec["lan"]["prefix"], "interface": spec["lan"]["interface"]}]}
        if spec["role"] == "hub":
            host["advpn_loopback"] = f"10.200.255.{spec['index']}"
            host["advpn_wan"] = {o: {"interface": w["interface"], "address": w["address"]} for o, w in spec["wan"].items()}
        else:
            host["advpn_site_id"] = 10 + spec["index"]
            host["advpn_wan"] = {o: {"interface": w["interface"]} for o, w in spec["wan"].items()}
        hosts[device] = host
    fabric = {"name": "corp", "bgp_as": 65001, "loopback_summary": "10.200.0.0/16", "lan_summary": "10.0.0.0/8",
              "overlays": [{"name": o} for o in overlays], "hubs": hubs, "shortcuts": True}
    return {"children": {"advpn_corp": {"vars": {"advpn_fabric": fabric}, "hosts": hosts}}}


@pytest.fixture(scope="module")
def advpn_awx(tmp_path_factory, controller_config):
    """A generated underlay lab (`fortigate-sim lab advpn`: 2 hubs, 1 overlay, 2 spokes) with its fabric
    intent as the inventory source's groups and host variables."""
    workdir = tmp_path_factory.mktemp("awx-advpn")
    generated = workdir / "advpn-h2-o1-s2.yml"
    fortigate_sim("lab", "advpn", "--hubs", "2", "--overlays", "1", "--spokes", "2", "--seed", "0",
                  "-o", str(generated))
    password = secrets.token_urlsafe(12)
    lab_file = lab_with_password(generated, workdir, password)
    intent = intent_from_addressing(yaml.safe_load(generated.read_text())["addressing"])
    with running_lab(workdir / "lab", lab_file, lambda w: SimLab(w, HERE)) as lab:
        yield awx_lab(lab, controller_config, password, intent)
