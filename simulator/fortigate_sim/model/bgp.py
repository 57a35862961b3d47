"""BGP between the devices of a lab: which sessions establish, and which prefixes they carry.

A session comes up when one side can open TCP to the other (FortiOS/ZebOS semantics):

* the initiator has an explicit ``neighbor`` (ranges are passive) and a source address: its
  ``update-source`` interface's address, else the address of the interface the route leaves by;
* packets get from that source to the neighbor address and back (routing, including IKE-installed
  /32s and tunnels, is checked by the caller's ``trace``);
* the node owning the neighbor address knows the source as a ``neighbor`` or inside a
  ``neighbor-range`` (whose ``neighbor-group`` gives its settings);
* both ``remote-as`` values match the other side's ``as``; eBGP between addresses that are not on
  a shared connected subnet also needs ``ebgp-enforce-multihop`` on both sides.

Prefixes: ``network`` entries (present in the RIB when ``network-import-check`` is on), then the
usual propagation rules: iBGP-learned routes go to iBGP peers only through a route reflector, next
hops stay unchanged on iBGP (unless ``next-hop-self`` for non-reflected routes) and become the local
address on eBGP; a next hop must resolve through the RIB (through other BGP routes only with
``recursive-next-hop enable``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Callable, Optional

from .addressing import AddressBook, NodeId
from .config import BgpConfig, BgpPeer
from .routing import Rib, Route, Trace

MAX_ROUNDS = 16


@dataclass(frozen=True)
class Session:
    """An established session; ``a`` opened it."""

    a: NodeId
    a_addr: IPv4Address
    a_peer: BgpPeer
    b: NodeId
    b_addr: IPv4Address
    b_peer: BgpPeer
    b_dynamic: bool  # b accepted it through a neighbor-range
    crossings: tuple = field(default=(), compare=False)

    @property
    def key(self) -> frozenset:
        return frozenset({(self.a, self.a_addr), (self.b, self.b_addr)})

    def view(self, node: NodeId, addr: Optional[IPv4Address] = None):
        """(local address, peer node, peer address, local peer settings) from ``node``'s side."""
        if node == self.a and (addr is None or addr == self.a_addr):
            return self.a_addr, self.b, self.b_addr, self.a_peer
        return self.b_addr, self.a, self.a_addr, self.b_peer


@dataclass
class Attempt:
    """Outcome of one configured neighbor's connection attempt (for the summary and debugging)."""

    node: NodeId
    neighbor: IPv4Address
    peer: BgpPeer
    session: Optional[Session] = None
    reason: str = ""


def source_address(book: AddressBook, rib: Rib, node: NodeId, peer: BgpPeer, dst: IPv4Address
                   ) -> Optional[IPv4Address]:
    if peer.update_source:
        return book.tunnel_address(node, peer.update_source)
    routes = rib.lookup(dst)
    if not routes:
        return None
    return book.tunnel_address(node, routes[0].egress.interface)


def accepting_peer(cfg: BgpConfig, src: IPv4Address) -> tuple[Optional[BgpPeer], bool]:
    """The settings the passive side applies to a connection from ``src`` (dynamic flag)."""
    explicit = cfg.neighbors.get(src)
    if explicit is not None:
        return (None, False) if explicit.shutdown else (explicit, False)
    for prefix, group in cfg.ranges:
        if src in prefix and group in cfg.groups:
            return cfg.groups[group], True
    return None, False


def establish(bgp: dict, book: AddressBook, ribs: Callable[[NodeId], Rib],
              trace: Callable[[NodeId, IPv4Address, IPv4Address], Trace],
              reply: Optional[Callable[[NodeId, IPv4Address, IPv4Address], Trace]] = None
              ) -> tuple[list[Session], list[Attempt]]:
    """Sessions that come up, and every explicit neighbor's attempt. ``bgp``: node -> BgpConfig.
    ``trace`` follows the connection's first packet (firewall policies apply), ``reply`` the
    answer (part of the session; defaults to ``trace``)."""
    sessions: dict[frozenset, Session] = {}
    attempts = []
    for node, cfg in bgp.items():
        if not cfg.enabled:
            continue
        for neighbor, peer in cfg.neighbors.items():
            attempt = Attempt(node, neighbor, peer)
            attempts.append(attempt)
            if peer.shutdown:
                attempt.reason = "shutdown"
                continue
            session, attempt.reason = _try(node, cfg, neighbor, peer, bgp, book, ribs, trace, reply or trace)
            if session is not None:
                attempt.session = sessions.setdefault(session.key, session)
    for attempt in attempts:  # the reverse attempt may have succeeded
        if attempt.session is None:
            for session in sessions.values():
                if session.b == attempt.node and session.a_addr == attempt.neighbor:
                    attempt.session, attempt.reason = session, ""
    return list(sessions.values()), attempts


