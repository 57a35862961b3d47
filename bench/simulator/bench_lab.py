# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Simulator capacity: start-up time and memory of a 1 hub + N spokes lab, CMDB GETs per second.

Generates the lab YAML of advpn_lab.py (hub with a dial-up ADVPN phase1/phase2 and BGP neighbor-range;
each spoke with a static phase1 to the hub, phase2 with auto-negotiate, loopback, BGP neighbor), starts it with
``fortigate-sim start``, reads the daemon's RSS from /proc, then hammers one device with keep-alive
HTTPS GETs from an aiohttp client. The baseline in the same run is ``GET /logincheck`` (no auth,
no CMDB work), so the table shows what the CMDB path costs on top of aiohttp + TLS.

Usage: python bench/simulator/bench_lab.py [--spokes 200] [--seconds 5] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

from advpn_lab import lab_yaml  # this folder is on sys.path when run as a script

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
            base = f"https://{hub['ansible_host']}:{hub['ansible_httpapi_port']}"
            context = ssl.create_default_context(cafile=state["ca_path"])
            auth = {"Authorization": f"Bearer {hub['fortios_access_token']}"}
            rows = []
            for label, path in (("baseline GET /logincheck", "/logincheck"),
                                ("GET phase1-interface/EDGE", "/api/v2/cmdb/vpn.ipsec/phase1-interface/EDGE?vdom=root"),
                                ("GET system/interface (table)", "/api/v2/cmdb/system/interface?vdom=root"),
                                ("GET router/bgp (singleton)", "/api/v2/cmdb/router/bgp?vdom=root")):
                rate = asyncio.run(hammer(base + path, auth, context, args.seconds, args.concurrency))
                rows.append((label, rate))
        finally:
            sim("stop", "--workdir", str(workdir))

    devices = args.spokes + 1
    print(f"lab: 1 hub + {args.spokes} spokes ({devices} devices, one process), HTTPS")
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
