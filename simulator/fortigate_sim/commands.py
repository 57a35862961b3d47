"""Operational (non-configuration) CLI commands of a simulated FortiGate.

Entry point for the SSH server and any other front end::

    run_operational_command(lab, device_name, vdom, command_line) -> str | None

``lab`` is the running :class:`fortigate_sim.lab.LabRuntime` (anything with a ``devices`` mapping of
name -> :class:`fortigate_sim.device.Device` works). The return value is the command's output text
(lines joined with ``\\n``, ending with a newline), or ``None`` when the line is not an operational
command this module knows, so the caller can try configuration commands or print its own error.
Nothing is raised for unknown input.

First version: ``get system status``; the tunnel/routing views follow.
"""

from __future__ import annotations

import time
from typing import Any, Optional


def run_operational_command(lab: Any, device_name: str, vdom: str, command_line: str) -> Optional[str]:
    """Output of ``command_line`` on ``device_name`` (in ``vdom``), or ``None`` if not known here."""
    device = getattr(lab, "devices", {}).get(device_name)
    if device is None:
        return None
    words = command_line.split()
    if [w.lower() for w in words] == ["get", "system", "status"]:
        return _system_status(device, vdom)
    return None


def _system_status(device, vdom: str) -> str:
    spec = device.spec
    version = spec.version
    lines = [
        f"Version: FortiGate-VM64 {version},build{spec.build:04d},240514 (GA.F)",
        f"Serial-Number: {spec.serial}",
        f"Hostname: {device.global_setting('hostname') or spec.hostname}",
        "Operation Mode: NAT",
        f"Current virtual domain: {vdom}",
        "Virtual domain configuration: disable",
        f"System time: {time.strftime('%a %b %d %H:%M:%S %Y')}",
    ]
    return "\n".join(lines) + "\n"
