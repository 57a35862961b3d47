"""``diagnose vpn tunnel list [name X]`` and ``get vpn ipsec tunnel summary``.

Static tunnels print ``mode=auto/1``, dial-up templates ``mode=dialup/2`` (remote 0.0.0.0,
``child_num`` = live instances) and instances ``mode=dial_inst/3`` with, after the blank line,
``parent=X index=N``. Each phase2 is a ``proxyid=`` line (flags ``auto-negotiate``, ``ads``/``adr``
for ADVPN sender/receiver, ``add-route``) and, when its SA is up, the SA, ``life``, ``dec``/``enc``
key lines (random per SA; AEAD ciphers print ``ah=null key=0``) and counters.

Real captures this follows (7.x site-to-site from a Fortinet community article, 7.4.5 hub instance
from public lab notes): ``stat: rxb`` is the decrypted bytes (the ``dec:pkts/bytes`` figure), ``txb``
the plain bytes sent while ``enc:pkts/bytes`` adds the ESP overhead; ``options[0228]=npu frag-rfc``
on a static tunnel, ``create_dev`` (0x10) with ``net-device enable``, ``options[122a8]=npu rgwy-chg
frag-rfc`` on a dial-up instance (flag names print in bit order, unnamed bits only in the hex).
"""

from __future__ import annotations

from ..model.ike import DIALUP, SHORTCUT
from ..model.keys import esp_names
from ..model.tunnels import TEMPLATE, TunnelView, tunnels
from .common import seconds

ESP_OVERHEAD = 68  # bytes an ESP/IPv4 packet adds to the plain packet (tunnel mode, aes+sha)
_OPTION_NAMES = ((0x08, "npu"), (0x10, "create_dev"), (0x80, "rgwy-chg"), (0x200, "frag-rfc"))
_STATIC_OPTIONS, _INSTANCE_OPTIONS = 0x228, 0x122a8


def _options(view: TunnelView) -> str:
    bits = _INSTANCE_OPTIONS if view.kind in (DIALUP, SHORTCUT) else _STATIC_OPTIONS
    if view.phase1.net_device and view.kind != TEMPLATE:
        bits |= 0x10
    names = " ".join(name for bit, name in _OPTION_NAMES if bits & bit)
    return f"options[{bits:04x}]={names}"


def _mode(view: TunnelView) -> str:
    if view.kind == TEMPLATE:
        return "dialup/2"
    if view.kind in (DIALUP, SHORTCUT):
        return "dial_inst/3"
    return "auto/1"


def _totals(view: TunnelView) -> tuple[int, int, int, int]:
    rxp = txp = rxb = txb = 0
    for sel in view.selectors:
        if sel.child is None:
            continue
        dec, enc = sel.child.counters(sel.which)
        rxp, txp, rxb, txb = rxp + dec.packets, txp + enc.packets, rxb + dec.bytes, txb + enc.bytes  # plain
    return rxp, txp, rxb, txb


def tunnel_list(model, node, name: str | None = None) -> str:
    now = model.refresh()
    views = [v for v in tunnels(model, node) if name is None or v.name == name]
    index = model.configs[node[0]].vdoms[node[1]].index
    out = [f"list all ipsec tunnel in vd {index}" if name is None else f"list ipsec tunnel by names in vd {index}"]
    for view in views:
        out.append("-" * 54)
        out.extend(_tunnel(model, view, now))
    return "\n".join(out) + "\n"


