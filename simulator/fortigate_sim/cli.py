"""``fortigate-sim``: start/stop/status a lab, inject faults, show a device's configuration.

``start`` launches ``fortigate-sim run`` as a detached process, waits until ``state.json`` appears
and every device answers HTTPS (validated against the lab CA), then prints where the inventory is.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional

from .files import ADMIN_KEY_HEADER, atomic_write


def _state(workdir: Path) -> Optional[dict]:
    path = workdir / "state.json"
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return state if _alive(state.get("pid")) else None


def _alive(pid) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child (e.g. of the test process) is not running.
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _admin(state: dict, method: str, path: str, body: Optional[dict] = None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{state['admin_port']}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={ADMIN_KEY_HEADER: state["admin_key"], "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read().decode()
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _probe(state: dict, timeout: float) -> list[str]:
    """Devices that do not answer HTTPS yet (any HTTP status counts as an answer)."""
    import ssl
    context = ssl.create_default_context(cafile=state["ca_path"])
    waiting = []
    for name, info in state["devices"].items():
        url = f"https://{info.get('address', '127.0.0.1')}:{info['https_port']}/api/v2/monitor/system/status"
        try:
            urllib.request.urlopen(url, context=context, timeout=timeout).close()
        except urllib.error.HTTPError:
            pass  # 401 without credentials: the device answers
        except (urllib.error.URLError, OSError):
            waiting.append(name)
    return waiting


def cmd_start(args) -> int:
    workdir = Path(args.workdir).resolve()
    if _state(workdir):
        print(f"lab already running in {workdir}", file=sys.stderr)
        return 1
    workdir.mkdir(parents=True, exist_ok=True)
    stale = workdir / "state.json"
    if stale.exists():
        stale.unlink()
    command = [sys.executable, "-m", "fortigate_sim", "run", "--workdir", str(workdir)]
    if args.lab:
        command += ["--lab", str(Path(args.lab).resolve())]
    with open(workdir / "sim.log", "ab") as logfile:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=logfile, stderr=logfile,
                                   start_new_session=True, close_fds=True)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (workdir / "sim.log").read_text(errors="replace").strip().splitlines()[-15:]
            print("lab failed to start:\n" + "\n".join(tail), file=sys.stderr)
            return 1
        state = _state(workdir)
        if state and state.get("pid") == process.pid and not _probe(state, timeout=2):
            print(f"lab {state['lab']} running (pid {process.pid}), {len(state['devices'])} device(s); "
                  f"inventory: {workdir / 'inventory.yml'}")
            return 0
        time.sleep(0.1)
    print(f"lab did not become ready within {args.timeout}s; see {workdir / 'sim.log'}", file=sys.stderr)
    process.terminate()
    return 1


def cmd_stop(args) -> int:
    workdir = Path(args.workdir).resolve()
    state = _state(workdir)
    if not state:
        print(f"no lab running in {workdir}")
        return 0
    pid = state["pid"]
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
        print(f"lab (pid {pid}) did not stop in {args.timeout}s; killed", file=sys.stderr)
        return 1
    print(f"lab {state['lab']} stopped")
    return 0


def cmd_status(args) -> int:
    workdir = Path(args.workdir).resolve()
    state = _state(workdir)
    if not state:
        print(f"no lab running in {workdir}")
        return 3
    if args.json:
        print(json.dumps(state | {"admin_key": "***"}, indent=1))
        return 0
    print(f"lab {state['lab']} (pid {state['pid']}), CA {state['ca_path']}")
    print(f"{'device':<20} {'version':<9} {'address':<16} {'https':>6} {'http':>6} {'ssh':>6}")
    for name, info in state["devices"].items():
        print(f"{name:<20} {info['version']:<9} {info['address']:<16} {info['https_port']:>6}"
              f" {info['http_port'] or '-':>6} {info.get('ssh_port') or '-':>6}")
    return 0


def cmd_fault(args) -> int:
    state = _state(Path(args.workdir).resolve())
    if not state:
        print("no lab running", file=sys.stderr)
        return 1
    try:
        if args.list:
            print(json.dumps(_admin(state, "GET", "/faults"), indent=1))
        elif args.clear:
            suffix = f"?device={args.device}" if args.device else ""
            print(json.dumps(_admin(state, "DELETE", "/faults" + suffix)))
        else:
            if not args.device:
                print("--device is required", file=sys.stderr)
                return 2
            rule = {"device": args.device, "method": args.method, "path_pattern": args.path_pattern,
                    "status": args.status, "count": args.count, "retry_after": args.retry_after,
                    "latency": args.latency, "drop": args.drop, "after": args.after}
            print(json.dumps(_admin(state, "POST", "/faults", rule)))
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(errors="replace"), file=sys.stderr)
        return 1
    return 0


def cmd_show(args) -> int:
    state = _state(Path(args.workdir).resolve())
    if not state:
        print("no lab running", file=sys.stderr)
        return 1
    print(_admin(state, "GET", f"/devices/{args.device}/config" + ("?full=1" if args.full else "")), end="")
    return 0


def cmd_clock(args) -> int:
    """Show the lab's simulated clock, change its speed or move it forward."""
    state = _state(Path(args.workdir).resolve())
    if not state:
        print("no lab running", file=sys.stderr)
        return 1
    body = {}
    if args.advance is not None:
        body["advance"] = args.advance
    if args.speed is not None:
        body["speed"] = args.speed
    try:
        answer = _admin(state, "POST", "/clock", body) if body else _admin(state, "GET", "/clock")
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(errors="replace"), file=sys.stderr)
        return 1
    print(f"simulated time {answer['now']:.1f}s since start, speed {answer['speed']:g}x")
    return 0


