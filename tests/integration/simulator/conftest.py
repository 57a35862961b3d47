"""One simulated lab per test session (``tests/integration/simulator/labs/test-lab.yml``).

``lab`` gives tests direct HTTPS access (validated against the lab CA), request-log slicing and a
way to run ``ansible-playbook`` against the generated inventory. Whatever a test starts, it stops.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml
from lab_support import ansible_environment, fortigate_sim

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
VENV_BIN = Path(sys.executable).parent


# The simulator tests call fortigate-sim as ``sim``.
sim = fortigate_sim


class Response:
    def __init__(self, status: int, body: str, headers):
        self.status = status
        self.text = body
        self.headers = headers

    @property
    def json(self) -> Any:
        return json.loads(self.text)


class Lab:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.inventory_path = workdir / "inventory.yml"
        self.reload()

    def reload(self) -> None:
        self.state = json.loads((self.workdir / "state.json").read_text())
        self.inventory = yaml.safe_load(self.inventory_path.read_text())
        self.hosts = self.inventory["all"]["children"]["fortigates"]["hosts"]
        self.ssl = ssl.create_default_context(cafile=self.state["ca_path"])

    def host(self, device: str) -> dict:
        return self.hosts[device]

    def request(self, device: str, method: str, path: str, body: Any = None, *, auth: Optional[str] = "token",
                headers: Optional[dict] = None, raw: Optional[bytes] = None, scheme: str = "https") -> Response:
        host = self.host(device)
        port = host["ansible_httpapi_port"] if scheme == "https" else host["fortigate_sim_http_port"]
        hdrs = {"Accept": "application/json", **(headers or {})}
        if auth == "token":
            hdrs["Authorization"] = f"Bearer {host['fortios_access_token']}"
        elif auth:
            hdrs["Authorization"] = f"Bearer {auth}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(f"{scheme}://127.0.0.1:{port}{path}", data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, context=self.ssl if scheme == "https" else None, timeout=15) as resp:
                return Response(resp.status, resp.read().decode(), resp.headers)
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read().decode(), exc.headers)

    def get(self, device, path, **kw):
        return self.request(device, "GET", path, **kw)

    def log_mark(self, device: str) -> int:
        path = self.workdir / device / "requests.jsonl"
        return len(path.read_text().splitlines()) if path.exists() else 0

    def log_since(self, device: str, mark: int) -> list[dict]:
        lines = (self.workdir / device / "requests.jsonl").read_text().splitlines()
        return [json.loads(line) for line in lines[mark:]]

    def playbook(self, name: str, *extra: str, check_mode: bool = False) -> dict:
        """Run a playbook from ``playbooks/`` with the json callback; returns the parsed report."""
        env = ansible_environment(ANSIBLE_HOST_KEY_CHECKING="False")
        command = [str(VENV_BIN / "ansible-playbook"), "-i", str(self.inventory_path),
                   str(HERE / "playbooks" / name), *extra]
        if check_mode:
            command.append("--check")
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
        try:
            report = json.loads(result.stdout[result.stdout.index("{"):])
        except ValueError:
            raise AssertionError(f"no JSON from ansible-playbook:\n{result.stdout}\n{result.stderr}") from None
        report["rc"] = result.returncode
        report["stderr"] = result.stderr
        return report


def task_results(report: dict) -> dict[tuple[str, str], dict]:
    """(task name, host) -> that host's result, across all plays of a json-callback report."""
    out = {}
    for play in report["plays"]:
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                out[(task["task"]["name"], host)] = result
    return out


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    workdir = tmp_path_factory.mktemp("fortigate-sim-lab")
    sim("start", "--lab", str(HERE / "labs" / "test-lab.yml"), "--workdir", str(workdir))
    try:
        yield Lab(workdir)
    finally:
        sim("stop", "--workdir", str(workdir), check=False)


# ---- tunnel-model tests: embedded labs, one per session each, with a frozen clock ----------------

LABS_DIR = REPO / "simulator" / "labs"


class ModelLab(Lab):
    """A lab plus the admin-API calls the model tests use (operational commands, clock)."""

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.state['admin_port']}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"X-Sim-Admin-Key": self.state["admin_key"], "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode())

    def cli(self, device: str, command: str) -> str:
        """Output of an operational command (the function the SSH CLI uses); fails on None."""
        output = self.admin("POST", f"/devices/{device}/command", {"command": command})["output"]
        assert output is not None, f"{command!r} is not an operational command"
        return output

    def advance(self, seconds: float) -> float:
        return self.admin("POST", "/clock", {"advance": seconds})["now"]

    def put(self, device: str, path: str, body: dict) -> Response:
        resp = self.request(device, "PUT", path, body)
        assert resp.status == 200, resp.text
        return resp


@pytest.fixture(scope="session")
def model_labs(tmp_path_factory):
    """``model_labs(name_or_path)`` starts a lab once per session (clock frozen: speed 0)."""
    started: dict[str, ModelLab] = {}

    def get(name: str) -> ModelLab:
        if name not in started:
            lab_file = Path(name) if name.endswith(".yml") else LABS_DIR / f"{name}.yml"
            workdir = tmp_path_factory.mktemp(f"model-{Path(name).stem}")
            sim("start", "--lab", str(lab_file), "--workdir", str(workdir))
            lab = ModelLab(workdir)
            started[name] = lab
            lab.admin("POST", "/clock", {"speed": 0})
        return started[name]

    try:
        yield get
    finally:
        for lab in started.values():
            sim("stop", "--workdir", str(lab.workdir), check=False)
