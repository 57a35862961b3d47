"""One simulated lab for the connection-plugin tests (``labs/connection-lab.yml``), shared by the session.

``connection_lab`` runs playbooks from ``playbooks/`` (json callback), reads the request log, reads
the CMDB over HTTPS, injects faults and opens raw SSH shells. ``faults`` clears every injected
fault when the test ends, so no test leaks one into the next.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import paramiko
import pytest
from lab_support import SimLab, running_lab

HERE = Path(__file__).resolve().parent
# The inventory's ansible_port is the SSH port: switching the connection is enough.
CLI_VARS = {"ansible_connection": "ansible.netcommon.network_cli"}


class Shell:
    """An interactive SSH shell (PTY 80x24, as network_cli opens it) for prompt-level tests."""

    def __init__(self, host: dict, password: str | None = None):
        self.client = paramiko.SSHClient()
        self.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        self.client.connect(host["ansible_host"], port=host["ansible_port"], username=host["ansible_user"],
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


class ConnectionLab(SimLab):
    """The shared lab, plus playbook runs over network_cli and raw SSH shells."""

    def playbook(self, name: str, *args: str, extra_vars: dict | None = None, cli: bool = False,
                 env: dict | None = None) -> tuple[dict, subprocess.CompletedProcess]:
        """Run playbooks/<name>; ``cli=True`` switches the hosts to network_cli over SSH."""
        variables = {**(CLI_VARS if cli else {}), **(extra_vars or {})}
        return super().playbook(name, *args, extra_vars=variables or None, env=env)

    def shell(self, device: str, password: str | None = None) -> Shell:
        return Shell(self.hosts[device], password)


@pytest.fixture(scope="session")
def connection_lab(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("connection-lab"), HERE / "labs" / "connection-lab.yml",
                     lambda workdir: ConnectionLab(workdir, HERE / "playbooks")) as lab:
        yield lab


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
