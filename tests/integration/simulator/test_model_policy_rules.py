"""Firewall policy evaluation (``fortigate_sim.model.policy``), in process: no lab needed."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from fortigate_sim.model.policy import BGP, IKE, PING, Traffic, read_firewall

SPOKE_LO, HUB_LO, LAN2_HOST = IPv4Address("10.200.1.1"), IPv4Address("10.200.1.253"), IPv4Address("10.0.2.1")
HTTPS = Traffic("HTTPS", 6, 443, access="https")


def names(*values: str) -> list[dict]:
    return [{"name": value} for value in values]


def rule(policyid: int, src: str, dst: str, service="ALL", action: str = "accept", **extra) -> dict:
    """A policy row in REST form; ``service`` is one name or a list of names."""
    services = [service] if isinstance(service, str) else service
    row = {"policyid": policyid, "srcintf": names(*src.split()), "dstintf": names(*dst.split()),
           "srcaddr": names("all"), "dstaddr": names("all"), "service": names(*services), "action": action}
    row.update(extra)
    return row


def firewall(*rows: dict, addresses=None, addrgrps=None, services=None, service_groups=None, zones=None,
             sdwan=()):
    return read_firewall(rows, addresses or {}, addrgrps or {}, services or {}, service_groups or {}, zones or {},
                         sdwan)


def test_no_policy_is_the_implicit_deny():
    verdict = firewall().forward("EDGE_ISP1", "EDGE_ISP1", SPOKE_LO, LAN2_HOST, PING)
    assert not verdict.allowed and verdict.policyid == 0
    assert verdict.reason == ("no policy allows EDGE_ISP1 -> EDGE_ISP1 for PING 10.200.1.1 -> 10.0.2.1 "
                              "(implicit deny, policy 0)")


def test_interfaces_must_match_in_the_policy_direction():
    fw = firewall(rule(1, "port2", "H1_ISP1"))
    assert fw.forward("port2", "H1_ISP1", LAN2_HOST, SPOKE_LO, PING).policyid == 1
    assert not fw.forward("H1_ISP1", "port2", SPOKE_LO, LAN2_HOST, PING).allowed  # a policy is one direction
    assert firewall(rule(7, "any", "any")).forward("x", "y", SPOKE_LO, HUB_LO, BGP).policyid == 7


@pytest.mark.parametrize("service, allowed", [
    ("ALL", {"PING", "BGP", "IKE", "HTTPS"}),
    ("PING", {"PING"}),
    ("ALL_ICMP", {"PING"}),
    ("BGP", {"BGP"}),
    ("IKE", {"IKE"}),
    ("ALL_TCP", {"BGP", "HTTPS"}),
    (["PING", "BGP"], {"PING", "BGP"}),
    ("Web Access", {"HTTPS"}),
    ("NO_SUCH_SERVICE", set()),
])
def test_factory_services(service, allowed):
    fw = firewall(rule(1, "EDGE_ISP1", "Lo", service))
    assert {t.name for t in (PING, BGP, IKE, HTTPS)
            if fw.forward("EDGE_ISP1", "Lo", SPOKE_LO, HUB_LO, t).allowed} == allowed


def test_custom_services_and_groups_from_the_cmdb():
    services = {
        "BGP-ALT": {"protocol": "TCP/UDP/SCTP", "tcp-portrange": "1179 179:1024-65535"},
        "ECHO-ONLY": {"protocol": "ICMP", "icmptype": 0},  # echo reply, not request
        "GRE": {"protocol": "IP", "protocol-number": 47},
        "PROXY": {"proxy": "enable", "protocol": "ALL", "tcp-portrange": "0-65535"},
        "PING": {"protocol": "ICMP", "icmptype": 13},  # a device entry replaces the factory one
    }
    groups = {"ROUTING": {"member": names("BGP-ALT", "GRE")}, "LOOP": {"member": names("LOOP")}}
    for service, allowed in (("BGP-ALT", {"BGP"}), ("ECHO-ONLY", set()), ("GRE", set()), ("PROXY", set()),
                             ("PING", set()), ("ROUTING", {"BGP"}), ("LOOP", set())):
        fw = firewall(rule(1, "a", "b", service), services=services, service_groups=groups)
        assert {t.name for t in (PING, BGP) if fw.forward("a", "b", SPOKE_LO, HUB_LO, t).allowed} == allowed, service


def test_addresses_groups_and_exclusions():
    addresses = {
        "LOOPBACKS": {"type": "ipmask", "subnet": "10.200.1.0 255.255.255.0"},
        "HUB-LO": {"subnet": "10.200.1.253 255.255.255.255"},
        "LANS": {"type": "iprange", "start-ip": "10.0.0.0", "end-ip": "10.0.255.255"},
        "WEB": {"type": "fqdn", "fqdn": "www.example.com"},  # not modelled: never matches
    }
    addrgrps = {"CORP": {"member": names("LANS", "LOOPBACKS"), "exclude": "enable", "exclude-member": names("HUB-LO")},
                "NESTED": {"member": names("CORP")}}
    fw = firewall(
        rule(1, "a", "b", "BGP", srcaddr=names("LOOPBACKS"), dstaddr=names("HUB-LO")),
        rule(2, "a", "b", srcaddr=names("NESTED"), dstaddr=names("NESTED")),
        rule(3, "a", "b", srcaddr=names("WEB"), dstaddr=names("all")),
        addresses=addresses, addrgrps=addrgrps)
    assert fw.forward("a", "b", SPOKE_LO, HUB_LO, BGP).policyid == 1
    assert fw.forward("a", "b", SPOKE_LO, LAN2_HOST, PING).policyid == 2
    assert not fw.forward("a", "b", SPOKE_LO, HUB_LO, PING).allowed  # HUB-LO excluded from CORP
    assert not fw.forward("a", "b", IPv4Address("192.0.2.1"), LAN2_HOST, PING).allowed
    assert not firewall(rule(1, "a", "b", dstaddr=names("none"))).forward("a", "b", SPOKE_LO, HUB_LO, PING).allowed


def test_negated_fields():
    addresses = {"HUB-LO": {"subnet": "10.200.1.253 255.255.255.255"}}
    fw = firewall(rule(1, "a", "b", "PING", dstaddr=names("HUB-LO"), **{"dstaddr-negate": "enable"}),
                  rule(2, "a", "b", "PING", **{"service-negate": "enable"}), addresses=addresses)
    assert fw.forward("a", "b", SPOKE_LO, LAN2_HOST, PING).policyid == 1
    assert not fw.forward("a", "b", SPOKE_LO, HUB_LO, PING).allowed
    assert fw.forward("a", "b", SPOKE_LO, HUB_LO, BGP).policyid == 2


def test_first_match_wins_deny_and_disabled_policies():
    deny_first = firewall(rule(5, "EDGE_ISP1", "Lo", "BGP", action="deny"), rule(1, "EDGE_ISP1", "Lo"))
    verdict = deny_first.forward("EDGE_ISP1", "Lo", SPOKE_LO, HUB_LO, BGP)
    assert (verdict.allowed, verdict.policyid, verdict.reason) == (False, 5, "denied by policy 5 (EDGE_ISP1 -> Lo)")
    assert deny_first.forward("EDGE_ISP1", "Lo", SPOKE_LO, HUB_LO, PING).policyid == 1
    disabled = firewall(rule(5, "EDGE_ISP1", "Lo", action="deny", status="disable"), rule(1, "EDGE_ISP1", "Lo"))
    assert disabled.forward("EDGE_ISP1", "Lo", SPOKE_LO, HUB_LO, BGP).policyid == 1
    assert not firewall(rule(1, "EDGE_ISP1", "Lo", status="disable")).forward(
        "EDGE_ISP1", "Lo", SPOKE_LO, HUB_LO, BGP).allowed
    # Internet-service policies are not modelled: they never match.
    assert not firewall(rule(1, "a", "b", **{"internet-service": "enable"})).forward(
        "a", "b", SPOKE_LO, HUB_LO, PING).allowed


def test_zones_and_sdwan_zones():
    zones = {"overlay": {"interface": [{"interface-name": "H1_ISP1"}, {"interface-name": "H1_ISP2"}]},
             "lans": {"interface": [{"interface-name": "port2"}, {"interface-name": "port3"}], "intrazone": "allow"}}
    fw = firewall(rule(1, "overlay", "Lo", "BGP"), rule(2, "virtual-wan-link", "port2"), rule(3, "underlay", "lans"),
                  zones=zones, sdwan=[{"interface": "port1"}, {"interface": "port4", "zone": "underlay"}])
    assert fw.forward("H1_ISP2", "Lo", SPOKE_LO, HUB_LO, BGP).policyid == 1
    assert fw.forward("port1", "port2", SPOKE_LO, LAN2_HOST, PING).policyid == 2  # SD-WAN default zone
    assert fw.forward("port4", "port3", SPOKE_LO, LAN2_HOST, PING).policyid == 3
    assert fw.forward("port2", "port3", SPOKE_LO, LAN2_HOST, PING).allowed  # intrazone allow, no policy
    assert not fw.forward("H1_ISP1", "H1_ISP2", SPOKE_LO, LAN2_HOST, PING).allowed  # intrazone deny (default)
    # intrazone is between *different* interfaces: a hairpin on one interface still needs a policy.
    assert not fw.forward("port2", "port2", SPOKE_LO, LAN2_HOST, PING).allowed


def test_local_in_follows_allowaccess_on_the_arrival_interface():
    fw = firewall()
    assert fw.local_in("port1", "port1", {"ping", "https"}, SPOKE_LO, HUB_LO, PING).allowed
    refused = fw.local_in("port1", "port1", {"https"}, SPOKE_LO, HUB_LO, PING)
    assert (refused.allowed, refused.reason) == (False, "ping not allowed on port1")
    assert not fw.local_in("port1", "port1", {"ping"}, SPOKE_LO, HUB_LO, HTTPS).allowed
    # BGP and IKE have no allowaccess keyword: their daemons take them without a policy.
    assert fw.local_in("EDGE_ISP1", "EDGE_ISP1", set(), SPOKE_LO, HUB_LO, BGP).allowed
    assert fw.local_in("port1", "port1", set(), SPOKE_LO, HUB_LO, IKE).allowed


def test_local_in_to_another_interface_needs_a_policy_and_allowaccess():
    fw = firewall(rule(1, "EDGE_ISP1", "Lo", "BGP"), rule(2, "EDGE_ISP1", "Lo-HC", "PING"))
    assert fw.local_in("EDGE_ISP1", "Lo", {"ping"}, SPOKE_LO, HUB_LO, BGP).policyid == 1
    assert not fw.local_in("EDGE_ISP1", "Lo", {"ping"}, SPOKE_LO, HUB_LO, PING).allowed  # BGP-only policy
    assert fw.local_in("EDGE_ISP1", "Lo-HC", {"ping"}, SPOKE_LO, HUB_LO, PING).allowed
    no_access = fw.local_in("EDGE_ISP1", "Lo-HC", set(), SPOKE_LO, HUB_LO, PING)
    assert (no_access.allowed, no_access.reason) == (False, "ping not allowed on Lo-HC")
    assert not fw.local_in("port1", "Lo", set(), SPOKE_LO, HUB_LO, IKE).allowed  # IKE on a loopback: policy


def test_text_forms_of_name_lists():
    """CLI-built rows may carry space-separated names; both forms read the same."""
    fw = firewall({"policyid": 3, "srcintf": "port2", "dstintf": "H1_ISP1 H1_ISP2", "srcaddr": "all",
                   "dstaddr": "all", "service": "PING BGP", "action": "accept"})
    assert fw.forward("port2", "H1_ISP2", SPOKE_LO, HUB_LO, BGP).policyid == 3
    assert not fw.forward("port2", "H1_ISP2", SPOKE_LO, HUB_LO, IKE).allowed


def test_switch_other_interface_allowaccess():
    fw = firewall(rule(2, "EDGE_ISP1", "Lo-HC", "PING"))
    assert not fw.local_in("EDGE_ISP1", "Lo-HC", set(), SPOKE_LO, HUB_LO, PING).allowed
    assert fw.local_in("EDGE_ISP1", "Lo-HC", set(), SPOKE_LO, HUB_LO, PING, other_interface_allowaccess=False).allowed
    # The arrival interface's own address always follows its allowaccess.
    assert not fw.local_in("port1", "port1", set(), SPOKE_LO, HUB_LO, PING, other_interface_allowaccess=False).allowed
