# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""cliconf plugin for FortiOS over ansible.netcommon.network_cli."""

from __future__ import annotations

DOCUMENTATION = r"""
name: fortios
short_description: Use the FortiOS (FortiGate) SSH CLI with ansible.netcommon.network_cli
description:
  - cliconf plugin for C(ansible.netcommon.network_cli) connections to FortiGate devices with
    O(ignore:ansible_network_os=overlay.fortigate.fortios). It lets C(ansible.netcommon.cli_command),
    C(ansible.netcommon.cli_config) and C(ansible.netcommon.cli_backup) work against FortiOS.
  - B(Running configuration.) C(get_config) returns C(show) (C(show full-configuration) with
    C(defaults=true)); FortiOS saves every committed change, so running and startup are the same.
  - B(Configuration changes.) FortiOS has no candidate configuration, each C(next) or C(end)
    commits. C(edit_config) sends the lines one by one, closes contexts the candidate leaves open
    with C(end), and compares C(show) of the touched tables before and after, so C(changed) and the
    diff report what really changed, however the candidate spells its values.
  - On the first FortiOS error line (C(Command fail), C(value parse error), C(node_check_object fail!),
    C(entry not found in datasource)...) the pending entry is discarded with C(abort), the session
    goes back to the top prompt and the task fails with the device's message. Entries committed by
    earlier C(next) lines of the same candidate stay, as on FortiOS.
  - B(Check mode.) Nothing is sent; the change is predicted from C(show full-configuration) (lines
    whose value differs, new entries, C(unset) of a non-default value, C(delete) of an existing entry).
  - C(replace), rollback, commit comments, C(diff_match) and C(diff_replace) are not supported.
version_added: 0.1.0
author:
  - overlay.fortigate maintainers (@overlay-fortigate)
notes:
  - Paging is turned off by the C(overlay.fortigate.fortios) terminal plugin at login.
  - Secrets in command echoes (C(set psksecret ...), C(set password ...)) are masked in error messages.
  - C(run_in_vdom(command, vdom)) runs one command inside an existing VDOM (never creating one) and
    returns to the top prompt; the module M(overlay.fortigate.ike_gateway_facts) uses it.
"""

EXAMPLES = r"""
# inventory: ansible_connection: ansible.netcommon.network_cli
#            ansible_network_os: overlay.fortigate.fortios
- name: Read the IKE gateways
  ansible.netcommon.cli_command:
    command: diagnose vpn ike gateway list

- name: Add a loopback (changed only when the device configuration changes)
  ansible.netcommon.cli_config:
    config: |
      config system interface
          edit "Lo9"
              set vdom "root"
              set type loopback
              set ip 10.9.9.9 255.255.255.255
          next
      end

- name: Back up the running configuration
  ansible.netcommon.cli_backup:
    dir_path: backups
"""

import difflib
import json
import re
from collections.abc import Mapping

from ansible.errors import AnsibleConnectionFailure
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.ansible.netcommon.plugins.plugin_utils.cliconf_base import CliconfBase

from ansible_collections.overlay.fortigate.plugins.module_utils.common.cli import cli_word_problem

from ansible_collections.overlay.fortigate.plugins.plugin_utils.fortios_cli import (
    candidate_lines,
    device_error,
    leave_contexts,
    predict_changes,
    top_level_paths,
    vdom_names,
)
from ansible_collections.overlay.fortigate.plugins.plugin_utils.redact import redact

STATUS_FIELDS = {
    "Version": "network_os_version",
    "Serial-Number": "network_os_serial",
    "Hostname": "network_os_hostname",
    "Virtual domain configuration": "network_os_vdom_mode",
}


