"""Operator actions on tunnels: ``diagnose vpn ike gateway clear``, ``diagnose vpn tunnel up|down``,
statistics reset (the REST monitor actions call the same methods).

A mixin of :class:`~.engine.LabModel`: the methods work on the lab model's state (``self``).
"""

from __future__ import annotations

from typing import Optional

from . import ipsec
from .addressing import NodeId
from .ike import STATIC


class ModelError(Exception):
    """A refused action (unknown tunnel, ...); ``message`` is what a user sees."""


class OperatorActions:
    def clear(self, node: NodeId, name: Optional[str] = None) -> int:
        """``diagnose vpn ike gateway clear [name X]``: delete IKE SAs (the peer is notified).
        Gateways that should be up renegotiate at once; instances come back under new names."""
        self.refresh()
        doomed = [link for side, link in self.sides_at(node)
                  if name is None or side.name == name or side.parent == name]
        for link in {id(l): l for l in doomed}.values():
            self.teardown(link)
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
            self.establish(cand, now, initiator)
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
            self.count_ipsec(link, 1)
            self._version += 1
        self.settle(now)

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
        self.settle(now)

    def reset_stats(self, node: NodeId, p1name: str) -> None:
        self.refresh()
        found = self.side(node, p1name)
        if found is None:
            raise ModelError(f"tunnel {p1name} is not up")
        for child in found[1].children.values():
            child.a_dec, child.a_enc = ipsec.Counters(), ipsec.Counters()
