"""Routing: the RIB of one node (device, VDOM) and hop-by-hop forwarding across the lab.

A :class:`Rib` holds candidate routes (connected, static, IKE-installed /32s, BGP) and selects the
best per prefix the way FortiOS does: lowest administrative distance, then lowest priority; routes
that tie stay as ECMP paths. :func:`trace` walks a packet from node to node by longest-prefix
match. Crossing an IPsec tunnel is delegated to a callback, because only the tunnel model knows
which instance and which phase2 SA carry the packet; routing itself knows nothing about IKE.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, IPv4Network
from typing import Callable, Iterable, Optional

from .addressing import AddressBook, NodeId, UNDERLAY_TYPES
from .config import Interface, StaticRoute

MAX_HOPS = 32
_MASKS = [(0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF for length in range(33)]


@dataclass(frozen=True)
class Route:
    prefix: IPv4Network
    kind: str  # connect | static | bgp   (monitor "type"; CLI code C/S/B)
    distance: int
    interface: str = ""  # egress interface, or tunnel (gateway) name
    gateway: Optional[IPv4Address] = None  # next hop; None = directly connected
    priority: int = 0
    metric: int = 0
    tunnel: bool = False  # egress is an IPsec tunnel
    tunnel_peer: Optional[IPv4Address] = None  # the tunnel id (Side.tun_id), shown as "tunnel X"
    blackhole: bool = False
    origin: str = ""  # connected | static | ike | add-route | bgp
    recursive: Optional["Route"] = None  # BGP: the route that resolves the next hop
    since: float = 0.0
    bgp_peer: Optional[IPv4Address] = field(default=None, compare=False)

    @property
    def egress(self) -> "Route":
        """The route that actually forwards (a BGP route forwards through its resolving route)."""
        return self.recursive.egress if self.recursive is not None else self

    def key(self) -> tuple:
        return (self.kind, self.origin, self.prefix, self.gateway, self.interface, self.blackhole)


class Rib:
    """Candidate routes of one node and the selected (FIB) subset."""

    def __init__(self, routes: Iterable[Route]):
        self.candidates = list(routes)
        best: dict[IPv4Network, list[Route]] = {}
        for route in self.candidates:
            current = best.get(route.prefix)
            rank = (route.distance, route.priority)
            if not current or rank < (current[0].distance, current[0].priority):
                best[route.prefix] = [route]
            elif rank == (current[0].distance, current[0].priority) and route not in current:
                current.append(route)
        self.selected = best
        # Longest-prefix match on integers: {prefix length: {network as int: routes}}.
        self._by_length: dict[int, dict[int, list[Route]]] = {}
        for prefix, routes_ in best.items():
            self._by_length.setdefault(prefix.prefixlen, {})[int(prefix.network_address)] = routes_
        self._lengths = [(length, _MASKS[length], self._by_length[length])
                         for length in sorted(self._by_length, reverse=True)]

    def lookup(self, addr: IPv4Address, accept: Optional[Callable[[Route], bool]] = None) -> list[Route]:
        """Longest-prefix match among selected routes (optionally only those ``accept`` allows)."""
        value = int(addr)
        for _length, mask, table in self._lengths:
            routes = table.get(value & mask)
            if routes:
                if accept is None:
                    return routes
                allowed = [r for r in routes if accept(r)]
                if allowed:
                    return allowed
        return []

    def has_prefix(self, prefix: IPv4Network, accept: Optional[Callable[[Route], bool]] = None) -> bool:
        return any(accept is None or accept(r) for r in self.selected.get(prefix, []))

    def routes(self) -> list[Route]:
        """Selected routes in FortiOS display order (by address, then prefix length)."""
        ordered = sorted(self.selected.items(), key=lambda item: (int(item[0].network_address), item[0].prefixlen))
        return [route for _prefix, routes in ordered for route in routes]


# ---- building routes ------------------------------------------------------------------------------

def connected_routes(book: AddressBook, node: NodeId, tunnel_up: Callable[[str], bool]) -> list[Route]:
    """``C`` routes: each interface subnet, and a tunnel's local/remote addresses."""
    routes = []
    for iface in book.interfaces(node):
        if not iface.up or iface.ip is None:
            continue
        is_tunnel = iface.type == "tunnel"
        if is_tunnel and not tunnel_up(iface.name):
            continue
        prefixes = [iface.ip.network]
        if is_tunnel and iface.remote_ip is not None:
            remote = iface.remote_ip.network
            prefixes = [IPv4Network(f"{iface.ip.ip}/32"), remote] if remote.prefixlen == 32 else [remote]
        for prefix in prefixes:
            routes.append(Route(prefix=prefix, kind="connect", distance=0, interface=iface.name,
                                tunnel=is_tunnel, origin="connected"))
    return routes


