"""ADVPN: when spoke-to-spoke traffic through a hub creates a shortcut, and what it looks like.

A shortcut is offered when a packet enters a hub on one gateway and leaves on another, both of a
phase1 with ``auto-discovery-sender enable``, between two different spokes whose phase1s have
``auto-discovery-receiver enable``. The first spoke then negotiates directly with the second
spoke's public address, using its own (parent) phase1 settings; the two parents must therefore
agree as a normal phase1 pair would (:func:`ike.negotiate`: proposals, PSK, network-id...). Each
spoke gets an instance ``<parent>_<n>`` listed with ``auto-discovery: 2 receiver``; overlay
addresses are exchanged on the shortcut as on any phase1, which is how BGP next hops (spoke
loopbacks) come to resolve through it.
"""

from __future__ import annotations

from typing import Optional

from .ike import STATIC, Side, negotiate
from .ipsec import Crossing

SENDER, RECEIVER = 1, 2


def auto_discovery_flags(phase1) -> int:
    return (SENDER if phase1.ad_sender else 0) | (RECEIVER if phase1.ad_receiver else 0)


def auto_discovery_text(phase1) -> Optional[str]:
    """Value of the gateway list's ``auto-discovery:`` line (None: line not printed)."""
    flags = auto_discovery_flags(phase1)
    if not flags:
        return None
    words = [w for bit, w in ((SENDER, "sender"), (RECEIVER, "receiver")) if flags & bit]
    return f"{flags} {' '.join(words)}"


def opportunity(crossings: list[Crossing]) -> Optional[tuple[Side, Side]]:
    """(originating spoke side, destination spoke side) when a hub would offer a shortcut."""
    for first, second in zip(crossings, crossings[1:]):
        hub_in, hub_out = first.to_side, second.from_side
        if hub_in.node != hub_out.node or hub_in is hub_out:
            continue
        if not (hub_in.phase1.ad_sender and hub_out.phase1.ad_sender):
            continue
        spoke1, spoke2 = first.from_side, second.to_side
        if spoke1.node == spoke2.node or spoke1.kind != STATIC or spoke2.kind != STATIC:
            continue
        if spoke1.phase1.ad_receiver and spoke2.phase1.ad_receiver:
            return spoke1, spoke2
    return None


def shortcut_agreement(spoke1: Side, spoke2: Side) -> tuple[Optional[str], str]:
    """Whether the two spokes' parent phase1s can form a shortcut (proposal, reason)."""
    return negotiate(spoke1.phase1, spoke2.phase1, spoke1.local_addr, spoke2.local_addr)
