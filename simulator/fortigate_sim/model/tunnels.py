"""What each device lists as its IPsec tunnels, for the CLI and REST views.

One :class:`TunnelView` per line of ``get vpn ipsec tunnel summary`` / entry of
``monitor/vpn/ipsec``: static gateways (up or not), dial-up templates, dial-up instances and ADVPN
shortcut instances, in FortiOS order (phase1 table order, each parent followed by its instances).
Views are read-only snapshots; they reference the live model objects for counters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import Optional

from .addressing import NodeId
from .config import Interface, Phase1, Phase2
from .engine import LabModel
from .ike import DIALUP, SHORTCUT, GatewayStats, IkeLink, Side
from .ipsec import ChildSa

TEMPLATE = "template"
STATIC_GW = "static"


@dataclass
class Selector2:
    """One phase2 as this device sees it, with its SA (None when there is no peer phase2)."""

    p2: Phase2
    child: Optional[ChildSa]
    which: str  # this device's side in the link ("a"/"b")

    @property
    def up(self) -> bool:
        return self.child is not None and self.child.up


@dataclass
class TunnelView:
    node: NodeId
    name: str
    kind: str  # static | template | dialup | shortcut
    phase1: Phase1
    interface: Optional[Interface]
    local_addr: Optional[IPv4Address]
    remote_addr: Optional[IPv4Address]
    side: Optional[Side] = None
    link: Optional[IkeLink] = None
    stats: Optional[GatewayStats] = None
    selectors: list = field(default_factory=list)
    instances: int = 0  # template: live instances

    @property
    def up(self) -> bool:
        return self.link is not None

    @property
    def parent(self) -> Optional[str]:
        return self.phase1.name if self.kind in (DIALUP, SHORTCUT) else None

    @property
    def which(self) -> str:
        return "a" if self.link is not None and self.side is self.link.a else "b"

    @property
    def tun_id(self) -> Optional[IPv4Address]:
        return self.side.tun_id if self.side is not None else self.remote_addr

    @property
    def selectors_up(self) -> int:
        return sum(1 for s in self.selectors if s.up)


def tunnels(model: LabModel, node: NodeId, templates: bool = True) -> list[TunnelView]:
    model.refresh()
    config = model.configs.get(node[0])
    if config is None or node[1] not in config.vdoms:
        return []
    vconf = config.vdoms[node[1]]
    by_parent: dict[str, list] = {}
    for side, link in model.sides_at(node):
        by_parent.setdefault(side.parent, []).append((side, link))
    views = []
    for p1 in vconf.phase1.values():
        iface = model.book.interface(node, p1.interface)
        local = model.book.local_gateway(node, p1)
        mine = by_parent.get(p1.name, [])
        instances = sorted((x for x in mine if x[0].is_instance), key=lambda x: x[0].index or 0)
        if p1.dialup:
            if templates:
                views.append(TunnelView(node, p1.name, TEMPLATE, p1, iface, local, None,
                                        selectors=[Selector2(p2, None, "b") for p2 in _phase2s(vconf, p1)],
                                        instances=len(instances)))
        else:
            parent = next(((s, l) for s, l in mine if not s.is_instance), None)
            views.append(_view(model, node, vconf, p1, iface, local, parent, STATIC_GW))
        for side, link in instances:
            views.append(_view(model, node, vconf, p1, iface, local, (side, link), side.kind))
    return views


def _phase2s(vconf, p1: Phase1) -> list[Phase2]:
    return [p2 for p2 in vconf.phase2.values() if p2.phase1 == p1.name]


def _view(model, node, vconf, p1, iface, local, found, kind) -> TunnelView:
    if found is None:
        return TunnelView(node, p1.name, kind, p1, iface, local, p1.remote_gw,
                          stats=model.stats.get((node, p1.name)),
                          selectors=[Selector2(p2, None, "a") for p2 in _phase2s(vconf, p1)])
    side, link = found
    which = "a" if side is link.a else "b"
    selectors = []
    for child in link.children.values():
        p2 = child.p2_of(which)
        if p2 is not None:
            selectors.append(Selector2(p2, child if child.negotiable else None, which))
    return TunnelView(node, side.name, kind, p1, iface, side.local_addr, side.remote_addr, side, link,
                      side.stats, selectors)


def find(model: LabModel, node: NodeId, name: str) -> list[TunnelView]:
    """Views named ``name``, or the instances of a parent named ``name``."""
    return [v for v in tunnels(model, node) if v.name == name or v.parent == name]
