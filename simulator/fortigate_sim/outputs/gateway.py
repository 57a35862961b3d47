"""``diagnose vpn ike gateway list [name X]`` and ``diagnose vpn ike gateway clear``.

Layout per gateway (FortiOS 7.x, see the real captures in the fixtures): header lines, a blank
line, then one 2-space indented block per IKE SA. IKEv2 adds ``peer-id``/``PPK`` lines and prints
``SK_ei/SK_er/SK_ai/SK_ar`` instead of IKEv1's single ``key:``; AEAD ciphers leave ``SK_ai``/``SK_ar``
empty. Key material is random per SA (:mod:`model.keys`). Dial-up templates are not listed (only
their instances), as on real units.

Presence of lines, from the captures in ``tests/unit/fixtures/ike_gateway_list``:
``virtual-interface-addr`` only when the tunnel has an address or one was learned (the IKEv2
site-to-site capture without overlay addresses has none); a gateway still connecting keeps
``tun_id``, ``remote_location``, ``network-id`` and, on IKEv2, ``PPK: no`` (KB 195955 shows the
IKEv1 layout); IKEv2 dial-up instances on 7.4 print ``peer-SN`` and ``pending-queue`` (7.4.5 hub
capture); ``time <min>/<avg>/<max> ms`` are the SAs' negotiation times.
"""

from __future__ import annotations

from ..model.advpn import auto_discovery_text
from ..model.ike import DIALUP, identity
from ..model.keys import display_proposal, spi64
from ..model.tunnels import TEMPLATE, TunnelView, tunnels
from .common import hex8, seconds, vdom_line


def gateway_list(model, node, name: str | None = None) -> str:
    now = model.refresh()
    views = [v for v in tunnels(model, node) if v.kind != TEMPLATE and (name is None or v.name == name)]
    blocks = [_gateway(model, v, now) for v in views]
    return "".join(blocks)


def _ike_v2(view: TunnelView) -> bool:
    return view.phase1.ike_version == 2


def _transport_shown(model, view) -> bool:
    spec = model.devices[view.node[0]].spec
    return _ike_v2(view) and spec.version >= "7.4.2"


def _gateway(model, view: TunnelView, now: float) -> str:
    p1 = view.phase1
    lines = [vdom_line(view.node, model), f"name: {view.name}", f"version: {p1.ike_version}",
             f"interface: {view.interface.name if view.interface else ''} {view.interface.index if view.interface else 0}"]
    local = f"{view.local_addr}:500" if view.local_addr else ""
    remote = f"{view.remote_addr}:500" if view.remote_addr else ""
    lines.append(f"addr: {local} -> {remote}" if local and remote else "addr: ->")
    stats = view.stats
    created_at = stats.created_at if stats else now
    if not view.up:
        return _not_established(model, view, lines, now, created_at)
    side, link = view.side, view.link
    peer = link.peer_of(side)
    tun6 = side.internal_id if side.kind == DIALUP and side.internal_id else side.tun_id
    lines.append(f"tun_id: {side.tun_id}/::{tun6}")
    location = model.configs[peer.node[0]].vdoms[peer.node[1]].location_id
    lines.append(f"remote_location: {location or '0.0.0.0'}")
    lines.append(f"network-id: {p1.network_id}")
    if _transport_shown(model, view):
        lines.append("transport: UDP")
    lines.extend(_overlay_line(model, view, side.learned))
    lines.append(f"created: {seconds(now - created_at)}s ago")
    instance_v2 = _ike_v2(view) and side.kind == DIALUP and model.devices[view.node[0]].spec.version >= "7.4.0"
    if _ike_v2(view):
        lines.append(f"peer-id: {identity(peer.phase1, peer.local_addr)}")
        lines.append("peer-id-auth: no")
        if instance_v2:
            lines.append(f"peer-SN: {model.devices[peer.node[0]].spec.serial}")
    discovery = auto_discovery_text(p1)
    if discovery:
        lines.append(f"auto-discovery: {discovery}")
    if instance_v2:
        lines.append("pending-queue: 0")
    if _ike_v2(view):
        lines.append("PPK: no")
    lines.append(f"IKE SA: created 1/{stats.ike_created}  established 1/{stats.ike_established}"
                 f"  time {stats.ike_times.text()} ms")
    up = view.selectors_up
    if stats.ipsec_created:
        lines.append(f"IPsec SA: created {up}/{stats.ipsec_created}  established {up}/{stats.ipsec_established}"
                     f"  time {stats.ipsec_times.text()} ms")
    else:
        lines.append("IPsec SA: created 0/0")
    lines.append("")
    lines.extend("  " + line for line in _sa_block(model, view, now))
    return "\n".join(lines) + "\n\n"


