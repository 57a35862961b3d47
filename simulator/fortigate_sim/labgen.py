"""``fortigate-sim lab advpn``: an underlay-only ADVPN lab (hubs, spokes, one transport per overlay).

Every device gets one WAN port per overlay (``port<o>``, overlay ``o`` is the underlay transport
``ISP<o>``), one LAN port (``port<O+1>``) and a default route per WAN port to that ISP's next hop;
nothing else (no loopback, VPN, BGP or policy): the ADVPN roles build the overlay on top.

Addressing depends only on a device's own role and index, never on how many devices the lab has,
so adding a spoke never changes another device's addresses:

- hub h, overlay o WAN ``100.<64+o>.0.<h>/24``, next hop ``100.<64+o>.0.254``
- spoke s, overlay o WAN ``100.<64+o>.<1+(s-1)//62>.<((s-1)%62)*4+1>/30``, next hop that address + 1
- hub h LAN ``10.0.<h>.1/24``; spoke s LAN ``10.<1+(s-1)//250>.<1+(s-1)%250>.1/24``

The ISP next hops belong to no lab device, so the simulator treats them as the Internet (see the
README, "Underlay"). The lab file also carries the addressing as data (top-level ``addressing:``,
ignored by the runtime) for tests that derive an intent from it.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Optional

import yaml

from .versions import FosVersion

# Limits that keep every address inside its scheme (and 100.64.0.0/10, the shared address space of RFC 6598).
MAX_HUBS = 253          # .254 is the ISP next hop on the hubs' /24
MAX_OVERLAYS = 63       # 100.65 .. 100.127
MAX_SPOKES = 62 * 255   # 62 /30 per third octet, third octet 1..255
WAN_ACCESS = "ping"
LAN_ACCESS = "ping https ssh"


@dataclass(frozen=True)
class Wan:
    isp: str
    interface: str
    address: ipaddress.IPv4Interface
    gateway: ipaddress.IPv4Address


@dataclass(frozen=True)
class Site:
    """One device of the lab: its name, role, index and addresses."""

    name: str
    role: str          # hub | spoke
    index: int
    wans: tuple[Wan, ...]
    lan_interface: str
    lan: ipaddress.IPv4Interface


def hub_site(h: int, overlays: int) -> Site:
    wans = tuple(Wan(f"ISP{o}", f"port{o}", ipaddress.IPv4Interface(f"100.{64 + o}.0.{h}/24"),
                     ipaddress.IPv4Address(f"100.{64 + o}.0.254")) for o in range(1, overlays + 1))
    return Site(f"HUB{h}", "hub", h, wans, f"port{overlays + 1}", ipaddress.IPv4Interface(f"10.0.{h}.1/24"))


def spoke_site(s: int, overlays: int) -> Site:
    third, fourth = 1 + (s - 1) // 62, ((s - 1) % 62) * 4 + 1
    wans = []
    for o in range(1, overlays + 1):
        address = ipaddress.IPv4Interface(f"100.{64 + o}.{third}.{fourth}/30")
        wans.append(Wan(f"ISP{o}", f"port{o}", address, address.ip + 1))
    lan = ipaddress.IPv4Interface(f"10.{1 + (s - 1) // 250}.{1 + (s - 1) % 250}.1/24")
    return Site(f"SPOKE{s}", "spoke", s, tuple(wans), f"port{overlays + 1}", lan)


def sites(hubs: int, overlays: int, spokes: int) -> list[Site]:
    check_size(hubs, overlays, spokes)
    return [hub_site(h, overlays) for h in range(1, hubs + 1)] + \
        [spoke_site(s, overlays) for s in range(1, spokes + 1)]


def check_size(hubs: int, overlays: int, spokes: int) -> None:
    """Refuse sizes the addressing scheme cannot number, naming the option and its range."""
    for option, value, low, high in (("--hubs", hubs, 1, MAX_HUBS), ("--overlays", overlays, 1, MAX_OVERLAYS),
                                     ("--spokes", spokes, 0, MAX_SPOKES)):
        if not low <= value <= high:
            raise ValueError(f"{option} {value}: must be between {low} and {high} (the addressing scheme's limit)")


def serial(seed: int, name: str) -> str:
    """A FortiGate-VM serial number derived from the seed and the device name only."""
    digest = int(hashlib.sha256(f"advpn-lab/{seed}/{name}".encode()).hexdigest(), 16)
    return f"FGVM02TM{digest % 10**8:08d}"


def _static_routes(site: Site) -> str:
    lines = ["config router static"]
    for number, wan in enumerate(site.wans, start=1):
        lines += [f"    edit {number}", f"        set gateway {wan.gateway}", f'        set device "{wan.interface}"',
                  "    next"]
    return "\n".join(lines + ["end", ""])


def device_entry(site: Site, seed: int) -> dict:
    interfaces = [_Flow(name=wan.interface, alias=wan.isp, ip=str(wan.address), allowaccess=WAN_ACCESS, role="wan")
                  for wan in site.wans]
    interfaces.append(_Flow(name=site.lan_interface, alias="LAN", ip=str(site.lan), allowaccess=LAN_ACCESS,
                            role="lan"))
    return {"name": site.name, "serial": serial(seed, site.name), "interfaces": interfaces,
            "config": _static_routes(site)}


def addressing_entry(site: Site) -> dict:
    """The ``addressing:`` record of one device (CONTRACTS.md section A; ``network`` added)."""
    wan = {w.isp: {"interface": w.interface, "address": str(w.address.ip), "prefix": str(w.address),
                   "network": str(w.address.network), "gateway": str(w.gateway)} for w in site.wans}
    lan = {"interface": site.lan_interface, "prefix": str(site.lan.network), "address": str(site.lan.ip)}
    return {"role": site.role, "index": site.index, "wan": wan, "lan": lan}


def advpn_lab(hubs: int, overlays: int, spokes: int, version: str = "7.4.4", seed: int = 0,
              name: Optional[str] = None) -> dict:
    """The lab as data (what ``lab_text`` writes): ``lab``, ``defaults``, ``devices``, ``addressing``."""
    version = release(version)
    members = sites(hubs, overlays, spokes)
    return {
        "lab": name or f"advpn-h{hubs}-o{overlays}-s{spokes}",
        "defaults": {"version": version, "admin": {"user": "admin", "password": "auto"}, "api_token": "auto"},
        "devices": [device_entry(site, seed) for site in members],
        "addressing": {site.name: addressing_entry(site) for site in members},
    }


def release(version: str) -> str:
    """``7.4.4`` (also from ``v7.4.4``); a malformed release is refused naming the option."""
    try:
        return FosVersion(version).plain
    except ValueError as exc:
        raise ValueError(f"--version: {exc}") from None


def header(hubs: int, overlays: int, spokes: int, version: str, seed: int) -> str:
    members = sites(hubs, overlays, spokes)
    isps = " ".join(f"ISP{o}=port{o}" for o in range(1, overlays + 1))
    lines = [
        f"fortigate-sim lab advpn --hubs {hubs} --overlays {overlays} --spokes {spokes} --version {version} "
        f"--seed {seed}",
        "Underlay only: WAN port per overlay, one LAN port, a default route per WAN port to its ISP; nothing else.",
        f"Transports: {isps}; LAN=port{overlays + 1}. Addressing (depends only on the device's own index):",
        "  hub h, overlay o WAN   100.<64+o>.0.<h>/24, next hop 100.<64+o>.0.254",
        "  spoke s, overlay o WAN 100.<64+o>.<1+(s-1)//62>.<((s-1)%62)*4+1>/30, next hop that address + 1",
        "  hub h LAN 10.0.<h>.1/24; spoke s LAN 10.<1+(s-1)//250>.<1+(s-1)%250>.1/24",
        "",
        f"{'device':<12} " + " ".join(f"{'ISP' + str(o) + ' (next hop)':<34}" for o in range(1, overlays + 1))
        + " LAN",
    ]
    for site in members:
        wans = " ".join(f"{f'{w.address} ({w.gateway})':<34}" for w in site.wans)
        lines.append(f"{site.name:<12} {wans} {site.lan}")
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def lab_text(hubs: int, overlays: int, spokes: int, version: str = "7.4.4", seed: int = 0) -> str:
    """The lab file: the header comment, then the YAML (same arguments, same bytes)."""
    version = release(version)
    data = advpn_lab(hubs, overlays, spokes, version, seed)
    return header(hubs, overlays, spokes, version, seed) + dump(data)


def dump(data: dict) -> str:
    """YAML of a lab as ``advpn_lab`` returns it (also after callers added configuration to it)."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=120)


# ---- YAML layout: interfaces on one line each, configuration as a literal block --------------------

class _Flow(dict):
    """A mapping written in flow style (``{name: port1, ...}``)."""

    def __init__(self, **items):
        super().__init__(items)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml when built with it: 10x faster
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value,
                                                                               flow_style=True))
