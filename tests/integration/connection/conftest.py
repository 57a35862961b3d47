"""One simulated lab for the connection-plugin tests (``labs/connection-lab.yml``), shared by the session.

``connection_lab`` runs playbooks from ``playbooks/`` (json callback), reads the request log, reads
the CMDB over HTTPS, injects faults and opens raw SSH shells. ``faults`` clears every injected
fault when the test ends, so no test leaks one into the next.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import paramiko
import pytest
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
BIN = Path(sys.executable).parent
CLI_VARS = {"ansible_connection": "ansible.netcommon.network_cli", "ansible_port": "{{ fortigate_sim_ssh_port }}"}


def fortigate_sim(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "fortigate_sim", *args], capture_output=True, text=True,
                          timeout=180, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"fortigate-sim {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


class Shell:
    """An interactive SSH shell (PTY 80x24, as network_cli opens it) for prompt-level tests."""

    def __init__(self, host: dict, password: str | None = None):
        self.client = paramiko.SSHClient()
        self.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        self.client.connect("127.0.0.1", port=host["fortigate_sim_ssh_port"], username=host["ansible_user"],
                            password=password or host["ansible_password"], look_for_keys=False,
                            allow_agent=False, timeout=10)
        self.channel = self.client.invoke_shell(width=80, height=24)
        self.channel.settimeout(10)
        self.banner = self.read_until(" # ")

    def read_until(self, *endings: str, timeout: float = 10) -> str:
        data = ""
        deadline = time.monotonic() + timeout
        while not data.endswith(endings):
            if time.monotonic() > deadline:
                raise AssertionError(f"no {endings!r} after {data!r}")
            data += self.channel.recv(65536).decode()
        return data

    def send(self, text: str, *endings: str) -> str:
        """Send raw keys and read up to one of ``endings`` (a prompt by default)."""
        self.channel.send(text)
        return self.read_until(*(endings or (" # ",)))

    def run(self, line: str) -> tuple[str, str]:
        """(output without the echo, prompt) of one command line."""
        raw = self.send(line + "\r").replace("\r\n", "\n")
        echo, rest = raw.split("\n", 1) if "\n" in raw else (raw, "")
        assert echo == line, raw
        output, prompt = rest.rsplit("\n", 1) if "\n" in rest else ("", rest)
        return (output + "\n" if output else ""), prompt

    def close(self) -> None:
        self.client.close()


class ConnectionLab:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.inventory = workdir / "inventory.yml"
        self.state = json.loads((workdir / "state.json").read_text())
        self.hosts = yaml.safe_load(self.inventory.read_text())["all"]["children"]["fortigates"]["hosts"]
        self._ssl = ssl.create_default_context(cafile=self.state["ca_path"])

    # ---- REST and request log ----------------------------------------------------------------
    def rest_get(self, device: str, path: str) -> dict:
        host = self.hosts[device]
        request = urllib.request.Request(
            f"https://127.0.0.1:{host['ansible_httpapi_port']}{path}",
            headers={"Authorization": f"Bearer {host['fortios_access_token']}", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, context=self._ssl, timeout=15) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return json.loads(exc.read())

    def requests(self, device: str) -> list[dict]:
        path = self.workdir / device / "requests.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def mark(self, device: str) -> int:
        return len(self.requests(device))

    def requests_since(self, device: str, mark: int, path_part: str = "") -> list[dict]:
        return [r for r in self.requests(device)[mark:] if path_part in r["path"]]

    # ---- faults ------------------------------------------------------------------------------
    def fault(self, device: str, *args: str) -> None:
        fortigate_sim("fault", "--workdir", str(self.workdir), "--device", device, *args)

    def clear_faults(self) -> None:
        fortigate_sim("fault", "--workdir", str(self.workdir), "--clear")

    # ---- ansible-playbook --------------------------------------------------------------------
    def playbook(self, name: str, *args: str, extra_vars: dict | None = None, cli: bool = False,
                 env: dict | None = None) -> tuple[dict, subprocess.CompletedProcess]:
        """Run playbooks/<name>; ``cli=True`` switches the hosts to network_cli over SSH."""
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
        environment.update(env or {})
        command = [str(BIN / "ansible-playbook"), "-i", str(self.inventory), str(HERE / "playbooks" / name), *args]
        variables = {**(CLI_VARS if cli else {}), **(extra_vars or {})}
        if variables:
            command += ["-e", json.dumps(variables)]
        proc = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)
        if "{" not in proc.stdout:
            raise AssertionError(f"no JSON from ansible-playbook:\n{proc.stdout}\n{proc.stderr}")
        return json.loads(proc.stdout[proc.stdout.index("{"):]), proc

    @staticmethod
    def result(report: dict, task: str, host: str) -> dict:
        for play in report["plays"]:
            for entry in play["tasks"]:
                if entry["task"]["name"] == task and host in entry["hosts"]:
                    return entry["hosts"][host]
        raise KeyError((task, host))

    # ---- SSH ---------------------------------------------------------------------------------
    def shell(self, device: str, password: str | None = None) -> Shell:
        return Shell(self.hosts[device], password)


@pytest.fixture(scope="session")
def connection_lab(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("connection-lab")
    fortigate_sim("start", "--lab", str(HERE / "labs" / "connection-lab.yml"), "--workdir", str(workdir))
    try:
        yield ConnectionLab(workdir)
    finally:
        fortigate_sim("stop", "--workdir", str(workdir), check=False)


@pytest.fixture
def faults(connection_lab):
    """Inject faults through this fixture's lab; all of them are cleared when the test ends."""
    try:
        yield connection_lab
    finally:
        connection_lab.clear_faults()


@pytest.fixture
def shell(connection_lab):
    """Open raw SSH shells; each is closed when the test ends."""
    opened: list[Shell] = []

    def open_shell(device: str, password: str | None = None) -> Shell:
        opened.append(connection_lab.shell(device, password))
        return opened[-1]

    try:
        yield open_shell
    finally:
        for item in opened:
            item.close()
