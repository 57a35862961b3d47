# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fabric report: summary, topology, and ``report.json``, ``report.csv``, ``report.md`` (pure Python).

The Markdown follows the layout of Arista AVD's validation reports (summary totals, totals per
device and per check, failed checks, all checks); ``index.html`` comes from :mod:`validate_html`.
Reports hold check results only: no configuration, no secret.
"""

from __future__ import annotations

import csv
import io
import json
import os

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_checks import (
    CHECK_KEYS,
    CHECKS,
    ERROR,
    FAIL,
    PASS,
    SKIPPED,
)

RESULTS = (PASS, FAIL, ERROR, SKIPPED)
CSV_COLUMNS = ("id", "device", "role", "category", "check", "description", "tunnel", "overlay", "peer", "subject",
               "expected", "seen", "result", "cause", "fix")
# Worst first: the state of a node or link is the worst result among its checks (SKIPPED never decides).
_SEVERITY = {ERROR: 3, FAIL: 2, PASS: 1}


def failed(checks):
    return [check for check in checks if check["result"] in (FAIL, ERROR)]


def _totals(checks):
    totals = dict.fromkeys(RESULTS, 0)
    for check in checks:
        totals[check["result"]] += 1
    totals["total"] = len(checks)
    return totals


def summarize(checks):
    """Totals overall, per device and per check, and the distinct causes with the checks they explain."""
    causes = {}
    for check in failed(checks):
        entry = causes.setdefault(check["cause"], {"cause": check["cause"], "fix": check["fix"], "checks": []})
        entry["checks"].append(check["id"])
    return {
        "totals": _totals(checks),
        "devices": {device: _totals([c for c in checks if c["device"] == device])
                    for device in sorted({c["device"] for c in checks})},
        "checks": {name: _totals([c for c in checks if c["check"] == name])
                   for name in CHECKS if any(c["check"] == name for c in checks)},
        "causes": list(causes.values()),
        "passed": not failed(checks),
    }


def _state(checks):
    worst = max((_SEVERITY.get(check["result"], 0) for check in checks), default=0)
    return {3: "error", 2: "fail", 1: "pass"}.get(worst, "unknown")


def topology(fabric, checks):
    """Nodes (devices), links (one per spoke x hub x overlay tunnel) and shortcuts, each with a state."""
    nodes = [{"name": device.name, "role": device.role or "spoke", "loopback": device.loopback,
              "state": _state([c for c in checks if c["device"] == device.name])}
             for device in sorted(fabric.devices.values(), key=lambda d: (not d.is_hub, d.name))]
    links = []
    for spoke in fabric.spokes:
        for tunnel in spoke.planned_tunnels():
            hub, overlay = tunnel.get("peer"), tunnel.get("overlay")
            hub_view = fabric[hub]
            parent = (hub_view.parent_on(overlay) or {}).get("name") if hub_view else None
            related = [c for c in checks
                       if (c["device"] == spoke.name and c["tunnel"] == tunnel.get("name"))
                       or (c["device"] == hub and c["tunnel"] == parent and c["peer"] == spoke.name)]
            links.append({"spoke": spoke.name, "hub": hub, "overlay": overlay,
                          "overlay_index": tunnel.get("overlay_index"), "tunnel": tunnel.get("name"),
                          "state": _state(related)})
    return {"nodes": nodes, "links": links, "shortcuts": shortcuts(fabric, checks)}


def shortcuts(fabric, checks):
    """Shortcuts seen in the spokes' gateway lists (and probes): one entry per spoke pair and overlay."""
    found = {}
    for spoke in fabric.spokes:
        overlays = {tunnel.get("name"): tunnel.get("overlay") for tunnel in spoke.planned_tunnels()}
        gateways = list(spoke.gateway_list or [])
        for probe in spoke.probes:
            gateways += probe.get("gateways") or []
        for gateway in gateways:
            name = str(gateway.get("name") or "")
            parent, other = name.rsplit("_", 1)[0], fabric.peer_of(gateway)
            if parent in overlays and name not in overlays and other and other != spoke.name:
                key = (tuple(sorted((spoke.name, other))), overlays[parent])
                up = ((gateway.get("ike_sa") or {}).get("established_current") or 0) > 0
                entry = found.setdefault(key, {"a": key[0][0], "b": key[0][1], "overlay": key[1], "names": [],
                                               "state": "pass" if up else "fail"})
                if name not in entry["names"]:
                    entry["names"].append(name)
    probes = [c for c in checks if c["check"] == "shortcut"]
    for check in probes:
        if check["result"] != PASS and not any({entry["a"], entry["b"]} == {check["device"], check["peer"]}
                                               for entry in found.values()):
            pair = tuple(sorted((check["device"], check["peer"])))
            found[(pair, None)] = {"a": pair[0], "b": pair[1], "overlay": None, "names": [], "state": "fail"}
    return [found[key] for key in sorted(found, key=lambda k: (k[0], str(k[1])))]


