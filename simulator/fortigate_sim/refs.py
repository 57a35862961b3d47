"""Datasources: attributes that name entries of other tables, and whether those entries exist.

A reference (``Field.ref``) is one of:

* ``"<table key>"``: an entry of a top-level table (``system/interface``);
* ``"<singleton key>#<child>"``: an entry of a child table of a singleton (SD-WAN zones,
  ``system/sdwan#zone``);
* ``"@<child>"``: an entry of a sibling child table of the same top-level object (BGP
  ``neighbor-range`` → ``neighbor-group``; SD-WAN health-check ``members`` → ``members``).

The store checks references on every write and before a delete/rename; the CLI checks them when a
``set`` is typed (``@`` references then wait for the commit, where the sibling rows are known).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Optional

from .errors import CmdbError, FieldError
from .schema import MULTI, NAMELIST, OBJECT, TABLE, TABLES, Field, TableSchema

if TYPE_CHECKING:  # pragma: no cover
    from .store import DeviceStore


def names(fld: Field, value: Any) -> list[str]:
    """The entry names an attribute value refers to."""
    if value in (None, ""):
        return []
    if fld.kind == NAMELIST:
        key = fld.key_field.name
        return [str(item.get(key)) for item in value if isinstance(item, dict)]
    return str(value).split() if fld.kind == MULTI else [str(value)]


def walk(table: TableSchema, obj: dict, old: Optional[dict], version) -> Iterator[tuple]:
    """Yield (field, value, old value or None) for every reference attribute of ``obj``, descending
    into child tables and nested objects (an old value of None means "new")."""
    for name, fld in table.ref_fields(version):
        value = obj.get(name)
        if fld.ref:
            yield fld, value, (old.get(name) if old is not None else None)
        if fld.kind == TABLE and fld.child is not None and isinstance(value, list):
            old_rows = {str(r.get(fld.child.mkey)): r for r in (old or {}).get(name, [])} if old else {}
            for row in value:
                yield from walk(fld.child, row, old_rows.get(str(row.get(fld.child.mkey))), version)
        elif fld.kind == OBJECT and isinstance(value, dict):
            yield from walk(fld.child, value, (old or {}).get(name) if old else None, version)


def exists(store: "DeviceStore", fld: Field, vdom: str, name: str,
           top: Optional[dict] = None, top_schema: Optional[TableSchema] = None) -> bool:
    """Whether ``name`` is an entry of one of ``fld``'s datasources. ``top`` is the top-level object
    holding the attribute, ``top_schema`` its schema (for ``@sibling`` references); without them a
    sibling reference is accepted (checked again at commit)."""
    for ref in fld.ref:
        if ref.startswith("@"):
            if top is None or top_schema is None:
                return True
            sibling = top_schema.fields.get(ref[1:])
            if sibling is not None and _row_named(top.get(ref[1:], []), sibling.child.mkey, name):
                return True
            continue
        table_key, _, child = ref.partition("#")
        target = TABLES[table_key]
        if child:
            singleton = store.read_singleton(target, vdom)
            child_schema = target.fields[child].child
            if _row_named(singleton.get(child, []), child_schema.mkey, name):
                return True
            continue
        try:
            key = target.parse_mkey(name)
        except FieldError:
            continue
        if store.exists(table_key, vdom, key):
            return True
    return False


def _row_named(rows: list, key: str, name: str) -> bool:
    return any(str(row.get(key)) == name for row in rows)


def check(store: "DeviceStore", table: TableSchema, vdom: str, new: dict, old: Optional[dict]) -> None:
    """Every reference whose value changed must name an existing entry (-651 otherwise); a sibling
    entry that disappeared while still referenced is "in use" (-23)."""
    for fld, value, old_value in walk(table, new, old, store.version):
        sibling = any(r.startswith("@") for r in fld.ref)
        if value == old_value and not sibling:
            continue
        for name in names(fld, value):
            if name in fld.builtin or exists(store, fld, vdom, name, new, table):
                continue
            if sibling and old is not None and exists(store, fld, vdom, name, old, table):
                raise CmdbError.in_use(f"{name} is used by {fld.name}")
            raise CmdbError.dangling(fld.name, name)


def _referrers(target_key: str) -> list[str]:
    """Keys of the tables whose attributes may name ``target_key`` entries (hand-written refs)."""
    from . import overlay

    found = []
    for key in overlay.TABLES:
        if key in TABLES and _mentions(TABLES[key], target_key):
            found.append(key)
    return found


def _mentions(table: TableSchema, target_key: str) -> bool:
    for fld in table.fields.values():
        if any(ref.partition("#")[0] == target_key for ref in fld.ref):
            return True
        if fld.child is not None and fld.kind in (TABLE, OBJECT) and _mentions(fld.child, target_key):
            return True
    return False


_REFERRERS: dict[str, list[str]] = {}


def users(store: "DeviceStore", table_key: str, vdom: str, mkey: Any, exclude: tuple = ()) -> list[str]:
    """Human-readable list of the entries that refer to ``table_key`` entry ``mkey``."""
    if table_key not in _REFERRERS:
        _REFERRERS[table_key] = _referrers(table_key)
    found: list[str] = []
    target_global = TABLES[table_key].scope == "global"
    for scan_vdom in (store.vdoms if target_global else (vdom,)):
        for other_key in _REFERRERS[table_key]:
            other = TABLES[other_key]
            if other.scope == "global" and scan_vdom != store.vdoms[0]:
                continue
            for owner_key, obj in store.objects(other, scan_vdom):
                if (other.key, owner_key) in exclude:
                    continue
                label = f"{other.path}.{other.name}" + (f" {owner_key}" if owner_key is not None else "")
                for fld, value, _old in walk(other, obj, None, store.version):
                    if any(ref.partition("#")[0] == table_key for ref in fld.ref) \
                            and str(mkey) in names(fld, value):
                        found.append(f"{label} ({fld.name})")
    return found
