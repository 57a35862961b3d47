#!/usr/bin/env python3
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the gateway-facts docs from their one definition, plugins/module_utils/ike/facts_schema.py.

Targets, each between a BEGIN and an END marker line: the returned-value docs (RETURN) of the
filter parse_ike_gateway_list and of the module ike_gateway_facts, and the README tables of
"Gateway facts". Run it after changing the schema; `--check` changes nothing and exits 1 when a
target differs (the unit tests run the same check).

Usage: python tools/gateway_facts_docs.py [--check]
"""

from __future__ import annotations

import pathlib
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[1]
BEGIN = "BEGIN gateway facts"
END = "END gateway facts"
TARGETS = ("plugins/filter/parse_ike_gateway_list.py", "plugins/modules/ike_gateway_facts.py", "README.md")
SOURCE = "plugins/module_utils/ike/facts_schema.py"


def _schema():
    sys.path.insert(0, str(ROOT / ".devcollections"))  # this checkout as overlay.fortigate (make setup)
    from ansible_collections.overlay.fortigate.plugins.module_utils.ike import facts_schema
    return facts_schema


def yaml_contains(facts, indent, schema):
    """``contains`` entries of ``facts`` for a RETURN block, at ``indent`` spaces."""
    pad = " " * indent
    lines = []
    for fact in facts:
        lines += ["%s%s:" % (pad, fact.key), "%s  description: >-" % pad]
        lines += ["%s    %s" % (pad, line) for line in textwrap.wrap(fact.description, 100 - indent)]
        lines += ["%s  type: %s" % (pad, fact.kind)]
        if fact.key == "ike_sas":
            lines += ["%s  elements: dict" % pad, "%s  contains:" % pad]
            lines += yaml_contains(schema.IKE_SA_FACTS, indent + 4, schema)
    return lines


def markdown_table(rows):
    lines = ["| key | from the line | example |", "| --- | --- | --- |"]
    for row in rows:
        keys = ", ".join("`%s`" % fact.key for fact in row.facts)
        lines.append(("| %s | %s | %s |" % (keys, row.line, row.example)).replace("|  |", "| |"))
    return lines


def readme_tables(schema):
    return (markdown_table(schema.GATEWAY_ROWS) + ["", "Each IKE SA (an entry of `ike_sas`):", ""]
            + markdown_table(schema.IKE_SA_ROWS))


def rewrite(text, schema, markdown):
    """``text`` with the part between the markers written from the schema (the same text when current)."""
    lines = text.split("\n")
    begin = next(i for i, line in enumerate(lines) if BEGIN in line)
    end = next(i for i, line in enumerate(lines) if END in line and i > begin)
    indent = len(lines[begin]) - len(lines[begin].lstrip())
    body = readme_tables(schema) if markdown else yaml_contains(schema.GATEWAY_FACTS, indent, schema)
    return "\n".join(lines[:begin + 1] + body + lines[end:])


def stale(root=ROOT):
    """The targets whose generated part differs from the schema, and their new text."""
    schema = _schema()
    changed = {}
    for name in TARGETS:
        path = root / name
        text = path.read_text(encoding="utf-8")
        new = rewrite(text, schema, markdown=name.endswith(".md"))
        if new != text:
            changed[name] = new
    return changed


def main(argv):
    changed = stale()
    if "--check" in argv:
        for name in changed:
            print("%s: the gateway facts differ from %s; run python tools/gateway_facts_docs.py" % (name, SOURCE))
        return 1 if changed else 0
    for name, text in changed.items():
        (ROOT / name).write_text(text, encoding="utf-8")
        print("wrote %s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
