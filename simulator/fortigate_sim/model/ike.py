"""Phase1 (IKE) between the devices of a lab: which gateways pair up, and their IKE SA state.

Matching follows what a responder checks during IKE_SA_INIT/AUTH (or main mode): the initiator's
``remote-gw`` must be the responder's interface address and reachable both ways over the underlay;
a static phase1 pairs with a static phase1 pointing back, or with a dial-up (``type dynamic``)
phase1 on that interface; then ``ike-version`` (and IKEv1 mode), an overlapping proposal and DH
group, equal pre-shared keys, peer IDs (``peertype one`` + ``peerid``) and, with ``network-overlay``,
equal ``network-id`` values. Every failed check leaves a reason, shown by the model's debug views.

State kept here: :class:`Side` (one end, i.e. one gateway as its device lists it), :class:`IkeLink`
(the IKE association between two sides, with its SA material and child SAs) and
:class:`GatewayStats` (the ``IKE SA: created x/y`` style counters of a gateway).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import Callable, Iterable, Optional

from .addressing import AddressBook, NodeId, UNDERLAY_TYPES
from .config import DeviceConfig, Phase1
from .keys import IkeKeys

STATIC, DIALUP, SHORTCUT = "static", "dialup", "shortcut"


@dataclass(frozen=True)
class Endpoint:
    node: NodeId
    phase1: str


@dataclass(frozen=True)
class Candidate:
    """A phase1 pair that would establish: ``a`` may initiate; in a dial-up pair only ``a`` can."""

    kind: str  # static | dialup
    a: Endpoint
    b: Endpoint
    a_addr: IPv4Address
    b_addr: IPv4Address

    @property
    def key(self) -> tuple:
        if self.kind == STATIC:
            return (STATIC,) + tuple(sorted([(self.a.node, self.a.phase1), (self.b.node, self.b.phase1)]))
        return (DIALUP, (self.a.node, self.a.phase1), (self.b.node, self.b.phase1))


def identity(phase1: Phase1, local_addr: IPv4Address) -> str:
    """The IKE ID a side sends: ``localid`` when set, else its address (ID type auto)."""
    return phase1.localid or str(local_addr)


def negotiate(init: Phase1, resp: Phase1, init_addr: IPv4Address, resp_addr: IPv4Address
              ) -> tuple[Optional[str], str]:
    """(chosen proposal, "") when ``resp`` accepts ``init``'s offer, else (None, reason)."""
    if init.ike_version != resp.ike_version:
        return None, f"ike-version {init.ike_version} vs {resp.ike_version}"
    if init.ike_version == 1 and init.mode != resp.mode:
        return None, f"IKEv1 mode {init.mode} vs {resp.mode}"
    proposal = next((p for p in init.proposals if p in resp.proposals), None)
    if proposal is None:
        return None, "no proposal chosen (phase1 proposals do not overlap)"
    if not set(init.dhgrps) & set(resp.dhgrps):
        return None, "no common DH group"
    if not init.psk or init.psk != resp.psk:
        return None, "pre-shared keys differ (authentication failed)"
    if resp.peertype == "one" and resp.peerid != identity(init, init_addr):
        return None, f"peer ID {identity(init, init_addr)!r} is not the expected {resp.peerid!r}"
    if init.peertype == "one" and init.peerid != identity(resp, resp_addr):
        return None, f"peer ID {identity(resp, resp_addr)!r} is not the expected {init.peerid!r}"
    if init.network_overlay != resp.network_overlay or (
            init.network_overlay and init.network_id != resp.network_id):
        return None, (f"network-id {init.network_id if init.network_overlay else 'unset'} vs "
                      f"{resp.network_id if resp.network_overlay else 'unset'}")
    return proposal, ""