def _try(node, cfg, neighbor, peer, bgp, book, ribs, trace, reply) -> tuple[Optional[Session], str]:
    src = source_address(book, ribs(node), node, peer, neighbor)
    if src is None:
        return None, "no source address (update-source or egress interface without an address)"
    out = trace(node, src, neighbor)
    if not out.delivered:
        return None, out.reason or f"no route to {neighbor}"
    remote = out.reached
    rcfg = bgp.get(remote)
    if rcfg is None or not rcfg.enabled:
        return None, f"{remote[0]} runs no BGP"
    rpeer, dynamic = accepting_peer(rcfg, src)
    if rpeer is None:
        return None, f"{remote[0]} has no neighbor or neighbor-range for {src}"
    if peer.remote_as != rcfg.as_number or rpeer.remote_as != cfg.as_number:
        return None, (f"AS mismatch: {node[0]} expects {peer.remote_as}, {remote[0]} is {rcfg.as_number}; "
                      f"{remote[0]} expects {rpeer.remote_as}, {node[0]} is {cfg.as_number}")
    if cfg.as_number != rcfg.as_number:
        direct = any(r.kind == "connect" for r in ribs(node).lookup(neighbor))
        if not direct and not (peer.ebgp_multihop and rpeer.ebgp_multihop):
            return None, "eBGP peer is not directly connected and ebgp-enforce-multihop is disabled"
    back = reply(remote, neighbor, src)
    if not back.delivered or back.reached != node:
        return None, back.reason or f"no route back from {remote[0]} to {src}"
    crossings = tuple(out.crossings) + tuple(back.crossings)
    return Session(node, src, peer, remote, neighbor, rpeer, dynamic, crossings), ""


# ---- prefix exchange -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Path:
    prefix: IPv4Network
    next_hop: Optional[IPv4Address]  # None: originated here
    as_path: tuple = ()
    peer_node: Optional[NodeId] = None
    peer_addr: Optional[IPv4Address] = None
    ibgp: bool = False
    reflected_from_client: bool = False
    originator: Optional[NodeId] = None

    @property
    def local(self) -> bool:
        return self.peer_node is None


def _rank(path: Path) -> tuple:
    return (0 if path.local else 1, len(path.as_path), 1 if path.ibgp else 0,
            int(path.peer_addr) if path.peer_addr else 0)


