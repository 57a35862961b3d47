# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of overlay.fortigate.advpn_design: the plan library on the controller.

Reads the ADVPN intent from the variables of the play's hosts (and of the hubs they name, which
may be outside the play), runs the plan library once, and returns one host's plan as the fact
``advpn_plan`` (the role loops over the play's hosts with ``delegate_facts``) or, without
``host``, a summary. Needs no connection to any device.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.action import ActionBase

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn import IntentError, build_plans
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.intent import HOST_KEYS
from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn.names import PSK_ENV

# Plans computed in this worker process, by task: the role's per-host task loops over the play's
# hosts in one worker, so the fabric is planned once per task, not once per host.
_PLANS = {}

ARGUMENT_SPEC = {
    "host": {"type": "str"},
    "hosts": {"type": "list", "elements": "str"},
    "config_dir": {"type": "path"},
}


def _intent_vars(hostvars, host):
    """The intent keys of one host; the PSK value is dropped here and never reaches the plan."""
    values = hostvars[host]
    result = {key: values.get(key) for key in HOST_KEYS if values.get(key) is not None}
    fabric = values.get("advpn_fabric")
    if isinstance(fabric, dict):
        fabric = dict(fabric)
        fabric["psk"] = True if fabric.get("psk") else None
        result["advpn_fabric"] = fabric
    elif fabric is not None:
        raise AnsibleActionFail("%s: advpn_fabric must be a mapping (see ansible-doc -t role overlay.fortigate.advpn_design)" % host)
    return result


def collect_hosts(hostvars, play_hosts):
    """Intent of the play's members plus the hubs they name that are outside the play."""
    unknown = [host for host in play_hosts if host not in hostvars]
    if unknown:
        raise AnsibleActionFail("hosts: %s not in the inventory; list inventory hostnames" % ", ".join(unknown))
    hosts = {}
    for host in play_hosts:
        if "advpn_fabric" in hostvars[host]:
            hosts[host] = _intent_vars(hostvars, host)
    for host in list(hosts):
        hubs = hosts[host]["advpn_fabric"].get("hubs")
        for hub in hubs if isinstance(hubs, list) else []:
            if isinstance(hub, str) and hub not in hosts and hub in hostvars and "advpn_fabric" in hostvars[hub]:
                hosts[hub] = _intent_vars(hostvars, hub)
    return hosts


def write_configs(config_dir, plans, check_mode):
    """Write <config_dir>/<device>.cfg for every plan; return the paths that changed (or would)."""
    changed = []
    for devices in plans.values():
        for device, plan in sorted(devices.items()):
            path = os.path.join(config_dir, "%s.cfg" % device)
            data = to_bytes(plan["cli"])
            try:
                with open(path, "rb") as handle:
                    if handle.read() == data:
                        continue
            except FileNotFoundError:
                pass
            changed.append(path)
            if not check_mode:
                os.makedirs(config_dir, exist_ok=True)
                with open(path + ".tmp", "wb") as handle:
                    handle.write(data)
                os.replace(path + ".tmp", path)
    return changed


class ActionModule(ActionBase):
    _requires_connection = False  # pure controller work: no device session is opened
    _supports_check_mode = True
    TRANSFERS_FILES = False

    @staticmethod
    def _plan(hostvars, play_hosts):
        hosts = collect_hosts(hostvars, play_hosts)
        if not hosts:
            raise AnsibleActionFail("no host of the play has advpn_fabric; define it in the group of the fabric's members "
                                    "(see ansible-doc -t role overlay.fortigate.advpn_design)")
        try:
            return build_plans(hosts, psk_available=bool(os.environ.get(PSK_ENV)))
        except IntentError as exc:
            raise AnsibleActionFail(str(exc)) from None

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        hostvars = task_vars["hostvars"]
        play_hosts = args["hosts"] if args["hosts"] is not None else task_vars.get("ansible_play_hosts_all", [])
        key = (self._task._uuid, tuple(play_hosts))
        if key not in _PLANS:
            _PLANS.clear()
            _PLANS[key] = self._plan(hostvars, play_hosts)
        plans = _PLANS[key]
        result["changed"] = False
        if args["host"] is not None:
            plan = next((devices[args["host"]] for devices in plans.values() if args["host"] in devices), None)
            result["ansible_facts"] = {"advpn_plan": plan}
            result["msg"] = "%s: %s" % (args["host"], "no ADVPN fabric" if plan is None else
                                        "%s of fabric %s, %d objects" % (plan["role"], plan["fabric"], len(plan["objects"])))
            return result
        if args["config_dir"]:
            written = write_configs(args["config_dir"], plans, self._task.check_mode)
            result["changed"] = bool(written)
            result["config_files"] = written
        result["fabrics"] = {name: {"hubs": sorted(d for d, p in devices.items() if p["role"] == "hub"),
                                    "spokes": sorted(d for d, p in devices.items() if p["role"] == "spoke")}
                             for name, devices in plans.items()}
        warnings = [w for devices in plans.values() for plan in devices.values() for w in plan["warnings"]]
        for warning in warnings:
            self._display.warning(warning)
        result["msg"] = "; ".join("fabric %s: %d hubs, %d spokes" % (name, len(f["hubs"]), len(f["spokes"]))
                                  for name, f in result["fabrics"].items())
        return result
