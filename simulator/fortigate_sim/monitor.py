"""REST monitor endpoints backed by the lab's tunnel model (shapes: simulator/README.md "REST monitors").

Pure functions from (model, node, query/body) to the ``results`` part of a FortiOS monitor answer;
``rest_app`` wraps them in the envelope. Shapes follow real captures: ``vpn/ipsec`` entries with a
``proxyid`` list (down selectors carry only names, selectors and status), dial-up instances with
``parent``/``type: dialup``/``dialup_index`` and ``tun_id`` = the learned overlay address;
``router/ipv4`` entries with ``type``/``ip_mask``/``distance``/``gateway``/``interface``;
``router/bgp/neighbors`` with ``neighbor_ip``/``local_ip``/``remote_as``/``state``.
"""

from __future__ import annotations

from ipaddress import ip_network
from typing import Any, Optional

from .model import ModelError
from .model.ike import DIALUP, SHORTCUT, identity
from .model.tunnels import TEMPLATE, TunnelView, tunnels
from .outputs.common import seconds
from .schema import TABLES

IPSEC_ACTIONS = ("tunnel_up", "tunnel_down", "tunnel_reset_stats")


class MonitorError(Exception):
    def __init__(self, http_status: int, error: int, message: str):
        super().__init__(message)
        self.http_status, self.error, self.message = http_status, error, message


def _selector(selector) -> list[dict]:
    return [{"subnet": f"{selector.first}-{selector.last}", "port": 0, "protocol": 0, "protocol_name": ""}]


def _proxyids(view: TunnelView, now: float) -> list[dict]:
    entries = []
    for serial, sel in enumerate(view.selectors, start=1):
        entry = {"proxy_src": _selector(sel.p2.src), "proxy_dst": _selector(sel.p2.dst),
                 "status": "up" if sel.up else "down", "p2name": sel.p2.name, "p2serial": serial}
        if sel.up:
            dec, enc = sel.child.counters(sel.which)
            entry.update({"expire": seconds(sel.child.expires_at - now),
                          "incoming_bytes": dec.bytes, "outgoing_bytes": enc.bytes})
        entries.append(entry)
    return entries


def ipsec(model, node, tunnel: Optional[str] = None) -> list[dict]:
    now = model.refresh()
    results = []
    for view in tunnels(model, node):
        if tunnel and view.name != tunnel and view.parent != tunnel:
            continue
        if view.kind == TEMPLATE:
            internal = model.internal_id(node, view.name)
            results.append({"proxyid": [], "name": view.name, "comments": "", "wizard-type": "custom", "type": "",
                            "incoming_bytes": 0, "outgoing_bytes": 0, "rgwy": "0.0.0.0",
                            "tun_id": str(internal), "tun_id6": f"::{internal}"})
            continue
        proxyids = _proxyids(view, now)
        entry: dict[str, Any] = {"proxyid": proxyids, "name": view.name}
        if view.kind in (DIALUP, SHORTCUT):
            entry["parent"] = view.parent
        entry.update({"comments": "", "wizard-type": "custom"})
        if view.up:
            entry.update({"connection_count": 1, "creation_time": seconds(now - view.stats.created_at)})
            if view.kind in (DIALUP, SHORTCUT):
                peer = view.link.peer_of(view.side)
                entry["username"] = identity(peer.phase1, peer.local_addr)
        entry["type"] = "dialup" if view.kind in (DIALUP, SHORTCUT) else "automatic"
        entry["incoming_bytes"] = sum(p.get("incoming_bytes", 0) for p in proxyids)
        entry["outgoing_bytes"] = sum(p.get("outgoing_bytes", 0) for p in proxyids)
        tun6 = view.side.internal_id if view.side is not None and view.side.internal_id else view.tun_id
        entry.update({"rgwy": str(view.remote_addr or "0.0.0.0"), "tun_id": str(view.tun_id or "0.0.0.0"),
                      "tun_id6": f"::{tun6 or '0.0.0.0'}"})
        if view.kind in (DIALUP, SHORTCUT):
            entry.update({"rport": 500, "dialup_index": view.side.index})
        results.append(entry)
    return results


