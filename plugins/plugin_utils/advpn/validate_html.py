# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``index.html``: the fabric's topology as inline SVG, coloured by state, with the failing checks beside it.

One self-contained file (no external script, style, font or image), written by plain Python, so
nothing but a browser is needed to read it and nothing but Python to write it. Hubs sit on the top
row, spokes below (wrapped in rows); each spoke x hub x overlay tunnel is its own curve (overlays
fan out side by side), shortcuts are dashed curves between spokes. Green passes, red fails, orange
could not be read. Clicking a device keeps only its rows in the table.

Elements carry ``class="node"`` (``data-device``, ``data-role``, ``data-state``), ``class="link
tunnel"`` (``data-spoke``, ``data-hub``, ``data-overlay``, ``data-state``) and ``class="link
shortcut"``, so tests and users can query the picture.
"""

from __future__ import annotations

import math
from html import escape

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_report import (
    failed,
    summarize,
    topology,
)

COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "error": "#ef6c00", "unknown": "#757575"}
NODE_W, NODE_H = 96, 34
SPOKES_PER_ROW = 12
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#212121;background:#fafafa}
header{padding:12px 20px;background:#263238;color:#fff}
header h1{font-size:20px;margin:0 0 4px}
.verdict{font-weight:600}
.verdict.pass{color:#a5d6a7}.verdict.fail{color:#ef9a9a}
main{display:flex;flex-wrap:wrap;gap:16px;padding:16px}
section.topology{flex:1 1 560px;background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px;overflow:auto}
aside{flex:1 1 480px;background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;overflow:auto}
aside h2{font-size:16px;margin:8px 0}
table{border-collapse:collapse;width:100%;font-size:12px}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f5f5f5}
tr.hidden{display:none}
.node{cursor:pointer}
.node text{font-size:12px;font-weight:600;fill:#fff;pointer-events:none}
.link{fill:none;stroke-width:3;opacity:.85}
.link.shortcut{stroke-dasharray:7 5;stroke-width:2.5}
.label{font-size:10px;fill:#424242}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.legend i{display:inline-block;width:14px;height:4px;margin-right:4px;vertical-align:middle}
.ok{color:#2e7d32;font-weight:600}
"""
SCRIPT = """
(function () {
  var selected = null;
  var rows = document.querySelectorAll('#failures tbody tr');
  document.querySelectorAll('.node').forEach(function (node) {
    node.addEventListener('click', function () {
      var device = node.getAttribute('data-device');
      selected = selected === device ? null : device;
      rows.forEach(function (row) {
        var show = selected === null || row.getAttribute('data-device') === selected;
        row.classList.toggle('hidden', !show);
      });
      var label = document.getElementById('filter');
      if (label) { label.textContent = selected === null ? 'all devices' : selected; }
    });
  });
})();
"""


def _layout(nodes):
    """(x, y) of each node's centre, and the picture's width and height."""
    hubs = [node for node in nodes if node["role"] == "hub"]
    spokes = [node for node in nodes if node["role"] != "hub"]
    per_row = max(1, min(len(spokes), SPOKES_PER_ROW))
    width = max(720, per_row * (NODE_W + 24) + 60, len(hubs) * (NODE_W + 80) + 60)
    positions = {}
    for index, node in enumerate(hubs):
        positions[node["name"]] = (width * (index + 1) / (len(hubs) + 1), 60)
    rows = int(math.ceil(len(spokes) / float(per_row))) if spokes else 0
    for index, node in enumerate(spokes):
        row, column = divmod(index, per_row)
        in_row = min(per_row, len(spokes) - row * per_row)
        positions[node["name"]] = (width * (column + 1) / (in_row + 1), 300 + row * 120)
    height = 300 + max(rows - 1, 0) * 120 + 110
    return positions, width, height


def _curve(start, end, bend, at=0.5):
    """A quadratic curve from ``start`` to ``end`` whose middle is pushed ``bend`` px sideways, and its point at ``at``."""
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    cx = (x1 + x2) / 2 - (y2 - y1) / length * bend
    cy = (y1 + y2) / 2 + (x2 - x1) / length * bend
    point = tuple((1 - at) ** 2 * a + 2 * (1 - at) * at * c + at ** 2 * b for a, c, b in ((x1, cx, x2), (y1, cy, y2)))
    return "M%.1f %.1f Q%.1f %.1f %.1f %.1f" % (x1, y1, cx, cy, x2, y2), point