def candidates(devices: Iterable[DeviceConfig], book: AddressBook,
               reachable: Callable[[NodeId, IPv4Address, IPv4Address], bool]
               ) -> tuple[list[Candidate], dict]:
    """All phase1 pairs that would establish, and why each other static phase1 would not.

    ``reachable(node, src, dst)`` answers whether IKE packets get from ``node`` (source ``src``) to
    whoever owns ``dst`` over the underlay.
    """
    configs = {device.name: device for device in devices}
    found: dict[tuple, Candidate] = {}
    reasons: dict[tuple, str] = {}
    for device in configs.values():
        for vdom, vconf in device.vdoms.items():
            node = (device.name, vdom)
            for p1 in vconf.phase1.values():
                if p1.dialup or p1.remote_gw is None:
                    continue
                match, reason = _match_static(node, p1, configs, book, reachable)
                if match is None:
                    reasons[(node, p1.name)] = reason
                elif match.key not in found:
                    found[match.key] = match
    return list(found.values()), reasons


def _match_static(node: NodeId, p1: Phase1, configs: dict, book: AddressBook, reachable
                  ) -> tuple[Optional[Candidate], str]:
    local = book.local_gateway(node, p1)
    if local is None:
        return None, f"interface {p1.interface} has no address"
    owners = [o for o in book.owners(p1.remote_gw) if o.node != node and o.interface.type in UNDERLAY_TYPES]
    if not owners:
        return None, f"no device answers on remote-gw {p1.remote_gw}"
    reasons = []
    for owner in owners:
        peer_node = owner.node
        if not reachable(node, local, p1.remote_gw) or not reachable(peer_node, p1.remote_gw, local):
            reasons.append(f"{p1.remote_gw} is not reachable over the underlay")
            continue
        peer_conf = configs[peer_node[0]].vdoms.get(peer_node[1])
        if peer_conf is None:
            continue
        listening = [q for q in peer_conf.phase1.values() if book.local_gateway(peer_node, q) == p1.remote_gw]
        ordered = [q for q in listening if not q.dialup and q.remote_gw == local] + \
                  [q for q in listening if q.dialup]
        if not ordered:
            reasons.append(f"{peer_node[0]} has no phase1 for {local} on {p1.remote_gw}")
        for q in ordered:
            proposal, why = negotiate(p1, q, local, p1.remote_gw)
            if proposal is None:
                reasons.append(f"{peer_node[0]} {q.name}: {why}")
                continue
            kind = DIALUP if q.dialup else STATIC
            return Candidate(kind, Endpoint(node, p1.name), Endpoint(peer_node, q.name), local, p1.remote_gw), ""
    return None, "; ".join(reasons) or "no matching peer"


# ---- runtime state --------------------------------------------------------------------------------

@dataclass
class SaTimes:
    """Negotiation times of a gateway's SAs, printed ``time <min>/<avg>/<max> ms`` (captures:
    ``time 40/40/40 ms`` for one SA, ``time 0/1505/3010 ms`` for two)."""

    count: int = 0
    total: int = 0
    low: int = 0
    high: int = 0

    def add(self, ms: int, count: int = 1) -> None:
        self.low = ms if self.count == 0 else min(self.low, ms)
        self.high = max(self.high, ms)
        self.count += count
        self.total += ms * count

    def text(self) -> str:
        return f"{self.low}/{self.total // self.count if self.count else 0}/{self.high}"


def negotiation_ms(ike_version: int = 2) -> int:
    """Milliseconds an SA negotiation takes, in 10 ms steps as captures print them: IKEv2 captures
    show 10 to 80 ms (``time 40/40/40 ms``, ``= 80ms``), IKEv1 ones mostly 0 to 20 ms."""
    return 10 * (1 + secrets.randbelow(8)) if ike_version == 2 else 10 * secrets.randbelow(3)


@dataclass
class GatewayStats:
    """Counters a gateway prints (``IKE SA: created 1/2  established 1/2``). A static gateway keeps
    them until its own phase1 changes; a dial-up or shortcut instance lives as long as its SA."""

    created_at: float
    ike_created: int = 0
    ike_established: int = 0
    ipsec_created: int = 0
    ipsec_established: int = 0
    fingerprint: str = ""
    connecting_spi: str = ""  # initiator SPI of a negotiation that gets no answer
    connecting_id: int = 0
    ike_times: SaTimes = field(default_factory=SaTimes)
    ipsec_times: SaTimes = field(default_factory=SaTimes)