def cmd_exec(args) -> int:
    """Run an operational command (diagnose/get/execute) on a device and print its output."""
    state = _state(Path(args.workdir).resolve())
    if not state:
        print("no lab running", file=sys.stderr)
        return 1
    body = {"command": " ".join(args.words)}
    if args.vdom:
        body["vdom"] = args.vdom
    try:
        answer = _admin(state, "POST", f"/devices/{args.device}/command", body)
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(errors="replace"), file=sys.stderr)
        return 1
    if answer.get("output") is None:
        print("Unknown action 0\nCommand fail. Return code -1", file=sys.stderr)
        return 1
    print(answer["output"], end="")
    return 0


def cmd_model(args) -> int:
    """Explain the lab's tunnel model: tunnels, learned addresses, why a peer or BGP is missing."""
    from .model.report import text
    state = _state(Path(args.workdir).resolve())
    if not state:
        print("no lab running", file=sys.stderr)
        return 1
    answer = _admin(state, "GET", "/model")
    print(json.dumps(answer, indent=1) if args.json else text(answer), end="\n" if args.json else "")
    return 0


def cmd_lab_advpn(args) -> int:
    """Write an underlay-only ADVPN lab file (see labgen.py for the addressing)."""
    from .labgen import lab_text
    try:
        text = lab_text(args.hubs, args.overlays, args.spokes, args.version, args.seed)
    except ValueError as exc:
        print(f"fortigate-sim lab advpn: {exc}", file=sys.stderr)
        return 2
    if args.output == "-":
        sys.stdout.write(text)
    else:
        atomic_write(Path(args.output), text)
        print(f"lab written to {args.output}: {args.hubs} hub(s), {args.spokes} spoke(s), "
              f"{args.overlays} overlay(s)")
    return 0


def cmd_run(args) -> int:
    import asyncio
    from .lab import LabRuntime
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    runtime = LabRuntime(Path(args.workdir), Path(args.lab) if args.lab else None)
    asyncio.run(runtime.run_forever())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fortigate-sim", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def with_workdir(p):
        p.add_argument("--workdir", required=True, help="lab working directory")
        return p

    p = with_workdir(sub.add_parser("start", help="start a lab in the background"))
    p.add_argument("--lab", help="lab YAML file (default: the embedded kb-exchange-interface-ip)")
    p.add_argument("--timeout", type=float, default=120)
    p.set_defaults(func=cmd_start)
    p = with_workdir(sub.add_parser("run", help="run a lab in the foreground"))
    p.add_argument("--lab")
    p.set_defaults(func=cmd_run)
    p = with_workdir(sub.add_parser("stop", help="stop the lab of a workdir"))
    p.add_argument("--timeout", type=float, default=20)
    p.set_defaults(func=cmd_stop)
    p = with_workdir(sub.add_parser("status", help="show the running lab (exit 3 when none)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)
    p = with_workdir(sub.add_parser("fault", help="inject, list or clear faults"))
    p.add_argument("--device")
    p.add_argument("--method", default="*")
    p.add_argument("--path-pattern", default=".*", help="regex searched in the request path")
    p.add_argument("--status", type=int, choices=(401, 429, 500, 502, 503, 504))
    p.add_argument("--count", type=int, default=1, help="times to fire (0 = until cleared)")
    p.add_argument("--after", type=int, default=0, help="let this many matching requests through first")
    p.add_argument("--retry-after", type=int)
    p.add_argument("--latency", type=float, default=0.0)
    p.add_argument("--drop", action="store_true")
    p.add_argument("--list", action="store_true")
    p.add_argument("--clear", action="store_true")
    p.set_defaults(func=cmd_fault)
    p = with_workdir(sub.add_parser("show", help="print a device's configuration as CLI text"))
    p.add_argument("--device", required=True)
    p.add_argument("--full", action="store_true")
    p.set_defaults(func=cmd_show)
    p = with_workdir(sub.add_parser("clock", help="show, speed up or advance the simulated clock"))
    p.add_argument("--advance", type=float, metavar="SECONDS", help="move simulated time forward")
    p.add_argument("--speed", type=float, help="simulated seconds per real second (0 freezes)")
    p.set_defaults(func=cmd_clock)
    p = with_workdir(sub.add_parser("model", help="explain tunnels, learned addresses and BGP of the lab"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_model)
    p = with_workdir(sub.add_parser("exec", help="run an operational command on a device"))
    p.add_argument("--device", required=True)
    p.add_argument("--vdom")
    p.add_argument("words", nargs="+", help='e.g. diagnose vpn ike gateway list')
    p.set_defaults(func=cmd_exec)
    p = sub.add_parser("lab", help="generate a lab file")
    kinds = p.add_subparsers(dest="kind", required=True)
    p = kinds.add_parser("advpn", help="hubs and spokes with one underlay transport per overlay, nothing else")
    p.add_argument("--hubs", type=int, required=True, help="hubs HUB1..HUB<H>")
    p.add_argument("--overlays", type=int, required=True, help="transports ISP1..ISP<O> (WAN port<o>)")
    p.add_argument("--spokes", type=int, required=True, help="spokes SPOKE1..SPOKE<S>")
    p.add_argument("--version", default="7.4.4", help="FortiOS release of every device (default 7.4.4)")
    p.add_argument("--seed", type=int, default=0, help="varies the serial numbers only, never the addressing")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="lab file to write (- for stdout)")
    p.set_defaults(func=cmd_lab_advpn)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
