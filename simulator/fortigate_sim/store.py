"""The CMDB of one simulated device: tables per VDOM (and global), writes, references, revision.

Both the REST API and the CLI language write through the same entry points (``write``, ``delete``,
``move``), so validation, side effects and ``revision_changed`` are identical whichever way a
change arrives. Every write builds a candidate copy of the affected top-level object, validates it
(values, applicability, references, table rules), and only then swaps it in.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

from . import refs, rules
from .behaviour import Behaviour
from .enc import SecretBox, is_enc
from .errors import CmdbError, FieldError
from .schema import LISTS, OBJECT, SECRET, TABLE, TABLES, Field, TableSchema, clone
from .versions import FosVersion

UNSET = object()  # body value meaning "back to the default" (CLI `unset`)


@dataclass
class Target:
    """What a REST URL or CLI context addresses.

    ``mkey`` None on a table means "the whole table". ``members`` walks into child tables:
    ``[("neighbor", "10.0.0.1")]``; a final key of None means "the whole child table".
    """

    table: TableSchema
    vdom: str
    mkey: Any = None
    members: list = field(default_factory=list)

    @property
    def is_member(self) -> bool:
        return bool(self.members)


@dataclass
class WriteResult:
    mkey: Any
    changed: bool


class DeviceStore:
    def __init__(self, version: FosVersion, behaviour: Behaviour, box: SecretBox,
                 vdoms: tuple = ("root",)):
        self.version = FosVersion(version)
        self.behaviour = behaviour
        self.box = box
        self.vdoms = tuple(vdoms)
        self._data: dict[str, dict] = {"global": {}}
        for vdom in self.vdoms:
            self._data[vdom] = {}
        self._revision: Optional[str] = None  # computed when asked for, after a change
        self.on_change: Optional[Callable[["DeviceStore"], None]] = None

    @property
    def revision(self) -> str:
        """32-hex hash of the configuration (FortiOS's ``revision``)."""
        if self._revision is None:
            self._revision = self._hash()
        return self._revision

    # ---- addressing ---------------------------------------------------------------------
    def _scope(self, table: TableSchema, vdom: str) -> dict:
        if vdom not in self.vdoms:
            raise CmdbError(403, -37, f"Invalid VDOM name: {vdom}")
        return self._data["global" if table.scope == "global" else vdom]

    def _entries(self, table: TableSchema, vdom: str) -> dict:
        """Ordered mkey -> object for a table (created empty on first use)."""
        return self._scope(table, vdom).setdefault(table.key, {})

    def _singleton(self, table: TableSchema, vdom: str) -> dict:
        """The stored singleton, or its defaults (not stored: reads must not change the revision)."""
        scope = self._scope(table, vdom)
        return scope[table.key] if table.key in scope else table.defaults(self.version)

    def read_singleton(self, table: TableSchema, vdom: str) -> dict:
        """The live singleton (or its defaults), read-only, for datasource checks."""
        return self._singleton(table, vdom)

    def table_keys(self, vdom: str) -> list[str]:
        """Keys of the tables configured in a VDOM (its own and the global ones)."""
        return [key for scope in ("global", vdom) for key, value in self._scope_data(scope).items() if value]

    def _scope_data(self, scope: str) -> dict:
        return self._data.get(scope, {})

    def exists(self, table_key: str, vdom: str, mkey: Any) -> bool:
        table = TABLES[table_key]
        return mkey in self._entries(table, vdom)

    def entries(self, table_key: str, vdom: str) -> dict:
        """The live ordered mkey -> object mapping of a table, read-only (renderer, rules, monitors)."""
        return self._entries(TABLES[table_key], vdom)

    # ---- reads --------------------------------------------------------------------------
    def read(self, target: Target) -> Any:
        """Stored data for a target (deep copy): list for tables, dict for entries/singletons."""
        table = target.table
        if table.singleton:
            node: Any = self._singleton(table, target.vdom)
        elif target.mkey is None:
            return [clone(o) for o in self._entries(table, target.vdom).values()]
        else:
            node = self._entries(table, target.vdom).get(target.mkey)
            if node is None:
                raise CmdbError.not_found()
        schema = table
        for child_name, child_key in target.members:
            child_schema = _child_schema(schema, child_name)
            rows = node.get(child_name, [])
            if child_key is None:
                return clone(rows)
            node = _find_row(rows, child_schema, child_key)
            if node is None:
                raise CmdbError.not_found()
            schema = child_schema
        return clone(node)

    def schema_of(self, target: Target) -> TableSchema:
        schema = target.table
        for child_name, _ in target.members:
            schema = _child_schema(schema, child_name)
        return schema

    # ---- writes -------------------------------------------------------------------------
    def write(self, target: Target, body: dict, create: bool, origin: str = "rest") -> WriteResult:
        """POST (``create``) or PUT a body at ``target``.

        Table POST: ``target.mkey`` None, key taken from the body. PUT: partial update, a child
        table in the body replaces it, a body mkey different from the URL one renames.
        ``origin`` "lab" bypasses the rules that only guard user writes (physical ports).
        """
        if not isinstance(body, dict):
            raise CmdbError(400, -1, "request body must be a JSON object")
        table, vdom = target.table, target.vdom
        if target.is_member:
            return self._write_member(target, body, create, origin)
        if table.singleton:
            if create:
                raise CmdbError(405, -1, "Method not allowed on a singleton")
            old = self._singleton(table, vdom)
            # shallow copy: _merge replaces values, never changes them in place
            new = self._merge(table, dict(old), body, old, vdom)
            return self._commit(table, vdom, None, None, old, new, "update", body, origin)
        entries = self._entries(table, vdom)
        if create:
            if target.mkey is not None:
                raise CmdbError(405, -1, "POST goes to the table, not to an entry")
            key = self._mkey_from_body(table, body, entries)
            if key in entries:
                raise CmdbError.duplicate()
            new = table.defaults(self.version)
            new = self._merge(table, new, {k: v for k, v in body.items() if k != table.mkey}, None, vdom)
            return self._commit(table, vdom, None, key, None, new, "create", body, origin)
        old = entries.get(target.mkey)
        if old is None:
            raise CmdbError.not_found()
        new_key = target.mkey
        if table.mkey in body and body[table.mkey] not in (None, ""):
            new_key = self._parse_key(table, body[table.mkey])
            if new_key != target.mkey and new_key in entries:
                raise CmdbError.duplicate()
        new = self._merge(table, dict(old), {k: v for k, v in body.items() if k != table.mkey}, old, vdom)
        return self._commit(table, vdom, target.mkey, new_key, old, new, "update", body, origin)

    def delete(self, target: Target, origin: str = "rest") -> WriteResult:
        table, vdom = target.table, target.vdom
        if target.is_member:
            return self._delete_member(target, origin)
        if table.singleton or target.mkey is None:
            raise CmdbError(405, -1, "DELETE needs an entry key")
        entries = self._entries(table, vdom)
        old = entries.get(target.mkey)
        if old is None:
            raise CmdbError.not_found()
        rules.before_delete(self, table, vdom, target.mkey, old, origin)
        users = self.references_to(table.key, vdom, target.mkey, exclude=rules.owned_by(table, target.mkey))
        if users:
            raise CmdbError.in_use(f"{table.path}.{table.name} {target.mkey} is used by {', '.join(users)}")
        del entries[target.mkey]
        rules.after_delete(self, table, vdom, target.mkey, old)
        return self._changed(target.mkey, True)

    def move(self, target: Target, before: Any = None, after: Any = None) -> WriteResult:
        table, vdom = target.table, target.vdom
        if not table.movable or target.mkey is None or target.is_member:
            raise CmdbError(405, -1, "move is only supported on ordered tables")
        entries = self._entries(table, vdom)
        if target.mkey not in entries:
            raise CmdbError.not_found()
        anchor_raw = before if before is not None else after
        if anchor_raw is None:
            raise CmdbError(400, -1, "move needs before= or after=")
        try:
            anchor = self._parse_key(table, anchor_raw)
        except CmdbError:
            raise CmdbError.not_found() from None
        if anchor not in entries:
            raise CmdbError.not_found()
        order = [k for k in entries if k != target.mkey]
        index = order.index(anchor) + (0 if before is not None else 1)
        order.insert(index, target.mkey)
        if order == list(entries):
            return self._changed(target.mkey, False)
        reordered = {k: entries[k] for k in order}
        entries.clear()
        entries.update(reordered)
        return self._changed(target.mkey, True)

    # ---- side effects of a write (rules.py): no validation, no revision of their own ------------
    def put_side_entry(self, table_key: str, vdom: str, mkey: Any, obj: dict) -> None:
        """Create or replace an entry as FortiOS does on its own (a phase1's tunnel interface)."""
        self._entries(TABLES[table_key], vdom)[mkey] = obj

    def rename_side_entry(self, table_key: str, vdom: str, old_key: Any, new_key: Any) -> None:
        entries = self._entries(TABLES[table_key], vdom)
        rebuilt = {(new_key if k == old_key else k): v for k, v in entries.items()}
        entries.clear()
        entries.update(rebuilt)

    def drop_side_entry(self, table_key: str, vdom: str, mkey: Any) -> None:
        self._entries(TABLES[table_key], vdom).pop(mkey, None)

    # ---- member (child table) operations ---------------------------------------------------
    def _top_for_member(self, target: Target) -> tuple[dict, Any]:
        table, vdom = target.table, target.vdom
        if table.singleton:
            return self._singleton(table, vdom), None
        entries = self._entries(table, vdom)
        if target.mkey not in entries:
            raise CmdbError.not_found()
        return entries[target.mkey], target.mkey

    def _walk(self, top: dict, target: Target) -> tuple[TableSchema, list, Any]:
        """Return (child schema, rows list inside ``top``, final key) for a member target."""
        schema, node = target.table, top
        for index, (child_name, child_key) in enumerate(target.members):
            child_schema = _child_schema(schema, child_name)
            rows = node.setdefault(child_name, [])
            if index == len(target.members) - 1:
                return child_schema, rows, child_key
            node = _find_row(rows, child_schema, child_key)
            if node is None:
                raise CmdbError.not_found()
            schema = child_schema
        raise AssertionError("member target without members")

    def _write_member(self, target: Target, body: dict, create: bool, origin: str) -> WriteResult:
        old_top, key = self._top_for_member(target)
        new_top = clone(old_top)
        schema, rows, child_key = self._walk(new_top, target)
        if create:
            if child_key is not None:
                raise CmdbError(405, -1, "POST goes to the child table, not to an entry")
            new_row = self._parse_row(schema, body, rows)
            if _find_row(rows, schema, new_row[schema.mkey]) is not None:
                raise CmdbError.duplicate()
            rows.append(new_row)
            result_key = new_row[schema.mkey]
        else:
            if child_key is None:
                raise CmdbError(405, -1, "PUT needs a child entry key")
            row = _find_row(rows, schema, child_key)
            if row is None:
                raise CmdbError.not_found()
            merged = self._merge(schema, clone(row),
                                 {k: v for k, v in body.items() if k != schema.mkey}, row, target.vdom)
            rows[rows.index(row)] = merged
            result_key = child_key
        result = self._commit(target.table, target.vdom, key, key, old_top, new_top, "update", body, origin)
        return WriteResult(result_key, result.changed)

    def _delete_member(self, target: Target, origin: str) -> WriteResult:
        old_top, key = self._top_for_member(target)
        new_top = clone(old_top)
        schema, rows, child_key = self._walk(new_top, target)
        row = _find_row(rows, schema, child_key) if child_key is not None else None
        if row is None:
            raise CmdbError.not_found()
        rows.remove(row)
        result = self._commit(target.table, target.vdom, key, key, old_top, new_top, "update", {}, origin)
        return WriteResult(child_key, result.changed)

    # ---- the write pipeline ----------------------------------------------------------------
    def _commit(self, table, vdom, old_key, new_key, old, new, op, body, origin) -> WriteResult:
        refs.check(self, table, vdom, new, old)
        rules.validate(self, table, vdom, new_key, new, old, op, body, origin)
        if table.singleton:
            scope = self._scope(table, vdom)
            changed = old != new
            scope[table.key] = new
            return self._changed(None, changed)
        entries = self._entries(table, vdom)
        if op == "create":
            if "uuid" in table.fields and not new.get("uuid"):
                new["uuid"] = str(uuid.uuid4())
            entries[new_key] = new
            rules.after_create(self, table, vdom, new_key, new, origin)
            return self._changed(new_key, True)
        if new_key != old_key:
            users = self.references_to(table.key, vdom, old_key, exclude=rules.owned_by(table, old_key))
            if users:
                raise CmdbError.in_use(f"cannot rename {old_key}: used by {', '.join(users)}")
            rebuilt = {(new_key if k == old_key else k): (new if k == old_key else v)
                       for k, v in entries.items()}
            entries.clear()
            entries.update(rebuilt)
            rules.after_update(self, table, vdom, old_key, new_key, old, new)
            return self._changed(new_key, True)
        changed = old != new
        entries[new_key] = new
        if changed:
            rules.after_update(self, table, vdom, old_key, new_key, old, new)
        return self._changed(new_key, changed)

    def _changed(self, mkey: Any, changed: bool) -> WriteResult:
        if changed:
            self._revision = None
            if self.on_change:
                self.on_change(self)
        return WriteResult(mkey, changed)

    def _mkey_from_body(self, table: TableSchema, body: dict, entries: dict) -> Any:
        raw = body.get(table.mkey)
        if table.auto_mkey and raw in (None, "", 0, "0"):
            return max((k for k in entries), default=0) + 1
        if raw in (None, ""):
            raise CmdbError.missing(table.mkey)
        return self._parse_key(table, raw)

    def _parse_key(self, table: TableSchema, raw: Any) -> Any:
        # A key with a control character could never be addressed again (URLs, CLI lines).
        if isinstance(raw, str) and any(ord(c) < 32 or ord(c) == 127 for c in raw):
            raise CmdbError.parse_error(raw.encode("unicode_escape").decode())
        try:
            return table.parse_mkey(raw)
        except FieldError as exc:
            raise CmdbError.invalid(str(exc)) from None

    def _parse_row(self, schema: TableSchema, body: Any, existing_rows: list) -> dict:
        if not isinstance(body, dict):
            raise CmdbError.parse_error(body)
        row = schema.defaults(self.version)
        if schema.auto_mkey and body.get(schema.mkey) in (None, "", 0, "0"):
            key = max((r.get(schema.mkey, 0) for r in existing_rows), default=0) + 1
        else:
            key = self._parse_key(schema, body.get(schema.mkey))
        row = self._merge(schema, row, {k: v for k, v in body.items() if k != schema.mkey}, None, None)
        return {schema.mkey: key, **row}

    def _merge(self, schema: TableSchema, obj: dict, body: dict, old: Optional[dict], vdom) -> dict:
        """Apply body attributes to ``obj`` (a copy), parsing each value by its field kind."""
        fields = schema.available_fields(self.version)
        changed = []
        for attr, value in body.items():
            fld = fields.get(attr)
            if fld is None:
                if attr == "q_origin_key":  # read-only metadata every GET adds; sent back by round trips
                    continue
                # Unknown, or of another release: FortiOS has no such attribute here.
                self._unknown_attribute(attr)
                continue
            current = obj.get(attr)
            if value is UNSET:
                value = fld.default_for(self.version)
            elif type(value) is not type(current) or value != current or fld.kind == SECRET \
                    or isinstance(value, (dict, list)):
                try:
                    value = self._parse_value(fld, value, (old or {}).get(attr), vdom)
                except FieldError as exc:
                    raise CmdbError.parse_error(exc.token) from None
            if value != current:
                changed.append(fld)
            obj[attr] = value
        # A hidden attribute is refused when set to a new value; re-sending what the object holds
        # (a GET -> PUT round trip) is not a change.
        for fld in changed:
            if fld.applies and not fld.applies(obj, self.behaviour):
                # Not applicable here (e.g. network-id without IKEv2): the attribute does not exist in
                # this object, so FortiOS parses it as an unknown word (overlay.py's ``applies_hint``
                # names the condition for readers).
                raise CmdbError.invalid(f"command parse error before '{fld.name}'")
        return obj

    def _unknown_attribute(self, attr: str) -> None:
        """Never stored: dropped (``ignore``, what FortiOS's REST API does) or refused (``reject``)."""
        if self.behaviour.unknown_attributes == "reject":
            raise CmdbError.unknown_attribute(attr)

    def _parse_value(self, fld: Field, value: Any, old_value: Any, vdom) -> Any:
        if fld.kind == TABLE:
            if not isinstance(value, list):
                raise FieldError(fld.name, value)
            rows: list = []
            for item in value:
                row = self._parse_row(fld.child, item, rows)
                if _find_row(rows, fld.child, row[fld.child.mkey]) is not None:
                    raise FieldError(fld.name, row[fld.child.mkey])
                rows.append(row)
            return rows
        if fld.kind == OBJECT:
            if not isinstance(value, dict):
                raise FieldError(fld.name, value)
            current = old_value if isinstance(old_value, dict) else fld.child.defaults(self.version)
            return self._merge(fld.child, clone(current), value, current, vdom)
        if fld.kind == SECRET:
            return self._seal_secret(fld, value, old_value)
        return fld.parse(value, self.version)

    def _seal_secret(self, fld: Field, value: Any, old_value: Any) -> str:
        text = fld.parse(value)
        if text == "":
            return ""
        if is_enc(text):
            try:
                self.box.open(text)
            except ValueError:
                raise FieldError(fld.name, "ENC") from None
            return text
        if old_value and not self.behaviour.psk_resend_changes_revision:
            try:
                if self.box.open(old_value) == text:
                    return old_value
            except ValueError:
                pass
        return self.box.seal(text)

    def reveal(self, enc_value: str) -> str:
        """Plaintext of a stored secret (for ``plain-text-password=1`` and peer matching)."""
        return self.box.open(enc_value) if is_enc(enc_value) else enc_value

    # ---- references (datasources) ----------------------------------------------------------
    def references_to(self, table_key: str, vdom: str, mkey: Any, exclude: tuple = ()) -> list[str]:
        """Human-readable list of entries that reference ``table_key`` entry ``mkey``."""
        return refs.users(self, table_key, vdom, mkey, exclude)

    def ref_count(self, table_key: str, vdom: str, mkey: Any) -> int:
        return len(self.references_to(table_key, vdom, mkey))

    def objects(self, table: TableSchema, vdom: str) -> Iterator[tuple[Any, dict]]:
        """(mkey, live object) of a table in a scope; a singleton only when stored."""
        scope = self._scope(table, vdom)
        if table.key not in scope:
            return
        if table.singleton:
            yield None, scope[table.key]
        else:
            yield from scope[table.key].items()

    # ---- persistence and revision ----------------------------------------------------------
    def to_state(self) -> dict:
        """JSON-ready snapshot: tables as ordered lists of objects, each without the attributes
        at their default (format 2; format 1 held every attribute and still loads)."""
        out: dict[str, Any] = {"format": 2, "scopes": {}}
        for scope_name, tables in self._data.items():
            scope: dict[str, Any] = {}
            for key, value in tables.items():
                if not value:
                    continue
                table = TABLES[key]
                scope[key] = table.compact(value, self.version) if table.singleton else [
                    {table.mkey: mkey, **table.compact(obj, self.version)} for mkey, obj in value.items()]
            out["scopes"][scope_name] = scope
        return out

    def load_state(self, state: dict) -> None:
        if state.get("format") not in (1, 2):
            raise ValueError("unsupported saved configuration format")
        data: dict[str, dict] = {"global": {}, **{v: {} for v in self.vdoms}}
        for scope_name, tables in state["scopes"].items():
            if scope_name not in data:
                continue
            for key, value in tables.items():
                table = TABLES.get(key)
                if table is None:
                    continue
                data[scope_name][key] = table.expand(value, self.version) if table.singleton else {
                    obj[table.mkey]: table.expand(obj, self.version) for obj in value
                }
        self._data = data
        self._revision = None

    def _hash(self) -> str:
        text = json.dumps(self.to_state(), sort_keys=True, separators=(",", ":"))
        return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


# ---- helpers ---------------------------------------------------------------------------------

def _child_schema(schema: TableSchema, child_name: str) -> TableSchema:
    fld = schema.fields.get(child_name)
    if fld is None or fld.kind not in LISTS:
        raise CmdbError.not_found()
    return fld.child


def _find_row(rows: list, schema: TableSchema, key: Any) -> Optional[dict]:
    for row in rows:
        if str(row.get(schema.mkey)) == str(key):
            return row
    return None
