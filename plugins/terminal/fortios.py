# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""terminal plugin for FortiOS over ansible.netcommon.network_cli."""

from __future__ import annotations

DOCUMENTATION = r"""
name: fortios
short_description: Terminal plugin for FortiOS (FortiGate) SSH CLI sessions
description:
  - Prompt and error patterns and session set-up for C(ansible.netcommon.network_cli) connections to
    FortiGate devices with O(ignore:ansible_network_os=overlay.fortigate.fortios).
  - "Prompts: C(HOST #) at the top, C(HOST (context) #) inside C(config)/C(edit) and VDOM contexts."
  - FortiOS error lines (C(Command fail. Return code N), C(command parse error before ...),
    C(value parse error before ...), C(Unknown action 0), C(node_check_object fail!),
    C(entry not found in datasource)) fail the command.
  - At login, console paging is turned off (C(config system console) / C(set output standard) / C(end),
    inside C(config global) when VDOMs are enabled), as netmiko does; when the session closes the
    previous C(output more) is restored, since the console setting is device-wide.
version_added: 0.1.0
author:
  - overlay.fortigate maintainers (@overlay-fortigate)
"""

import re

from ansible.errors import AnsibleConnectionFailure
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.ansible.netcommon.plugins.plugin_utils.terminal_base import TerminalBase

from ansible_collections.overlay.fortigate.plugins.module_utils.common.cli import PROMPT
from ansible_collections.overlay.fortigate.plugins.plugin_utils.fortios_cli import ERROR_PATTERNS, leave_contexts


class TerminalModule(TerminalBase):
    terminal_stdout_re = [
        # HOST # | HOST (phase1-interface) # | HOST (root) # ; "$" for restricted (read-only) admin profiles
        re.compile(rb"[\r\n]?" + PROMPT.encode() + rb"$"),
    ]

    terminal_stderr_re = [re.compile(pattern.encode()) for pattern in ERROR_PATTERNS]

    def __init__(self, *args, **kwargs):
        super(TerminalModule, self).__init__(*args, **kwargs)
        self._restore_output = None  # the console output mode to put back on close, if we changed it
        self._vdom_mode = False

    def on_open_shell(self):
        """Turn paging off, like netmiko: a ``--More--`` would stall every long output."""
        try:
            status = self._run(b"get system status | grep Virtual")
            # "Virtual domain configuration: disable" without VDOMs; multiple/split-vdom/enable with.
            match = re.search(rb"Virtual domain configuration: (\S+)", status)
            self._vdom_mode = bool(match) and match.group(1) != b"disable"
            output = self._console_output()
            if output != b"standard":
                self._set_console_output(b"standard")
                self._restore_output = output
        except AnsibleConnectionFailure as exc:
            raise AnsibleConnectionFailure("unable to turn off console paging: %s" % exc) from exc

    def on_close_shell(self):
        """Put the device-wide console output mode back as it was found."""
        if not self._restore_output:
            return
        try:
            leave_contexts(self._get_prompt, self._run, b"abort")  # a task may have left the session inside config
            self._set_console_output(self._restore_output)
        except AnsibleConnectionFailure:
            pass  # the session is going away; nothing useful to report

    def _in_scope(self, commands):
        if self._vdom_mode:
            return [b"config global"] + commands + [b"end"]
        return commands

    def _console_output(self):
        lines = [self._run(command) for command in self._in_scope([b"get system console"])]
        match = re.search(rb"^output\s*:\s*(\S+)", b"\n".join(lines), re.MULTILINE)
        return match.group(1) if match else None

    def _set_console_output(self, mode):
        for command in self._in_scope([b"config system console", b"set output " + mode, b"end"]):
            self._run(command)

    def _run(self, command):
        """A command's output as bytes (network_cli may hand back text)."""
        return to_bytes(self._exec_cli_command(command), errors="surrogate_or_strict")
