"""The official fortinet.fortios 2.4.2 modules, unchanged, against the simulator over validated
HTTPS: FGT_B logs in with its API token, FGT_C with username/password (session key).

The runs are ordered (create, re-run, check mode, bad values, delete, delete again), so they live in
one test to keep the number of ansible-playbook processes small.
"""

from __future__ import annotations

from conftest import task_results

HOSTS = ("FGT_B", "FGT_C")
WRITES = {"POST", "PUT", "DELETE"}
CREATE_TASKS = ("phase1-interface present", "tunnel interface present", "loopback present",
                "phase2-interface present", "static route present", "bgp present",
                "bgp neighbor member present", "policies present", "policy move")


def _cmdb_writes(lab, marks):
    return [(host, e["method"], e["path"]) for host in HOSTS for e in lab.log_since(host, marks[host])
            if e["method"] in WRITES and e["path"].startswith("/api/v2/cmdb/")]


def _changed(results, task, host):
    result = results[(task, host)]
    if "results" in result:  # loops
        return [item["changed"] for item in result["results"]]
    return result["changed"]


def test_official_modules_lifecycle(lab):
    # 1. create
    first = lab.playbook("modules_present.yml")
    assert first["rc"] == 0, first["stderr"]
    results = task_results(first)
    for host in HOSTS:
        for task in CREATE_TASKS:
            changed = _changed(results, task, host)
            assert changed == [True, True] if task == "policies present" else changed is True, (task, host)
        status = results[("monitor fact", host)]["meta"]
        assert status["version"].startswith("v7.") and status["results"]["hostname"] == host
        fact = results[("configuration fact", host)]["meta"]["results"]
        assert fact == [{"name": "OVL1", "q_origin_key": "OVL1", "network-id": 1,
                         "psksecret": fact[0]["psksecret"]}] and fact[0]["psksecret"].startswith("ENC ")
    assert {e["auth"] for e in lab.log_since("FGT_B", 0) if e["path"].startswith("/api/v2/cmdb")} == {"token"}
    c_log = lab.log_since("FGT_C", 0)
    assert any(e["path"] == "/api/v2/authentication" and e["method"] == "POST" for e in c_log)
    assert {e["auth"] for e in c_log if e["path"].startswith("/api/v2/cmdb")} == {"session"}

    # 2. an identical second run changes nothing, and FortiOS said so (revision_changed false)
    marks = {host: lab.log_mark(host) for host in HOSTS}
    second = lab.playbook("modules_present.yml")
    assert second["rc"] == 0, second["stderr"]
    assert all(stats["changed"] == 0 for stats in second["stats"].values()), second["stats"]
    for host in HOSTS:
        writes = [e for e in lab.log_since(host, marks[host]) if e["method"] in WRITES
                  and e["path"].startswith("/api/v2/cmdb/")]
        assert writes and all(e["revision_changed"] is False for e in writes)

    # 3. check mode with different values: reports the change, writes nothing
    marks = {host: lab.log_mark(host) for host in HOSTS}
    check = lab.playbook("modules_present.yml", "-e", "variant=changed", check_mode=True)
    assert check["rc"] == 0, check["stderr"]
    results = task_results(check)
    for host in HOSTS:
        assert _changed(results, "phase1-interface present", host) is True
        assert _changed(results, "static route present", host) is True
        assert _changed(results, "phase2-interface present", host) is False
    assert _cmdb_writes(lab, marks) == []
    p1 = lab.get("FGT_B", "/api/v2/cmdb/vpn.ipsec/phase1-interface/OVL1").json["results"][0]
    assert p1["exchange-ip-addr4"] == "10.200.1.1"

    # 4. values FortiOS refuses fail with its cli_error; deleting a referenced phase1 fails (-23)
    bad = task_results(lab.playbook("modules_bad.yml"))
    expected = {"bad exchange ip": -651, "bad interface ip": -651, "bad phase1name": -651,
                "bad router id": -651, "bad route device": -651, "bad policy interface": -651,
                "delete referenced phase1": -23}
    for host in HOSTS:
        for task, code in expected.items():
            result = bad[(task, host)]
            assert result["failed"] is True, (task, host)
            assert result["meta"]["error"] == code, (task, host)
            assert f"Return code {code}" in result["meta"]["cli_error"], (task, host)
    assert lab.get("FGT_B", "/api/v2/cmdb/vpn.ipsec/phase1-interface/OVL1").status == 200

    # 5. delete everything, then again: the second time nothing changes
    gone = lab.playbook("modules_absent.yml")
    assert gone["rc"] == 0, gone["stderr"]
    assert all(stats["changed"] == 7 for stats in gone["stats"].values()), gone["stats"]
    for host in HOSTS:
        for path in ("vpn.ipsec/phase1-interface/OVL1", "vpn.ipsec/phase2-interface/OVL1",
                     "system/interface/OVL1", "system/interface/Lo0", "router/static/10",
                     "firewall/policy/101", "router/bgp/neighbor/10.200.0.254"):
            assert lab.get(host, f"/api/v2/cmdb/{path}").status == 404, (host, path)
    again = lab.playbook("modules_absent.yml")
    assert again["rc"] == 0, again["stderr"]
    assert all(stats["changed"] == 0 for stats in again["stats"].values()), again["stats"]