def _svg(topo):
    positions, width, height = _layout(topo["nodes"])
    overlays = sorted({(link["overlay_index"] or 0, link["overlay"]) for link in topo["links"]})
    spread = {entry[1]: index - (len(overlays) - 1) / 2.0 for index, entry in enumerate(overlays)}
    # Overlay names near the spoke end of each link, where the links of one spoke fan out; big fabrics rely on
    # the tooltip (title) instead.
    label_links = len(topo["links"]) <= 32
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" id="topology" width="%d" height="%d" viewBox="0 0 %d %d" '
             'role="img" aria-label="fabric topology">' % (width, height, width, height)]
    for link in topo["links"]:
        if link["spoke"] not in positions or link["hub"] not in positions:
            continue
        path, middle = _curve(positions[link["spoke"]], positions[link["hub"]], spread.get(link["overlay"], 0) * 26, 0.3)
        parts.append('<path class="link tunnel" data-spoke="%s" data-hub="%s" data-overlay="%s" data-state="%s" '
                     'stroke="%s" d="%s"><title>%s %s to %s over %s: %s</title></path>' % (
                         escape(link["spoke"]), escape(link["hub"]), escape(str(link["overlay"])), link["state"],
                         COLOURS[link["state"]], path, escape(link["spoke"]), escape(str(link["tunnel"])),
                         escape(link["hub"]), escape(str(link["overlay"])), link["state"]))
        if label_links:
            parts.append('<text class="label" x="%.1f" y="%.1f" text-anchor="middle">%s</text>' % (
                middle[0] + spread.get(link["overlay"], 0) * 22, middle[1], escape(str(link["overlay"]))))
    for shortcut in topo["shortcuts"]:
        if shortcut["a"] not in positions or shortcut["b"] not in positions:
            continue
        path = _curve(positions[shortcut["a"]], positions[shortcut["b"]], 60)[0]
        parts.append('<path class="link shortcut" data-a="%s" data-b="%s" data-overlay="%s" data-state="%s" '
                     'stroke="%s" d="%s"><title>shortcut %s - %s %s: %s</title></path>' % (
                         escape(shortcut["a"]), escape(shortcut["b"]), escape(str(shortcut["overlay"] or "")),
                         shortcut["state"], COLOURS[shortcut["state"]], path, escape(shortcut["a"]),
                         escape(shortcut["b"]), escape(" ".join(shortcut["names"])), shortcut["state"]))
    for node in topo["nodes"]:
        x, y = positions[node["name"]]
        parts.append('<g class="node" data-device="%s" data-role="%s" data-state="%s"><rect x="%.1f" y="%.1f" '
                     'width="%d" height="%d" rx="%d" fill="%s" stroke="#263238" stroke-width="1.5"/>'
                     '<text x="%.1f" y="%.1f" text-anchor="middle">%s</text><title>%s (%s, loopback %s): %s</title></g>'
                     % (escape(node["name"]), escape(node["role"]), node["state"], x - NODE_W / 2, y - NODE_H / 2,
                        NODE_W, NODE_H, 16 if node["role"] == "hub" else 6, COLOURS[node["state"]], x, y + 4,
                        escape(node["name"]), escape(node["name"]), escape(node["role"]), escape(str(node["loopback"])),
                        node["state"]))
    parts.append("</svg>")
    return "\n".join(parts)


def render_html(fabric, checks, generated):
    summary = summarize(checks)
    totals = summary["totals"]
    topo = topology(fabric, checks)
    verdict = "pass" if summary["passed"] else "fail"
    bad = failed(checks)
    legend = "".join('<span><i style="background:%s"></i>%s</span>' % (COLOURS[state], label) for state, label in (
        ("pass", "passing"), ("fail", "failing"), ("error", "not read"), ("unknown", "not checked")))
    numbers = {entry["cause"]: index for index, entry in enumerate(summary["causes"], 1)}
    rows = "\n".join(
        '<tr data-device="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>'
        % tuple(escape(str(value if value is not None else "")) for value in (
            check["device"], check["device"], check["overlay"] or check["tunnel"] or "", check["check"],
            check["expected"], check["seen"], check["result"], numbers.get(check["cause"], ""))) for check in bad)
    causes = "\n".join("<li>%s <em>(%d failed checks)</em><br><b>fix:</b> %s</li>" % (
        escape(entry["cause"] or ""), len(entry["checks"]), escape(entry["fix"] or "")) for entry in summary["causes"])
    failures = ('<h2>Likely causes</h2><ol id="causes">%s</ol><h2>Failing checks</h2>'
                '<p>Showing <span id="filter">all devices</span> (click a device to filter).</p>'
                '<table id="failures"><thead><tr><th>Device</th><th>Overlay</th><th>Check</th><th>Expected</th>'
                '<th>Seen</th><th>Result</th><th>Cause</th></tr></thead><tbody>\n%s\n</tbody></table>'
                % (causes, rows)) if bad else '<p class="ok" id="all-passed">Every check passed.</p>'
    devices = "\n".join(
        '<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>' % (
            escape(name), escape(str(fabric[name].role if fabric[name] else "")), counts["PASS"], counts["FAIL"],
            counts["ERROR"], counts["SKIPPED"]) for name, counts in summary["devices"].items())
    failures += ('<h2>Devices</h2><table id="devices"><thead><tr><th>Device</th><th>Role</th><th>Passed</th>'
                 '<th>Failed</th><th>Not read</th><th>Skipped</th></tr></thead><tbody>\n%s\n</tbody></table>' % devices)
    return """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ADVPN fabric %(fabric)s: %(verdict)s</title>
<link rel="icon" href="data:,">
<style>%(style)s</style>
</head>
<body>
<header>
<h1>ADVPN fabric %(fabric)s</h1>
<div class="verdict %(verdict)s" id="verdict">%(VERDICT)s: %(passed)d of %(total)d checks passed, %(failed)d failed,
%(error)d not read, %(skipped)d skipped</div>
<div>%(devices)d devices, %(links)d tunnels, %(shortcuts)d shortcuts; generated %(generated)s by overlay.fortigate.advpn_validate</div>
</header>
<main>
<section class="topology">
%(svg)s
<div class="legend">%(legend)s<span><i style="background:#616161;height:2px;border-top:2px dashed #616161"></i>shortcut</span></div>
</section>
<aside>
%(failures)s
</aside>
</main>
<script>%(script)s</script>
</body>
</html>
""" % {"fabric": escape(str(fabric.name)), "verdict": verdict, "VERDICT": verdict.upper(), "style": STYLE,
       "passed": totals["PASS"], "total": totals["total"], "failed": totals["FAIL"], "error": totals["ERROR"],
       "skipped": totals["SKIPPED"], "devices": len(topo["nodes"]), "links": len(topo["links"]),
       "shortcuts": len(topo["shortcuts"]), "generated": escape(str(generated)), "svg": _svg(topo),
       "legend": legend, "failures": failures, "script": SCRIPT}