def ipsec_action(model, node, action: str, body: Any) -> dict:
    if not isinstance(body, dict) or not body.get("p1name"):
        raise MonitorError(424, -56, "p1name is required")
    p1name, p2name = str(body["p1name"]), body.get("p2name")
    known = {v.name for v in tunnels(model, node)}
    if p1name not in known:
        raise MonitorError(404, -3, f"tunnel {p1name} not found")
    try:
        if action == "tunnel_up":
            model.tunnel_up(node, p1name, str(p2name) if p2name else None)
        elif action == "tunnel_down":
            model.tunnel_down(node, p1name, str(p2name) if p2name else None)
        else:
            model.reset_stats(node, p1name)
    except ModelError as exc:
        raise MonitorError(424, -61, str(exc)) from None
    return {}


def _route_entry(model, node, route, now: float) -> dict:
    egress = route.egress
    gateway = route.gateway or (egress.tunnel_peer if route.tunnel else None)
    entry = {"ip_version": 4, "type": route.kind, "ip_mask": str(route.prefix), "distance": route.distance,
             "metric": route.metric, "priority": route.priority, "vrf": 0,
             "gateway": str(gateway or "0.0.0.0"),
             "non_rc_gateway": str(egress.gateway or egress.tunnel_peer or gateway or "0.0.0.0"),
             "interface": "Null" if route.blackhole else egress.interface,
             "is_tunnel_route": egress.tunnel}
    if egress.tunnel:
        side = model.egress_side(node, egress.interface, egress.gateway)
        entry["tunnel_parent"] = side[0].parent if side else egress.interface
    if route.kind == "bgp":
        entry["install_date"] = int(model.clock.epoch() - model.route_age(node, route, now))
    return entry


ROUTE_FILTERS = ("ip_mask", "gateway", "type", "origin", "interface")


def router_ipv4(model, node, query) -> list[dict]:
    now = model.refresh()
    rib = model.routing.ribs.get(node)
    entries = [_route_entry(model, node, r, now) for r in rib.routes()] if rib else []
    wanted = {k: query.get(k) for k in ROUTE_FILTERS if query.get(k)}
    if "origin" in wanted:
        wanted["type"] = wanted.pop("origin")
    if not wanted:
        return entries
    combine = any if query.get("operator") == "or" else all
    return [e for e in entries if combine(str(e.get(k)) == v for k, v in wanted.items())]


def bgp_neighbors(model, node) -> list[dict]:
    model.refresh()
    state = model.routing
    cfg = model.configs[node[0]].vdoms[node[1]].bgp
    if not cfg.enabled:
        return []
    results = []
    seen = set()
    for attempt in state.attempts:
        if attempt.node != node:
            continue
        seen.add(attempt.neighbor)
        local = attempt.session.view(node)[0] if attempt.session else None
        if local is None and attempt.peer.update_source:
            local = model.book.tunnel_address(node, attempt.peer.update_source)
        results.append({"neighbor_ip": str(attempt.neighbor), "local_ip": str(local or ""),
                        "remote_as": attempt.peer.remote_as, "admin_status": not attempt.peer.shutdown,
                        "state": "Established" if attempt.session else ("Idle" if attempt.peer.shutdown else "Active"),
                        "type": "ipv4"})
    for session in state.sessions:
        if session.b == node and session.b_dynamic and session.a_addr not in seen:
            results.append({"neighbor_ip": str(session.a_addr), "local_ip": str(session.b_addr),
                            "remote_as": session.b_peer.remote_as, "admin_status": True,
                            "state": "Established", "type": "ipv4"})
    return sorted(results, key=lambda e: tuple(int(x) for x in e["neighbor_ip"].split(".")))


