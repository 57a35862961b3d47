"""What the advpn_validate suite shares: the lab handle with the fabric's plan, the fault catalogue, paths."""

import json
import subprocess
from pathlib import Path

import yaml
from lab_support import BIN, SimLab, ansible_environment

HERE = Path(__file__).resolve().parent
INTENT = HERE / "inventory" / "intent.yml"
PSK = "advpn-validate-lab-psk"  # the lab's (labs/advpn-validate.yml)
FAULTS = yaml.safe_load((HERE / "faults.yml").read_text())["faults"]


class ValidateLab(SimLab):
    """The lab plus the fabric's intent as a second inventory (the PSK from the environment, as AWX gives it)."""

    def __init__(self, workdir, playbooks, intent=INTENT):
        super().__init__(workdir, playbooks)
        self.intent = intent

    def run(self, playbook, *args, extra_vars=None):
        """ansible-playbook of ``playbook`` (a path, or a collection playbook by name) on the lab and the intent."""
        command = [str(BIN / "ansible-playbook"), "-i", str(self.inventory), "-i", str(self.intent), str(playbook), *args]
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        proc = subprocess.run(command, capture_output=True, text=True, env=ansible_environment(
            OVERLAY_FORTIGATE_ADVPN_PSK=PSK, ANSIBLE_FORKS="10"), timeout=1800, check=False)
        if "{" not in proc.stdout:
            raise AssertionError(f"no JSON from ansible-playbook:\n{proc.stdout}\n{proc.stderr}")
        return json.loads(proc.stdout[proc.stdout.index("{"):]), proc
