# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of the ipsec_phase1_exchange module: overlay address exchange on a phase1-interface.

``exchange-interface-ip enable`` makes FortiOS send the tunnel interface address to the
peer during IKE; ``exchange-ip-addr4``/``6`` send that address instead (BGP on loopback).
Some releases accept ``exchange-ip-addr4`` only while ``exchange-interface-ip`` is enabled
("enable exchange-interface-ip prior to it", Fortinet KB 253455), so enabling is written
first, as its own step, and a refusal on such a release is handled as the article says.
"""

from __future__ import annotations

from ansible_collections.overlay.fortigate.plugins.module_utils.common.addresses import address_problem, normal_address
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.keys import entry_name
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import (
    ObjectSpec,
    Reconciler,
    ReconcileError,
    WriteError,
    state_after,
)
from ansible_collections.overlay.fortigate.plugins.module_utils.common.messages import shown

PATH = "vpn.ipsec/phase1-interface"
UNSET_ADDR4 = "0.0.0.0"
UNSET_ADDR6 = "::"
_ADDRESSES = ["exchange-ip-addr4", "exchange-ip-addr6"]


def write_order(attributes):
    """Steps so that exchange-interface-ip is enabled before, or disabled after, the addresses.

    Either way the addresses are written while exchange-interface-ip is enabled, which every
    release accepts (some accept them only then).
    """
    if attributes.get("exchange-interface-ip") == "disable":
        return [_ADDRESSES, ["exchange-interface-ip"]]
    return [["exchange-interface-ip"], _ADDRESSES]


def wanted_attributes(params):
    """FortiOS attributes from the module parameters; ReconcileError names a bad field."""
    attributes = {}
    if params.get("exchange_interface_ip") is not None:
        attributes["exchange-interface-ip"] = "enable" if params["exchange_interface_ip"] else "disable"
    for family, example, unset in ((4, "10.200.1.1", UNSET_ADDR4), (6, "2001:db8::1", UNSET_ADDR6)):
        option = "exchange_ip_addr%d" % family
        value = params.get(option)
        if value is None:
            continue
        value = value.strip()
        problem = address_problem(value, family) if value else None
        if problem:
            raise ReconcileError(
                "%s: %s is %s; give an address such as %s, or an empty string to stop sending one"
                % (option, shown(value), problem, example)
            )
        attributes["exchange-ip-addr%d" % family] = normal_address(value) if value else unset
    if not attributes:
        raise ReconcileError(
            "nothing to manage: give at least one of exchange_interface_ip, exchange_ip_addr4, exchange_ip_addr6"
        )
    return attributes


def _spec(name, attributes):
    return ObjectSpec(PATH, name, attributes, may_create=False, steps=write_order(attributes),
                      label="phase1-interface %s" % name)


def _gated_refusal(exc, attributes):
    """True when the device refused exchange-ip-addr* because exchange-interface-ip is off."""
    device = exc.device_error
    text = "%s %s" % (device.field or "", device.cli_error or "")
    return not exc.half_written and "exchange-ip-addr" in text and attributes.get("exchange-interface-ip") != "enable"


def reconcile(client, params, check_mode):
    """Plan and apply; return the module result (changed, diff, requests, effective values)."""
    name = entry_name(params["name"], "phase1-interface")
    attributes = wanted_attributes(params)
    reconciler = Reconciler(client, check_mode)
    spec = _spec(name, attributes)
    plan = reconciler.plan(spec)
    if check_mode and _address_without_interface_ip(plan):
        warnings = ["prediction assumes a release that accepts exchange-ip-addr4/6 while exchange-interface-ip "
                    "is disabled; on releases that do not, the run will enable exchange-interface-ip first"]
    else:
        warnings = []
    try:
        result = reconciler.apply(plan)
    except WriteError as exc:
        if not _gated_refusal(exc, attributes):
            raise
        if params.get("exchange_interface_ip") is False:
            raise ReconcileError(
                "phase1-interface %s: this FortiOS release accepts exchange-ip-addr4/6 only while "
                "exchange-interface-ip is enabled (Fortinet KB 253455); set exchange_interface_ip: true "
                "or leave it unset so the module enables it first. %s. Device said: %s"
                % (name, "Earlier steps were undone, the tunnel is as before" if exc.undone
                   else "Nothing was written", exc.device_error.cli_error or exc.device_error)
            ) from None
        # As the article says: enable exchange-interface-ip first, then set the address.
        attributes["exchange-interface-ip"] = "enable"
        result = reconciler.apply(reconciler.plan(_spec(name, attributes)))
        result.setdefault("warnings", []).append(
            "this FortiOS release accepts exchange-ip-addr4/6 only while exchange-interface-ip is "
            "enabled, so the module enabled exchange-interface-ip first"
        )
    result.setdefault("warnings", []).extend(warnings)
    state = state_after(result, plan.current)
    result["exchange_interface_ip"] = state.get("exchange-interface-ip") == "enable"
    result["exchange_ip_addr4"] = _address_or_empty(state.get("exchange-ip-addr4"), UNSET_ADDR4)
    result["exchange_ip_addr6"] = _address_or_empty(state.get("exchange-ip-addr6"), UNSET_ADDR6)
    result["object"] = {k: state[k] for k in ("name", "type", "interface", "remote-gw") if k in state}
    return result


def _address_without_interface_ip(plan):
    """Whether the plan sets an address while exchange-interface-ip is, and stays, disabled."""
    setting = any(plan.changes.get(k) not in (None, UNSET_ADDR4, UNSET_ADDR6) for k in _ADDRESSES)
    interface_ip = plan.changes.get("exchange-interface-ip", (plan.current or {}).get("exchange-interface-ip"))
    return setting and interface_ip != "enable"


def _address_or_empty(value, unset):
    return "" if value in (None, "", unset) else value.split(" ")[0]
