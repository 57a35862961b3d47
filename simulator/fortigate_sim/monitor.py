"""REST monitor endpoints backed by the lab's tunnel model (reference §4.1, §4.2, §7 points 17-18).

Pure functions from (model, node, query/body) to the ``results`` part of a FortiOS monitor answer;
``rest_app`` wraps them in the envelope. Shapes follow real captures: ``vpn/ipsec`` entries with a
``proxyid`` list (down selectors carry only names, selectors and status), dial-up instances with
``parent``/``type: dialup``/``dialup_index`` and ``tun_id`` = the learned overlay address;
``router/ipv4`` entries with ``type``/``ip_mask``/``distance``/``gateway``/``interface``;
``router/bgp/neighbors`` with ``neighbor_ip``/``local_ip``/``remote_as``/``state``.
"""

from __future__ import annotations

from typing import Any, Optional

from .model import ModelError
from .model.ike import DIALUP, SHORTCUT, identity
from .model.tunnels import TEMPLATE, TunnelView, tunnels
from .outputs.common import seconds

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
