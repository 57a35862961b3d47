"""Expired sessions are logged in again once; a wrong token is not (issue 9, item 10)."""

LOGINS = {"SITE_A": ("POST", "/api/v2/authentication"), "OLD_COOKIE": ("POST", "/logincheck")}


def test_an_expired_session_is_logged_in_again_once_and_later_tasks_work(module_lab):
    marks = {device: module_lab.mark(device) for device in ("SITE_A", "OLD_COOKIE", "HUB_OLD")}
    for device in LOGINS:
        module_lab.fault(device, "--method", "GET", "--path-pattern", "firewall/address/session-net-2",
                         "--status", "401", "--count", "1")
    try:
        report, proc = module_lab.playbook("session_login.yml")
    finally:
        module_lab.clear_faults()
    for device, login in LOGINS.items():
        for task in ("First task, logs in", "Second task, its read meets the expired session", "Third task"):
            result = module_lab.result(report, task, device)
            assert result.get("failed") is not True and result["changed"], (device, task, result.get("msg"))
        requests = [(r["method"], r["path"], r["status"]) for r in module_lab.requests(device)[marks[device]:]]
        expired = requests.index(("GET", "/api/v2/cmdb/firewall/address/session-net-2", 401))
        repeated = requests.index(("GET", "/api/v2/cmdb/firewall/address/session-net-2", 404))
        # Between the 401 and the repeated read: one login (6.4.0 first tries /api/v2/authentication, 404).
        assert requests[expired + 1:repeated][-1] == (*login, 200), requests
        assert {path for _method, path, _status in requests[expired + 1:repeated]} <= {"/api/v2/authentication", "/logincheck"}
        assert requests.count((*login, 200)) == 2, requests  # the first login and one more
        assert 'edit "session-net-3"' in module_lab.config(device)
    assert proc.returncode == 0, proc.stdout[-2000:]

    wrong = module_lab.result(report, "Wrong token", "HUB_OLD")
    assert wrong["failed"] and "Invalid access token" in wrong["msg"]
    hub = module_lab.requests("HUB_OLD")[marks["HUB_OLD"]:]
    # One 401 (fortinet.fortios' token check at connection start), no login with the user and password.
    assert [r["status"] for r in hub if r["status"] == 401] == [401]
    logins = ("/api/v2/authentication", "/logincheck")
    assert [r for r in hub if (r["method"] == "POST" and r["path"] in logins) or r["path"].startswith("/api/v2/cmdb/")] == []
