"""Table-specific FortiOS rules: cross-attribute validation and side effects of writes.

Kept apart from ``store`` (which is generic over the schema) so that each rule reads as one
FortiOS behaviour. Rules that depend on the release or are uncertain consult ``store.behaviour``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .errors import CmdbError
from .schema import TABLES, TableSchema

if TYPE_CHECKING:  # pragma: no cover
    from .store import DeviceStore

P1I = "vpn.ipsec/phase1-interface"
P1 = "vpn.ipsec/phase1"
P2I = "vpn.ipsec/phase2-interface"
P2 = "vpn.ipsec/phase2"
INTF = "system/interface"


def validate(store: "DeviceStore", table: TableSchema, vdom: str, mkey: Any, new: dict,
             old: Optional[dict], op: str, body: dict, origin: str) -> None:
    checker = _VALIDATORS.get(table.key)
    if checker:
        checker(store, vdom, mkey, new, old, op, body, origin)


def owned_by(table: TableSchema, mkey: Any) -> tuple:
    """Entries that belong to (and go away with) ``table``/``mkey``, so they do not block it."""
    if table.key == P1I:
        return ((INTF, mkey),)
    return ()


# ---- validators --------------------------------------------------------------------------------

def _require(new: dict, attr: str) -> None:
    if new.get(attr) in (None, "", [], "0.0.0.0"):
        raise CmdbError.missing(attr)


def _phase1(store, vdom, mkey, new, old, op, body, origin):
    _require(new, "interface")
    if op == "create":
        _require(new, "proposal")
        if new.get("authmethod") == "psk":
            _require(new, "psksecret")
    if new.get("type") == "static" and new.get("ip-version", "4") == "4":
        _require(new, "remote-gw")


def _phase1_interface(store, vdom, mkey, new, old, op, body, origin):
    _phase1(store, vdom, mkey, new, old, op, body, origin)
    if op == "create" and store.exists(INTF, vdom, mkey):
        raise CmdbError.check_failed("name", mkey)  # the tunnel interface's name is taken


def _phase2(phase1_table: str):
    def check(store, vdom, mkey, new, old, op, body, origin):
        _require(new, "phase1name")
        phase1 = store.entries(phase1_table, vdom).get(new["phase1name"])
        if phase1 is None:  # _check_refs already refused a changed dangling name
            raise CmdbError.dangling("phase1name", new["phase1name"])
        if phase1.get("type") == "dynamic" and new.get("auto-negotiate") == "enable":
            mode = store.behaviour.autoneg_on_dynamic_phase1
            refused = mode == "reject-always" or (
                mode == "reject-update" and op == "update" and "auto-negotiate" in body
            )
            if refused:
                raise CmdbError.check_failed("auto-negotiate", "enable")
    return check


def _interface(store, vdom, mkey, new, old, op, body, origin):
    if new.get("vdom") not in store.vdoms:
        raise CmdbError.dangling("vdom", new.get("vdom"))
    if origin in ("lab", "side-effect"):
        return
    if op == "create":
        if new.get("type") in ("physical", "tunnel"):
            # Physical ports come with the unit; tunnel interfaces come from vpn.ipsec phase1-interface.
            raise CmdbError.check_failed("type", new.get("type"))
        if new.get("type") == "vlan":
            _require(new, "interface")
            if not new.get("vlanid"):
                raise CmdbError.missing("vlanid")
    elif old is not None and old.get("type") != new.get("type"):
        raise CmdbError.check_failed("type", new.get("type"))


def _static(store, vdom, mkey, new, old, op, body, origin):
    if new.get("blackhole") != "enable" and not new.get("dstaddr"):
        _require(new, "device")


def _policy(store, vdom, mkey, new, old, op, body, origin):
    for attr in ("srcintf", "dstintf", "srcaddr", "dstaddr", "service"):
        if not new.get(attr):
            raise CmdbError.missing(attr)


_VALIDATORS = {
    P1I: _phase1_interface,
    P1: _phase1,
    P2I: _phase2(P1I),
    P2: _phase2(P1),
    INTF: _interface,
    "router/static": _static,
    "firewall/policy": _policy,
}


# ---- side effects ------------------------------------------------------------------------------
# Applied through the store's side-effect entry points (``put_side_entry`` and friends), which change
# a table without the user-write pipeline; the rules never hold the store's dictionaries.

def after_create(store: "DeviceStore", table: TableSchema, vdom: str, mkey: Any, new: dict, origin: str) -> None:
    if table.key == P1I:
        # FortiOS creates the tunnel interface with the phase1's name, bound to its parent port.
        tunnel = TABLES[INTF].defaults(store.version)
        tunnel.update({"vdom": vdom, "type": "tunnel", "interface": new.get("interface", ""),
                       "ip": "0.0.0.0 0.0.0.0", "remote-ip": "0.0.0.0 0.0.0.0"})
        store.put_side_entry(INTF, vdom, mkey, tunnel)


def after_update(store: "DeviceStore", table: TableSchema, vdom: str, old_key: Any, new_key: Any,
                 old: dict, new: dict) -> None:
    if table.key != P1I:
        return
    tunnel = store.entries(INTF, vdom).get(old_key)
    if tunnel is None:
        return
    store.put_side_entry(INTF, vdom, old_key, {**tunnel, "interface": new.get("interface", "")})
    if old_key != new_key:
        store.rename_side_entry(INTF, vdom, old_key, new_key)


def before_delete(store: "DeviceStore", table: TableSchema, vdom: str, mkey: Any, old: dict, origin: str) -> None:
    if table.key == INTF and origin not in ("lab", "side-effect"):
        if old.get("type") == "physical":
            raise CmdbError.refused()  # a physical port cannot be deleted
        if old.get("type") == "tunnel" and store.exists(P1I, vdom, mkey):
            raise CmdbError.in_use(f"system.interface {mkey} is used by vpn.ipsec.phase1-interface {mkey}")
    if table.key == P1I:
        users = store.references_to(INTF, vdom, mkey, exclude=((P1I, mkey), (INTF, mkey)))
        if users:
            raise CmdbError.in_use(f"tunnel interface {mkey} is used by {', '.join(users)}")


def after_delete(store: "DeviceStore", table: TableSchema, vdom: str, mkey: Any, old: dict) -> None:
    if table.key == P1I:
        store.drop_side_entry(INTF, vdom, mkey)