# ---- interfaces and SD-WAN (monitor/system/interface, monitor/virtual-wan/*) -----------------------
#
# Shapes from real answers (fortigate_exporter testdata: ``system/interface/select`` 6.2.4,
# ``virtual-wan/health-check`` 6.4.5, ``virtual-wan/members`` 7.x): results keyed by interface name;
# a health-check member is ``up``, ``down``, ``error`` (not in the check) or ``disable``; members
# over a dial-up parent list their instances (ADVPN shortcuts, hub instances) as ``child_intfs``.
# The tunnel model decides link state: a member over a tunnel that is down is dead. The model has
# no delay: latency and jitter of a live member are nominal (NOMINAL_LATENCY_MS per link).

NOMINAL_LATENCY_MS = 1.0
NOMINAL_JITTER_MS = 0.1


class LinkState:
    """What the monitors need to know about one interface's link, from the tunnel model."""

    def __init__(self, model, node):
        self.now = model.refresh() if model is not None else 0.0
        self.model = model
        self.views = tunnels(model, node) if model is not None else []

    def tunnel_views(self, name: str) -> list[TunnelView]:
        return [v for v in self.views if v.name == name and v.kind != TEMPLATE]

    def instances(self, name: str) -> list[TunnelView]:
        return [v for v in self.views if v.parent == name and v.kind in (DIALUP, SHORTCUT)]

    def is_tunnel(self, name: str) -> bool:
        return any(v.name == name or v.parent == name for v in self.views)

    def up(self, name: str, intf: Optional[dict]) -> bool:
        """An interface is up; a tunnel when it (or one of its instances) carries traffic: IKE SA
        and at least one phase2 SA up."""
        if intf is not None and intf.get("status") == "down":
            return False
        if not self.is_tunnel(name):
            return intf is not None
        return any(_carries(v) for v in self.tunnel_views(name) + self.instances(name))

    def counters(self, name: str) -> tuple[int, int]:
        """(tx, rx) bytes of a tunnel and its instances."""
        pairs = [_view_bytes(view, self.now) for view in self.tunnel_views(name) + self.instances(name)]
        return sum(tx for tx, _ in pairs), sum(rx for _, rx in pairs)

    def changed_at(self, name: str) -> int:
        """Unix time of the last state change (tunnel creation), else of the lab start."""
        if self.model is None:
            return 0
        created = [v.stats.created_at for v in self.tunnel_views(name) + self.instances(name)
                   if _carries(v) and v.stats is not None]
        return int(self.model.clock.epoch(max(created) if created else 0.0))


def _carries(view: TunnelView) -> bool:
    return view.up and view.selectors_up > 0


def _interfaces(store, vdom: str) -> dict:
    return {name: obj for name, obj in store.entries("system/interface", vdom).items() if obj.get("vdom") == vdom}


def system_interface(model, store, node, query) -> dict:
    """``monitor/system/interface[/select]``: link, addresses and counters per interface."""
    links = LinkState(model, node)
    wanted = query.get("interface_name")
    results = {}
    for name, obj in _interfaces(store, node[1]).items():
        if wanted and name != wanted:
            continue
        address, _, mask = (obj.get("ip") or "0.0.0.0 0.0.0.0").partition(" ")
        prefix = ip_network(f"0.0.0.0/{mask or '0.0.0.0'}").prefixlen
        link = links.up(name, obj)
        tx, rx = links.counters(name)
        entry = {"id": name, "name": name, "alias": obj.get("alias", ""), "mac": obj.get("macaddr", "00:00:00:00:00:00"),
                 "ip": address, "mask": prefix, "link": link, "speed": 1000 if link else 0, "duplex": 1 if link else 0,
                 "tx_packets": 0, "rx_packets": 0, "tx_bytes": tx, "rx_bytes": rx, "tx_errors": 0, "rx_errors": 0}
        if obj.get("type") == "vlan":
            entry.update({"vlanid": obj.get("vlanid", 0), "interface": obj.get("interface", "")})
        results[name] = entry
    return results


