"""The tunnel/routing state of a whole lab, computed from the devices' CMDB and the simulated clock.

:class:`LabModel` is the one place state changes. Every view (CLI commands, REST monitors) calls
:meth:`LabModel.refresh` first, which

1. re-reads the configuration of devices whose store revision changed and reconciles IKE links
   with it (new pairs establish, pairs whose phase1 changed on either side renegotiate, pairs that
   no longer match go down; phase2 pairs are re-matched);
2. runs time forward to ``clock.now()``: phase2 auto-negotiate retries, expiry and renewal, IKE SA
   rekeys, idle shortcuts;
3. re-establishes links that should be up (after ``diagnose vpn ike gateway clear``);
4. recomputes routing and BGP to a fixed point when anything changed (BGP connection attempts
   are traffic: they bring up phase2 SAs on their path, as on a real unit).

Actions (``ping``, ``clear``, ``tunnel_up``/``tunnel_down``) mutate the same state, so REST, CLI and
monitor views never disagree.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Any, Optional

from . import advpn, bgp, ike, ipsec, policy
from .addressing import AddressBook, NodeId
from .clock import SimClock
from .config import DeviceConfig, Interface, Phase1, read_device
from .ike import DIALUP, SHORTCUT, STATIC, Candidate, GatewayStats, IkeLink, Side
from .ipsec import ChildSa, Crossing
from .routing import Rib, Route, Trace, connected_routes, static_routes, trace

log = logging.getLogger(__name__)

PING_BYTES = 84  # 56 data bytes + ICMP and IP headers
MAX_SETTLE_ROUNDS = 8


@dataclass
class RoutingState:
    key: tuple
    ribs: dict  # node -> Rib
    sessions: list
    attempts: list
    best: dict  # node -> {prefix: bgp.Path}


@dataclass
class PingReply:
    seq: int
    ok: bool
    ttl: int = 0
    rtt_ms: float = 0.0
    reason: str = ""


@dataclass
class PingReport:
    dst: IPv4Address
    src: Optional[IPv4Address]
    replies: list = field(default_factory=list)


class ModelError(Exception):
    """A refused action (unknown tunnel, ...); ``message`` is what a user sees."""


class LabModel:
    def __init__(self, devices: dict, clock: Optional[SimClock] = None):
        self.devices = devices  # name -> Device (spec, store)
        self.clock = clock or SimClock()
        self.configs: dict[str, DeviceConfig] = {}
        self._revisions: dict[str, str] = {}
        self.book = AddressBook([])
        self.links: dict[tuple, IkeLink] = {}
        self.desired: dict[tuple, Candidate] = {}
        self.reasons: dict = {}
        self.stats: dict[tuple, GatewayStats] = {}
        self._hints: dict[tuple, str] = {}  # link key -> side that should initiate (changed its config)
        self._counters: dict[tuple, int] = {}
        self._internal_ids: dict[tuple, IPv4Address] = {}
        self._version = 0
        self._routing: Optional[RoutingState] = None
        self._underlay: dict = {}
        self._demanded: set = set()
        self._sides: dict[tuple, tuple] = {}
        self._sides_version = -1
        self.route_since: dict[tuple, float] = {}
        self.session_since: dict[tuple, float] = {}
        self.ping_options: dict = {}  # node -> commands.PingOptions (execute ping-options)
        self._rng = random.Random()

    # ---- public entry points ---------------------------------------------------------------------
    def refresh(self) -> float:
        now = self.clock.now()
        if self._snapshot():
            self._reconcile(now)
        self._advance(now)
        self._ensure_links(now)
        self._settle(now)
        return now

    @property
    def routing(self) -> RoutingState:
        return self._routing

    def nodes(self) -> list[NodeId]:
        return [(name, vdom) for name, cfg in self.configs.items() for vdom in cfg.vdoms]

    def behaviour(self, node: NodeId):
        return self.devices[node[0]].spec.behaviour

    def phase1(self, node: NodeId, name: str) -> Optional[Phase1]:
        vconf = self.configs.get(node[0]).vdoms.get(node[1]) if node[0] in self.configs else None
        return vconf.phase1.get(name) if vconf else None

    def sides_at(self, node: NodeId) -> list[tuple[Side, IkeLink]]:
        self._index_sides()
        return self._sides.get(node, [])

    def side(self, node: NodeId, name: str) -> Optional[tuple[Side, IkeLink]]:
        for side, link in self.sides_at(node):
            if side.name == name:
                return side, link
        return None

    def ids(self, device: str, kind: str) -> int:
        """Per-device running numbers (IKE SA ids, tunnel serials), as FortiOS allocates them."""
        key = (device, kind)
        self._counters[key] = self._counters.get(key, 0) + 1
        return self._counters[key]

    def internal_id(self, node: NodeId, parent: str) -> IPv4Address:
        """The ``10.0.0.x`` identifier FortiOS gives dial-up templates and instances."""
        key = (node, parent)
        if key not in self._internal_ids:
            self._internal_ids[key] = IPv4Address("10.0.0.0") + (1 + len(
                [k for k in self._internal_ids if k[0][0] == node[0]]))
        return self._internal_ids[key]

    # ---- configuration ------------------------------------------------------------------------------
    def _snapshot(self) -> bool:
        changed = False
        for name, device in self.devices.items():
            revision = device.store.revision
            if self._revisions.get(name) != revision or name not in self.configs:
                self.configs[name] = read_device(name, device.store, device.spec.hostname)
                self._revisions[name] = revision
                changed = True
        return changed

    def _reconcile(self, now: float) -> None:
        self.book = AddressBook(self.configs.values())
        self._underlay = {}
        cands, self.reasons = ike.candidates(self.configs.values(), self.book, self._underlay_reachable)
        desired = {c.key: c for c in cands}
        self._refresh_gateway_stats(now)
        for key, link in list(self.links.items()):
            stale = [s for s in link.sides() if self._stale(s)]
            if link.kind == SHORTCUT:
                if stale:
                    self._teardown(link)
                else:
                    self._rematch_children(link, now)
                continue
            moved = key in desired and (desired[key].a_addr, desired[key].b_addr) != \
                (link.a.local_addr, link.b.local_addr)
            if key not in desired or stale or moved:
                self._teardown(link)
                if key in desired and stale:
                    self._hints[key] = "a" if stale[0] is link.a else "b"
            else:
                self._rematch_children(link, now)
        self.desired = desired
        self._version += 1

    def _refresh_gateway_stats(self, now: float) -> None:
        """A static gateway is re-created (counters reset) when its own phase1 changes."""
        alive = set()
        for node in self.nodes():
            for p1 in self.configs[node[0]].vdoms[node[1]].phase1.values():
                if p1.dialup:
                    self.internal_id(node, p1.name)  # templates get their id before instances
                    continue
                key = (node, p1.name)
                alive.add(key)
                current = self.stats.get(key)
                if current is None or current.fingerprint != p1.fingerprint:
                    self.stats[key] = GatewayStats(created_at=now, fingerprint=p1.fingerprint)
        for key in list(self.stats):
            if key not in alive:
                del self.stats[key]

    def _stale(self, side: Side) -> bool:
        current = self.phase1(side.node, side.parent)
        return current is None or current.fingerprint != side.phase1.fingerprint or \
            self._sent_address(side.node, current) != side.sent

    def _sent_address(self, node: NodeId, phase1: Phase1) -> Optional[IPv4Address]:
        return ike.exchanged_address(phase1, self.book.tunnel_address(node, phase1.name),
                                     self.behaviour(node).auto_discovery_sends_interface_ip)

    def _underlay_rib(self, node: NodeId) -> Rib:
        rib = self._underlay.get(node)
        if rib is None:
            connected = Rib(connected_routes(self.book, node, lambda _name: False))
            statics = self.configs[node[0]].vdoms[node[1]].statics
            rib = Rib(connected.candidates + static_routes(
                self.book, node, statics, lambda *_: None, connected, underlay_only=True))
            self._underlay[node] = rib
        return rib

    def _underlay_reachable(self, node: NodeId, src: IPv4Address, dst: IPv4Address) -> bool:
        """IKE packets from ``node`` reach ``dst`` (each side may initiate, so each direction is a
        new flow: IKE to a loopback needs a policy, to the arrival interface's address it does not)."""
        result = trace(self.book, self._underlay_rib, node, src, dst, lambda *_: "no tunnels in the underlay",
                       admit=self.admit(policy.IKE))
        return result.delivered

    # ---- links ------------------------------------------------------------------------------------
    def _initiator(self, cand: Candidate) -> Optional[str]:
        a = self.phase1(cand.a.node, cand.a.phase1)
        b = self.phase1(cand.b.node, cand.b.phase1)
        able = [x for x, p1 in (("a", a), ("b", b)) if p1.auto_negotiate and (x == "a" or cand.kind == STATIC)]
        hint = self._hints.get(cand.key)
        if hint in able:
            return hint
        return able[0] if able else None

    def _ensure_links(self, now: float) -> None:
        for key, cand in self.desired.items():
            if key in self.links:
                continue
            initiator = self._initiator(cand)
            if initiator is not None:
                self._establish(cand, now, initiator)

    def _establish(self, cand: Candidate, now: float, initiator: str) -> IkeLink:
        a_p1 = self.phase1(cand.a.node, cand.a.phase1)
        b_p1 = self.phase1(cand.b.node, cand.b.phase1)
        a_side = Side(cand.a.node, a_p1, a_p1.name, STATIC, cand.a_addr, cand.b_addr)
        if cand.kind == DIALUP:
            index = self._free_index(cand.b.node, b_p1.name)
            b_side = Side(cand.b.node, b_p1, f"{b_p1.name}_{index}", DIALUP, cand.b_addr, cand.a_addr,
                          index=index)
            b_side.internal_id = self.internal_id(cand.b.node, f"{b_p1.name}_{index}")
        else:
            b_side = Side(cand.b.node, b_p1, b_p1.name, STATIC, cand.b_addr, cand.a_addr)
        link = self._new_link(cand.key, cand.kind, a_side, b_side, initiator, now)
        self._hints.pop(cand.key, None)
        return link

    def _new_link(self, key: tuple, kind: str, a_side: Side, b_side: Side, initiator: str, now: float) -> IkeLink:
        init, resp = (a_side, b_side) if initiator == "a" else (b_side, a_side)
        proposal, _ = ike.negotiate(init.phase1, resp.phase1, init.local_addr, resp.local_addr)
        link = IkeLink(key=key, kind=kind, a=a_side, b=b_side, initiator=initiator, proposal=proposal or "",
                       started_at=now, established_at=now)
        for side in (a_side, b_side):
            side.sent = self._sent_address(side.node, side.phase1)
        a_side.learned, b_side.learned = b_side.sent, a_side.sent
        for side in (a_side, b_side):
            side.sa_id = self.ids(side.node[0], "ike-sa")
            side.tun_serial = self.ids(side.node[0], "tunnel")
            if side.is_instance:
                side.stats = GatewayStats(created_at=now)
            else:
                side.stats = self.stats.setdefault((side.node, side.name), GatewayStats(created_at=now))
        link.new_keys()
        for side in (a_side, b_side):
            side.stats.ike_created += 1
            side.stats.ike_established += 1
            side.stats.ike_times.add(link.negotiation_ms)
        self.links[key] = link
        self._rematch_children(link, now)
        self._version += 1
        return link

    def _free_index(self, node: NodeId, parent: str) -> int:
        used = {s.index for s, _l in self.sides_at(node) if s.parent == parent and s.is_instance}
        index = 0
        while index in used:
            index += 1
        return index

    def _teardown(self, link: IkeLink) -> None:
        if self.links.get(link.key) is link:
            del self.links[link.key]
            self._version += 1

    def _phase2s(self, side: Side) -> list:
        vconf = self.configs[side.node[0]].vdoms[side.node[1]]
        return [p2 for p2 in vconf.phase2.values() if p2.phase1 == side.parent]

    def _rematch_children(self, link: IkeLink, now: float) -> None:
        """Pair the two ends' phase2 entries again; unchanged pairs keep their SA."""
        fresh = {}
        for a_p2, b_p2, reason in ipsec.pair(self._phase2s(link.a), self._phase2s(link.b)):
            key = (a_p2.name if a_p2 else None, b_p2.name if b_p2 else None)
            old = link.children.get(key)
            same = old is not None and all(
                (x.fingerprint if x else None) == (y.fingerprint if y else None)
                for x, y in ((old.a_p2, a_p2), (old.b_p2, b_p2)))
            if same:
                old.a_p2, old.b_p2, old.reason = a_p2, b_p2, reason
                fresh[key] = old
            else:
                fresh[key] = ChildSa(a_p2, b_p2, reason, next_attempt=now)
        link.children = fresh

    # ---- time ------------------------------------------------------------------------------------
    def autoneg_sides(self, link: IkeLink, child: ChildSa) -> list[str]:
        result = []
        order = [link.initiator, "b" if link.initiator == "a" else "a"]
        for which in order:
            p2 = child.p2_of(which)
            side = link.a if which == "a" else link.b
            if p2 is None or not p2.auto_negotiate:
                continue
            if side.kind == DIALUP and not self.behaviour(side.node).dialup_server_autonegotiate:
                continue
            result.append(which)
        return result

    def _advance(self, now: float) -> None:
        for link in list(self.links.values()):
            self._rekey_ike(link, now)
            for child in link.children.values():
                before = (child.up, child.established_at, child.created)
                created = child.advance(now, self.autoneg_sides(link, child), id(child) in self._demanded)
                if created:
                    self._count_ipsec(link, created)
                if (child.up, child.established_at, child.created) != before:
                    self._version += 1
            if link.kind == SHORTCUT:
                self._expire_idle_shortcut(link, now)

    def _rekey_ike(self, link: IkeLink, now: float) -> None:
        keylife = min(link.a.phase1.keylife, link.b.phase1.keylife)
        if keylife <= 0 or now - link.established_at < keylife:
            return
        count = math.floor((now - link.established_at) / keylife)
        link.established_at += count * keylife
        link.started_at = link.established_at
        link.rekeys += count
        link.new_keys()
        for side in link.sides():
            side.sa_id = self.ids(side.node[0], "ike-sa")
            side.stats.ike_created += count
            side.stats.ike_established += count
            side.stats.ike_times.add(link.negotiation_ms, count)

    def _expire_idle_shortcut(self, link: IkeLink, now: float) -> None:
        parent = link.a.phase1
        if not parent.idle_timeout:
            return
        idle_since = max(link.established_at, link.last_traffic)
        if now - idle_since >= parent.idle_timeout_minutes * 60:
            self._teardown(link)

    def _count_ipsec(self, link: IkeLink, created: int) -> None:
        took = ike.negotiation_ms(link.a.phase1.ike_version) // 2  # one CREATE_CHILD_SA / quick mode exchange
        for side in link.sides():
            side.stats.ipsec_created += created
            side.stats.ipsec_established += created
            side.stats.ipsec_times.add(took, created)

    # ---- routing and BGP -------------------------------------------------------------------------
    def _index_sides(self) -> None:
        if self._sides_version == self._version:
            return
        index: dict = {}
        for link in self.links.values():
            for side in link.sides():
                index.setdefault(side.node, []).append((side, link))
        self._sides = index
        self._sides_version = self._version

    def egress_side(self, node: NodeId, name: str, next_hop: Optional[IPv4Address]) -> Optional[tuple]:
        """(side, link) a packet leaving through tunnel ``name`` uses. ``name`` is a gateway
        (static phase1 or instance) or a parent's tunnel interface, where an instance (dial-up or
        shortcut) is picked by ``tun_id`` as FortiOS does with ``net-device disable``; a static
        parent's own SA carries the rest."""
        found = self.side(node, name)
        if found is not None and found[0].is_instance:
            return found
        if next_hop is not None:
            for side, link in self.sides_at(node):
                if side.parent == name and side.is_instance and side.tun_id == next_hop:
                    return side, link
        return found

    def _tunnel_up(self, node: NodeId, name: str) -> bool:
        return any(s.parent == name or s.name == name for s, _l in self.sides_at(node))

    def _build_ribs(self, best: dict, now: float) -> dict:
        ribs = {}
        for node in self.nodes():
            vconf = self.configs[node[0]].vdoms[node[1]]
            conn = connected_routes(self.book, node, lambda name, n=node: self._tunnel_up(n, name))
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

    def _settle(self, now: float) -> None:
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
                lambda n, s, d: trace(self.book, ribs.__getitem__, n, s, d, self._crossing(now, "bgp"),
                                      admit=self.admit(policy.BGP)),
                lambda n, s, d: trace(self.book, ribs.__getitem__, n, s, d, self._crossing(now, "bgp")))
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

    # ---- packets ----------------------------------------------------------------------------------
    def _crossing(self, now: float, mode: str):
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
                self._count_ipsec(link, 1)
                self._version += 1
                if mode == "ping":
                    return f"{node[0]}: phase2 of {side.name} negotiating, packet dropped"
            peer = link.peer_of(side)
            return peer.node, Crossing(link, which, child), peer.parent

        return cross

    def admit(self, traffic: policy.Traffic):
        """Trace callback: the firewall of each node a flow enters decides (:mod:`policy`)."""

        def decide(node: NodeId, ingress: str, target, src: IPv4Address, dst: IPv4Address) -> Optional[str]:
            firewall = self.configs[node[0]].vdoms[node[1]].firewall
            if isinstance(target, Interface):
                verdict = firewall.local_in(ingress, target.name, target.allowaccess, src, dst, traffic,
                                            self.behaviour(node).other_interface_allowaccess)
            else:
                verdict = firewall.forward(ingress, self._egress_interface(node, target), src, dst, traffic)
            return None if verdict.allowed else f"{node[0]}: {verdict.reason}"

        return decide

    def _egress_interface(self, node: NodeId, route: Route) -> str:
        """The interface policies name for a route's egress: a dial-up or shortcut instance is
        known by its parent tunnel."""
        if route.tunnel:
            found = self.egress_side(node, route.interface, route.gateway)
            if found is not None:
                return found[0].parent
        return route.interface

    def source_for(self, node: NodeId, dst: IPv4Address) -> Optional[IPv4Address]:
        """Source address of locally generated traffic: the egress interface's address; when that
        interface has none (unnumbered tunnel), the highest loopback, else the first address."""
        routes = self._routing.ribs[node].lookup(dst) if self._routing else []
        if routes:
            egress = routes[0].egress
            interface = egress.interface
            if egress.tunnel:  # instances (HUB_0, SPOKE_1) use their parent's tunnel interface
                found = self.egress_side(node, interface, egress.gateway)
                interface = found[0].parent if found else interface
            addr = self.book.tunnel_address(node, interface)
            if addr is not None:
                return addr
        return self.book.router_id(node) if any(i.type == "loopback" and i.ip for i in self.book.interfaces(node)) \
            else next((i.ip.ip for i in self.book.interfaces(node) if i.ip is not None), None)

    def ping(self, node: NodeId, dst: IPv4Address, src: Optional[IPv4Address], count: int) -> PingReport:
        now = self.refresh()
        report = PingReport(dst=dst, src=src or self.source_for(node, dst))
        for seq in range(count):
            report.replies.append(self._one_ping(node, report.src, dst, seq, now))
            self._settle(now)
        return report

    def _one_ping(self, node: NodeId, src: Optional[IPv4Address], dst: IPv4Address, seq: int, now: float,
                  ribs: Optional[dict] = None) -> PingReply:
        """One echo request and its reply; ``ribs`` may replace the routing tables of the way out."""
        if self.book.owned_by(node, dst) is not None:
            return PingReply(seq, True, 255, self._rtt(0))
        if src is None:
            return PingReply(seq, False, reason="no source address")
        ribs = ribs or self._routing.ribs
        out = trace(self.book, ribs.__getitem__, node, src, dst, self._crossing(now, "ping"),
                    admit=self.admit(policy.PING))
        self._account(out, now)
        self._offer_shortcut(out, now)
        if not out.delivered:
            return PingReply(seq, False, reason=out.reason)
        self._settle(now)
        back = trace(self.book, self._routing.ribs.__getitem__, out.reached, dst, src, self._crossing(now, "ping"))
        self._account(back, now)
        if not back.delivered or back.reached != node:
            return PingReply(seq, False, reason=back.reason or "reply did not come back")
        hops = len(out.hops) + len(back.hops)
        return PingReply(seq, True, 255 - max(0, len(back.hops) - 1), self._rtt(hops))

    def probe(self, node: NodeId, dst: IPv4Address, src: Optional[IPv4Address] = None,
              interface: Optional[str] = None) -> PingReply:
        """One health-check probe (ICMP echo, as SD-WAN health checks send by default): a one-packet
        ping, with every device's firewall policies applied, that may be forced out through
        ``interface`` (an SD-WAN member) instead of following the routing table. A tunnel member
        sends straight into its tunnel; another member uses only the routes leaving by it."""
        now = self.refresh()
        ribs = dict(self._routing.ribs)
        base = ribs[node]
        iface = self.book.interface(node, interface)
        if interface is not None and iface is not None and iface.type == "tunnel":
            ribs[node] = Rib([Route(prefix=IPv4Network(f"{dst}/32"), kind="static", distance=0, interface=interface,
                                    tunnel=True, origin="probe")])
        elif interface is not None:
            ribs[node] = Rib([r for r in base.candidates if r.egress.interface == interface])
        reply = self._one_ping(node, src or self.source_for(node, dst), dst, 0, now, ribs)
        self._settle(now)
        return reply

    def _rtt(self, hops: int) -> float:
        return round(0.05 + 0.25 * hops + self._rng.random() * 0.1 * (hops + 1), 3)

    def _account(self, result: Trace, now: float) -> None:
        for crossing in result.crossings:
            crossing.child.traffic(now, crossing.side, 1, PING_BYTES)
            crossing.link.last_traffic = now

    def _offer_shortcut(self, result: Trace, now: float) -> None:
        found = advpn.opportunity(result.crossings)
        if found is None:
            return
        spoke1, spoke2 = found
        key = (SHORTCUT,) + tuple(sorted([(spoke1.node, spoke1.parent), (spoke2.node, spoke2.parent)]))
        if key in self.links:
            return
        proposal, why = advpn.shortcut_agreement(spoke1, spoke2)
        if proposal is None:
            log.info("no ADVPN shortcut %s -> %s: %s", spoke1.node[0], spoke2.node[0], why)
            return
        if not (self._underlay_reachable(spoke1.node, spoke1.local_addr, spoke2.local_addr)
                and self._underlay_reachable(spoke2.node, spoke2.local_addr, spoke1.local_addr)):
            return
        a = Side(spoke1.node, spoke1.phase1, "", SHORTCUT, spoke1.local_addr, spoke2.local_addr)
        b = Side(spoke2.node, spoke2.phase1, "", SHORTCUT, spoke2.local_addr, spoke1.local_addr)
        for side in (a, b):
            side.index = self._free_index(side.node, side.parent)
            side.name = f"{side.parent}_{side.index}"
        link = self._new_link(key, SHORTCUT, a, b, "a", now)
        link.last_traffic = now
        for child in link.children.values():  # shortcut phase2s come up with the traffic
            if child.negotiable and not child.up:
                child.establish(now, "a")
                self._count_ipsec(link, 1)

    # ---- operator actions -------------------------------------------------------------------------
    def clear(self, node: NodeId, name: Optional[str] = None) -> int:
        """``diagnose vpn ike gateway clear [name X]``: delete IKE SAs (the peer is notified).
        Gateways that should be up renegotiate at once; instances come back under new names."""
        self.refresh()
        doomed = [link for side, link in self.sides_at(node)
                  if name is None or side.name == name or side.parent == name]
        for link in {id(l): l for l in doomed}.values():
            self._teardown(link)
        self.refresh()
        return len(doomed)

    def tunnel_up(self, node: NodeId, p1name: str, p2name: Optional[str]) -> None:
        now = self.refresh()
        found = self.side(node, p1name)
        if found is None:
            cand = next((c for c in self.desired.values()
                         if (c.a.node, c.a.phase1) == (node, p1name)
                         or (c.kind == STATIC and (c.b.node, c.b.phase1) == (node, p1name))), None)
            if cand is None:
                raise ModelError(f"tunnel {p1name} cannot be brought up: "
                                 f"{self.reasons.get((node, p1name), 'no matching peer')}")
            initiator = "a" if (cand.a.node, cand.a.phase1) == (node, p1name) else "b"
            self._establish(cand, now, initiator)
            found = self.side(node, p1name)
        side, link = found
        which = "a" if side is link.a else "b"
        for child in link.children.values():
            p2 = child.p2_of(which)
            if p2 is None or (p2name and p2.name != p2name) or child.up:
                continue
            if not child.negotiable:
                raise ModelError(f"phase2 {p2.name} cannot be negotiated: {child.reason}")
            child.establish(now, which)
            self._count_ipsec(link, 1)
            self._version += 1
        self._settle(now)

    def tunnel_down(self, node: NodeId, p1name: str, p2name: Optional[str]) -> None:
        now = self.refresh()
        found = self.side(node, p1name)
        if found is None:
            raise ModelError(f"tunnel {p1name} is not up")
        side, link = found
        which = "a" if side is link.a else "b"
        for child in link.children.values():
            p2 = child.p2_of(which)
            if p2 is None or (p2name and p2.name != p2name) or not child.up:
                continue
            child.take_down(now, retry=bool(self.autoneg_sides(link, child)))
            self._version += 1
        self._settle(now)

    def reset_stats(self, node: NodeId, p1name: str) -> None:
        self.refresh()
        found = self.side(node, p1name)
        if found is None:
            raise ModelError(f"tunnel {p1name} is not up")
        for child in found[1].children.values():
            child.a_dec, child.a_enc = ipsec.Counters(), ipsec.Counters()


def model_of(lab: Any) -> LabModel:
    """The lab's model, created on first use (a lab object may also bring its own ``model``)."""
    model = getattr(lab, "model", None)
    if model is None:
        model = LabModel(lab.devices, getattr(lab, "clock", None))
        try:
            lab.model = model
        except AttributeError:
            pass
    return model
