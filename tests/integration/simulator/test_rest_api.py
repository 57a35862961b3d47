"""FortiOS REST semantics of the simulator, checked over HTTPS with certificate validation."""

from __future__ import annotations

import ipaddress
import json
import time
import urllib.error
import urllib.request

import pytest

from conftest import sim

P1 = "/api/v2/cmdb/vpn.ipsec/phase1-interface"
P2 = "/api/v2/cmdb/vpn.ipsec/phase2-interface"
ADDR = "/api/v2/cmdb/firewall/address"
BGP = "/api/v2/cmdb/router/bgp"
POLICY = "/api/v2/cmdb/firewall/policy"


def test_system_status_and_token_auth(lab):
    resp = lab.get("FGT_A", "/api/v2/monitor/system/status")
    assert resp.status == 200
    body = resp.json
    assert body["version"] == "v7.4.5" and isinstance(body["build"], int)
    assert body["serial"].startswith("FGVM") and body["results"]["hostname"] == "FGT_A"
    assert lab.get("FGT_A", "/api/v2/monitor/system/status", auth="not-a-token").status == 401
    missing = lab.get("FGT_A", "/api/v2/cmdb/system/global", auth=None)
    assert missing.status == 401 and missing.json["http_status"] == 401
    # Plain HTTP is served too when the device enables it.
    assert lab.get("FGT_A", "/api/v2/monitor/system/status", scheme="http").status == 200


def test_token_in_query_depends_on_release(lab):
    for device, expected in (("FGT_A", 401), ("FGT_OLD", 200)):
        token = lab.host(device)["fortios_access_token"]
        resp = lab.get(device, f"/api/v2/monitor/system/status?access_token={token}", auth=None)
        assert resp.status == expected, device


