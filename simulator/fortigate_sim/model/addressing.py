"""Who owns which address in a lab, and which addresses a routing node (device, VDOM) uses.

The lab has one shared underlay: an address configured on any device's interface is reachable by
every other device whose routes lead there (see :mod:`routing`). This module only answers the
bookkeeping questions: which node owns an address, which interface an address sits on, and which
local address a phase1 negotiates from.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Iterable, Optional

from .config import DeviceConfig, Interface, Phase1

NodeId = tuple  # (device name, vdom)

# Interface types whose addresses belong to the underlay (IKE runs over them).
UNDERLAY_TYPES = frozenset({"physical", "vlan", "aggregate", "redundant", "switch", "loopback", "vdom-link"})


@dataclass(frozen=True)
class Owner:
    node: NodeId
    interface: Interface


class AddressBook:
    """Index of every interface address of the lab (tunnel interfaces included)."""

    def __init__(self, devices: Iterable[DeviceConfig]):
        self._owners: dict[IPv4Address, list[Owner]] = {}
        self._interfaces: dict[NodeId, list[Interface]] = {}
        for device in devices:
            for iface in device.interfaces.values():
                node = (device.name, iface.vdom)
                self._interfaces.setdefault(node, []).append(iface)
                if iface.ip is not None and iface.up:
                    self._owners.setdefault(iface.ip.ip, []).append(Owner(node, iface))

    def owners(self, addr: IPv4Address) -> list[Owner]:
        return self._owners.get(addr, [])

    def owned_by(self, node: NodeId, addr: IPv4Address) -> Optional[Interface]:
        for owner in self._owners.get(addr, []):
            if owner.node == node:
                return owner.interface
        return None

    def interfaces(self, node: NodeId) -> list[Interface]:
        return self._interfaces.get(node, [])

    def interface(self, node: NodeId, name: str) -> Optional[Interface]:
        for iface in self._interfaces.get(node, []):
            if iface.name == name:
                return iface
        return None

    def local_gateway(self, node: NodeId, phase1: Phase1) -> Optional[IPv4Address]:
        """The address a phase1 negotiates from: ``local-gw`` or its interface's address."""
        if phase1.local_gw is not None:
            return phase1.local_gw
        iface = self.interface(node, phase1.interface)
        return iface.ip.ip if iface is not None and iface.ip is not None else None

    def tunnel_address(self, node: NodeId, tunnel: str) -> Optional[IPv4Address]:
        iface = self.interface(node, tunnel)
        return iface.ip.ip if iface is not None and iface.ip is not None else None

    def router_id(self, node: NodeId) -> Optional[IPv4Address]:
        """BGP's automatic router ID: the highest loopback address, else the highest address."""
        loopbacks = [i.ip.ip for i in self.interfaces(node) if i.ip is not None and i.type == "loopback"]
        others = [i.ip.ip for i in self.interfaces(node) if i.ip is not None]
        pool = loopbacks or others
        return max(pool) if pool else None
