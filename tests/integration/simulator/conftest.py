"""One simulated lab per test session (``tests/integration/simulator/labs/test-lab.yml``).

``lab`` gives tests direct HTTPS access (validated against the lab CA), request-log slicing and a
way to run ``ansible-playbook`` against the generated inventory. Whatever a test starts, it stops.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

import pytest
from lab_support import SimLab, fortigate_sim, running_lab

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


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


class Lab(SimLab):
    """The shared lab handle, plus raw HTTP(S) requests with a choice of credentials."""

    def __init__(self, workdir: Path):
        super().__init__(workdir, HERE / "playbooks")
        self.inventory_path = self.inventory
        self.ssl = self._ssl

    def reload(self) -> None:
        """Read the state and inventory again (after a restart: new ports, same credentials)."""
        self.__init__(self.workdir)

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
        req = urllib.request.Request(f"{scheme}://{host['ansible_host']}:{port}{path}", data=data, method=method,
                                     headers=hdrs)
        try:
            with urllib.request.urlopen(req, context=self.ssl if scheme == "https" else None, timeout=15) as resp:
                return Response(resp.status, resp.read().decode(), resp.headers)
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read().decode(), exc.headers)

    def get(self, device, path, **kw):
        return self.request(device, "GET", path, **kw)

    log_mark = SimLab.mark

    def log_since(self, device: str, mark: int) -> list[dict]:
        return self.requests_since(device, mark)

    def playbook(self, name: str, *extra: str, check_mode: bool = False) -> dict:
        """Run a playbook from ``playbooks/`` with the json callback; returns the parsed report."""
        report, proc = super().playbook(name, *extra, *(["--check"] if check_mode else []),
                                        env={"ANSIBLE_HOST_KEY_CHECKING": "False"})
        report["rc"] = proc.returncode
        report["stderr"] = proc.stderr
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
    with running_lab(tmp_path_factory.mktemp("fortigate-sim-lab"), HERE / "labs" / "test-lab.yml", Lab) as started:
        yield started


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

    def clear_shortcuts(self, *devices: str, parent: str = "H1_ISP1") -> None:
        """Delete each device's first ADVPN shortcut of ``parent`` (none left over from another test)."""
        for device in devices:
            self.cli(device, f"diagnose vpn ike gateway clear name {parent}_0")

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
