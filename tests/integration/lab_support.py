"""What every integration suite needs from a running simulated lab.

Each suite (simulator, connection, modules) starts one lab per pytest session from its own
lab file and stops it at the end; this module holds the shared pieces: the fortigate-sim
command, the environment ansible-playbook runs in, and a lab handle with the request log,
faults, configuration and playbook runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def fortigate_sim(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``fortigate-sim`` with the test interpreter; fail the test with its output when it fails."""
    proc = subprocess.run([sys.executable, "-m", "fortigate_sim", *args], capture_output=True, text=True,
                          timeout=180, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"fortigate-sim {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def ssh_exec(host: dict, text: str) -> str:
    """Output of ``text`` (one or more CLI lines) run over a device's SSH CLI (one exec request);
    ``host`` is the device's inventory entry (``ansible_host``, ``ansible_port``, credentials)."""
    import paramiko  # only the suites that talk SSH directly need it

    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host["ansible_host"], port=int(host["ansible_port"]), username=host["ansible_user"],
                   password=host["ansible_password"], look_for_keys=False, allow_agent=False, timeout=15)
    try:
        _stdin, stdout, _stderr = client.exec_command(text, timeout=30)
        return stdout.read().decode()
    finally:
        client.close()


def ansible_environment(**overrides: str) -> dict:
    """Environment for ansible-playbook: this checkout as overlay.fortigate, JSON output, no ~/.ansible."""
    environment = dict(os.environ)
    environment.update({
        "PATH": f"{BIN}:{environment.get('PATH', '')}",
        "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".devcollections"),
        "ANSIBLE_HOME": str(REPO / ".cache" / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(REPO / ".cache" / "ansible-tmp"),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_PERSISTENT_COMMAND_TIMEOUT": "60",
    })
    environment.pop("SSL_CERT_FILE", None)  # certificates are checked through ansible_httpapi_ca_path
    environment.update(overrides)
    return environment


def task_result(report: dict, task: str, host: str) -> dict:
    """The result of the task named ``task`` on ``host`` in a json-callback report."""
    for play in report["plays"]:
        for entry in play["tasks"]:
            if entry["task"]["name"] == task and host in entry["hosts"]:
                return entry["hosts"][host]
    raise KeyError((task, host))


class SimLab:
    """A running lab: inventory, request log, faults, configuration, REST reads, playbooks."""

    def __init__(self, workdir: Path, playbooks: Path):
        self.workdir = workdir
        self.playbooks = playbooks
        self.inventory = workdir / "inventory.yml"
        self.state = json.loads((workdir / "state.json").read_text())
        self.hosts = yaml.safe_load(self.inventory.read_text())["all"]["children"]["fortigates"]["hosts"]
        self.tokens = {name: host["fortios_access_token"] for name, host in self.hosts.items()}
        self._ssl = ssl.create_default_context(cafile=self.state["ca_path"])

    result = staticmethod(task_result)

    # ---- request log ---------------------------------------------------------------------------
    def requests(self, device: str) -> list[dict]:
        path = self.workdir / device / "requests.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def mark(self, device: str) -> int:
        return len(self.requests(device))

    def requests_since(self, device: str, mark: int, path_part: str = "") -> list[dict]:
        return [r for r in self.requests(device)[mark:] if path_part in r["path"]]

    def writes_since(self, device: str, mark: int) -> list[dict]:
        """CMDB writes (POST, PUT, DELETE) logged since ``mark``."""
        return [r for r in self.requests(device)[mark:]
                if r["method"] in ("POST", "PUT", "DELETE") and "/api/v2/cmdb/" in r["path"]]

    # ---- device side ---------------------------------------------------------------------------
    def fault(self, device: str, *args: str) -> None:
        fortigate_sim("fault", "--workdir", str(self.workdir), "--device", device, *args)

    def clear_faults(self) -> None:
        fortigate_sim("fault", "--workdir", str(self.workdir), "--clear")

    def config(self, device: str) -> str:
        """The device's whole configuration as FortiOS CLI text."""
        return fortigate_sim("show", "--workdir", str(self.workdir), "--device", device, "--full").stdout

    def rest_get(self, device: str, path: str) -> dict:
        return self.rest(device, "GET", path)

    def rest(self, device: str, method: str, path: str, body: dict | None = None) -> dict:
        """One REST request with the device's API token; the decoded answer, errors included."""
        host = self.hosts[device]
        request = urllib.request.Request(
            f"https://{host['ansible_host']}:{host['ansible_httpapi_port']}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {host['fortios_access_token']}", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, context=self._ssl, timeout=15) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return json.loads(exc.read())

    def command(self, device: str, line: str) -> str:
        """An operational command (``execute ping``, ``get router info bgp summary``…) run on the device
        through the lab's admin API: the same code as the SSH CLI, without an SSH login per command."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.state['admin_port']}/devices/{device}/command",
            data=json.dumps({"command": line}).encode(), method="POST",
            headers={"X-Sim-Admin-Key": self.state["admin_key"], "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            output = json.loads(response.read())["output"]
        if output is None:
            raise AssertionError(f"{device}: {line!r} is not an operational command the simulator knows")
        return output

    # ---- ansible-playbook ----------------------------------------------------------------------
    def playbook(self, name: str, *args: str, extra_vars: dict | None = None,
                 env: dict | None = None) -> tuple[dict | None, subprocess.CompletedProcess]:
        """Run ``<playbooks>/<name>``; return (json report, or None with another callback; process)."""
        environment = ansible_environment(**(env or {}))
        command = [str(BIN / "ansible-playbook"), "-i", str(self.inventory), str(self.playbooks / name), *args]
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        proc = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)
        if environment["ANSIBLE_STDOUT_CALLBACK"] != "ansible.posix.json":
            return None, proc
        if "{" not in proc.stdout:
            raise AssertionError(f"no JSON from ansible-playbook:\n{proc.stdout}\n{proc.stderr}")
        return json.loads(proc.stdout[proc.stdout.index("{"):]), proc


@contextlib.contextmanager
def running_lab(workdir: Path, lab_file: Path, make=None):
    """Start ``lab_file`` in ``workdir``, yield ``make(workdir)`` (or the workdir), always stop it."""
    fortigate_sim("start", "--lab", str(lab_file), "--workdir", str(workdir))
    try:
        yield make(workdir) if make else workdir
    finally:
        fortigate_sim("stop", "--workdir", str(workdir), check=False)