def exchange(bgp: dict, sessions: list[Session], ribs: Callable[[NodeId], Rib], book: AddressBook
             ) -> dict[NodeId, dict[IPv4Network, Path]]:
    """Best path per prefix per node after propagation over ``sessions``.

    Worklist propagation: only a node whose best paths changed advertises again, and a receiver
    re-selects only the prefixes it was sent something new for.
    """
    best: dict[NodeId, dict[IPv4Network, Path]] = {node: {} for node, cfg in bgp.items() if cfg.enabled}
    for node in best:
        cfg = bgp[node]
        for prefix in cfg.networks:
            if not cfg.network_import_check or ribs(node).has_prefix(prefix, lambda r: r.kind != "bgp"):
                best[node][prefix] = Path(prefix, None, originator=node)
    resolved: dict = {}  # (node, next hop) -> usable? (ribs do not change during the exchange)

    def usable(path: Path, node: NodeId) -> bool:
        key = (node, path.next_hop)
        if key not in resolved:
            resolved[key] = _usable(path, bgp[node], ribs(node), book, node)
        return resolved[key]

    links: dict[NodeId, list] = {}
    for s in sessions:
        if s.a in best and s.b in best:
            links.setdefault(s.a, []).append((s.a_addr, s.a_peer, s.b, s.b_peer))
            links.setdefault(s.b, []).append((s.b_addr, s.b_peer, s.a, s.a_peer))
    adj_in: dict[NodeId, dict[IPv4Network, dict]] = {node: {} for node in best}  # prefix -> sender -> path
    sent_to: dict[tuple, dict] = {}  # (sender, receiver) -> {prefix: path} last advertised
    dirty = set(best)
    for _round in range(MAX_ROUNDS):
        if not dirty:
            break
        touched: dict[NodeId, set] = {}
        for sender in dirty:
            for s_addr, s_peer, receiver, r_peer in links.get(sender, []):
                offer = {}
                for path in best[sender].values():
                    sent = _advertise(bgp[sender], bgp[receiver], path, sender, s_addr, s_peer, receiver, r_peer,
                                      best[sender])
                    if sent is not None and usable(sent, receiver):
                        offer[sent.prefix] = sent
                before = sent_to.get((sender, receiver), {})
                if offer == before:
                    continue
                sent_to[(sender, receiver)] = offer
                table = adj_in[receiver]
                for prefix in set(before) | set(offer):
                    if prefix in offer:
                        table.setdefault(prefix, {})[sender] = offer[prefix]
                    else:
                        table.get(prefix, {}).pop(sender, None)
                    touched.setdefault(receiver, set()).add(prefix)
        dirty = set()
        for node, prefixes in touched.items():
            table = best[node]
            for prefix in prefixes:
                current = table.get(prefix)
                if current is not None and current.local:
                    continue
                candidates = adj_in[node].get(prefix)
                chosen = min(candidates.values(), key=_rank) if candidates else None
                if chosen != current:
                    if chosen is None:
                        del table[prefix]
                    else:
                        table[prefix] = chosen
                    dirty.add(node)
    return best


def _advertise(s_cfg: BgpConfig, r_cfg: BgpConfig, path: Path, sender: NodeId, s_addr: IPv4Address,
               s_peer: BgpPeer, receiver: NodeId, r_peer: BgpPeer, table: dict) -> Optional[Path]:
    if path.peer_node == receiver or path.originator == receiver:
        return None
    ebgp = s_cfg.as_number != r_cfg.as_number
    if ebgp:
        if r_cfg.as_number in path.as_path:
            return None
        return Path(path.prefix, s_addr, (s_cfg.as_number,) + path.as_path, sender, s_addr, False,
                    originator=path.originator)
    from_client = r_peer.rr_client  # the receiver treats the sender as its route-reflector client
    if path.local or not path.ibgp:
        next_hop = s_addr if (path.local or s_peer.next_hop_self) else path.next_hop
        return Path(path.prefix, next_hop, path.as_path, sender, s_addr, True, from_client, path.originator)
    # iBGP-learned: a route reflector passes on what a client sent, and reflects to its clients;
    # the next hop stays unchanged.
    if not (path.reflected_from_client or s_peer.rr_client):
        return None
    return Path(path.prefix, path.next_hop, path.as_path, sender, s_addr, True, from_client, path.originator)


def _usable(path: Path, cfg: BgpConfig, rib: Rib, book: AddressBook, node: NodeId) -> bool:
    if path.next_hop is None or book.owned_by(node, path.next_hop) is not None:
        return False
    return resolve(rib, path.next_hop, cfg.recursive_next_hop) is not None


def resolve(rib: Rib, next_hop: IPv4Address, recursive: bool) -> Optional[Route]:
    """The route a BGP next hop resolves through: non-BGP routes unless ``recursive-next-hop``,
    never the default route (ZebOS, like FRR, does not resolve next hops through 0.0.0.0/0)."""
    def usable(route: Route) -> bool:
        return route.prefix.prefixlen > 0 and (recursive or route.kind != "bgp")
    routes = rib.lookup(next_hop, usable)
    routes = [r for r in routes if not r.blackhole and not r.egress.blackhole]
    return routes[0] if routes else None
