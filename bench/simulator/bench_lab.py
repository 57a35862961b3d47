# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Simulator capacity: start-up time and memory of a 1 hub + N spokes lab, CMDB GETs per second.

Generates the lab YAML of advpn_lab.py (hub with a dial-up ADVPN phase1/phase2 and BGP neighbor-range;
each spoke with a static phase1 to the hub, phase2 with auto-negotiate, loopback, BGP neighbor), starts it with
``fortigate-sim start``, reads the daemon's RSS from /proc, then hammers one device with keep-alive
HTTPS GETs from an aiohttp client. The baseline in the same run is ``GET /logincheck`` (no auth,
no CMDB work), so the table shows what the CMDB path costs on top of aiohttp + TLS.

Start-up is compared, in the same run, with the simulator of ``--baseline REF`` (a git ref; default: the last
commit whose schema was hand-written only), extracted with ``git archive`` and run on the same lab: once with
an empty schema cache (the first start after installing a collection) and once with the cache filled.

Usage: python bench/simulator/bench_lab.py [--spokes 200] [--seconds 5] [--concurrency 8] [--baseline REF]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import ssl
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import aiohttp
import yaml

from advpn_lab import lab_yaml  # this folder is on sys.path when run as a script

REPO = Path(__file__).resolve().parents[2]
# The last commit whose simulator schema was hand-written only (before it came from fortinet.fortios).
HAND_WRITTEN_SCHEMA = "a0ca2a4"


def sim(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fortigate_sim", *args], capture_output=True, text=True, check=True,
                          env=env)


def baseline_tree(ref: str, into: Path) -> Path:
    """The ``simulator/`` package of git ``ref``, extracted under ``into`` (its import root)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", ref, "simulator/fortigate_sim"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "simulator"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (robust to other load on the machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_stop(lab_file: Path, workdir: Path, env: dict) -> tuple[float, float, float]:
    """Start-up seconds (until every device answers HTTPS), the daemon's CPU seconds by then, and its
    RSS (MiB), of one start."""
    started = time.monotonic()
    sim("start", "--lab", str(lab_file), "--workdir", str(workdir), "--timeout", "900", env=env)
    startup = time.monotonic() - started
    try:
        pid = json.loads((workdir / "state.json").read_text())["pid"]
        cpu, memory = cpu_seconds(pid), rss_mib(pid)
    finally:
        sim("stop", "--workdir", str(workdir), env=env)
    return startup, cpu, memory


def startup_comparison(lab_file: Path, tmp: Path, ref: str) -> list[tuple[str, float, float, float]]:
    """(label, start-up s, CPU s, RSS MiB) for the baseline, then this tree with a cold and a warm cache."""
    base_env = {**os.environ, "PYTHONPATH": str(baseline_tree(ref, tmp / "baseline"))}
    this_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    rows = [(f"baseline {ref} (hand-written schema)", *start_stop(lab_file, tmp / "lab-base", base_env))]
    rows.append(("this tree, empty schema cache", *start_stop(lab_file, tmp / "lab-cold", this_env)))
    rows.append(("this tree, schema cache filled", *start_stop(lab_file, tmp / "lab-warm", this_env)))
    return rows


def paths_served() -> int:
    from fortigate_sim.schema import TABLES
    return len(TABLES)


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
    parser.add_argument("--baseline", default=HAND_WRITTEN_SCHEMA, help="git ref of the simulator to compare with")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fortigate-sim-bench-") as tmp:
        workdir = Path(tmp) / "lab"
        lab_file = Path(tmp) / "lab.yml"
        lab_file.write_text(lab_yaml(args.spokes))
        os.environ["FORTIGATE_SIM_CACHE"] = str(Path(tmp) / "schema-cache")  # starts empty: a cold first start
        comparison = startup_comparison(lab_file, Path(tmp), args.baseline)
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
    print(f"{'CMDB paths served':<36} {paths_served():>12}")
    _, base_startup, base_cpu, base_memory = comparison[0]
    print(f"\n{'start-up comparison (same lab)':<40} {'start-up':>10} {'vs base':>8} {'CPU':>9} {'vs base':>8}"
          f" {'RSS MiB':>9} {'vs base':>8}")
    for label, startup_s, cpu, rss in comparison:
        print(f"{label:<40} {startup_s:>8.2f} s {startup_s / base_startup:>7.2f}x {cpu:>7.2f} s {cpu / base_cpu:>7.2f}x"
              f" {rss:>9.1f} {rss / base_memory:>7.2f}x")
    baseline = rows[0][1]
    print(f"\n{'requests/s on HUB1 (c=' + str(args.concurrency) + ')':<36} {'req/s':>12} {'vs baseline':>12}")
    for label, rate in rows:
        print(f"{label:<36} {rate:>12.0f} {rate / baseline:>11.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