def _tunnel(model, view: TunnelView, now: float) -> list[str]:
    p1 = view.phase1
    serial = view.side.tun_serial if view.side else 1
    remote = view.remote_addr or "0.0.0.0"
    tun_id = view.tun_id or model.internal_id(view.node, p1.name)
    tun6 = view.side.internal_id if view.side and view.side.internal_id else tun_id
    bound = view.interface.index if view.interface else 0
    ad = "s/1" if p1.ad_sender else "r/2" if p1.ad_receiver else "/0"
    rxp, txp, rxb, txb = _totals(view)
    lines = [
        f"name={view.name} ver={p1.ike_version} serial={serial} {view.local_addr or '0.0.0.0'}:0->{remote}:0 "
        f"tun_id={tun_id} tun_id6=::{tun6} dst_mtu={1500 if view.up else 0} dpd-link=on weight=1",
        f"bound_if={bound} lgwy=static/1 tun=intf mode={_mode(view)} encap=none/552 {_options(view)} "
        f" run_state=0 role=primary accept_traffic=1 overlay_id={p1.network_id}",
        "",
    ]
    if view.kind in (DIALUP, SHORTCUT):
        lines.append(f"parent={view.parent} index={view.side.index}")
    idle = seconds(now - view.link.last_traffic) if view.link and view.link.last_traffic >= 0 else 0
    selectors = view.selectors if view.kind != TEMPLATE else []
    lines += [
        f"proxyid_num={len(selectors)} child_num={view.instances} refcnt={3 + len(selectors)} "
        f"ilast={idle} olast={idle} ad={ad}",
        f"stat: rxp={rxp} txp={txp} rxb={rxb} txb={txb}",
        f"dpd: mode={p1.dpd} on={1 if view.up else 0} idle={p1.dpd_retryinterval * 1000}ms retry=3 count=0 seqno=0",
        "natt: mode=none draft=0 interval=0 remote_port=0",
        "fec: egress=0 ingress=0",
    ]
    for number, sel in enumerate(selectors, start=1):
        lines.extend(_proxyid(view, sel, number, now))
    lines.append("run_tally=0")
    return lines


def _proxyid(view: TunnelView, sel, serial: int, now: float) -> list[str]:
    p2, p1 = sel.p2, view.phase1
    flags = "".join(f" {flag}" for flag, on in (("auto-negotiate", p2.auto_negotiate), ("ads", p1.ad_sender),
                                               ("adr", p1.ad_receiver), ("add-route", p1.add_route)) if on)
    up = sel.up
    lines = [f"proxyid={p2.name} proto={p2.protocol} sa={1 if up else 0} ref={2 if up else 1} serial={serial}{flags}",
             f"  src: {p2.protocol}:{p2.src}:0", f"  dst: {p2.protocol}:{p2.dst}:0"]
    if not up:
        return lines
    child = sel.child
    dec, enc = child.counters(sel.which)
    esp, ah, enc_len, auth_len = esp_names(child.proposal)
    keys = child.keys
    spi_in, spi_out = (keys.spi_in, keys.spi_out) if sel.which == "a" else (keys.spi_out, keys.spi_in)
    key_in, key_out = (keys.enc_in, keys.enc_out) if sel.which == "a" else (keys.enc_out, keys.enc_in)
    auth_in, auth_out = (keys.auth_in, keys.auth_out) if sel.which == "a" else (keys.auth_out, keys.auth_in)
    remaining = seconds(child.expires_at - now)
    lines += [
        f"  SA:  ref=3 options=18227 type=00 soft=0 mtu=1438 expire={remaining}/0B replaywin=2048",
        f"       seqno={enc.packets + 1:x} esn=0 replaywin_lastseq={dec.packets:08x} qat=0 rekey=0 hash_search_len=1",
        f"  life: type=01 bytes=0/0 timeout={remaining}/{child.lifetime}",
        f"  dec: spi={spi_in} esp={esp} key={enc_len} {key_in.replace('-', '')}",
    ]
    lines.append(_ah_line(ah, auth_len, auth_in))
    lines.append(f"  enc: spi={spi_out} esp={esp} key={enc_len} {key_out.replace('-', '')}")
    lines.append(_ah_line(ah, auth_len, auth_out))
    lines += [f"  dec:pkts/bytes={dec.packets}/{dec.bytes}, enc:pkts/bytes={enc.packets}/{enc.bytes + enc.packets * ESP_OVERHEAD}",
              f"  npu_flag=00 npu_rgwy={view.remote_addr} npu_lgwy={view.local_addr} npu_selid=0 dec_npuid=0 enc_npuid=0"]
    return lines


def _ah_line(ah: str, auth_len: int, key: str) -> str:
    """The integrity key of an SA direction; AEAD ciphers have none (``ah=null key=0``)."""
    return f"       ah={ah} key={auth_len} {key.replace('-', '')}" if auth_len else "       ah=null key=0"


def tunnel_summary(model, node) -> str:
    model.refresh()
    lines = []
    for view in tunnels(model, node, templates=False):
        rxp, txp, _rxb, _txb = _totals(view)
        total, up = len(view.selectors), view.selectors_up
        lines.append(f"'{view.name}' {view.remote_addr or '0.0.0.0'}:0  selectors(total,up): {total}/{up}"
                     f"  rx(pkt,err): {rxp}/0  tx(pkt,err): {txp}/0")
    return "".join(line + "\n" for line in lines)
