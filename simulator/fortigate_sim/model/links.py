"""IKE links: which phase1 pairs come up, who initiates, how a link is built and torn down,
and which tunnel side carries traffic to a next hop ("how does a tunnel come up": here).

A mixin of :class:`~.engine.LabModel`: the methods work on the lab model's state (``self``).
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import Optional

from . import ike, ipsec, policy
from .addressing import NodeId
from .config import Phase1
from .ike import DIALUP, STATIC, Candidate, GatewayStats, IkeLink, Side
from .ipsec import ChildSa
from .routing import Rib, connected_routes, static_routes, trace


class IkeLinks:
    def refresh_gateway_stats(self, now: float) -> None:
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

    def stale(self, side: Side) -> bool:
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

    def underlay_reachable(self, node: NodeId, src: IPv4Address, dst: IPv4Address) -> bool:
        """IKE packets from ``node`` reach ``dst`` (each side may initiate, so each direction is a
        new flow: IKE to a loopback needs a policy, to the arrival interface's address it does not)."""
        result = trace(self.book, self._underlay_rib, node, src, dst, lambda *_: "no tunnels in the underlay",
                       admit=self.admit(policy.IKE))
        return result.delivered

    def _initiator(self, cand: Candidate) -> Optional[str]:
        a = self.phase1(cand.a.node, cand.a.phase1)
        b = self.phase1(cand.b.node, cand.b.phase1)
        able = [x for x, p1 in (("a", a), ("b", b)) if p1.auto_negotiate and (x == "a" or cand.kind == STATIC)]
        hint = self._hints.get(cand.key)
        if hint in able:
            return hint
        return able[0] if able else None

    def ensure_links(self, now: float) -> None:
        for key, cand in self.desired.items():
            if key in self.links:
                continue
            initiator = self._initiator(cand)
            if initiator is not None:
                self.establish(cand, now, initiator)

    def establish(self, cand: Candidate, now: float, initiator: str) -> IkeLink:
        a_p1 = self.phase1(cand.a.node, cand.a.phase1)
        b_p1 = self.phase1(cand.b.node, cand.b.phase1)
        a_side = Side(cand.a.node, a_p1, a_p1.name, STATIC, cand.a_addr, cand.b_addr)
        if cand.kind == DIALUP:
            index = self.free_index(cand.b.node, b_p1.name)
            b_side = Side(cand.b.node, b_p1, f"{b_p1.name}_{index}", DIALUP, cand.b_addr, cand.a_addr,
                          index=index)
            b_side.internal_id = self.internal_id(cand.b.node, f"{b_p1.name}_{index}")
        else:
            b_side = Side(cand.b.node, b_p1, b_p1.name, STATIC, cand.b_addr, cand.a_addr)
        link = self.new_link(cand.key, cand.kind, a_side, b_side, initiator, now)
        self._hints.pop(cand.key, None)
        return link

    def new_link(self, key: tuple, kind: str, a_side: Side, b_side: Side, initiator: str, now: float) -> IkeLink:
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
        self.rematch_children(link, now)
        self._version += 1
        return link

    def free_index(self, node: NodeId, parent: str) -> int:
        used = {s.index for s, _l in self.sides_at(node) if s.parent == parent and s.is_instance}
        index = 0
        while index in used:
            index += 1
        return index

    def teardown(self, link: IkeLink) -> None:
        if self.links.get(link.key) is link:
            del self.links[link.key]
            self._version += 1

    def _phase2s(self, side: Side) -> list:
        vconf = self.configs[side.node[0]].vdoms[side.node[1]]
        return [p2 for p2 in vconf.phase2.values() if p2.phase1 == side.parent]

    def rematch_children(self, link: IkeLink, now: float) -> None:
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

    def index_sides(self) -> None:
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

    def is_tunnel_up(self, node: NodeId, name: str) -> bool:
        return any(s.parent == name or s.name == name for s, _l in self.sides_at(node))
