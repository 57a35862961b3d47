# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deterministic generator of ``diagnose vpn ike gateway list`` output for a dial-up hub.

The text is what a FortiGate hub prints with N dial-up instances ``HUB_0`` ... ``HUB_<N-1>``
in the real multi-line layout: one ``key: value`` per line, IKE SA blocks indented by two
spaces and preceded by a blank line, a blank line between gateways.

Variety (fixed shares drawn from a seeded ``random.Random``, so the same seed and N always
give byte-identical text):

* IKEv2 for most instances (``transport``, ``peer-id``, ``PPK``, ``SK_*`` key lines,
  ``message-id``, ``QKD``, per-SA ``peer-id``), IKEv1 for some (``key:`` lines, no
  ``transport`` / ``peer-id``);
* NAT-T for some: local port 4500, remote port a high ephemeral port;
* a few instances mid-rekey with two IKE SAs (``IKE SA: created 2/2``, two ``id/spi`` blocks);
* a few ``connecting`` instances: ``IKE SA: created 1/1`` without an established part,
  ``IPsec SA: created 0/0``, one SA with a zero responder SPI and only id/direction/status;
* overlay peer ``0.0.0.0`` (no exchange-interface-ip) for some.

Usage: ``python generate.py [--gateways N] [--seed S] [-o FILE]`` (stdout by default).
"""

from __future__ import annotations

import argparse
import random
import sys

DEFAULT_GATEWAYS = 5000
DEFAULT_SEED = 20261123

HUB_UNDERLAY = "10.47.2.86"
HUB_OVERLAY = "10.10.0.1"
PROPOSALS_V2 = ("aes256-sha256", "aes128-sha256", "aes256gcm", "aes128gcm", "chacha20poly1305-prfsha256")
PROPOSALS_V1 = ("aes128-sha256", "aes256-sha256", "aes128-sha1")


def _hex(rng, nbytes):
    return "%0*x" % (nbytes * 2, rng.getrandbits(nbytes * 8))


def _key_material(rng, nbytes):
    """FortiOS prints key material as dash-separated 8-byte hex groups."""
    return "-".join(_hex(rng, 8) for _ in range(nbytes // 8))


def _sa_counter_line(label, current, total, times=None):
    if times is None:
        return "%s: created %d/%d" % (label, current, total)
    return "%s: created %d/%d  established %d/%d  time %d/%d/%d ms" % ((label, current, total, current, total) + times)


def _times(rng):
    t_min = rng.choice((0, 0, 10, 20, 30, 40))
    t_max = t_min + rng.choice((0, 0, 10, 30, 3000))
    return (t_min, (t_min + t_max) // 2, t_max)


def _established_sa(rng, lines, sa_id, version, created, peer_id, proposal):
    lifetime = 86400 if version == 1 else rng.choice((86400, 43200, 28800))
    age = min(created, rng.randint(5, lifetime - 900))  # rekeyed SAs are younger than the tunnel
    elapsed = rng.choice((0, 10, 20, 30, 40))
    lines.append("")
    lines.append("  id/spi: %d %s/%s" % (sa_id, _hex(rng, 8), _hex(rng, 8)))
    lines.append("  direction: %s" % ("responder" if rng.random() < 0.97 else "initiator"))
    lines.append("  status: established %d-%ds ago = %dms" % (age, max(age - rng.randint(0, 3), 0), elapsed))
    lines.append("  proposal: %s" % proposal)
    if version == 2:
        lines.append("  child: no")
        lines.append("  SK_ei: %s" % _key_material(rng, 32))
        lines.append("  SK_er: %s" % _key_material(rng, 32))
        gcm = "gcm" in proposal or "chacha" in proposal
        lines.append("  SK_ai: %s" % ("" if gcm else _key_material(rng, 32)))
        lines.append("  SK_ar: %s" % ("" if gcm else _key_material(rng, 32)))
        lines.append("  PPK: no")
        lines.append("  message-id sent/recv: %d/%d" % (rng.randint(0, 40), rng.randint(0, 40)))
        lines.append("  QKD: no")
    else:
        lines.append("  key: %s" % _key_material(rng, 32 if "256" in proposal else 16))
    lines.append("  lifetime/rekey: %d/%d" % (lifetime, lifetime - age - rng.randint(0, 600)))
    lines.append("  DPD sent/recv: %08x/%08x" % (rng.choice((0, 0, 0, rng.randint(0, 4096))),
                                                   rng.choice((0, 0, rng.randint(0, 4096)))))
    if version == 2:
        lines.append("  peer-id: %s" % peer_id)


def gateway_block(rng, index, sa_ids):
    """Lines of one dial-up instance (no trailing blank line)."""
    version = 2 if rng.random() < 0.85 else 1
    natt = rng.random() < 0.20
    connecting = rng.random() < 0.02
    two_sas = not connecting and rng.random() < 0.03
    overlay_zero = connecting or rng.random() < 0.10

    peer = "100.%d.%d.%d" % (64 + index // 65024, (index // 254) % 256, index % 254 + 1)
    overlay_peer = "10.10.%d.%d" % (index // 254, index % 254 + 2)
    local_port, remote_port = (4500, rng.randint(1024, 65535)) if natt else (500, 500)
    created = rng.randint(5, 9 * 86400) if not connecting else rng.randint(1, 30)
    proposal = rng.choice(PROPOSALS_V2 if version == 2 else PROPOSALS_V1)
    network_id = 1
    peer_id = "SPOKE-%04d" % index if rng.random() < 0.5 else peer

    lines = [
        "vd: root/0",
        "name: HUB_%d" % index,
        "version: %d" % version,
        "interface: port1 3",
        "addr: %s:%d -> %s:%d" % (HUB_UNDERLAY, local_port, peer, remote_port),
        "tun_id: %s/::10.0.%d.%d" % (overlay_peer, index // 254, index % 254 + 2),
        "remote_location: 0.0.0.0",
        "network-id: %d" % network_id,
    ]
    if version == 2:
        lines.append("transport: UDP")
    lines.append("virtual-interface-addr: %s -> %s" % (HUB_OVERLAY, "0.0.0.0" if overlay_zero else overlay_peer))
    lines.append("created: %ds ago" % created)
    if version == 2 and not connecting:
        lines.append("peer-id: %s" % peer_id)
        lines.append("peer-id-auth: no")
    if not connecting:
        lines.append("auto-discovery: 1 sender")
    if version == 2:
        lines.append("PPK: no")

    if connecting:
        lines.append(_sa_counter_line("IKE SA", 1, 1))
        lines.append(_sa_counter_line("IPsec SA", 0, 0))
        lines.append("")
        lines.append("  id/spi: %d %s/0000000000000000" % (next(sa_ids), _hex(rng, 8)))
        lines.append("  direction: responder")
        lines.append("  status: connecting, state 3, started %ds ago" % created)
        return lines

    n_ike = 2 if two_sas else 1
    lines.append(_sa_counter_line("IKE SA", n_ike, n_ike, _times(rng)))
    n_ipsec = rng.choice((1, 1, 1, 2))
    lines.append(_sa_counter_line("IPsec SA", n_ipsec, n_ipsec + rng.choice((0, 0, 1)), _times(rng)))
    for _ in range(n_ike):
        _established_sa(rng, lines, next(sa_ids), version, created, peer_id, proposal)
    return lines


def generate(gateways=DEFAULT_GATEWAYS, seed=DEFAULT_SEED):
    """Return the whole command output (str, ``\\n`` line ends, trailing newline)."""
    rng = random.Random(seed)
    sa_ids = iter(range(rng.randint(1, 500), 10 ** 9))
    blocks = ["\n".join(gateway_block(rng, index, sa_ids)) for index in range(gateways)]
    return "\n\n".join(blocks) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateways", type=int, default=DEFAULT_GATEWAYS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    text = generate(args.gateways, args.seed)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
