"""``get system status`` (FortiOS 7.x layout; database versions are the VM's factory ones)."""

from __future__ import annotations

import time


def system_status(device, vdom: str, epoch: float) -> str:
    spec = device.spec
    multi_vdom = device.vdom_mode
    when = time.strftime("%a %b %d %H:%M:%S %Y", time.localtime(epoch))
    lines = [
        f"Version: FortiGate-VM64 {spec.version},build{spec.build:04d},240514 (GA.F)",
        "Security Level: 2",
        "Firmware Signature: certified",
        "Virus-DB: 1.00000(2018-04-09 18:07)",
        "Extended DB: 1.00000(2018-04-09 18:07)",
        "Extreme DB: 1.00000(2018-04-09 18:07)",
        "AV AI/ML Model: 0.00000(2001-01-01 00:00)",
        "IPS-DB: 6.00741(2015-12-01 02:30)",
        "IPS-ETDB: 6.00741(2015-12-01 02:30)",
        "APP-DB: 6.00741(2015-12-01 02:30)",
        "FMWP-DB: 0.00000(2001-01-01 00:00)",
        "IPS Malicious URL Database: 1.00001(2015-01-01 01:01)",
        "IoT-Detect: 0.00000(2022-08-17 17:31)",
        f"Serial-Number: {spec.serial}",
        "License Status: Valid",
        "VM Resources: 1 CPU/2 allowed, 2007 MB RAM",
        "Log hard disk: Available",
        f"Hostname: {device.global_setting('hostname') or spec.hostname}",
        "Private Encryption: Disable",
        "Operation Mode: NAT",
        f"Current virtual domain: {vdom}",
        f"Max number of virtual domains: {10 if multi_vdom else 1}",
        f"Virtual domains status: {len(spec.vdoms)} in NAT mode, 0 in TP mode",
        f"Virtual domain configuration: {'multiple' if multi_vdom else 'disable'}",
        "FIPS-CC mode: disable",
        "Current HA mode: standalone",
        f"Branch point: {spec.build:04d}",
        "Release Version Information: GA",
        "FortiOS x86-64: Yes",
        f"System time: {when}",
        "Last reboot reason: warm reboot",
    ]
    return "\n".join(lines) + "\n"
