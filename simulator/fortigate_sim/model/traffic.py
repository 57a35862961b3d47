"""Traffic through the lab: firewall admission, source selection, ``execute ping`` and probes,
byte accounting and the ADVPN shortcut offer that traffic through a hub triggers.

A mixin of :class:`~.engine.LabModel`: the methods work on the lab model's state (``self``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Optional

from . import advpn, policy
from .addressing import NodeId
from .config import Interface
from .ike import SHORTCUT, Side
from .routing import Rib, Route, Trace, trace

log = logging.getLogger(__name__)

PING_BYTES = 84  # 56 data bytes + ICMP and IP headers


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


class Traffic:
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
            self.settle(now)
        return report

    def _one_ping(self, node: NodeId, src: Optional[IPv4Address], dst: IPv4Address, seq: int, now: float,
                  ribs: Optional[dict] = None) -> PingReply:
        """One echo request and its reply; ``ribs`` may replace the routing tables of the way out."""
        if self.book.owned_by(node, dst) is not None:
            return PingReply(seq, True, 255, self._rtt(0))
        if src is None:
            return PingReply(seq, False, reason="no source address")
        ribs = ribs or self._routing.ribs
        out = trace(self.book, ribs.__getitem__, node, src, dst, self.crossing(now, "ping"),
                    admit=self.admit(policy.PING))
        self._account(out, now)
        self._offer_shortcut(out, now)
        if not out.delivered:
            return PingReply(seq, False, reason=out.reason)
        self.settle(now)
        back = trace(self.book, self._routing.ribs.__getitem__, out.reached, dst, src, self.crossing(now, "ping"))
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
        self.settle(now)
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
        if not (self.underlay_reachable(spoke1.node, spoke1.local_addr, spoke2.local_addr)
                and self.underlay_reachable(spoke2.node, spoke2.local_addr, spoke1.local_addr)):
            return
        a = Side(spoke1.node, spoke1.phase1, "", SHORTCUT, spoke1.local_addr, spoke2.local_addr)
        b = Side(spoke2.node, spoke2.phase1, "", SHORTCUT, spoke2.local_addr, spoke1.local_addr)
        for side in (a, b):
            side.index = self.free_index(side.node, side.parent)
            side.name = f"{side.parent}_{side.index}"
        link = self.new_link(key, SHORTCUT, a, b, "a", now)
        link.last_traffic = now
        for child in link.children.values():  # shortcut phase2s come up with the traffic
            if child.negotiable and not child.up:
                child.establish(now, "a")
                self.count_ipsec(link, 1)
