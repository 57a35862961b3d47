"""What the advpn_validate suite shares: the lab handle with the fabric's plan, the fault catalogue, paths."""

import json
import ssl
import subprocess
import urllib.request
from pathlib import Path

import yaml
from lab_support import BIN, SimLab, ansible_environment

HERE = Path(__file__).resolve().parent
PLANS = HERE / "inventory" / "plans.yml"
FAULTS = yaml.safe_load((HERE / "faults.yml").read_text())["faults"]


class ValidateLab(SimLab):
    """The lab plus the fabric's plan as a second inventory, and collection playbooks by name."""

    def run(self, playbook, *args, extra_vars=None):
        command = [str(BIN / "ansible-playbook"), "-i", str(self.inventory), "-i", str(PLANS), str(playbook), *args]
        command += ["-e", json.dumps({"advpn_validate_ssh_port": "{{ fortigate_sim_ssh_port }}", **(extra_vars or {})})]
        proc = subprocess.run(command, capture_output=True, text=True, env=ansible_environment(), timeout=900,
                              check=False)
        if "{" not in proc.stdout:
            raise AssertionError(f"no JSON from ansible-playbook:\n{proc.stdout}\n{proc.stderr}")
        return json.loads(proc.stdout[proc.stdout.index("{"):]), proc




def rest_put(lab, device, path, body):
    """One CMDB write outside Ansible (to break the lab for a test); fails the test when refused."""
    host = lab.hosts[device]
    request = urllib.request.Request(
        f"https://127.0.0.1:{host['ansible_httpapi_port']}/api/v2/cmdb/{path}", data=json.dumps(body).encode(),
        method="PUT", headers={"Authorization": f"Bearer {host['fortios_access_token']}"})
    with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=lab.state["ca_path"]),
                                timeout=30) as response:
        assert json.loads(response.read())["status"] == "success"
