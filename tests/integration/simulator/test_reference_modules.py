"""The fortinet.fortios module of every CMDB path of the ADVPN reference design, unchanged, against the
simulator (FGT_B of the shared lab, 7.4.4, token login).

The playbooks are generated from ``reference_modules.yml`` (one task per module): create, an
identical re-run (``changed: false``, FortiOS said ``revision_changed: false``), check mode with other
values (reports the change, writes nothing per the request log), delete (tables; singletons go back
to their reset values). Four ansible-playbook runs for all modules.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import task_results

HERE = Path(__file__).resolve().parent
ENTRIES = yaml.safe_load((HERE / "reference_modules.yml").read_text())
HOST = "FGT_B"
WRITES = {"POST", "PUT", "DELETE"}


def option(entry: dict) -> str:
    """The module's option holding the object: ``fortios_system_sdwan`` -> ``system_sdwan``."""
    return entry["module"][len("fortios_"):]


def table_key(entry: dict) -> tuple[str, str]:
    """(``system/sdwan``, mkey option or '') of an entry, from the simulator's catalog."""
    from fortigate_sim.schema import TABLES

    name = option(entry)
    for key in TABLES:
        if key.replace(".", "_").replace("/", "_").replace("-", "_") == name:
            mkey = TABLES[key].mkey
            return key, (mkey.replace("-", "_") if mkey else "")
    raise KeyError(name)


def task(entry: dict, state: str, values: dict) -> dict:
    args = {"vdom": "root", "access_token": "{{ fortios_access_token }}", option(entry): values}
    if table_key(entry)[1]:
        args["state"] = state
    return {"name": f"{option(entry)} {state}", f"fortinet.fortios.{entry['module']}": args}


def playbook(path: Path, tasks: list[dict]) -> str:
    path.write_text(yaml.safe_dump([{"name": path.stem, "hosts": HOST, "gather_facts": False, "tasks": tasks}],
                                   sort_keys=False))
    return str(path)


def cmdb_writes(lab, mark: int) -> list[dict]:
    return [e for e in lab.log_since(HOST, mark) if e["method"] in WRITES and e["path"].startswith("/api/v2/cmdb/")]


def changed_by_task(report: dict) -> dict[str, bool]:
    return {name: result["changed"] for (name, host), result in task_results(report).items() if host == HOST}


@pytest.fixture(scope="module")
def playbooks(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("reference-modules")
    absent = []
    for entry in reversed(ENTRIES):
        _key, mkey = table_key(entry)
        values = {mkey: entry["present"][mkey]} if mkey else entry["reset"]
        absent.append(task(entry, "absent" if mkey else "present", values))
    return {
        "present": playbook(folder / "present.yml", [task(e, "present", e["present"]) for e in ENTRIES]),
        "changed": playbook(folder / "changed.yml", [task(e, "present", {**e["present"], **e["changed"]})
                                                     for e in ENTRIES]),
        "absent": playbook(folder / "absent.yml", absent),
    }


def test_reference_design_modules_lifecycle(lab, playbooks):
    paths = [f"/api/v2/cmdb/{table_key(e)[0]}" for e in ENTRIES]
    assert len(ENTRIES) == 11

    # 1. create: every task changes the device, and the objects read back
    first = lab.playbook(playbooks["present"])
    assert first["rc"] == 0, first["stderr"]
    assert set(changed_by_task(first).values()) == {True}, changed_by_task(first)
    for entry, path in zip(ENTRIES, paths):
        _key, mkey = table_key(entry)
        key = entry["present"][mkey] if mkey else None
        got = lab.get(HOST, f"{path}/{key}" if key is not None else path)
        assert got.status == 200, (path, got.text)
    sdwan = lab.get(HOST, "/api/v2/cmdb/system/sdwan").json["results"]
    assert [m["interface"] for m in sdwan["members"]] == ["port1"]
    assert sdwan["health-check"][0]["members"] == [{"seq-num": 1, "q_origin_key": 1}]
    assert sdwan["neighbor"][0]["ip"] == "10.200.1.253"
    assert lab.get(HOST, "/api/v2/cmdb/system/settings").json["results"]["location-id"] == "10.200.1.1"

    # 2. identical re-run: nothing changes, and FortiOS said so
    mark = lab.log_mark(HOST)
    second = lab.playbook(playbooks["present"])
    assert second["rc"] == 0, second["stderr"]
    assert set(changed_by_task(second).values()) == {False}, changed_by_task(second)
    writes = cmdb_writes(lab, mark)
    assert len(writes) == len(ENTRIES) and all(e["revision_changed"] is False for e in writes), writes

    # 3. check mode with other values: every module reports the change, nothing is written
    mark = lab.log_mark(HOST)
    check = lab.playbook(playbooks["changed"], check_mode=True)
    assert check["rc"] == 0, check["stderr"]
    assert set(changed_by_task(check).values()) == {True}, changed_by_task(check)
    assert cmdb_writes(lab, mark) == []

    # 4. delete (singletons: back to their reset values)
    gone = lab.playbook(playbooks["absent"])
    assert gone["rc"] == 0, gone["stderr"]
    assert set(changed_by_task(gone).values()) == {True}, changed_by_task(gone)
    for entry, path in zip(ENTRIES, paths):
        _key, mkey = table_key(entry)
        if mkey:
            assert lab.get(HOST, f"{path}/{entry['present'][mkey]}").status == 404, path
    sdwan = lab.get(HOST, "/api/v2/cmdb/system/sdwan").json["results"]
    assert (sdwan["status"], sdwan["members"], sdwan["health-check"]) == ("disable", [], [])
