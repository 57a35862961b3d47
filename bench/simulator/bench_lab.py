# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Simulator capacity: start-up time and memory of a 1 hub + N spokes lab, CMDB GETs per second.

Generates the lab YAML (hub with a dial-up ADVPN phase1/phase2 and BGP neighbor-range; each spoke
with a static phase1 to the hub, phase2 with auto-negotiate, loopback, BGP neighbor), starts it with
``fortigate-sim start``, reads the daemon's RSS from /proc, then hammers one device with keep-alive
HTTPS GETs from an aiohttp client. The baseline in the same run is ``GET /logincheck`` (no auth,
no CMDB work), so the table shows what the CMDB path costs on top of aiohttp + TLS.

Usage: python bench/simulator/bench_lab.py [--spokes 200] [--seconds 5] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

HUB_CONFIG = """\
config system interface
    edit "Lo0"
        set vdom "root"
        set type loopback
        set ip 10.200.99.1 255.255.255.255
        set allowaccess ping
    next
end
config vpn ipsec phase1-interface
    edit "HUB"
        set type dynamic
        set interface "port1"
        set ike-version 2
        set peertype any
        set net-device disable
        set proposal aes256-sha256
        set add-route disable
        set auto-discovery-sender enable
        set exchange-ip-addr4 10.200.99.1
        set network-overlay enable
        set network-id 1
        set psksecret "bench-psk"
    next
end
config vpn ipsec phase2-interface
    edit "HUB"
        set phase1name "HUB"
        set proposal aes256-sha256
    next
end
config router bgp
    set as 65000
    set router-id 10.200.99.1
    config neighbor-group
        edit "EDGE"
            set remote-as 65000
            set update-source "Lo0"
            set route-reflector-client enable
        next
    end
    config neighbor-range
        edit 1
            set prefix 10.200.0.0 255.255.0.0
            set neighbor-group "EDGE"
        next
    end
end
"""

SPOKE_CONFIG = """\
config system interface
    edit "Lo0"
        set vdom "root"
        set type loopback
        set ip {loopback} 255.255.255.255
        set allowaccess ping
    next
end
config vpn ipsec phase1-interface
    edit "H1"
        set interface "port1"
        set ike-version 2
        set peertype any
        set proposal aes256-sha256
        set remote-gw 198.51.100.1
        set auto-discovery-receiver enable
        set exchange-ip-addr4 {loopback}
        set network-overlay enable
        set network-id 1
        set psksecret "bench-psk"
    next
end
config vpn ipsec phase2-interface
    edit "H1"
        set phase1name "H1"
        set proposal aes256-sha256
        set auto-negotiate enable
    next
end
config router bgp
    set as 65000
    set router-id {loopback}
    config neighbor
        edit "10.200.99.1"
            set remote-as 65000
            set update-source "Lo0"
        next
    end
end
"""


def lab_yaml(spokes: int) -> str:
    devices = [{"name": "HUB1", "interfaces": [{"name": "port1", "ip": "198.51.100.1/24"}], "config": HUB_CONFIG}]
    for index in range(1, spokes + 1):
        loopback = f"10.200.{index // 250}.{index % 250 + 1}"
        devices.append({"name": f"SPOKE{index:03d}",
                        "interfaces": [{"name": "port1", "ip": f"100.64.{index // 250}.{index % 250 + 1}/16"}],
                        "config": SPOKE_CONFIG.format(loopback=loopback)})
    lab = {"lab": f"bench-1-hub-{spokes}-spokes",
           "defaults": {"version": "7.4.4", "admin": {"user": "admin", "password": "auto"}, "api_token": "auto"},
           "devices": devices}
    return yaml.safe_dump(lab, sort_keys=False)


def sim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fortigate_sim", *args], capture_output=True, text=True, check=True)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def hammer(url: str, headers: dict, context: ssl.SSLContext, seconds: float, concurrency: int) -> float:
    done = 0
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(ssl=context, limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        async def worker():
            nonlocal done
            while time.monotonic() < deadline:
                async with session.get(url) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{url}: HTTP {response.status}")
                done += 1
        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spokes", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fortigate-sim-bench-") as tmp:
        workdir = Path(tmp) / "lab"
        lab_file = Path(tmp) / "lab.yml"
        lab_file.write_text(lab_yaml(args.spokes))
        started = time.monotonic()
        sim("start", "--lab", str(lab_file), "--workdir", str(workdir), "--timeout", "600")
        startup = time.monotonic() - started
        try:
            state = json.loads((workdir / "state.json").read_text())
            memory = rss_mib(state["pid"])
            inventory = yaml.safe_load((workdir / "inventory.yml").read_text())
            hub = inventory["all"]["children"]["fortigates"]["hosts"]["HUB1"]
            base = f"https://127.0.0.1:{hub['ansible_httpapi_port']}"
            context = ssl.create_default_context(cafile=state["ca_path"])
            auth = {"Authorization": f"Bearer {hub['fortios_access_token']}"}
            rows = []
            for label, path in (("baseline GET /logincheck", "/logincheck"),
                                ("GET phase1-interface/HUB", "/api/v2/cmdb/vpn.ipsec/phase1-interface/HUB?vdom=root"),
                                ("GET system/interface (table)", "/api/v2/cmdb/system/interface?vdom=root"),
                                ("GET router/bgp (singleton)", "/api/v2/cmdb/router/bgp?vdom=root")):
                rate = asyncio.run(hammer(base + path, auth, context, args.seconds, args.concurrency))
                rows.append((label, rate))
        finally:
            sim("stop", "--workdir", str(workdir))

    devices = args.spokes + 1
    print(f"lab: 1 hub + {args.spokes} spokes ({devices} devices, one process), FortiOS 7.4.4, HTTPS")
    print(f"{'metric':<36} {'value':>12}")
    print(f"{'start-up until all devices answer':<36} {startup:>10.2f} s")
    print(f"{'daemon RSS':<36} {memory:>9.1f} MiB")
    print(f"{'RSS per device':<36} {memory / devices * 1024:>9.0f} KiB")
    baseline = rows[0][1]
    print(f"\n{'requests/s on HUB1 (c=' + str(args.concurrency) + ')':<36} {'req/s':>12} {'vs baseline':>12}")
    for label, rate in rows:
        print(f"{label:<36} {rate:>12.0f} {rate / baseline:>11.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
