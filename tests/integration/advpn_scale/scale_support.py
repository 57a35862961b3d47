"""A generated single-hub ADVPN lab and its intent, for the staged-rollout and fault-matrix suites.

The lab is `fortigate-sim lab advpn --hubs 1 --overlays 1 --spokes N` (CONTRACTS addressing: WAN
port1, LAN port2, hub LAN 10.0.1.0/24, spoke s LAN 10.1.s.0/24); the intent below names the same
ports and prefixes. The PSK reaches the roles through OVERLAY_FORTIGATE_ADVPN_PSK, never a file.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from lab_support import BIN, REPO, SimLab, ansible_environment, fortigate_sim

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
        """Run the collection's ``playbooks/<playbook>`` on the lab plus the intent; (json report, process).

        A staged rollout validates after every batch, so it may run longer than SimLab.playbook allows.
        """
        environment = ansible_environment(OVERLAY_FORTIGATE_ADVPN_PSK=self.psk, ANSIBLE_FORKS="10", **(env or {}))
        command = [str(BIN / "ansible-playbook"), "-i", str(self.inventory), "-i", str(self.intent_file),
                   str(self.playbooks / playbook), *args, "-e", json.dumps(extra_vars or {})]
        proc = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=900, check=False)
        if "{" not in proc.stdout:
            raise AssertionError(f"no JSON from ansible-playbook:\n{proc.stdout}\n{proc.stderr}")
        return json.loads(proc.stdout[proc.stdout.index("{"):]), proc

    def rest_request(self, device: str, method: str, path: str, body: dict | None = None) -> dict:
        """One REST write to the device (the FortiOS envelope, also for an error answer)."""
        host = self.hosts[device]
        request = urllib.request.Request(
            f"https://{host['ansible_host']}:{host['ansible_httpapi_port']}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {host['fortios_access_token']}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, context=self._ssl, timeout=15) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return json.loads(exc.read())

    def model(self) -> dict:
        return json.loads(fortigate_sim("model", "--workdir", str(self.workdir), "--json").stdout)


def make_lab(intent_file: Path):
    def make(workdir: Path) -> ScaleLab:
        lab = ScaleLab(workdir, REPO / "playbooks")
        lab.intent_file = intent_file
        return lab
    return make
