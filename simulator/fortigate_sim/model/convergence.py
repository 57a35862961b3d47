"""Routing to a fixed point: each node's RIB (connected, static, IKE-injected, BGP), BGP
sessions and best paths, and the traffic that BGP connection attempts cause.

A mixin of :class:`~.engine.LabModel`: the methods work on the lab model's state (``self``).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network

from . import bgp, policy
from .addressing import NodeId
from .ike import DIALUP, SHORTCUT
from .ipsec import Crossing
from .routing import Rib, Route, connected_routes, static_routes, trace

MAX_SETTLE_ROUNDS = 8


@dataclass
class RoutingState:
    key: tuple
    ribs: dict  # node -> Rib
    sessions: list
    attempts: list
    best: dict  # node -> {prefix: bgp.Path}


class Convergence:
    def _build_ribs(self, best: dict, now: float) -> dict:
        ribs = {}
        for node in self.nodes():
            vconf = self.configs[node[0]].vdoms[node[1]]
            conn = connected_routes(self.book, node, lambda name, n=node: self.is_tunnel_up(n, name))
            crib = Rib(conn)

            def tunnel_peer(device, gateway, n=node):
                found = self.egress_side(n, device, gateway)
                if found is None:
                    first = [s for s, _l in self.sides_at(n) if s.parent == device and s.kind != SHORTCUT]
                    return first[0].tun_id if first and gateway is None else None
                return found[0].tun_id

            routes = conn + static_routes(self.book, node, vconf.statics, tunnel_peer, crib) + self._ike_routes(node)
            base = Rib(routes)
            bgp_routes = self._bgp_routes(node, vconf.bgp, best.get(node, {}), base)
            ribs[node] = Rib(routes + bgp_routes) if bgp_routes else base
        return ribs

    def _ike_routes(self, node: NodeId) -> list[Route]:
        """/32s of learned overlay addresses, and add-route routes of dial-up instances."""
        routes = []
        for side, link in self.sides_at(node):
            p1 = self.phase1(node, side.parent) or side.phase1  # distance/add-route apply at once
            if side.learned is not None:
                routes.append(Route(prefix=IPv4Network(f"{side.learned}/32"), kind="static", distance=p1.distance,
                                    priority=p1.priority, interface=side.route_interface, tunnel=True,
                                    tunnel_peer=side.tun_id, origin="ike"))
            if side.kind == DIALUP and p1.add_route:
                which = "a" if side is link.a else "b"
                for child in link.children.values():
                    peer_p2 = child.p2_of("b" if which == "a" else "a")
                    if not child.up or peer_p2 is None or peer_p2.src.is_any:
                        continue
                    for net in peer_p2.src.networks():
                        routes.append(Route(prefix=net, kind="static", distance=p1.distance, priority=p1.priority,
                                            interface=side.route_interface, tunnel=True, tunnel_peer=side.tun_id,
                                            origin="add-route"))
        return routes

    def _bgp_routes(self, node: NodeId, cfg, table: dict, base: Rib) -> list[Route]:
        if not table:
            return []
        routes, pending = [], []
        for path in table.values():
            if path.local:
                continue
            via = bgp.resolve(base, path.next_hop, False)
            if via is None:
                pending.append(path)
            else:
                routes.append(self._bgp_route(cfg, path, via))
        if pending and cfg.recursive_next_hop:
            extended = Rib(base.candidates + routes)
            for path in pending:
                via = bgp.resolve(extended, path.next_hop, True)
                if via is not None and via.prefix != path.prefix:
                    routes.append(self._bgp_route(cfg, path, via))
        return routes

    @staticmethod
    def _bgp_route(cfg, path, via: Route) -> Route:
        egress = via.egress
        return Route(prefix=path.prefix, kind="bgp",
                     distance=cfg.distance_internal if path.ibgp else cfg.distance_external,
                     interface=egress.interface, gateway=path.next_hop, tunnel=egress.tunnel,
                     tunnel_peer=egress.tunnel_peer, origin="bgp", recursive=via, bgp_peer=path.peer_addr)

    def settle(self, now: float) -> None:
        key = (tuple(sorted(self._revisions.items())), self._version)
        if self._routing is not None and self._routing.key == key:
            return
        bgp_cfgs = {node: self.configs[node[0]].vdoms[node[1]].bgp for node in self.nodes()}
        # Warm start from the previous fixed point: a local change then converges in one round.
        best: dict = self._routing.best if self._routing is not None else {}
        sessions, attempts, ribs = [], [], {}
        for _round in range(MAX_SETTLE_ROUNDS):
            version = self._version
            ribs = self._build_ribs(best, now)
            sessions, attempts = bgp.establish(
                bgp_cfgs, self.book, ribs.__getitem__,
                lambda n, s, d: trace(self.book, ribs.__getitem__, n, s, d, self.crossing(now, "bgp"),
                                      admit=self.admit(policy.BGP)),
                lambda n, s, d: trace(self.book, ribs.__getitem__, n, s, d, self.crossing(now, "bgp")))
            new_best = bgp.exchange(bgp_cfgs, sessions, ribs.__getitem__, self.book)
            if new_best == best and version == self._version:
                break
            best = new_best
        self._demanded = {id(c.child) for s in sessions for c in s.crossings}
        self._stamp(now, ribs, sessions)
        self._routing = RoutingState((tuple(sorted(self._revisions.items())), self._version),
                                     ribs, sessions, attempts, best)

    def _stamp(self, now: float, ribs: dict, sessions: list) -> None:
        """Remember since when each route and session exists (for ``00:52:00`` ages)."""
        seen = set()
        for node, rib in ribs.items():
            for route in rib.routes():
                key = (node, route.key())
                seen.add(key)
                self.route_since.setdefault(key, now)
        self.route_since = {k: v for k, v in self.route_since.items() if k in seen}
        alive = set()
        for s in sessions:
            for node, local, peer in ((s.a, s.a_addr, s.b_addr), (s.b, s.b_addr, s.a_addr)):
                key = (node, local, peer)
                alive.add(key)
                self.session_since.setdefault(key, now)
        self.session_since = {k: v for k, v in self.session_since.items() if k in alive}

    def route_age(self, node: NodeId, route: Route, now: float) -> float:
        return max(0.0, now - self.route_since.get((node, route.key()), now))

    def crossing(self, now: float, mode: str):
        """Tunnel callback for :func:`routing.trace`. ``mode`` "bgp": a down SA that can be
        negotiated is brought up and passed (TCP retries until it is); "ping": it is brought up
        but this packet is lost, as FortiOS drops the packet that triggers negotiation."""

        def cross(node, route, next_hop, src, dst):
            # Through a parent interface (net-device disable) the instance is the one whose tun_id
            # is the next hop, or the route's own tunnel id (add-route routes to a spoke's LAN).
            found = self.egress_side(node, route.interface, next_hop) or \
                self.egress_side(node, route.interface, route.tunnel_peer)
            if found is None:
                return f"{node[0]}: tunnel {route.interface} has no SA toward {next_hop}"
            side, link = found
            which = "a" if side is link.a else "b"
            children = [c for c in link.children.values() if c.carries(which, src, dst)]
            if not children:
                return f"{node[0]}: no phase2 selector of {side.name} matches {src} -> {dst}"
            child = next((c for c in children if c.up), children[0])
            if not child.up:
                if not child.negotiable:
                    return f"{node[0]}: phase2 of {side.name} cannot be negotiated ({child.reason})"
                child.establish(now, which)
                self.count_ipsec(link, 1)
                self._version += 1
                if mode == "ping":
                    return f"{node[0]}: phase2 of {side.name} negotiating, packet dropped"
            peer = link.peer_of(side)
            return peer.node, Crossing(link, which, child), peer.parent

        return cross
