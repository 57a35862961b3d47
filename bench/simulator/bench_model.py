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

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "simulator"))

from fortigate_sim.commands import run_operational_command  # noqa: E402
from fortigate_sim.lab import LabRuntime  # noqa: E402
from fortigate_sim.store import Target  # noqa: E402
from fortigate_sim.schema import TABLES  # noqa: E402

PSK = "bench-model-psk"

HUB = f"""\
config system interface
    edit "Lo0"
        set vdom "root"
        set type loopback
        set ip 10.200.255.253 255.255.255.255
        set allowaccess ping
    next
end
config router static
    edit 1
        set gateway 203.0.113.254
        set device "port1"
    next
    edit 2
        set dst 10.200.0.0 255.255.0.0
        set blackhole enable
    next
end
config vpn ipsec phase1-interface
    edit "EDGE"
        set type dynamic
        set interface "port1"
        set ike-version 2
        set peertype any
        set proposal aes256gcm-prfsha256
        set add-route disable
        set auto-discovery-sender enable
        set exchange-ip-addr4 10.200.255.253
        set psksecret "{PSK}"
    next
end
config vpn ipsec phase2-interface
    edit "EDGE"
        set phase1name "EDGE"
        set proposal aes256gcm
        set keepalive enable
    next
end
config router bgp
    set as 65000
    set recursive-next-hop enable
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
    config network
        edit 1
            set prefix 10.200.0.0 255.255.0.0
        next
    end
end
"""

SPOKE = """\
config system interface
    edit "Lo0"
        set vdom "root"
        set type loopback
        set ip {lo} 255.255.255.255
        set allowaccess ping
    next
end
config router static
    edit 1
        set gateway 100.64.255.254
        set device "port1"
    next
end
config vpn ipsec phase1-interface
    edit "H1"
        set interface "port1"
        set ike-version 2
        set peertype any
        set proposal aes256gcm-prfsha256
        set remote-gw 203.0.113.1
        set auto-discovery-receiver enable
        set exchange-ip-addr4 {lo}
        set psksecret "{psk}"
    next
end
config vpn ipsec phase2-interface
    edit "H1"
        set phase1name "H1"
        set proposal aes256gcm
        set auto-negotiate enable
    next
end
config router bgp
    set as 65000
    set recursive-next-hop enable
    config neighbor
        edit "10.200.255.253"
            set remote-as 65000
            set update-source "Lo0"
        next
    end
    config network
        edit 1
            set prefix {lan} 255.255.255.0
        next
    end
end
"""


def lab_yaml(spokes: int) -> str:
    devices = [{"name": "HUB", "interfaces": [{"name": "port1", "ip": "203.0.113.1/24", "role": "wan"}],
                "config": HUB}]
    for i in range(1, spokes + 1):
        lo, lan = f"10.200.{i // 250}.{i % 250 + 1}", f"10.{1 + i // 250}.{i % 250}.0"
        devices.append({"name": f"S{i:03d}", "config": SPOKE.format(lo=lo, lan=lan, psk=PSK), "interfaces": [
            {"name": "port1", "ip": f"100.64.{i // 250}.{i % 250 + 1}/16", "role": "wan"},
            {"name": "port2", "ip": f"10.{1 + i // 250}.{i % 250}.1/24", "role": "lan", "allowaccess": "ping"}]})
    return yaml.safe_dump({"lab": f"bench-model-{spokes}", "devices": devices,
                           "defaults": {"admin": {"user": "admin", "password": "auto"}, "api_token": "auto"}},
                          sort_keys=False)


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
        established = run("HUB", "get router info bgp summary").count("\n10.200.")
        baseline = timed(lambda: run("HUB", "get system status"), args.repeat)
        rows.append(("get system status (baseline)", baseline))
        rows.append(("HUB diagnose vpn ike gateway list", timed(lambda: run("HUB", "diagnose vpn ike gateway list"), args.repeat)))
        rows.append(("HUB get router info bgp summary", timed(lambda: run("HUB", "get router info bgp summary"), args.repeat)))
        rows.append(("S001 get router info routing-table all", timed(lambda: run("S001", "get router info routing-table all"), args.repeat)))

        store = runtime.devices["S002"].store
        target = Target(TABLES["vpn.ipsec/phase1-interface"], "root", "H1")
        flip = iter(["enable", "disable"] * args.repeat)
        rows.append(("config change on one spoke + refresh", timed(
            lambda: (store.write(target, {"dpd": "on-idle" if next(flip) == "enable" else "on-demand"}, create=False),
                     runtime.model.refresh()), args.repeat)))
        rows.append(("spoke-to-spoke ping (creates a shortcut)", timed(lambda: run("S001", "execute ping -c 1 10.1.2.1"))))
        shortcut = "S001 shortcut: " + ("yes" if "H1_0" in run("S001", "get vpn ipsec tunnel summary") else "no")
    print(f"lab: 1 hub + {args.spokes} spokes, BGP sessions established on the hub: {established}; {shortcut}")
    print(f"{'operation':<42} {'seconds':>9} {'vs baseline':>12}")
    for name, seconds in rows:
        print(f"{name:<42} {seconds:>9.4f} {seconds / baseline:>11.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
