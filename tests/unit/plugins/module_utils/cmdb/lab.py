"""The in-memory CMDB most engine and module-logic tests start from."""

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.client import CmdbClient

from .fake_cmdb import FakeCmdb

P1 = "vpn.ipsec/phase1-interface"
P2 = "vpn.ipsec/phase2-interface"


def lab():
    """Two tunnels (one dial-up), their phase2s, a policy-based pair, BGP and a loopback."""
    return FakeCmdb(tables={
        P1: {
            "SiteA": {"name": "SiteA", "type": "static", "interface": "port1", "remote-gw": "10.47.1.80",
                      "exchange-interface-ip": "disable", "exchange-ip-addr4": "0.0.0.0",
                      "exchange-ip-addr6": "::", "psksecret": "old"},
            "HUB": {"name": "HUB", "type": "dynamic", "interface": "port1", "exchange-interface-ip": "disable",
                    "exchange-ip-addr4": "0.0.0.0", "exchange-ip-addr6": "::"},
        },
        P2: {
            "SiteA": {"name": "SiteA", "phase1name": "SiteA", "auto-negotiate": "disable", "keepalive": "disable"},
            "HUB": {"name": "HUB", "phase1name": "HUB", "auto-negotiate": "disable", "keepalive": "disable"},
        },
        "vpn.ipsec/phase2": {
            "policy-p2": {"name": "policy-p2", "phase1name": "policy-p1", "auto-negotiate": "disable",
                          "keepalive": "disable"},
        },
        "vpn.ipsec/phase1": {"policy-p1": {"name": "policy-p1", "type": "static"}},
        "router/bgp/neighbor": {"10.0.0.1": {"ip": "10.0.0.1", "remote-as": "65000"}},
        "system/interface": {"Lo0": {"name": "Lo0", "ip": "10.200.1.1 255.255.255.255", "allowaccess": "ping https"}},
    }, singletons={"router/bgp": {"as": "65000", "router-id": "10.200.1.1"}, "system/settings": {"opmode": "nat"}},
        mkeys={"router/bgp/neighbor": "ip"}, vdoms=("root", "blue"), sizes={P1: 15, "system/interface": 15},
        attributes={P1: ("ike-version", "proposal", "comments", "add-route"), "system/interface": ("vdom", "type", "description"),
                    "router/bgp/neighbor": ("update-source",)})


def client(device):
    return CmdbClient(device.send, vdom="root")
