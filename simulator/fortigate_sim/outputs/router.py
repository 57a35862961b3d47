"""``get router info routing-table all`` and ``get router info bgp summary`` (FortiOS 7.x).

Route lines follow real captures: the code padded to 8 columns, ``[distance/metric]``, then
``via <gateway>, <interface>`` / ``via <tunnel> tunnel <tunnel id>`` and, for static routes,
``, [priority/weight]``; BGP routes name their recursive next hop and their age, and from 7.2 end
with ``, [priority/weight]`` too (7.x captures: ``B 10.10.3.0/24 [20/0] via 172.18.13.1 (recursive is
directly connected, R1R3-1-0), 00:00:20, [1/0]``; 7.0 handbook captures end at the age). ECMP paths
print on continuation lines.

``get router info bgp summary`` sizes its Neighbor column to the longest neighbor address plus one
space (captures: ``Neighbor    V`` above ``10.15.0.252 4``).
"""

from __future__ import annotations

from ipaddress import IPv4Network

from ..model.routing import Route
from .common import seconds, uptime

CODES = """Codes: K - kernel, C - connected, S - static, R - RIP, B - BGP
       O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, L1 - IS-IS level-1, L2 - IS-IS level-2, ia - IS-IS inter area
       V - BGP VPNv4
       * - candidate default
"""

_CODE = {"connect": "C", "static": "S", "bgp": "B"}
DEFAULT = IPv4Network("0.0.0.0/0")


def _via(route: Route) -> str:
    """Where a route leads: ``via 10.0.0.1, port1`` / ``via SPOKE1 tunnel 100.1.1.2`` / ..."""
    if route.blackhole:
        return "is a summary, Null"
    if route.tunnel:
        gateway = f"{route.gateway}, " if route.gateway and route.kind != "bgp" else ""
        return f"via {gateway}{route.interface} tunnel {route.tunnel_peer or '0.0.0.0'}"
    if route.gateway is None:
        return f"is directly connected, {route.interface}"
    return f"via {route.gateway}, {route.interface}"


def _path(model, node, route: Route, now: float) -> str:
    if route.kind == "connect":
        return f"is directly connected, {route.interface}"
    if route.kind == "bgp":
        resolving = route.recursive.egress if route.recursive else route
        how = _via(resolving)
        how = how.replace("via ", "", 1) if how.startswith("via ") else how
        recursive = f"recursive via {how}" if not how.startswith("is ") else f"recursive {how}"
        weight = ", [1/0]" if model.devices[node[0]].spec.version >= "7.2.0" else ""
        return (f"[{route.distance}/{route.metric}] via {route.gateway} ({recursive}), "
                f"{uptime(model.route_age(node, route, now))}{weight}")
    return f"[{route.distance}/{route.metric}] {_via(route)}, [{route.priority}/0]"


def routing_table(model, node) -> str:
    now = model.refresh()
    rib = model.routing.ribs.get(node)
    vrf = "Routing table for VRF=0\n"
    lines = []
    if rib is not None:
        by_prefix: dict = {}
        for route in rib.routes():
            by_prefix.setdefault(route.prefix, []).append(route)
        for prefix, routes in by_prefix.items():
            code = _CODE[routes[0].kind] + ("*" if prefix == DEFAULT else "")
            head = f"{code:<8}{prefix} "
            lines.append(head + _path(model, node, routes[0], now))
            lines.extend(" " * len(head) + _path(model, node, r, now) for r in routes[1:])
    return CODES + "\n" + vrf + "".join(line + "\n" for line in lines)


def bgp_summary(model, node) -> str:
    now = model.refresh()
    cfg = model.configs[node[0]].vdoms[node[1]].bgp
    if not cfg.enabled:
        return ""
    state = model.routing
    table = state.best.get(node, {})
    router_id = cfg.router_id or model.book.router_id(node) or "0.0.0.0"
    spec = model.devices[node[0]].spec
    prefix = "VRF 0 " if spec.version >= "7.0.0" else ""
    as_paths = {path.as_path for path in table.values()} or {()}
    rows = _neighbors(model, node, cfg, state, now)
    width = max([len("Neighbor")] + [len(neighbor) for neighbor, _rest in rows]) + 1
    lines = [f"{prefix}BGP router identifier {router_id}, local AS number {cfg.as_number}",
             f"BGP table version is {len(table) + 1}",
             f"{len(as_paths)} BGP AS-PATH entries",
             "0 BGP community entries",
             "",
             f"{'Neighbor':<{width}}V         AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd"]
    lines += [f"{neighbor:<{width}}{rest}" for neighbor, rest in rows]
    lines += ["", f"Total number of neighbors {len(rows)}", ""]
    return "\n".join(lines) + "\n"


def _neighbors(model, node, cfg, state, now) -> list[tuple[str, str]]:
    """(neighbor address, rest of its summary line) per neighbor, by address."""
    table = state.best.get(node, {})
    rows = []
    seen = set()
    for attempt in state.attempts:
        if attempt.node != node:
            continue
        seen.add(attempt.neighbor)
        rows.append((attempt.neighbor, attempt.peer, attempt.session, "Idle (Admin)" if attempt.peer.shutdown else "Active"))
    for session in state.sessions:
        if session.b == node and session.b_dynamic and session.a_addr not in seen:
            rows.append((session.a_addr, session.b_peer, session, ""))
    rows.sort(key=lambda row: int(row[0]))
    out = []
    for neighbor, peer, session, down_state in rows:
        if session is None:
            out.append((str(neighbor), f"4 {peer.remote_as:>10} {0:>7} {0:>7} {0:>8} {0:>4} {0:>4} {'never':>8} {down_state}"))
            continue
        local, peer_node, _peer_addr, _cfg = session.view(node)
        since = model.session_since.get((node, local, neighbor), now)
        up = now - since
        received = sum(1 for path in table.values() if path.peer_addr == neighbor)
        sent = _advertised(state, peer_node, local)
        keepalive = peer.keepalive or cfg.keepalive or 60
        msg_rcvd = 1 + seconds(up) // keepalive + (1 if received else 0)
        msg_sent = 1 + seconds(up) // keepalive + (1 if sent else 0)
        out.append((str(neighbor), f"4 {peer.remote_as:>10} {msg_rcvd:>7} {msg_sent:>7} {len(table) + 1:>8} "
                   f"{0:>4} {0:>4} {uptime(up):>8} {received:>8}"))
    return out


def _advertised(state, peer_node, local_addr) -> int:
    return sum(1 for path in state.best.get(peer_node, {}).values() if path.peer_addr == local_addr)
