# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tunnel-model cost: an ADVPN hub with N spokes and BGP on loopback, in one process.

Builds the lab in memory (devices loaded, no servers), then times what a busy lab does: the first
convergence (IKE matching, phase2, BGP sessions and route exchange), operational commands on the hub
and a spoke, a configuration change on one spoke (renegotiation + re-convergence) and a
spoke-to-spoke ping that creates a shortcut. The baseline in the same run is ``get system status``,
which does no model work, so the table shows what the model costs on top of command dispatch.

Usage: python bench/simulator/bench_model.py [--spokes 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "simulator"))

from fortigate_sim.commands import run_operational_command  # noqa: E402
from fortigate_sim.lab import LabRuntime  # noqa: E402
from fortigate_sim.store import Target  # noqa: E402
from fortigate_sim.schema import TABLES  # noqa: E402

from advpn_lab import lab_yaml  # noqa: E402  (this folder is on sys.path when run as a script)

def timed(action, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spokes", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lab_file = Path(tmp) / "lab.yml"
        lab_file.write_text(lab_yaml(args.spokes))
        runtime = LabRuntime(Path(tmp) / "work", lab_file)
        for device in runtime.devices.values():
            device.load()
        runtime.clock.set_speed(0)

        def run(device, command):
            output = run_operational_command(runtime, device, "root", command)
            assert output is not None, command
            return output

        rows = [("first convergence (IKE, phase2, BGP)", timed(runtime.model.refresh))]
        established = run("HUB1", "get router info bgp summary").count("\n10.200.")
        baseline = timed(lambda: run("HUB1", "get system status"), args.repeat)
        rows.append(("get system status (baseline)", baseline))
        rows.append(("HUB1 diagnose vpn ike gateway list", timed(lambda: run("HUB1", "diagnose vpn ike gateway list"), args.repeat)))
        rows.append(("HUB1 get router info bgp summary", timed(lambda: run("HUB1", "get router info bgp summary"), args.repeat)))
        rows.append(("SPOKE1 get router info routing-table all", timed(lambda: run("SPOKE1", "get router info routing-table all"), args.repeat)))

        store = runtime.devices["SPOKE2"].store
        target = Target(TABLES["vpn.ipsec/phase1-interface"], "root", "H1")
        flip = iter(["enable", "disable"] * args.repeat)
        rows.append(("config change on one spoke + refresh", timed(
            lambda: (store.write(target, {"dpd": "on-idle" if next(flip) == "enable" else "on-demand"}, create=False),
                     runtime.model.refresh()), args.repeat)))
        rows.append(("spoke-to-spoke ping (creates a shortcut)", timed(lambda: run("SPOKE1", "execute ping -c 1 10.1.2.1"))))
        shortcut = "SPOKE1 shortcut: " + ("yes" if "H1_0" in run("SPOKE1", "get vpn ipsec tunnel summary") else "no")
    print(f"lab: 1 hub + {args.spokes} spokes, BGP sessions established on the hub: {established}; {shortcut}")
    print(f"{'operation':<42} {'seconds':>9} {'vs baseline':>12}")
    for name, seconds in rows:
        print(f"{name:<42} {seconds:>9.4f} {seconds / baseline:>11.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
