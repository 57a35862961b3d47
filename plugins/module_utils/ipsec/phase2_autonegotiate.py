# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of the ipsec_phase2_autonegotiate module (Fortinet KB 189536).

``auto-negotiate`` brings the phase2 SA up without waiting for traffic (retried every five
seconds); ``keepalive`` renews it near expiry without traffic and is implicitly in effect
whenever auto-negotiate is enabled. A FortiGate cannot initiate towards dial-up peers, so
auto-negotiate on a phase2 of a dial-up server (phase1 ``type dynamic``) is refused here,
before anything is written.
"""

from __future__ import annotations

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.keys import entry_name
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import (
    ObjectSpec,
    Reconciler,
    ReconcileError,
    state_after,
)

# kind -> (phase2 table, phase1 table)
TABLES = {
    "route": ("vpn.ipsec/phase2-interface", "vpn.ipsec/phase1-interface"),
    "policy": ("vpn.ipsec/phase2", "vpn.ipsec/phase1"),
}


def find_phase2(client, name, kind):
    """Return (kind, phase2 object); look in both tables when ``kind`` is ``auto``."""
    for candidate in (("route", "policy") if kind == "auto" else (kind,)):
        current = client.get(TABLES[candidate][0], name)
        if current is not None:
            return candidate, current
    where = "phase2-interface (route-based) nor phase2 (policy-based)" if kind == "auto" else TABLES[kind][0]
    raise ReconcileError(
        "phase2 %s not found in %s of vdom %s; check the name (it is the phase2 name, not the phase1 name)"
        % (name, where, client.vdom)
    )


def refuse_dialup(client, kind, phase2):
    """Fail when the phase2 belongs to a dial-up server, where auto-negotiate cannot work."""
    phase1_name = phase2.get("phase1name")
    phase1 = client.get(TABLES[kind][1], phase1_name) if phase1_name else None
    if phase1 is not None and phase1.get("type") == "dynamic":
        raise ReconcileError(
            "phase2 %s: auto-negotiate cannot be enabled because its phase1 %s is a dial-up server "
            "(type dynamic): this FortiGate can never be the initiator, IKE is always started by the "
            "dial-up peer (Fortinet KB 189536). Enable auto-negotiate on the dial-up client's phase2 "
            "instead. Nothing was written." % (phase2.get("name"), phase1_name)
        )


def wanted_attributes(params):
    attributes = {}
    for option in ("auto_negotiate", "keepalive"):
        if params.get(option) is not None:
            attributes[option.replace("_", "-")] = "enable" if params[option] else "disable"
    return attributes


def reconcile(client, params, check_mode):
    name = entry_name(params["name"], "phase2")
    attributes = wanted_attributes(params)
    kind, current = find_phase2(client, name, params.get("kind") or "auto")
    spec = ObjectSpec(TABLES[kind][0], name, attributes, may_create=False,
                      label="%s %s" % (TABLES[kind][0].split("/")[1], name))
    reconciler = Reconciler(client, check_mode)
    plan = reconciler.plan(spec, current)
    if plan.changes.get("auto-negotiate") == "enable":
        # Only when enabling: one more read, and a setting already on the device is left alone.
        refuse_dialup(client, kind, current)
    result = reconciler.apply(plan)
    state = state_after(result, current)
    auto_negotiate = state.get("auto-negotiate") == "enable"
    keepalive = state.get("keepalive") == "enable"
    result.update(
        kind=kind,
        phase1name=current.get("phase1name"),
        auto_negotiate=auto_negotiate,
        keepalive=keepalive,
        keepalive_effective=keepalive or auto_negotiate,
    )
    result["object"] = {"name": current.get("name"), "phase1name": current.get("phase1name")}
    if params.get("auto_negotiate") and params.get("keepalive") is False:
        result.setdefault("warnings", []).append(
            "keepalive is configured 'disable' but is in effect anyway: FortiOS enables keepalive "
            "implicitly while auto-negotiate is enabled (Fortinet KB 189536)"
        )
    return result
