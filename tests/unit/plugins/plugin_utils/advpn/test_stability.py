"""Adding or removing a spoke never changes another device's plan.

Configuration (objects, CLI, ownership, derived values) of every other device stays identical;
its expected state only loses (or gains) the entries that name that spoke: a hub's dial-up
instance, BGP neighbor and routes to it, other spokes' routes and prefixes learned from it.
"""

import copy

from hypothesis import given, settings, strategies as st

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn import build_plans

from .support import INTENTS, load

OVERLAYS = ["INET", "MPLS", "LTE"]


def without(expected, spoke):
    """``expected`` minus every entry that names ``spoke``."""
    result = copy.deepcopy(expected)
    for tunnel in result["tunnels"]:
        tunnel["instances"] = [i for i in tunnel["instances"] if i["peer"] != spoke]
    result["bgp"]["neighbors"] = [n for n in result["bgp"]["neighbors"] if n["peer"] != spoke]
    result["routes"] = [r for r in result["routes"] if r["peer"] != spoke]
    result["prefixes_received"] = [p for p in result["prefixes_received"] if p["origin"] != spoke]
    return result


def assert_stable(before, after, spoke):
    """``after`` is the fabric of ``before`` without ``spoke``."""
    assert set(before) - set(after) == {spoke}
    for device, plan in after.items():
        old = before[device]
        for key in plan:
            if key != "expected":
                assert plan[key] == old[key], (device, key)
        assert plan["expected"] == without(old["expected"], spoke), device


def test_removing_and_adding_a_spoke_of_the_dual_hub_intent():
    hosts = load(INTENTS / "dual_hub.yml")["hosts"]
    full = build_plans(hosts)["corp"]
    fewer = build_plans({k: v for k, v in hosts.items() if k != "SPOKE3"})["corp"]
    assert_stable(full, fewer, "SPOKE3")
    # The hub's configuration is independent of the spokes altogether.
    hub_only = build_plans({k: v for k, v in hosts.items() if k.startswith("HUB")})["corp"]
    assert hub_only["HUB1"]["objects"] == full["HUB1"]["objects"]
    assert hub_only["HUB1"]["expected"]["bgp"]["neighbors"] == []


@st.composite
def fabrics(draw):
    overlays = OVERLAYS[:draw(st.integers(1, 3))]
    hub_count = draw(st.integers(1, 3))
    site_ids = draw(st.lists(st.integers(1, 4000), min_size=2, max_size=7, unique=True))
    fabric = {"name": "prop", "bgp_as": 65010, "loopback_summary": "10.255.0.0/16", "lan_summary": "10.0.0.0/9",
              "overlays": [{"name": o} for o in overlays], "hubs": ["HUB%d" % h for h in range(1, hub_count + 1)],
              "shortcuts": draw(st.booleans()), "psk": "x"}
    hosts = {}
    for hub in range(1, hub_count + 1):
        hosts["HUB%d" % hub] = {"advpn_fabric": fabric, "advpn_loopback": "10.255.255.%d" % hub,
                                "advpn_wan": {o: {"interface": "port%d" % i, "address": "198.51.%d.%d" % (i, hub)}
                                              for i, o in enumerate(overlays, 1)},
                                "advpn_lans": [{"prefix": "10.0.%d.0/24" % hub, "interface": "lan"}]}
    for site in site_ids:
        joined = draw(st.lists(st.sampled_from(overlays), min_size=1, unique=True))
        lans = ["10.%d.%d.0/24" % (1 + site // 250, site % 250)] if draw(st.booleans()) else []
        hosts["S%d" % site] = {"advpn_fabric": fabric, "advpn_site_id": site,
                               "advpn_wan": {o: {"interface": "wan-%s" % o} for o in joined}, "advpn_lans": lans}
    spoke = "S%d" % draw(st.sampled_from(site_ids))
    return hosts, spoke


@settings(max_examples=40, deadline=None)
@given(fabrics())
def test_any_spoke_leaves_the_others_unchanged(case):
    hosts, spoke = case
    before = build_plans(hosts)["prop"]
    after = build_plans({k: v for k, v in hosts.items() if k != spoke})["prop"]
    assert_stable(before, after, spoke)