def test_session_key_login_and_logout_ignores_basic_auth(lab):
    host = lab.host("FGT_A")
    creds = {"username": host["ansible_user"], "secretkey": host["ansible_password"],
             "password": host["ansible_password"], "request_key": True}
    resp = lab.request("FGT_A", "POST", "/api/v2/authentication", creds, auth=None,
                       headers={"Authorization": "Basic Zm9vOmJhcg==", "Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 200 and resp.json["status_message"] == "LOGIN_SUCCESS"
    key = resp.json["session_key"]
    assert lab.get("FGT_A", "/api/v2/cmdb/system/global", auth=key).status == 200
    assert lab.request("FGT_A", "DELETE", "/api/v2/authentication", auth=key).status == 200
    assert lab.get("FGT_A", "/api/v2/cmdb/system/global", auth=key).status == 401
    # Releases before 6.4.2 have no such endpoint: the plugin then falls back to /logincheck.
    assert lab.request("FGT_OLD", "POST", "/api/v2/authentication", creds, auth=None).status == 404


def _cookie_login(lab, device):
    host = lab.host(device)
    form = f"username={host['ansible_user']}&secretkey={host['ansible_password']}&ajax=1".encode()
    resp = lab.request(device, "POST", "/logincheck", raw=form, auth=None)
    assert resp.status == 200 and resp.text.startswith("1")
    cookies = resp.headers.get_all("Set-Cookie")
    aps = next(c.split(";")[0] for c in cookies if "APSCOOKIE_" in c)
    csrf = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("ccsrftoken="))
    return aps, csrf


def test_cookie_login_requires_csrf_on_writes(lab):
    aps, csrf = _cookie_login(lab, "FGT_OLD")
    assert lab.get("FGT_OLD", "/api/v2/cmdb/system/global", auth=None, headers={"Cookie": aps}).status == 200
    body = {"alias": "old-box"}
    path = "/api/v2/cmdb/system/global"
    assert lab.request("FGT_OLD", "PUT", path, body, auth=None, headers={"Cookie": aps}).status == 403
    ok = lab.request("FGT_OLD", "PUT", path, body, auth=None, headers={"Cookie": aps, "X-CSRFTOKEN": csrf})
    assert ok.status == 200 and ok.json["revision_changed"] is True
    assert lab.request("FGT_OLD", "POST", "/logout", auth=None, headers={"Cookie": aps}).status == 200
    assert lab.get("FGT_OLD", path, auth=None, headers={"Cookie": aps}).status == 401


def test_lockout_after_repeated_failures(lab):
    creds = {"username": "lockme", "secretkey": "wrong", "request_key": True}
    for _attempt in range(3):
        resp = lab.request("FGT_A", "POST", "/api/v2/authentication", creds, auth=None)
        assert resp.json["status_message"] == "LOGIN_FAILED"
    locked = lab.request("FGT_A", "POST", "/api/v2/authentication", creds, auth=None)
    assert locked.status == 429 and locked.json["status_code"] == -4
    form = b"username=lockme&secretkey=wrong&ajax=1"
    assert lab.request("FGT_A", "POST", "/logincheck", raw=form, auth=None).text.startswith("2")
    # Other users (and tokens) are not affected.
    host = lab.host("FGT_A")
    good = {"username": host["ansible_user"], "secretkey": host["ansible_password"], "request_key": True}
    assert lab.request("FGT_A", "POST", "/api/v2/authentication", good, auth=None).json["status_code"] == 5


def test_crud_revision_and_error_envelopes(lab):
    body = {"name": "net-1", "subnet": "10.9.0.0/24", "comment": "x"}
    created = lab.request("FGT_A", "POST", f"{ADDR}?vdom=root", body)
    assert created.status == 200 and created.json["revision_changed"] is True
    assert created.json["mkey"] == "net-1"
    got = lab.get("FGT_A", f"{ADDR}/net-1?vdom=root").json
    assert isinstance(got["results"], list) and len(got["results"]) == 1
    entry = got["results"][0]
    assert entry["q_origin_key"] == "net-1" and entry["subnet"] == "10.9.0.0 255.255.255.0"
    assert entry["color"] == 0 and entry["type"] == "ipmask"
    same = lab.request("FGT_A", "PUT", f"{ADDR}/net-1?vdom=root", {"subnet": "10.9.0.0 255.255.255.0"})
    assert same.json["revision_changed"] is False and same.json["revision"] == got["revision"]
    changed = lab.request("FGT_A", "PUT", f"{ADDR}/net-1?vdom=root", {"comment": "y"})
    assert changed.json["revision_changed"] is True and changed.json["revision"] != got["revision"]

    dup = lab.request("FGT_A", "POST", f"{ADDR}?vdom=root", body)
    assert (dup.status, dup.json["error"]) == (500, -5)
    missing = lab.get("FGT_A", f"{ADDR}/nope?vdom=root")
    assert (missing.status, missing.json["error"], missing.json["status"]) == (404, -3, "error")
    bad = lab.request("FGT_A", "PUT", f"{ADDR}/net-1?vdom=root", {"type": "bogus"})
    assert bad.status == 500 and bad.json["error"] == -651
    assert "Return code -651" in bad.json["cli_error"] and bad.json["revision_changed"] is False
    malformed = lab.request("FGT_A", "PUT", f"{ADDR}/net-1?vdom=root", raw=b"{not json")
    assert malformed.status == 400
    assert lab.request("FGT_A", "POST", f"{BGP}?vdom=root", {"as": "1"}).status == 405
    assert lab.request("FGT_A", "PATCH", f"{ADDR}/net-1?vdom=root", {}).status == 405
    assert lab.get("FGT_A", "/api/v2/cmdb/no/such?vdom=root").status == 404
    assert lab.get("FGT_A", f"{ADDR}?vdom=nosuchvdom").status == 403

    assert lab.request("FGT_A", "DELETE", f"{ADDR}/net-1?vdom=root").json["revision_changed"] is True
    gone = lab.request("FGT_A", "DELETE", f"{ADDR}/net-1?vdom=root")
    assert (gone.status, gone.json["http_method"], gone.json["revision_changed"]) == (404, "DELETE", False)


def test_secrets_are_encrypted_and_psk_modes(lab):
    body = {"name": "S1", "interface": "port1", "remote-gw": "192.0.2.50", "proposal": "aes256-sha256",
            "psksecret": "plain-psk-value"}
    for device in ("FGT_A", "FGT_B"):
        assert lab.request(device, "POST", f"{P1}?vdom=root", body).json["revision_changed"] is True
        entry = lab.get(device, f"{P1}/S1?vdom=root").json["results"][0]
        assert entry["psksecret"].startswith("ENC ") and "plain-psk-value" not in json.dumps(entry)
        plain = lab.get(device, f"{P1}/S1?vdom=root&plain-text-password=1").json["results"][0]
        assert plain["psksecret"] == "plain-psk-value"
    # Re-sending the same PSK: a change on FGT_A (default), a no-op on FGT_B (lenient switch).
    resend = {"psksecret": "plain-psk-value"}
    assert lab.request("FGT_A", "PUT", f"{P1}/S1?vdom=root", resend).json["revision_changed"] is True
    assert lab.request("FGT_B", "PUT", f"{P1}/S1?vdom=root", resend).json["revision_changed"] is False
    for device in ("FGT_A", "FGT_B"):
        assert lab.request(device, "DELETE", f"{P1}/S1?vdom=root").status == 200
    # Nothing secret ever reaches the request logs or the saved configuration.
    for device in ("FGT_A", "FGT_B"):
        for name in ("requests.jsonl", "config.json"):
            text = (lab.workdir / device / name).read_text()
            assert "plain-psk-value" not in text and "hub-secret" not in text
            assert lab.host(device)["fortios_access_token"] not in text
            assert lab.host(device)["ansible_password"] not in text


def test_phase1_side_effects_and_references(lab):
    body = {"name": "T1", "interface": "port1", "remote-gw": "192.0.2.60", "proposal": "aes128-sha256",
            "psksecret": "k", "exchange-interface-ip": "enable", "exchange-ip-addr4": "10.200.1.1",
            "ike-version": "2", "network-overlay": "enable", "network-id": 7}
    assert lab.request("FGT_A", "POST", f"{P1}?vdom=root", body).status == 200
    p1 = lab.get("FGT_A", f"{P1}/T1").json["results"][0]
    assert (p1["network-id"], p1["ike-version"], p1["exchange-ip-addr4"]) == (7, "2", "10.200.1.1")
    tunnel = lab.get("FGT_A", "/api/v2/cmdb/system/interface/T1?vdom=root").json["results"][0]
    assert (tunnel["type"], tunnel["interface"], tunnel["vdom"]) == ("tunnel", "port1", "root")

    dangling = lab.request("FGT_A", "POST", f"{P2}?vdom=root", {"name": "T1-p2", "phase1name": "nosuch"})
    assert dangling.status == 500 and "node_check_object fail! for phase1name nosuch" in dangling.json["cli_error"]
    assert lab.request("FGT_A", "POST", f"{P2}?vdom=root", {"name": "T1-p2", "phase1name": "T1"}).status == 200
    used = lab.request("FGT_A", "DELETE", f"{P1}/T1?vdom=root")
    assert (used.status, used.json["error"]) == (500, -23)
    assert lab.request("FGT_A", "DELETE", "/api/v2/cmdb/system/interface/T1").json["error"] == -23
    assert lab.request("FGT_A", "DELETE", f"{P2}/T1-p2?vdom=root").status == 200
    assert lab.request("FGT_A", "DELETE", f"{P1}/T1?vdom=root").status == 200
    assert lab.get("FGT_A", "/api/v2/cmdb/system/interface/T1").status == 404
    # Validation rules of §7.13; add-route is settable on static tunnels too (Fortinet's reference spoke).
    static_add_route = dict(body, name="T2", **{"add-route": "disable"})
    assert lab.request("FGT_A", "POST", f"{P1}?vdom=root", static_add_route).status == 200
    assert lab.get("FGT_A", f"{P1}/T2").json["results"][0]["add-route"] == "disable"
    assert lab.request("FGT_A", "DELETE", f"{P1}/T2?vdom=root").status == 200
    v1_network_id = {**body, "name": "T3", "ike-version": "1"}
    assert lab.request("FGT_A", "POST", f"{P1}?vdom=root", v1_network_id).json["error"] == -651
    # tunnel-search left FortiOS after 6.4.4: a 7.4.5 device accepts the write and drops it.
    assert lab.request("FGT_A", "POST", f"{P1}?vdom=root", {**body, "name": "T4", "tunnel-search": "nexthop"}
                       ).status == 200
    assert "tunnel-search" not in lab.get("FGT_A", f"{P1}/T4").json["results"][0]
    assert lab.request("FGT_A", "DELETE", f"{P1}/T4?vdom=root").status == 200


def test_behaviour_switches(lab):
    # exchange-ip-addr4 is gated behind exchange-interface-ip on old releases only.
    path = f"{P1}/TO-HUB?vdom=root"
    gated = lab.request("FGT_OLD", "PUT", path, {"exchange-ip-addr4": "10.200.1.9"})
    assert gated.status == 500 and gated.json["cli_error"] == (
        "command parse error before 'exchange-ip-addr4'\nCommand fail. Return code -651\n")
    both = {"exchange-interface-ip": "enable", "exchange-ip-addr4": "10.200.1.9"}
    assert lab.request("FGT_OLD", "PUT", path, both).json["revision_changed"] is True
    # auto-negotiate on a phase2 of a dial-up phase1: accepted on create, refused on update.
    created = lab.request("FGT_A", "POST", f"{P2}?vdom=root",
                          {"name": "HUB-an", "phase1name": "HUB", "auto-negotiate": "enable"})
    assert created.status == 200
    refused = lab.request("FGT_A", "PUT", f"{P2}/HUB?vdom=root", {"auto-negotiate": "enable"})
    assert refused.status == 500 and refused.json["cli_error"] == (
        "node_check_object fail! for auto-negotiate enable\nCommand fail. Return code -651\n")
    assert lab.request("FGT_A", "PUT", f"{P2}/HUB?vdom=root", {"keepalive": "enable"}).status == 200
    assert lab.request("FGT_A", "DELETE", f"{P2}/HUB-an?vdom=root").status == 200


def test_query_parameters(lab):
    intf = "/api/v2/cmdb/system/interface"
    listing = lab.get("FGT_A", f"{intf}?vdom=root").json
    assert listing["size"] == listing["matched_count"] >= 3
    only = lab.get("FGT_A", f"{intf}?vdom=root&filter=name==port1&format=name|ip").json
    assert only["results"] == [{"name": "port1", "q_origin_key": "port1", "ip": "192.0.2.1 255.255.255.0"}]
    encoded = lab.get("FGT_A", f"{intf}?vdom=root&filter=type%3D%3Dphysical&filter=name%3D%402").json
    assert [r["name"] for r in encoded["results"]] == ["port2"]
    either = lab.get("FGT_A", f"{intf}?filter=name==port1,name==HUB").json
    assert sorted(r["name"] for r in either["results"]) == ["HUB", "port1"]
    paged = lab.get("FGT_A", f"{intf}?start=1&count=1").json
    assert len(paged["results"]) == 1
    meta = lab.get("FGT_A", f"{P1}/HUB?with_meta=1").json["results"][0]
    assert meta["q_ref"] >= 1 and meta["q_path"] == "vpn.ipsec" and meta["q_name"] == "phase1-interface"
    skipped = lab.get("FGT_OLD", f"{P1}/TO-HUB?skip=1").json["results"][0]
    assert "assign-ip" not in skipped and "remote-gw" in skipped
    assert "tunnel-search" in skipped  # still a 6.4.0 attribute
    assert "tunnel-search" not in lab.get("FGT_A", f"{P1}/HUB").json["results"][0]
    schema = lab.get("FGT_A", f"{P1}?action=schema").json["results"]
    assert schema["mkey"] == "name" and schema["children"]["network-id"]["type"] == "integer"
    defaults = lab.get("FGT_A", f"{P2}?action=default").json["results"]
    assert defaults["keylifeseconds"] == 43200 and defaults["auto-negotiate"] == "disable"
    everywhere = lab.get("FGT_A", "/api/v2/cmdb/system/settings?vdom=*").json
    assert isinstance(everywhere, list) and everywhere[0]["vdom"] == "root"
    assert isinstance(lab.get("FGT_A", "/api/v2/cmdb/system/global?global=1").json, list)
    assert lab.get("FGT_A", f"{intf}?datasource=1").status == 200


def test_bgp_singleton_and_member_paths(lab):
    bgp = {"as": "65000", "router-id": "10.200.99.1",
           "neighbor-group": [{"name": "EDGE", "remote-as": "65000", "update-source": "port2"}],
           "neighbor-range": [{"id": 1, "prefix": "10.200.1.0/24", "neighbor-group": "EDGE"}]}
    assert lab.request("FGT_A", "PUT", f"{BGP}?vdom=root", bgp).json["revision_changed"] is True
    assert lab.request("FGT_A", "PUT", f"{BGP}?vdom=root", bgp).json["revision_changed"] is False
    whole = lab.get("FGT_A", f"{BGP}?vdom=root").json["results"]
    assert isinstance(whole, dict) and whole["keepalive-timer"] == 60
    assert whole["neighbor-range"][0] | {} == {**whole["neighbor-range"][0], "q_origin_key": 1,
                                               "prefix": "10.200.1.0 255.255.255.0"}
    member = f"{BGP}/neighbor/10.0.0.1?vdom=root"
    assert lab.get("FGT_A", member).status == 404
    added = lab.request("FGT_A", "POST", f"{BGP}/neighbor?vdom=root", {"ip": "10.0.0.1", "remote-as": "65001"})
    assert added.json["revision_changed"] is True
    got = lab.get("FGT_A", member).json["results"]
    assert got[0]["ip"] == "10.0.0.1" and got[0]["remote-as"] == "65001"
    assert lab.request("FGT_A", "PUT", member, {"ip": "10.0.0.1", "remote-as": "65001"}).json["revision_changed"] is False
    assert lab.request("FGT_A", "PUT", member, {"remote-as": "65002"}).json["revision_changed"] is True
    dangling = lab.request("FGT_A", "PUT", f"{BGP}/neighbor-range/1?vdom=root", {"neighbor-group": "NOPE"})
    assert dangling.json["error"] == -651
    in_use = lab.request("FGT_A", "DELETE", f"{BGP}/neighbor-group/EDGE?vdom=root")
    assert in_use.json["error"] == -23
    assert lab.request("FGT_A", "DELETE", member).json["revision_changed"] is True
    assert lab.get("FGT_A", f"{BGP}/neighbor?vdom=root").json["results"] == []


def test_policy_move_with_null_body(lab):
    base = {"srcintf": [{"name": "port2"}], "dstintf": [{"name": "port1"}], "srcaddr": [{"name": "all"}],
            "dstaddr": [{"name": "all"}], "service": [{"name": "ALL"}], "action": "accept"}
    for pid in (11, 12):
        assert lab.request("FGT_A", "POST", f"{POLICY}?vdom=root", {**base, "policyid": pid}).status == 200
    move = f"{POLICY}/12?vdom=root&action=move&before=11"
    assert lab.request("FGT_A", "PUT", move, raw=b"null").json["revision_changed"] is True
    order = [p["policyid"] for p in lab.get("FGT_A", f"{POLICY}?vdom=root").json["results"]]
    assert order.index(12) < order.index(11)
    assert lab.request("FGT_A", "PUT", move, raw=b"null").json["revision_changed"] is False
    entry = lab.get("FGT_A", f"{POLICY}/11").json["results"][0]
    assert entry["srcintf"] == [{"name": "port2", "q_origin_key": "port2"}] and entry["policyid"] == 11
    bad = lab.request("FGT_A", "POST", f"{POLICY}?vdom=root", {**base, "policyid": 13, "srcintf": [{"name": "x9"}]})
    assert bad.json["error"] == -651
    for pid in (11, 12):
        assert lab.request("FGT_A", "DELETE", f"{POLICY}/{pid}?vdom=root").status == 200


def test_fault_injection(lab):
    workdir = str(lab.workdir)
    status = "/api/v2/monitor/system/status"
    sim("fault", "--workdir", workdir, "--device", "FGT_A", "--method", "GET", "--path-pattern", "system/status$",
        "--status", "503", "--count", "2")
    assert [lab.get("FGT_A", status).status for _attempt in range(3)] == [503, 503, 200]
    assert lab.get("FGT_B", status).status == 200  # scoped to the device
    sim("fault", "--workdir", workdir, "--device", "FGT_A", "--path-pattern", "firewall/address",
        "--status", "429", "--retry-after", "7")
    throttled = lab.get("FGT_A", ADDR)
    assert throttled.status == 429 and throttled.headers["Retry-After"] == "7"
    sim("fault", "--workdir", workdir, "--device", "FGT_A", "--path-pattern", "system/global", "--latency", "0.4")
    started = time.monotonic()
    assert lab.get("FGT_A", "/api/v2/cmdb/system/global").status == 200
    assert time.monotonic() - started >= 0.4
    sim("fault", "--workdir", workdir, "--device", "FGT_A", "--path-pattern", "system/settings", "--drop")
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        host = lab.host("FGT_A")
        urllib.request.urlopen(f"https://{host['ansible_host']}:{host['ansible_httpapi_port']}/api/v2/cmdb/system/settings",
                               context=lab.ssl, timeout=5)
    # 401 on an expired session: the session is gone afterwards.
    host = lab.host("FGT_A")
    key = lab.request("FGT_A", "POST", "/api/v2/authentication",
                      {"username": host["ansible_user"], "secretkey": host["ansible_password"], "request_key": True},
                      auth=None).json["session_key"]
    sim("fault", "--workdir", workdir, "--device", "FGT_A", "--path-pattern", "system/interface", "--status", "401")
    assert lab.get("FGT_A", "/api/v2/cmdb/system/interface", auth=key).status == 401
    assert lab.get("FGT_A", "/api/v2/cmdb/system/interface", auth=key).status == 401
    assert lab.get("FGT_A", "/api/v2/cmdb/system/interface").status == 200  # the API token still works
    listed = json.loads(sim("fault", "--workdir", workdir, "--list").stdout)
    assert all(rule["fired"] >= 1 for rule in listed)
    sim("fault", "--workdir", workdir, "--clear")
    entries = [e for e in lab.log_since("FGT_A", 0) if e.get("fault")]
    assert {e["fault"] for e in entries} >= {"503", "429", "latency", "drop", "401"}


def test_request_log_format(lab):
    mark = lab.log_mark("FGT_B")
    token = lab.host("FGT_B")["fortios_access_token"]
    lab.request("FGT_B", "PUT", f"/api/v2/cmdb/system/global?vdom=root&access_token={token}", {"alias": "b"})
    (entry,) = lab.log_since("FGT_B", mark)
    assert entry["method"] == "PUT" and entry["path"] == "/api/v2/cmdb/system/global"
    assert entry["query"] == {"vdom": "root", "access_token": "***"}
    assert entry["status"] == 200 and entry["revision_changed"] is True and entry["auth"] == "token"
    assert entry["body_keys"] == ["alias"] and "time" in entry


def test_second_lab_does_not_collide_and_restart_keeps_config(lab, tmp_path):
    workdir = tmp_path / "second"
    sim("start", "--workdir", str(workdir))  # the embedded default lab
    try:
        state = json.loads((workdir / "state.json").read_text())
        assert set(state["devices"]) == {"FGT_1", "FGT2"}
        second = type(lab)(workdir)
        # Like a real inventory: each device its own address, HTTPS port for httpapi, SSH port as ansible_port.
        addresses = {name: host["ansible_host"] for name, host in second.hosts.items()}
        assert len(set(addresses.values())) == 2 and "127.0.0.1" not in addresses.values()
        assert all(ipaddress.ip_address(a) in ipaddress.ip_network("127.0.0.0/8") for a in addresses.values())
        assert not set(addresses.values()) & {h["ansible_host"] for h in lab.hosts.values()}
        for name, host in second.hosts.items():
            device = state["devices"][name]
            assert (host["ansible_host"], host["ansible_httpapi_port"], host["ansible_port"]) == \
                (device["address"], device["https_port"], device["ssh_port"])
        p1 = second.get("FGT_1", f"{P1}/SiteA-to-SiteB").json["results"][0]
        assert (p1["remote-gw"], p1["exchange-interface-ip"]) == ("10.47.1.80", "disable")
        tunnel = second.get("FGT2", "/api/v2/cmdb/system/interface/SiteB-to-SiteA").json["results"][0]
        assert (tunnel["ip"], tunnel["remote-ip"]) == ("1.1.1.2 255.255.255.255", "1.1.1.1 255.255.255.255")
        change = {"exchange-interface-ip": "enable"}
        assert second.request("FGT_1", "PUT", f"{P1}/SiteA-to-SiteB", change).json["revision_changed"] is True
        revision = second.get("FGT_1", "/api/v2/cmdb/system/global").json["revision"]
        sim("stop", "--workdir", str(workdir))
        assert sim("status", "--workdir", str(workdir), check=False).returncode == 3
        sim("start", "--workdir", str(workdir))
        second.reload()
        assert {name: host["ansible_host"] for name, host in second.hosts.items()} == addresses
        again = second.get("FGT_1", f"{P1}/SiteA-to-SiteB").json
        assert again["results"][0]["exchange-interface-ip"] == "enable" and again["revision"] == revision
        assert lab.get("FGT_A", "/api/v2/monitor/system/status").status == 200
    finally:
        sim("stop", "--workdir", str(workdir), check=False)
