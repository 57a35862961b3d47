"""Each device of a lab listens on its own loopback address, as each real FortiGate has its own IP.

So the inventory reads like a real one (``ansible_host`` differs per device; ``ansible_httpapi_port``
is the HTTPS port and ``ansible_port`` the SSH port) and a play switches transport by setting
``ansible_connection`` alone. Ports stay OS-assigned, so two labs never collide even on one address.

An address is picked once per device and workdir (kept in ``secrets.json``, so restarts keep it and
the certificates and ``known_hosts`` stay valid): a random ``127.x.y.z`` outside ``127.0.0.0/16``
that nothing listens on. Where only ``127.0.0.1`` can be bound (macOS without aliases), every device
uses ``127.0.0.1``; the per-device ports still keep them apart.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from pathlib import Path

FALLBACK = "127.0.0.1"
_PROC_TCP = Path("/proc/net/tcp")
_LISTEN = "0A"


def listening_addresses() -> set[str]:
    """IPv4 addresses something listens on (Linux ``/proc/net/tcp``; empty elsewhere)."""
    try:
        lines = _PROC_TCP.read_text().splitlines()[1:]
    except OSError:
        return set()
    found = set()
    for line in lines:
        fields = line.split()
        if len(fields) > 3 and fields[3] == _LISTEN:
            # local_address is hex of the address in host (little-endian) byte order, then :port.
            packed = bytes.fromhex(fields[1].split(":")[0])[::-1]
            found.add(str(ipaddress.IPv4Address(packed)))
    return found


def bindable(address: str) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((address, 0))
        except OSError:
            return False
    return True


def pick(taken: set[str]) -> str:
    """A free loopback address not in ``taken`` (which it is added to), else ``127.0.0.1``."""
    busy = taken | listening_addresses()
    for _ in range(64):
        candidate = f"127.{secrets.randbelow(254) + 1}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
        if candidate not in busy and bindable(candidate):
            taken.add(candidate)
            return candidate
    return FALLBACK
