"""OverlayStateReader: what it asks the device (no secret), how it shapes the answers, 404 vs errors."""

import json
from urllib.parse import parse_qs, urlparse

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.ipsec.overlay_state import (
    OverlayStateError,
    OverlayStateReader,
    prefix_of,
)

ANSWERS = {
    "/api/v2/monitor/system/status": {"version": "v7.4.4", "results": {"hostname": "SPOKE1"}},
    "/api/v2/monitor/vpn/ipsec": {"results": [
        {"name": "H1_ISP1", "type": "automatic", "rgwy": "100.65.0.1", "tun_id": "100.65.0.1",
         "proxyid": [{"p2name": "H1_ISP1", "status": "up", "incoming_bytes": 84, "outgoing_bytes": 0}]},
        {"name": "H1_ISP1_0", "parent": "H1_ISP1", "type": "dialup", "rgwy": "100.65.1.5", "username": "100.65.1.5",
         "incoming_bytes": 840, "outgoing_bytes": 756, "proxyid": []}]},
    "/api/v2/monitor/router/bgp/neighbors": {"results": [
        {"neighbor_ip": "10.200.255.1", "local_ip": "10.200.0.11", "remote_as": 65001, "state": "Established",
         "admin_status": True, "type": "ipv4"}]},
    "/api/v2/monitor/router/ipv4": {"results": [
        {"ip_mask": "10.200.255.1/32", "type": "static", "gateway": "100.65.0.1", "interface": "H1_ISP1",
         "is_tunnel_route": True, "tunnel_parent": "H1_ISP1", "distance": 15, "priority": 1}]},
    "/api/v2/cmdb/system/interface": {"results": [
        {"name": "Lo0", "type": "loopback", "ip": "10.200.0.11 255.255.255.255", "status": "up", "vdom": "root"},
        {"name": "H1_ISP1", "type": "tunnel", "ip": "0.0.0.0 0.0.0.0", "status": "up", "vdom": "root"}]},
    "/api/v2/cmdb/vpn.ipsec/phase1-interface": {"results": [
        {"name": "H1_ISP1", "type": "static", "network-id": 11, "exchange-ip-addr4": "10.200.0.11",
         "psksecret": "ENC c2VjcmV0"}]},
    "/api/v2/cmdb/vpn.ipsec/phase2-interface": {"results": [
        {"name": "H1_ISP1", "phase1name": "H1_ISP1", "auto-negotiate": "enable", "keepalive": "enable"}]},
    "/api/v2/cmdb/router/bgp": {"results": {
        "as": "65001", "router-id": "10.200.0.11",
        "neighbor": [{"ip": "10.200.255.1", "remote-as": "65001", "update-source": "Lo0", "password": "ENC eHl6"}],
        "neighbor-group": [], "neighbor-range": [],
        "network": [{"id": 1, "prefix": "10.1.1.0 255.255.255.0"}]}},
}


class FakeDevice:
    def __init__(self, answers, status=None):
        self.answers = answers
        self.status = status or {}
        self.asked = []

    def send(self, method, url, body):
        assert method == "GET" and body == ""
        parsed = urlparse(url)
        self.asked.append((parsed.path, parse_qs(parsed.query)))
        if parsed.path in self.status:
            return self.status[parsed.path], json.dumps({"status": "error", "http_status": self.status[parsed.path]})
        if parsed.path not in self.answers:
            return 404, json.dumps({"status": "error", "http_status": 404})
        return 200, json.dumps(dict(self.answers[parsed.path], status="success"))


def test_reads_every_source_in_one_pass_without_asking_for_secrets():
    device = FakeDevice(ANSWERS)
    state = OverlayStateReader(device.send, vdom="root").read()
    assert state["version"] == "v7.4.4" and state["hostname"] == "SPOKE1"
    assert state["unavailable"] == ["monitor/system/interface"] and state["links"] is None
    shortcut = state["tunnels"][1]
    assert (shortcut["parent"], shortcut["peer_id"], shortcut["incoming_bytes"], shortcut["phase2"]) == (
        "H1_ISP1", "100.65.1.5", 840, [])
    assert state["tunnels"][0]["phase2"] == [{"name": "H1_ISP1", "status": "up", "incoming_bytes": 84,
                                              "outgoing_bytes": 0}]
    assert state["routes"][0]["prefix"] == "10.200.255.1/32" and state["routes"][0]["is_tunnel_route"] is True
    assert state["interfaces"][0]["ip"] == "10.200.0.11/32" and state["interfaces"][1]["ip"] == "0.0.0.0/0"
    assert state["phase1"][0]["network_id"] == 11 and "psksecret" not in json.dumps(state)
    assert state["bgp"]["neighbors"] == [{"ip": "10.200.255.1", "remote_as": "65001", "update_source": "Lo0"}]
    assert state["bgp"]["networks"] == ["10.1.1.0/24"] and "password" not in json.dumps(state)
    for path, query in device.asked:
        assert query["vdom"] == ["root"]
        if "/cmdb/" in path:
            assert "psksecret" not in query["format"][0] and "password" not in query["format"][0]


def test_an_error_other_than_404_fails_with_the_request():
    device = FakeDevice(ANSWERS, status={"/api/v2/monitor/router/ipv4": 500})
    with pytest.raises(OverlayStateError, match=r"GET /api/v2/monitor/router/ipv4 \(vdom root\) failed: HTTP 500"):
        OverlayStateReader(device.send).read()


@pytest.mark.parametrize("value, prefix", [
    ("10.0.0.1 255.255.255.0", "10.0.0.1/24"), ("10.0.0.1/32", "10.0.0.1/32"), (["10.0.0.0", "255.0.0.0"], "10.0.0.0/8"),
    ("", None), (None, None), ("not an address", "not an address")])
def test_prefix_of(value, prefix):
    assert prefix_of(value) == prefix
