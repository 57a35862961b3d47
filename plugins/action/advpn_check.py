# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: compare every host's ``advpn_plan`` with what it showed, write the fabric reports.

Runs on the controller (the role calls it once, ``run_once``), reads the two host variables of each
host (the plan and what the role read from the device), and does the work in the pure
``plugin_utils.advpn.validate_*`` modules. Documentation: ``plugins/modules/advpn_check.py``.
"""

from __future__ import annotations

import datetime
import json
import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.parsing.ajson import AnsibleJSONEncoder
from ansible.plugins.action import ActionBase

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_checks import FabricChecks
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_html import render_html
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_report import (
    failed,
    summarize,
    write_reports,
)
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.validate_state import fabrics

ARGUMENT_SPEC = {
    "hosts": {"type": "list", "elements": "str"},
    "report_dir": {"type": "path"},
    "report_only": {"type": "bool", "default": False},
    "plan_var": {"type": "str", "default": "advpn_plan"},
    "observed_var": {"type": "str", "default": "advpn_validate_observed"},
    "max_messages": {"type": "int", "default": 20},
}
REQUIRED_PLAN_KEYS = ("fabric", "role", "expected")


def plain(value):
    """Templated host variables (lazy, unsafe text) as plain JSON types."""
    return json.loads(json.dumps(value, cls=AnsibleJSONEncoder))


def failure_line(check):
    where = " ".join(part for part in (check["tunnel"] or check["subject"],
                                       "(%s)" % check["overlay"] if check["overlay"] else "") if part)
    return "%s %s %s: expected %s, seen %s: %s; fix: %s" % (
        check["device"], where, check["check"], check["expected"], check["seen"], check["cause"], check["fix"])


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        hostvars = task_vars.get("hostvars") or {}
        hosts = args["hosts"] or task_vars.get("ansible_play_hosts_all") or []
        plans, observed = self.read_hosts(hosts, hostvars, args["plan_var"], args["observed_var"])

        generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        result.update(changed=False, fabrics={}, checks=[], failed_checks=[])
        for name, fabric in sorted(fabrics(plans, observed).items()):
            checks = FabricChecks(fabric).run()
            summary = summarize(checks)
            entry = {"passed": summary["passed"], "totals": summary["totals"], "causes": summary["causes"]}
            if args["report_dir"]:
                directory = os.path.join(args["report_dir"], name)
                entry["reports"] = write_reports(directory, fabric, checks, generated,
                                                 render_html(fabric, checks, generated))
            result["fabrics"][name] = entry
            result["checks"] += checks
            result["failed_checks"] += [failure_line(check) for check in failed(checks)]

        bad = result["failed_checks"]
        totals = sum(entry["totals"]["total"] for entry in result["fabrics"].values())
        reports = ", ".join(entry["reports"]["report.md"] for entry in result["fabrics"].values() if "reports" in entry)
        result["msg"] = "%d of %d checks failed%s" % (len(bad), totals, "; report: %s" % reports if reports else "")
        if bad:
            shown = bad[:args["max_messages"]]
            more = len(bad) - len(shown)
            result["msg"] += ":\n" + "\n".join(shown) + ("\n... and %d more (see the report)" % more if more else "")
            if not args["report_only"]:
                result["failed"] = True
        return result

    def read_hosts(self, hosts, hostvars, plan_var, observed_var):
        """{host: plan}, {host: observed}; fails before any report is written when a plan is missing or malformed."""
        plans, observed, problems = {}, {}, []
        for host in hosts:
            variables = hostvars.get(host) if hasattr(hostvars, "get") else None
            plan = variables.get(plan_var) if variables is not None else None
            if plan is None:
                problems.append("%s has no %s: run the role overlay.fortigate.advpn_design first (the playbooks "
                                "overlay.fortigate.advpn and overlay.fortigate.advpn_validate do)" % (host, plan_var))
                continue
            plan = plain(plan)
            missing = [key for key in REQUIRED_PLAN_KEYS if not isinstance(plan, dict) or plan.get(key) is None]
            if missing:
                problems.append("%s: %s.%s is missing; the plan comes from overlay.fortigate.advpn_design"
                                % (host, plan_var, "/".join(missing)))
                continue
            plans[host] = plan
            seen = variables.get(observed_var)
            observed[host] = plain(seen) if seen is not None else {
                "errors": {"rest": "%s was not set for %s (the role advpn_validate reads it)" % (observed_var, host)}}
        if problems:
            raise AnsibleActionFail("advpn_check: " + "; ".join(to_text(problem) for problem in problems))
        return plans, observed