def report_json(fabric, checks, generated):
    return json.dumps({
        "fabric": fabric.name,
        "generated": generated,
        "summary": summarize(checks),
        "topology": topology(fabric, checks),
        "checks": [{key: check.get(key) for key in CHECK_KEYS} for check in checks],
    }, indent=2, sort_keys=False, default=str) + "\n"


def report_csv(checks):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for check in checks:
        writer.writerow({key: "" if check.get(key) is None else check.get(key) for key in CSV_COLUMNS})
    return buffer.getvalue()


def _cell(value):
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def _table(header, rows):
    lines = ["| %s |" % " | ".join(header), "| %s |" % " | ".join(["---"] * len(header))]
    lines += ["| %s |" % " | ".join(_cell(value) for value in row) for row in rows]
    return lines


_COLUMNS = ("ID", "Device Under Test", "Overlay", "Check", "Subject", "Expected", "Seen", "Result", "Cause", "Fix")


def _rows(checks):
    return [(c["id"], c["device"], c["overlay"] or "", c["check"], c["subject"], c["expected"], c["seen"],
             c["result"], c["cause"] or "", c["fix"] or "") for c in checks]


def report_md(fabric, checks, generated):
    summary = summarize(checks)
    totals = summary["totals"]
    lines = [
        "# ADVPN fabric %s: validation report" % fabric.name, "",
        "Generated %s by overlay.fortigate.advpn_validate. Verdict: **%s**." % (
            generated, "PASS" if summary["passed"] else "FAIL"), "",
        "## Table of Contents", "",
        "- [Test Results Summary](#test-results-summary)",
        "  - [Summary Totals](#summary-totals)",
        "  - [Summary Totals Devices Under Tests](#summary-totals-devices-under-tests)",
        "  - [Summary Totals Per Check](#summary-totals-per-check)",
        "- [Likely Causes](#likely-causes)",
        "- [Failed Test Results Summary](#failed-test-results-summary)",
        "- [All Test Results](#all-test-results)", "",
        "## Test Results Summary", "", "### Summary Totals", "",
    ]
    lines += _table(("Total Tests", "Total Tests Passed", "Total Tests Failed", "Total Tests Error",
                     "Total Tests Skipped"),
                    [(totals["total"], totals[PASS], totals[FAIL], totals[ERROR], totals[SKIPPED])])
    lines += ["", "### Summary Totals Devices Under Tests", ""]
    lines += _table(("Device Under Test", "Role", "Total Tests", "Tests Passed", "Tests Failed", "Tests Error",
                     "Tests Skipped", "Categories Failed"),
                    [(device, (fabric[device].role if fabric[device] else ""), counts["total"], counts[PASS],
                      counts[FAIL], counts[ERROR], counts[SKIPPED],
                      ", ".join(sorted({c["category"] for c in failed(checks) if c["device"] == device})))
                     for device, counts in summary["devices"].items()])
    lines += ["", "### Summary Totals Per Check", ""]
    lines += _table(("Check", "Description", "Total Tests", "Tests Passed", "Tests Failed", "Tests Error",
                     "Tests Skipped"),
                    [(name, CHECKS[name][1], counts["total"], counts[PASS], counts[FAIL], counts[ERROR],
                      counts[SKIPPED]) for name, counts in summary["checks"].items()])
    lines += ["", "## Likely Causes", ""]
    if summary["causes"]:
        lines += _table(("Cause", "Fix", "Failed Checks"),
                        [(entry["cause"], entry["fix"], len(entry["checks"])) for entry in summary["causes"]])
    else:
        lines.append("Every check passed.")
    lines += ["", "## Failed Test Results Summary", ""]
    lines += _table(_COLUMNS, _rows(failed(checks))) if failed(checks) else ["No failed check."]
    lines += ["", "## All Test Results", ""]
    lines += _table(_COLUMNS, _rows(checks))
    return "\n".join(lines) + "\n"


def write_reports(directory, fabric, checks, generated, html):
    """Write the four files into ``directory`` (created); return their paths."""
    os.makedirs(directory, exist_ok=True)
    contents = {
        "report.json": report_json(fabric, checks, generated),
        "report.csv": report_csv(checks),
        "report.md": report_md(fabric, checks, generated),
        "index.html": html,
    }
    paths = {}
    for name, text in contents.items():
        path = os.path.join(directory, name)
        temporary = path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
        paths[name] = path
    return paths
