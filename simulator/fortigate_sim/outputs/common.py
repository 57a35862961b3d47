"""Formatting helpers shared by the output modules."""

from __future__ import annotations


def seconds(value: float) -> int:
    """Whole seconds as FortiOS prints them (float sums of simulated time are not exact)."""
    return max(0, int(value + 1e-6))


def hex8(value: int) -> str:
    return f"{max(0, value) & 0xFFFFFFFF:08x}"


def uptime(value: float) -> str:
    """ZebOS-style age: ``hh:mm:ss`` under a day, ``XdXXhXXm`` under a week, else ``XXwXdXXh``."""
    total = seconds(value)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days == 0:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    if days < 7:
        return f"{days}d{hours:02d}h{minutes:02d}m"
    return f"{days // 7:02d}w{days % 7}d{hours:02d}h"


def vdom_line(view_node, model) -> str:
    config = model.configs[view_node[0]]
    return f"vd: {view_node[1]}/{config.vdoms[view_node[1]].index}"
