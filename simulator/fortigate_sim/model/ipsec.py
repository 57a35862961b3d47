"""Phase2 (IPsec child SAs): which phase2 entries pair up, and each SA's life cycle.

Life cycle, after Fortinet KB 189536 (seed 003):

* without ``auto-negotiate`` an SA is only negotiated when traffic needs it (``execute ping``,
  BGP trying to connect through the tunnel, or a REST ``tunnel_up``);
* with ``auto-negotiate`` a side that can initiate brings it up on its own, and retries every
  :data:`RETRY_SECONDS` while it is down (after ``tunnel_down``, or while the peer cannot agree);
  a dial-up server (``type dynamic``) never initiates, unless its device's
  ``dialup_server_autonegotiate`` switch says otherwise;
* ``keepalive`` renews an SA at expiry without traffic; per the KB it is implied whenever
  ``auto-negotiate`` is enabled (on either end);
* otherwise an SA is renewed at expiry only if traffic crossed it during its last
  :func:`rekey_window` seconds, and else it expires at ``keylifeseconds`` (the lower of both ends).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import Optional

from .config import Phase2
from .keys import EspKeys

RETRY_SECONDS = 5


def rekey_window(lifetime: int) -> float:
    """Traffic this close to expiry renews an SA (FortiOS rekeys at its soft lifetime)."""
    return min(900.0, max(30.0, lifetime / 10.0))


def selectors_fit(init: Phase2, resp: Phase2) -> bool:
    """The responder accepts the initiator's selectors when they lie within its own (mirrored)."""
    return resp.dst.covers(init.src) and resp.src.covers(init.dst) and (
        init.protocol == resp.protocol or 0 in (init.protocol, resp.protocol))


def agree(a: Phase2, b: Phase2) -> tuple[Optional[str], str]:
    """(proposal, "") when the two phase2 entries can form an SA (either may initiate)."""
    if not (selectors_fit(a, b) or selectors_fit(b, a)):
        return None, f"selectors {a.src}->{a.dst} vs {b.src}->{b.dst} do not match"
    proposal = next((p for p in a.proposals if p in b.proposals), None)
    if proposal is None:
        return None, "no phase2 proposal chosen"
    if a.pfs != b.pfs or (a.pfs and not set(a.dhgrps) & set(b.dhgrps)):
        return None, "PFS/DH group mismatch"
    return proposal, ""


def pair(a_list: list[Phase2], b_list: list[Phase2]) -> list[tuple[Optional[Phase2], Optional[Phase2], str]]:
    """Pair each side's phase2 entries (first compatible wins); leftovers pair with None."""
    pairs, used, reasons = [], set(), {}
    for a in a_list:
        mate = None
        for b in b_list:
            if b.name in used:
                continue
            proposal, why = agree(a, b)
            if proposal is not None:
                mate = b
                break
            reasons[a.name] = why
        if mate is not None:
            used.add(mate.name)
            pairs.append((a, mate, ""))
        else:
            pairs.append((a, None, reasons.get(a.name, "no phase2 on the peer")))
    pairs.extend((None, b, "no phase2 on the peer") for b in b_list if b.name not in used)
    return pairs


@dataclass
class Counters:
    packets: int = 0
    bytes: int = 0

    def add(self, packets: int, nbytes: int) -> None:
        self.packets += packets
        self.bytes += nbytes


@dataclass
class ChildSa:
    """The phase2 SA between phase2 ``a_p2`` (on the link's side a) and ``b_p2`` (side b)."""

    a_p2: Optional[Phase2]
    b_p2: Optional[Phase2]
    reason: str = ""
    up: bool = False
    proposal: str = ""
    established_at: float = 0.0
    expires_at: float = 0.0
    lifetime: int = 0
    initiator: str = "a"
    created: int = 0  # SAs created for this pair on this link
    next_attempt: Optional[float] = None
    last_traffic: float = -1.0
    keys: Optional[EspKeys] = None
    serial: int = 1
    # traffic seen by side a: dec (received) / enc (sent); side b sees the mirror image
    a_dec: Counters = field(default_factory=Counters)
    a_enc: Counters = field(default_factory=Counters)

    @property
    def negotiable(self) -> bool:
        return self.a_p2 is not None and self.b_p2 is not None and not self.reason

    def p2_of(self, side: str) -> Optional[Phase2]:
        return self.a_p2 if side == "a" else self.b_p2

    def keepalive(self) -> bool:
        """Keepalive in effect on either end (explicit, or implied by auto-negotiate)."""
        return any(p is not None and (p.keepalive or p.auto_negotiate) for p in (self.a_p2, self.b_p2))

    def establish(self, at: float, initiator: str) -> None:
        proposal, _ = agree(self.a_p2, self.b_p2)
        self.up = True
        self.proposal = proposal or ""
        self.lifetime = min(self.a_p2.keylifeseconds, self.b_p2.keylifeseconds)
        self.established_at = at
        self.expires_at = at + self.lifetime
        self.initiator = initiator
        self.created += 1
        self.next_attempt = None
        self.keys = EspKeys(self.proposal)

    def take_down(self, at: float, retry: bool) -> None:
        self.up = False
        self.keys = None
        self.next_attempt = at + RETRY_SECONDS if retry else None

    def advance(self, now: float, initiators: list[str], demanded: bool) -> int:
        """Run this SA's timers up to ``now``. ``initiators``: sides allowed to auto-negotiate.
        Returns the number of SAs created (for the gateways' counters)."""
        created = 0
        if not self.up and initiators and self.negotiable:
            start = self.next_attempt if self.next_attempt is not None else now
            if start <= now:
                self.establish(start, initiators[0])
                created += 1
        while self.up and self.expires_at <= now:
            if self.keepalive() or demanded:
                renewals = max(1, math.floor((now - self.established_at) / self.lifetime))
                at = self.established_at + renewals * self.lifetime
                self.created += renewals - 1
                created += renewals
                self.establish(at, self.initiator)
            elif self.last_traffic >= self.expires_at - rekey_window(self.lifetime):
                created += 1
                self.establish(self.expires_at, self.initiator)
            else:
                self.take_down(self.expires_at, retry=False)
                if initiators and self.negotiable:  # auto-negotiate re-establishes right away
                    self.establish(self.expires_at, initiators[0])
                    created += 1
        return created

    def traffic(self, at: float, from_side: str, packets: int, nbytes: int) -> None:
        self.last_traffic = at
        if from_side == "a":
            self.a_enc.add(packets, nbytes)
        else:
            self.a_dec.add(packets, nbytes)

    def counters(self, side: str) -> tuple[Counters, Counters]:
        """(dec, enc) as ``side`` sees them."""
        return (self.a_dec, self.a_enc) if side == "a" else (self.a_enc, self.a_dec)

    def carries(self, side: str, src: IPv4Address, dst: IPv4Address) -> bool:
        """Whether a packet from ``src`` to ``dst`` sent by ``side`` matches this SA's selectors."""
        p2 = self.p2_of(side)
        return p2 is not None and p2.src.contains(src) and p2.dst.contains(dst)


@dataclass
class Crossing:
    """A packet entering IPsec: through ``link``, from its side ``side`` ("a"/"b"), in SA ``child``."""

    link: object  # ike.IkeLink
    side: str
    child: ChildSa

    @property
    def from_side(self):
        return self.link.a if self.side == "a" else self.link.b

    @property
    def to_side(self):
        return self.link.b if self.side == "a" else self.link.a
