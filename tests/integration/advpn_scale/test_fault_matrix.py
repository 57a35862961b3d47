"""A representative part of the fault matrix (bench/advpn/fault_matrix.py runs all 18 cells).

One 1-hub, 1-spoke lab for the module. Each cell drifts SPOKE1 so its deploy needs a POST, a PUT
and a DELETE, injects one fault once on one method and deploys SPOKE1 (fault_cells.py):
- a dropped connection on the POST: the engine reads the entry back and repeats the create once;
- a 500 on the PUT (the device refused): the run fails naming the object and the error, the
  object is as before, and a re-run converges;
- a dropped connection on the DELETE: the httpapi plugin repeats it.
"""

from __future__ import annotations

import pytest
from fault_cells import SPOKE, cell
from lab_support import running_lab
from scale_support import make_lab, write_lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab_file, intent_file = write_lab(tmp_path_factory.mktemp("faults-files"), 1)
    with running_lab(tmp_path_factory.mktemp("faults-lab"), lab_file, make_lab(intent_file)) as running:
        proc = running.advpn("advpn_deploy.yml")[1]
        assert proc.returncode == 0, proc.stdout[-3000:]
        yield running


@pytest.mark.parametrize(("fault", "method", "expected", "reported"), [
    ("dropped connection", "POST", "converged", ""),
    ("500", "PUT", "failed cleanly, re-run converged",
     "objects[2] (firewall/address advpn-corp-lan): PUT firewall/address/advpn-corp-lan (vdom root) failed: HTTP 500"),
    ("dropped connection", "DELETE", "converged", ""),
])
def test_fault_cell(lab, fault, method, expected, reported):
    mark = lab.mark(SPOKE)
    outcome, message = cell(lab, method, fault)[::2]
    assert (outcome, message) == (expected, reported)
    faulted = [r for r in lab.requests_since(SPOKE, mark) if r.get("fault")]
    assert [(r["method"], r["fault"]) for r in faulted] == [(method, "drop" if "dropped" in fault else fault)]