class Cliconf(CliconfBase):
    def __init__(self, *args, **kwargs):
        super(Cliconf, self).__init__(*args, **kwargs)
        self._device_info = None

    # ---- device information ------------------------------------------------------------------
    def get_device_info(self):
        if self._device_info is None:
            self._leave_contexts(discard=True)
            status = to_text(self.send_command("get system status"), errors="surrogate_or_strict")
            info = {"network_os": "overlay.fortigate.fortios"}
            for line in status.splitlines():
                key, sep, value = line.partition(":")
                if sep and key.strip() in STATUS_FIELDS:
                    info[STATUS_FIELDS[key.strip()]] = value.strip()
            version = info.get("network_os_version", "")
            # "FortiGate-VM64 v7.4.4,build2662,240514 (GA.F)"
            match = re.match(r"(?P<model>\S+) v(?P<version>[\d.]+),build(?P<build>\d+)", version)
            if match:
                info.update(network_os_model=match.group("model"), network_os_version=match.group("version"),
                            network_os_image="build%s" % match.group("build"))
            self._device_info = info
        return self._device_info

    def get_default_flag(self):
        return ["full-configuration"]

    def get_capabilities(self):
        result = super(Cliconf, self).get_capabilities()
        result["rpc"] = self.get_base_rpc() + ["get_default_flag", "run_commands", "run_in_vdom"]
        result["device_operations"] = {
            "supports_diff_replace": False,
            "supports_commit": False,
            "supports_rollback": False,
            "supports_defaults": True,
            "supports_commit_comment": False,
            "supports_onbox_diff": True,
            "supports_generate_diff": False,
            "supports_multiline_delimiter": False,
            "supports_diff_match": False,
            "supports_diff_ignore_lines": False,
            "supports_config_replace": False,
            "supports_admin": False,
            "supports_commit_label": False,
        }
        result["format"] = ["text"]
        result["output"] = ["text"]
        return json.dumps(result)

    def send_command(self, command=None, **kwargs):
        """Every command; a FortiOS refusal becomes an error carrying the device's lines, secrets masked."""
        try:
            return super(Cliconf, self).send_command(command=command, **kwargs)
        except AnsibleConnectionFailure as exc:
            text = device_error(exc, to_text(command) if command is not None else None)
            if text is None:
                raise
            raise AnsibleConnectionFailure(redact(text)) from None

    # ---- reading -------------------------------------------------------------------------------
    def get_config(self, source="running", flags=None, format=None):
        """``show [flags...]``; ``startup`` is the same as ``running`` on FortiOS."""
        if source not in ("running", "startup"):
            raise ValueError("fetching configuration from %s is not supported" % source)
        if format not in (None, "text"):
            raise ValueError("'format' value %s is not supported by get_config" % format)
        flags = [flags] if isinstance(flags, str) else list(flags or [])
        self._leave_contexts(discard=True)  # inside a context `show` would show only that context
        return self.send_command(" ".join(["show"] + flags))

    def run_commands(self, commands=None, check_rc=True):
        if commands is None:
            raise ValueError("'commands' value is required")
        responses = []
        for item in commands if isinstance(commands, list) else [commands]:
            command = dict(item) if isinstance(item, Mapping) else {"command": item}
            output = command.pop("output", None)
            if output not in (None, "text"):
                raise ValueError("'output' value %s is not supported by run_commands" % output)
            try:
                responses.append(self.send_command(**command))
            except AnsibleConnectionFailure as exc:
                if check_rc:
                    raise
                responses.append(to_text(exc))
        return responses

    def run_in_vdom(self, command, vdom=None):
        """``command``'s output, run inside VDOM ``vdom`` when given (``ike_gateway_facts`` uses it).

        On a device without VDOMs, ``root`` runs the command as is and another name fails. The VDOM
        must exist: ``edit`` of an unknown name inside ``config vdom`` would create one, so the name
        is checked against the device's list first. The session is back at the top prompt after.
        """
        if vdom is not None and cli_word_problem(vdom):
            raise AnsibleConnectionFailure("vdom %r %s" % (vdom, cli_word_problem(vdom)))
        self._leave_contexts(discard=True)
        if not vdom:
            return self.send_command(command)
        try:
            self.send_command("config vdom")
        except AnsibleConnectionFailure as exc:
            if vdom == "root":
                return self.send_command(command)
            raise AnsibleConnectionFailure("vdom %s: the device refused 'config vdom' (are VDOMs enabled?): %s"
                                           % (vdom, exc)) from None
        try:
            existing = vdom_names(to_text(self.send_command("get"), errors="surrogate_or_strict"))
            if vdom not in existing:
                raise AnsibleConnectionFailure("vdom %s does not exist on the device (it has: %s); it is never "
                                               "created" % (vdom, ", ".join(existing) or "none"))
            self.send_command("edit %s" % vdom)
            return self.send_command(command)
        finally:
            self._leave_contexts(discard=False)  # nothing is pending in a VDOM context: `end` leaves it

    # ---- writing -------------------------------------------------------------------------------
    def edit_config(self, candidate=None, commit=True, replace=None, diff=False, comment=None):
        if replace not in (None, False):
            raise ValueError("replace is not supported on FortiOS (configuration is always merged)")
        if comment:
            raise ValueError("commit comments are not supported on FortiOS")
        lines = candidate_lines(candidate)
        result = {"request": lines, "response": []}
        if not lines:
            return result
        self._leave_contexts(discard=True)  # a previous task may have left the session inside config
        paths = top_level_paths(lines)
        if not commit:
            predicted = predict_changes(lines, self._snapshot(paths, full=True), self._snapshot(paths))
            if predicted:
                result["diff"] = redact("\n".join(predicted) + "\n")
            return result
        before = self._snapshot(paths)
        for line in lines:
            try:
                result["response"].append(to_text(self.send_command(line), errors="surrogate_or_strict"))
            except AnsibleConnectionFailure as exc:
                self._leave_contexts(discard=True)
                raise AnsibleConnectionFailure("FortiOS refused %r: %s" % (redact(line), exc)) from None
        try:
            self._leave_contexts(discard=False)  # `end` for contexts the candidate left open
        except AnsibleConnectionFailure as exc:
            self._leave_contexts(discard=True)
            raise AnsibleConnectionFailure("FortiOS refused the closing 'end': %s" % exc) from None
        after = self._snapshot(paths)
        if after != before:
            result["diff"] = redact("".join(difflib.unified_diff(
                before.splitlines(True), after.splitlines(True), "before", "after")))
        return result

    def _snapshot(self, paths, full=False):
        """``show`` of the tables a candidate touches (the whole configuration when unknown)."""
        prefix = "show full-configuration" if full else "show"
        commands = [prefix] if not paths else ["%s %s" % (prefix, path) for path in paths]
        return "".join(to_text(self.send_command(command), errors="surrogate_or_strict") + "\n"
                       for command in commands)

    def _leave_contexts(self, discard):
        """Back to the top prompt: ``end`` commits what is pending, ``abort`` discards it."""
        if not leave_contexts(self._connection.get_prompt, self.send_command, "abort" if discard else "end"):
            raise AnsibleConnectionFailure("could not leave the configuration context %r"
                                           % to_text(self._connection.get_prompt()))
