"""Simulated time acting on links: phase2 auto-negotiate retries and lifetimes, IKE SA rekeys,
idle ADVPN shortcuts.

A mixin of :class:`~.engine.LabModel`: the methods work on the lab model's state (``self``).
"""

from __future__ import annotations

import math

from . import ike
from .ike import SHORTCUT, IkeLink


class Timeline:
    def advance(self, now: float) -> None:
        for link in list(self.links.values()):
            self._rekey_ike(link, now)
            for child in link.children.values():
                before = (child.up, child.established_at, child.created)
                created = child.advance(now, self.autoneg_sides(link, child), id(child) in self._demanded)
                if created:
                    self.count_ipsec(link, created)
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
            self.teardown(link)

    def count_ipsec(self, link: IkeLink, created: int) -> None:
        took = ike.negotiation_ms(link.a.phase1.ike_version) // 2  # one CREATE_CHILD_SA / quick mode exchange
        for side in link.sides():
            side.stats.ipsec_created += created
            side.stats.ipsec_established += created
            side.stats.ipsec_times.add(took, created)