@dataclass
class Side:
    """One end of an IKE association: the gateway its device lists."""

    node: NodeId
    phase1: Phase1  # configuration in force when the SA was negotiated
    name: str  # gateway name: phase1 name, or <phase1>_<n> for dial-up/shortcut instances
    kind: str  # static | dialup (hub instance) | shortcut | initiator side of a dial-up pair
    local_addr: IPv4Address
    remote_addr: IPv4Address
    index: Optional[int] = None  # instance index
    sent: Optional[IPv4Address] = None  # overlay address this side sent (exchange-*)
    learned: Optional[IPv4Address] = None  # overlay address the peer sent
    sa_id: int = 0  # per-device IKE SA number (`id/spi: 42 …`)
    tun_serial: int = 0  # per-device tunnel serial (`diagnose vpn tunnel list serial=`)
    internal_id: Optional[IPv4Address] = None  # hub instance `tun_id6 ::10.0.0.x`
    stats: Optional[GatewayStats] = None

    @property
    def parent(self) -> str:
        return self.phase1.name

    @property
    def is_instance(self) -> bool:
        return self.kind in (DIALUP, SHORTCUT)

    @property
    def tun_id(self) -> IPv4Address:
        """What FortiOS prints as ``tun_id`` and routes show as ``tunnel X``: a hub instance's learned
        overlay address; a shortcut's too when its parent has ``net-device disable`` (the instance is
        then picked by that id); else the peer's public address (handbook shortcut capture, net-device
        enable: ``tun_id: 201.1.1.2``)."""
        by_overlay = self.kind == DIALUP or (self.kind == SHORTCUT and not self.phase1.net_device)
        return self.learned if by_overlay and self.learned is not None else self.remote_addr

    @property
    def route_interface(self) -> str:
        """The interface routes through this side name: an instance of a ``net-device disable``
        phase1 has no interface of its own, so its routes use the parent's (``via EDGE_ISP1 tunnel
        10.200.1.1``); otherwise the gateway's own name."""
        return self.parent if self.is_instance and not self.phase1.net_device else self.name


@dataclass
class IkeLink:
    """An established (or negotiating) IKE SA between two sides."""

    key: tuple
    kind: str  # static | dialup | shortcut
    a: Side
    b: Side
    initiator: str  # "a" or "b"
    proposal: str
    started_at: float
    established_at: float
    negotiation_ms: int = 0
    keys: Optional[IkeKeys] = None
    children: dict = field(default_factory=dict)  # (p2 name on a, p2 name on b) -> ChildSa
    last_traffic: float = -1.0
    rekeys: int = 0
    rekey_margin: int = 0  # real units rekey a few minutes before the lifetime ends

    def sides(self) -> tuple[Side, Side]:
        return self.a, self.b

    def side_of(self, node: NodeId, name: str) -> Optional[Side]:
        for side in (self.a, self.b):
            if side.node == node and side.name == name:
                return side
        return None

    def peer_of(self, side: Side) -> Side:
        return self.b if side is self.a else self.a

    def direction(self, side: Side) -> str:
        return "initiator" if (side is self.a) == (self.initiator == "a") else "responder"

    def new_keys(self) -> None:
        self.keys = IkeKeys(self.a.phase1.ike_version, self.proposal)
        self.rekey_margin = jitter(240, 330)
        self.negotiation_ms = negotiation_ms(self.a.phase1.ike_version)


def jitter(low: int, high: int) -> int:
    """Per-SA randomness for values real units vary (rekey margin, DPD offsets)."""
    return low + secrets.randbelow(high - low + 1)


def exchanged_address(phase1: Phase1, tunnel_ip: Optional[IPv4Address],
                      auto_discovery_sends_interface_ip: bool = False) -> Optional[IPv4Address]:
    """The overlay address a side puts in its IKE exchange (KB 253455), or None.

    ``exchange-ip-addr4`` (when not 0.0.0.0) is sent as is; otherwise ``exchange-interface-ip
    enable`` sends the tunnel interface's address. Whether ADVPN (auto-discovery) alone also sends
    it is unverified, hence the behaviour switch passed in by the caller.
    """
    if phase1.exchange_ip_addr4 is not None:
        return phase1.exchange_ip_addr4
    sends = phase1.exchange_interface_ip or (
        auto_discovery_sends_interface_ip and (phase1.ad_sender or phase1.ad_receiver))
    return tunnel_ip if sends else None
