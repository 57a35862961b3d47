"""A generated single-hub ADVPN lab and its intent, for the staged-rollout and fault-matrix suites.

The lab is `fortigate-sim lab advpn --hubs 1 --overlays 1 --spokes N` (CONTRACTS addressing: WAN
port1, LAN port2, hub LAN 10.0.1.0/24, spoke s LAN 10.1.s.0/24); the intent below names the same
ports and prefixes. The PSK reaches the roles through OVERLAY_FORTIGATE_ADVPN_PSK, never a file.
"""

from __future__ import annotations

import json
import secrets
import urllib.request
from pathlib import Path

import yaml
from lab_support import REPO, SimLab, fortigate_sim

SPEED = 10  # simulated seconds per real second: IKE retries and BGP timers pass 10x faster


def intent(spokes: int) -> dict:
    hosts = {"HUB1": {"advpn_loopback": "10.200.255.1",
                      "advpn_wan": {"ISP1": {"interface": "port1", "address": "100.65.0.1"}},
                      "advpn_lans": [{"prefix": "10.0.1.0/24", "interface": "port2"}]}}
    for s in range(1, spokes + 1):
        hosts[f"SPOKE{s}"] = {"advpn_site_id": 10 + s, "advpn_wan": {"ISP1": {"interface": "port1"}},
                              "advpn_lans": [{"prefix": f"10.1.{s}.0/24", "interface": "port2"}]}
    fabric = {"name": "corp", "bgp_as": 65001, "loopback_summary": "10.200.0.0/16", "lan_summary": "10.0.0.0/8",
              "overlays": [{"name": "ISP1"}], "hubs": ["HUB1"], "shortcuts": True}
    return {"all": {"children": {"advpn_corp": {"vars": {"advpn_fabric": fabric}, "hosts": hosts}}}}


def write_lab(directory: Path, spokes: int) -> tuple[Path, Path]:
    """(lab file, intent file) of a 1-hub lab with ``spokes`` spokes, its clock running SPEED times faster."""
    lab_file = directory / f"advpn-h1-o1-s{spokes}.yml"
    fortigate_sim("lab", "advpn", "--hubs", "1", "--overlays", "1", "--spokes", str(spokes), "-o", str(lab_file))
    lab = yaml.safe_load(lab_file.read_text())
    lab["clock"] = {"speed": SPEED}
    lab_file.write_text(yaml.safe_dump(lab, sort_keys=False))
    intent_file = directory / "intent.yml"
    intent_file.write_text(yaml.safe_dump(intent(spokes), sort_keys=False))
    return lab_file, intent_file


class ScaleLab(SimLab):
    """The running lab plus the collection's ADVPN playbooks on it."""

    psk = "lab-" + secrets.token_hex(8)
    intent_file: Path

    def advpn(self, playbook: str, *args: str, extra_vars: dict | None = None, env: dict | None = None):
        environment = dict(env or {}, OVERLAY_FORTIGATE_ADVPN_PSK=self.psk, ANSIBLE_FORKS="10")
        return self.playbook(playbook, "-i", str(self.intent_file), *args, extra_vars=extra_vars, env=environment)

    def rest_put(self, device: str, path: str, body: dict) -> dict:
        host = self.hosts[device]
        request = urllib.request.Request(
            f"https://{host['ansible_host']}:{host['ansible_httpapi_port']}{path}", method="PUT",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {host['fortios_access_token']}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self._ssl, timeout=15) as response:
            return json.loads(response.read())

    def model(self) -> dict:
        return json.loads(fortigate_sim("model", "--workdir", str(self.workdir), "--json").stdout)


def make_lab(intent_file: Path):
    def make(workdir: Path) -> ScaleLab:
        lab = ScaleLab(workdir, REPO / "playbooks")
        lab.intent_file = intent_file
        return lab
    return make