def _sdwan(store, vdom: str) -> dict:
    sdwan = store.read_singleton(TABLES["system/sdwan"], vdom)
    return sdwan if sdwan.get("status") == "enable" else {}


def sdwan_members(model, store, node) -> dict:
    """``monitor/virtual-wan/members``: per member interface, its link and counters."""
    sdwan = _sdwan(store, node[1])
    links = LinkState(model, node)
    interfaces = store.entries("system/interface", node[1])
    results = {}
    for member in sdwan.get("members", []):
        name = member.get("interface")
        if not name:
            continue
        tx, rx = links.counters(name)
        entry = {"link": "up" if links.up(name, interfaces.get(name)) else "down", "session": 0,
                 "tx_bytes": tx, "rx_bytes": rx, "tx_bandwidth": 0, "rx_bandwidth": 0,
                 "state_changed": links.changed_at(name), "ipv4_gateway": member.get("gateway", "0.0.0.0"),
                 "ipv6_gateway": member.get("gateway6", "::")}
        children = {}
        for view in links.instances(name):
            ctx, crx = _view_bytes(view, links.now)
            children[view.name] = {"link": "up" if _carries(view) else "down", "session": 0, "tx_bytes": ctx,
                                   "rx_bytes": crx, "tx_bandwidth": 0, "rx_bandwidth": 0,
                                   "state_changed": links.changed_at(name),
                                   "gateway": str(view.remote_addr or "0.0.0.0")}
        if children:
            entry["child_intfs"] = children
        results[name] = entry
    return results


def _view_bytes(view: TunnelView, now: float) -> tuple[int, int]:
    entries = _proxyids(view, now)
    return sum(e.get("outgoing_bytes", 0) for e in entries), sum(e.get("incoming_bytes", 0) for e in entries)


def sdwan_health_check(model, store, node) -> dict:
    """``monitor/virtual-wan/health-check``: per health check, per member interface, its state."""
    sdwan = _sdwan(store, node[1])
    links = LinkState(model, node)
    interfaces = store.entries("system/interface", node[1])
    members = {m.get("seq-num"): m for m in sdwan.get("members", [])}
    results = {}
    for check in sdwan.get("health-check", []):
        chosen = [m.get("seq-num") for m in check.get("members", [])]
        if not chosen or chosen == [0]:  # "members 0": every SD-WAN member
            chosen = list(members)
        states = {}
        for seq in chosen:
            member = members.get(seq)
            if member is None or not member.get("interface"):
                continue
            name = member["interface"]
            if member.get("status") == "disable":
                states[name] = {"status": "disable"}
                continue
            states[name] = _probe_state(check, links, name, interfaces.get(name))
        results[check.get("name")] = states
    return results


def _probe_state(check: dict, links: LinkState, name: str, intf: Optional[dict]) -> dict:
    alive = bool(check.get("server")) and links.up(name, intf)
    changed = links.changed_at(name)
    interval_s = max(int(check.get("interval") or 500), 1) / 1000
    sent = int(max(0.0, links.model.clock.epoch() - changed) / interval_s) if links.model is not None else 0
    latency, jitter, loss = (NOMINAL_LATENCY_MS, NOMINAL_JITTER_MS, 0) if alive else (0.0, 0.0, 100)
    met = [sla.get("id") for sla in check.get("sla", []) if alive
           and latency <= sla.get("latency-threshold", 5) and jitter <= sla.get("jitter-threshold", 5)
           and loss <= sla.get("packetloss-threshold", 0)]
    return {"status": "up" if alive else "down", "latency": latency, "jitter": jitter, "packet_loss": loss,
            "packet_sent": sent, "packet_received": sent if alive else 0, "sla_targets_met": met, "session": 0,
            "tx_bandwidth": 0, "rx_bandwidth": 0, "state_changed": changed}
