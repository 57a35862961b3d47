# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ADVPN plan library: intent -> per-device plan (pure Python, no Ansible imports).

``build_plans(hosts)`` validates the intent of every fabric found in the hosts' variables and
returns ``{fabric: {device: plan}}``; see CONTRACTS section B and the advpn_design role's
documentation for the plan format.
"""

from .errors import IntentError
from .plan import build_plans, device_plan, fabric_plans

__all__ = ["IntentError", "build_plans", "device_plan", "fabric_plans"]