def _overlay_line(model, view: TunnelView, learned) -> list[str]:
    """``virtual-interface-addr: <own tunnel address> -> <learned>``, absent when both are unset."""
    local = model.book.tunnel_address(view.node, view.phase1.name)
    if local is None and learned is None:
        return []
    return [f"virtual-interface-addr: {local or '0.0.0.0'} -> {learned or '0.0.0.0'}"]


def _sa_block(model, view: TunnelView, now: float) -> list[str]:
    side, link = view.side, view.link
    peer = link.peer_of(side)
    keys = link.keys
    age_start, age_est = seconds(now - link.started_at), seconds(now - link.established_at)
    lines = [f"id/spi: {side.sa_id} {keys.spi_i}/{keys.spi_r}",
             f"direction: {link.direction(side)}",
             f"status: established {age_start}-{age_est}s ago = {link.negotiation_ms}ms",
             f"proposal: {display_proposal(link.proposal)}"]
    if view.phase1.ike_version == 1:
        lines.extend(f"{label}: {value}" for label, value in keys.lines)
    else:
        lines.append("child: no")
        lines.extend(f"{label}: {value}" if value else f"{label}:" for label, value in keys.lines)
        lines.append("PPK: no")
    keylife = min(link.a.phase1.keylife, link.b.phase1.keylife)
    dpd_sent, dpd_recv = dpd_counters(side, peer, link, now)
    if view.phase1.ike_version == 2:
        extra = max(0, view.stats.ipsec_created - 1)
        lines.append(f"message-id sent/recv: {1 + dpd_sent + extra}/{1 + dpd_recv}")
        lines.append("QKD: no")
    rekey = max(0, keylife - age_est - link.rekey_margin)
    lines.append(f"lifetime/rekey: {keylife}/{rekey}")
    lines.append(f"DPD sent/recv: {hex8(dpd_sent)}/{hex8(dpd_recv)}")
    if view.phase1.ike_version == 2:
        lines.append(f"peer-id: {identity(peer.phase1, peer.local_addr)}")
    return lines


def dpd_counters(side, peer, link, now: float) -> tuple[int, int]:
    """``dpd on-idle`` sends an R-U-THERE every ``dpd-retryinterval`` seconds of idleness."""
    def probes(phase1) -> int:
        if phase1.dpd != "on-idle":
            return 0
        idle_from = max(link.established_at, link.last_traffic)
        return seconds(now - idle_from) // phase1.dpd_retryinterval
    return probes(side.phase1), probes(peer.phase1)


def _not_established(model, view: TunnelView, lines: list, now: float, created_at: float) -> str:
    """A static gateway without IKE SA: negotiating (KB 195955 layout) when it initiates."""
    stats = view.stats
    p1 = view.phase1
    initiating = p1.auto_negotiate and view.local_addr is not None and view.remote_addr is not None
    if view.remote_addr is not None:
        lines.append(f"tun_id: {view.remote_addr}/::{view.remote_addr}")
        lines.append("remote_location: 0.0.0.0")
        lines.append(f"network-id: {p1.network_id}")
        if _transport_shown(model, view):
            lines.append("transport: UDP")
    lines.extend(_overlay_line(model, view, None))
    lines.append(f"created: {seconds(now - created_at)}s ago")
    if _ike_v2(view):
        lines.append("PPK: no")
    if not initiating or stats is None:
        lines += ["IKE SA: created 0/0", "IPsec SA: created 0/0"]
        return "\n".join(lines) + "\n\n"
    if not stats.connecting_spi:
        stats.connecting_spi, stats.connecting_id = spi64(), model.ids(view.node[0], "ike-sa")
    established = f"  established 0/{stats.ike_established}  time 0/0/0 ms" if stats.ike_established else ""
    lines.append(f"IKE SA: created 1/{stats.ike_created + 1}{established}")
    lines.append(f"IPsec SA: created 0/{stats.ipsec_created}" if stats.ipsec_created else "IPsec SA: created 0/0")
    started = seconds(now - created_at) % 30
    lines += ["", f"  id/spi: {stats.connecting_id} {stats.connecting_spi}/0000000000000000",
              "  direction: initiator", f"  status: connecting, state 3, started {started}s ago"]
    return "\n".join(lines) + "\n\n"