def static_routes(book: AddressBook, node: NodeId, statics: Iterable[StaticRoute],
                  tunnel_peer: Callable[[str, Optional[IPv4Address]], Optional[IPv4Address]],
                  connected: Rib, underlay_only: bool = False) -> list[Route]:
    """Active ``S`` routes. A route through a tunnel is active only while ``tunnel_peer`` finds an
    established tunnel for it; one with a gateway needs that gateway on a connected subnet."""
    routes = []
    for static in statics:
        if static.blackhole:
            routes.append(Route(prefix=static.dst, kind="static", distance=static.distance,
                                priority=static.priority, blackhole=True, origin="static"))
            continue
        iface = book.interface(node, static.device) if static.device else None
        if iface is not None and iface.type == "tunnel":
            if underlay_only:
                continue
            peer = tunnel_peer(static.device, static.gateway)
            if peer is None:
                continue
            routes.append(Route(prefix=static.dst, kind="static", distance=static.distance,
                                priority=static.priority, interface=static.device, gateway=static.gateway,
                                tunnel=True, tunnel_peer=peer, origin="static"))
            continue
        if static.device and (iface is None or not iface.up):
            continue
        if static.gateway is None:
            if iface is not None:
                routes.append(Route(prefix=static.dst, kind="static", distance=static.distance,
                                    priority=static.priority, interface=iface.name, origin="static"))
            continue
        via = connected.lookup(static.gateway, lambda r: r.kind == "connect" and not r.tunnel)
        via = [r for r in via if not static.device or r.interface == static.device]
        if via:
            routes.append(Route(prefix=static.dst, kind="static", distance=static.distance,
                                priority=static.priority, interface=via[0].interface,
                                gateway=static.gateway, origin="static"))
    return routes


# ---- forwarding -----------------------------------------------------------------------------------

@dataclass
class Hop:
    node: NodeId
    route: Route
    crossing: object = None  # what the tunnel callback returned for an IPsec hop


@dataclass
class Trace:
    delivered: bool
    hops: list = field(default_factory=list)
    reached: Optional[NodeId] = None
    reason: str = ""

    @property
    def crossings(self) -> list:
        return [hop.crossing for hop in self.hops if hop.crossing is not None]


# (node, route, next hop address, source, destination) -> (peer node, crossing, interface the packet
# arrives on at the peer) or a failure reason
TunnelCallback = Callable[[NodeId, Route, IPv4Address, IPv4Address, IPv4Address], "tuple | str"]
# (node, ingress interface, egress route or the local interface addressed, source, destination)
# -> None when the device lets the packet through, else why it drops it (firewall policies)
AdmitCallback = Callable[[NodeId, str, "Route | Interface", IPv4Address, IPv4Address], Optional[str]]


def trace(book: AddressBook, ribs: Callable[[NodeId], Rib], start: NodeId, src: IPv4Address,
          dst: IPv4Address, cross_tunnel: TunnelCallback,
          accept: Optional[Callable[[Route], bool]] = None, admit: Optional[AdmitCallback] = None) -> Trace:
    """Follow a packet from ``start`` to whichever node owns ``dst``. With ``admit``, every node
    after the first (which sends it: local-out) must let it through (see :mod:`policy`)."""
    result = Trace(delivered=False)
    node, ingress = start, None
    for _ttl in range(MAX_HOPS):
        local = book.owned_by(node, dst)
        if local is not None:
            result.reason = _refused(admit, node, ingress, local, src, dst)
            result.delivered, result.reached = not result.reason, node
            return result
        routes = ribs(node).lookup(dst, accept)
        if not routes:
            result.reason = f"{node[0]}: no route to {dst}"
            return result
        route = routes[0]
        egress = route.egress
        if egress.blackhole:
            result.reason = f"{node[0]}: {dst} is blackholed"
            return result
        result.reason = _refused(admit, node, ingress, egress, src, dst)
        if result.reason:
            return result
        next_ip = egress.gateway or (route.gateway if route.kind == "bgp" else None) or dst
        if egress.tunnel:
            outcome = cross_tunnel(node, egress, next_ip, src, dst)
            if isinstance(outcome, str):
                result.reason = outcome
                return result
            peer, crossing, arrival = outcome
            result.hops.append(Hop(node, route, crossing))
            node, ingress = peer, arrival
            continue
        result.hops.append(Hop(node, route))
        peer = _underlay_next(book, node, egress, next_ip, dst)
        if peer is None:
            result.reason = f"{node[0]}: {next_ip} does not answer on {egress.interface}"
            return result
        node, ingress = peer
    result.reason = "TTL exceeded (routing loop)"
    return result


def _refused(admit: Optional[AdmitCallback], node: NodeId, ingress: Optional[str], target, src: IPv4Address,
             dst: IPv4Address) -> str:
    if admit is None or ingress is None:
        return ""
    return admit(node, ingress, target, src, dst) or ""


def _underlay_next(book: AddressBook, node: NodeId, route: Route, next_ip: IPv4Address,
                   dst: IPv4Address) -> Optional[tuple[NodeId, str]]:
    """(node, interface) a packet lands on after leaving ``node`` through a non-tunnel interface.

    The next hop is normally the node owning ``next_ip``. A gateway that no lab device owns stands
    for the outside world (an ISP router): it delivers to whichever device owns ``dst`` on an
    interface with ``role wan`` (LAN and loopback addresses are not routed by the Internet).
    """
    for owner in book.owners(next_ip):
        if owner.node != node and owner.interface.type in UNDERLAY_TYPES:
            return owner.node, owner.interface.name
    if route.gateway is not None and not book.owners(route.gateway):
        for owner in book.owners(dst):
            if owner.node != node and owner.interface.role == "wan":
                return owner.node, owner.interface.name
    return None


def with_since(route: Route, since: float) -> Route:
    return replace(route, since=since)
