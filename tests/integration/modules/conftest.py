"""One simulated lab for the configuration modules' tests, shared by the whole session."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
BIN = Path(sys.executable).parent


def fortigate_sim(*args, check=True):
    proc = subprocess.run([sys.executable, "-m", "fortigate_sim", *args], capture_output=True, text=True, timeout=180,
                          check=False)
    if check and proc.returncode != 0:
        raise AssertionError("fortigate-sim %s failed:\n%s\n%s" % (" ".join(args), proc.stdout, proc.stderr))
    return proc


class ModuleLab:
    """The running lab: playbook runs, request-log slices, faults and direct reads."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.inventory = workdir / "inventory.yml"
        hosts = yaml.safe_load(self.inventory.read_text())["all"]["children"]["fortigates"]["hosts"]
        self.tokens = {name: host["fortios_access_token"] for name, host in hosts.items()}

    def requests(self, device):
        path = self.workdir / device / "requests.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def mark(self, device):
        return len(self.requests(device))

    def writes_since(self, device, mark):
        return [r for r in self.requests(device)[mark:] if r["method"] in ("POST", "PUT", "DELETE")
                and "/api/v2/cmdb/" in r["path"]]

    def fault(self, device, *args):
        fortigate_sim("fault", "--workdir", str(self.workdir), "--device", device, *args)

    def clear_faults(self):
        fortigate_sim("fault", "--workdir", str(self.workdir), "--clear")

    def config(self, device):
        return fortigate_sim("show", "--workdir", str(self.workdir), "--device", device, "--full").stdout

    @staticmethod
    def result(report, task, host):
        """The result of the task named ``task`` on ``host`` in a json-callback report."""
        for play in report["plays"]:
            for entry in play["tasks"]:
                if entry["task"]["name"] == task and host in entry["hosts"]:
                    return entry["hosts"][host]
        raise KeyError((task, host))

    def playbook(self, name, *args, extra_vars=None, env=None):
        """Run playbooks/<name>; return (json report or None, completed process)."""
        environment = dict(os.environ)
        environment.update({
            "PATH": "%s:%s" % (BIN, environment.get("PATH", "")),
            "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".devcollections"),
            "ANSIBLE_HOME": str(REPO / ".cache" / "ansible-home"),
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_PERSISTENT_COMMAND_TIMEOUT": "60",
        })
        environment.update(env or {})
        command = [str(BIN / "ansible-playbook"), "-i", str(self.inventory), str(HERE / "playbooks" / name), *args]
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        proc = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)
        report = None
        if environment["ANSIBLE_STDOUT_CALLBACK"] == "ansible.posix.json" and "{" in proc.stdout:
            report = json.loads(proc.stdout[proc.stdout.index("{"):])
        return report, proc


@pytest.fixture(scope="session")
def module_lab(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("module-lab")
    fortigate_sim("start", "--lab", str(HERE / "labs" / "modules-lab.yml"), "--workdir", str(workdir))
    try:
        yield ModuleLab(workdir)
    finally:
        fortigate_sim("stop", "--workdir", str(workdir), check=False)
