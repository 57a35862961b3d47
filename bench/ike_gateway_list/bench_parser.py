# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: parse_gateway_list against a TextFSM template and a bare split loop.

Generates the ``diagnose vpn ike gateway list`` output of a hub with N dial-up instances
(generate.py, fixed seed), then in the same process times, best of k runs (perf_counter):

  parser   plugins/module_utils/ike/gateway_list.py parse_gateway_list(text)
  textfsm  ike_gateway_list.textfsm: template compiled once outside the timer, each timed run
           is fsm.Reset() + fsm.ParseText(text) (the compile time is reported separately)
  floor    for line in text.splitlines(): key, _, value = line.partition(':') into one dict
           per gateway, the least any line-oriented Python parser has to do

and exits 1 when the parser is less than --target (5) times faster than TextFSM.

Usage: python bench/ike_gateway_list/bench_parser.py [--gateways N] [--repeat K] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime
import gc
import hashlib
import importlib
import io
import json
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PARSER_MODULE = "ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list"
TEMPLATE_PATH = os.path.join(HERE, "ike_gateway_list.textfsm")
TARGET = 5.0

sys.path.insert(0, HERE)
import generate  # noqa: E402  pylint: disable=wrong-import-position


def load_parser_module():
    """Import the parser from this checkout (``.devcollections``, made by ``make setup``); plain Python
    imports, no Ansible collection loader needed."""
    sys.path.insert(0, os.path.join(ROOT, ".devcollections"))
    return importlib.import_module(PARSER_MODULE)


def read_template():
    with open(TEMPLATE_PATH, encoding="utf-8") as handle:
        return handle.read()


def compile_template(template_text=None):
    import textfsm  # pylint: disable=import-outside-toplevel
    return textfsm.TextFSM(io.StringIO(read_template() if template_text is None else template_text))


def textfsm_dicts(fsm, text):
    """Run a compiled template on text; one dict per record, keyed by the Value names."""
    fsm.Reset()
    rows = fsm.ParseText(text)
    return [dict(zip(fsm.header, row)) for row in rows]


def floor_parse(text):
    """The floor: split every line at its first colon, one dict per ``vd:`` block."""
    gateways = []
    gateway = None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key == "vd":
            gateway = {}
            gateways.append(gateway)
        if gateway is not None:
            gateway[key] = value
    return gateways


def best_of(func, arg, repeat):
    times = []
    result = None
    for _ in range(repeat):
        result = None  # drop the previous result before timing, so its teardown is not timed
        start = time.perf_counter()
        result = func(arg)
        times.append(time.perf_counter() - start)
    return times, result


def run(gateways, repeat, seed=generate.DEFAULT_SEED):
    parser_module = load_parser_module()
    template_text = read_template()
    compile_start = time.perf_counter()
    fsm = compile_template(template_text)
    compile_seconds = time.perf_counter() - compile_start

    text = generate.generate(gateways, seed)
    size_bytes = len(text.encode("utf-8"))
    size_mb = size_bytes / 1e6

    def run_textfsm(data):
        fsm.Reset()
        return fsm.ParseText(data)

    cases = (
        ("parser", parser_module.parse_gateway_list, lambda result: len(result.gateways)),
        ("textfsm", run_textfsm, len),
        ("floor", floor_parse, len),
    )
    results = {}
    for name, func, count in cases:
        gc.collect()
        times, output = best_of(func, text, repeat)
        found = count(output)
        if found != gateways:
            raise SystemExit("%s found %d gateways, expected %d: the comparison would not be fair" % (name, found, gateways))
        best = min(times)
        results[name] = {
            "best_s": best,
            "median_s": statistics.median(times),
            "mb_per_s": size_mb / best,
            "gateways": found,
        }
    parser_vs_textfsm = results["parser"]["mb_per_s"] / results["textfsm"]["mb_per_s"]
    floor_vs_parser = results["floor"]["mb_per_s"] / results["parser"]["mb_per_s"]
    return {
        "benchmark": "ike_gateway_list",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "machine": "%s %s, %d CPUs" % (platform.system(), platform.machine(), os.cpu_count() or 0),
        "gateways": gateways,
        "seed": seed,
        "lines": text.count("\n"),
        "input_bytes": size_bytes,
        "input_mb": size_mb,
        "input_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        "repeat": repeat,
        "textfsm_compile_s": compile_seconds,
        "results": results,
        "parser_vs_textfsm": parser_vs_textfsm,
        "floor_vs_parser": floor_vs_parser,
        "target_parser_vs_textfsm": TARGET,
        "meets_target": parser_vs_textfsm >= TARGET,
    }


def report(data, target):
    out = [
        "ike_gateway_list: %d gateways, %d lines, %.2f MB (10^6 bytes), sha256 %s, best of %d"
        % (data["gateways"], data["lines"], data["input_mb"], data["input_sha256"], data["repeat"]),
        "  %s, Python %s" % (data["machine"], data["python"]),
        "  %-8s %10s %10s %10s" % ("", "best s", "median s", "MB/s"),
    ]
    for name in ("parser", "textfsm", "floor"):
        row = data["results"][name]
        out.append("  %-8s %10.3f %10.3f %10.2f" % (name, row["best_s"], row["median_s"], row["mb_per_s"]))
    out.append("  (textfsm: template compiled once outside the timer, %.1f ms; timed = Reset + ParseText)"
               % (data["textfsm_compile_s"] * 1000))
    out.append("  parser speed / textfsm speed = %.2fx   (target >= %.1fx)" % (data["parser_vs_textfsm"], target))
    out.append("  floor speed / parser speed   = %.2fx   (headroom left to a line-split loop)" % data["floor_vs_parser"])
    if data["parser_vs_textfsm"] >= target:
        out.append("  PASS: parser is %.2fx faster than TextFSM (target %.1fx)" % (data["parser_vs_textfsm"], target))
    else:
        out.append("  FAIL: parser is only %.2fx as fast as TextFSM, target is %.1fx" % (data["parser_vs_textfsm"], target))
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description="parse_gateway_list vs TextFSM vs a split loop")
    parser.add_argument("--gateways", type=int, default=generate.DEFAULT_GATEWAYS, help="dial-up instances (default 5000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case, best is kept (>= 5, default 5)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--target", type=float, default=TARGET, help="required parser/TextFSM speed ratio (default 5)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE")
    args = parser.parse_args(argv)
    if args.repeat < 5:
        parser.error("--repeat must be at least 5")
    if args.gateways < 1:
        parser.error("--gateways must be at least 1")
    data = run(args.gateways, args.repeat, args.seed)
    data["target_parser_vs_textfsm"] = args.target
    data["meets_target"] = data["parser_vs_textfsm"] >= args.target
    print(report(data, args.target), flush=True)
    if args.json:
        directory = os.path.dirname(os.path.abspath(args.json))
        os.makedirs(directory, exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
    return 0 if data["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
