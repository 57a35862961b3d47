"""How CMDB data looks on the wire: objects with ``q_origin_key``, query options, schema views.

Pure functions over stored objects; ``rest_app`` wraps their output in envelopes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from .schema import LISTS, NAMELIST, OBJECT, SECRET, TABLE, TableSchema

_FILTER_OPS = ("==", "!=", "=@", "!@", "<=", ">=", "<", ">")
_SPECIAL = (SECRET, NAMELIST, TABLE, OBJECT)


@dataclass
class ViewOptions:
    """Query parameters that shape GET output."""

    fields: Optional[list[str]] = None  # format=a|b
    filters: tuple = ()                  # each: list of (attr, op, value) OR-ed; filters AND-ed
    with_meta: bool = False
    skip: bool = False
    datasource: bool = False
    plain_text: bool = False
    start: int = 0
    count: Optional[int] = None

    @classmethod
    def from_query(cls, query) -> "ViewOptions":
        fmt = query.get("format")
        filters = tuple(parse_filter(text) for text in query.getall("filter", []) if text)
        return cls(
            fields=[f for f in re.split(r"[|,]", fmt) if f] if fmt else None,
            filters=filters,
            with_meta=_flag(query.get("with_meta")),
            skip=_flag(query.get("skip")),
            datasource=_flag(query.get("datasource")),
            plain_text=_flag(query.get("plain-text-password")),
            start=_int(query.get("start"), 0),
            count=_int(query.get("count"), None),
        )


def _flag(value: Optional[str]) -> bool:
    return value not in (None, "", "0", "false")


def _int(value: Optional[str], default):
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def parse_filter(text: str) -> list[tuple[str, str, str]]:
    """``name==a,type!=tunnel`` -> [("name","==","a"), ("type","!=","tunnel")] (OR-ed)."""
    clauses = []
    for part in text.split(","):
        for op in _FILTER_OPS:
            index = part.find(op)
            if index > 0:
                clauses.append((part[:index], op, part[index + len(op):]))
                break
        else:
            raise ValueError(f"invalid filter {part!r}")
    return clauses


def _compare(actual: Any, op: str, wanted: str) -> bool:
    if isinstance(actual, list):
        actual = " ".join(str(i.get("name", "")) if isinstance(i, dict) else str(i) for i in actual)
    text = "" if actual is None else str(actual)
    if op == "==":
        return text == wanted
    if op == "!=":
        return text != wanted
    if op == "=@":
        return wanted in text
    if op == "!@":
        return wanted not in text
    try:
        left, right = float(text), float(wanted)
    except ValueError:
        left, right = text, wanted  # type: ignore[assignment]
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def matches(obj: dict, filters: tuple) -> bool:
    return all(any(_compare(obj.get(attr), op, value) for attr, op, value in clauses) for clauses in filters)


def render_object(schema: TableSchema, obj: dict, mkey: Any, opts: ViewOptions, reveal,
                  behaviour=None, meta=None, version=None) -> dict:
    """Stored object -> JSON as FortiOS returns it (mkey and ``q_origin_key`` first)."""
    out: dict[str, Any] = {}
    if schema.mkey is not None:
        out[schema.mkey] = mkey
        out["q_origin_key"] = mkey
    fields = schema.available_fields(version) if version is not None else schema.fields
    # Only secrets, lists and nested objects need work; plain values are returned as stored.
    special = schema.names_of_kinds(version, _SPECIAL) if version is not None else None
    for attr, value in obj.items():
        if attr == schema.mkey:
            continue
        fld = fields.get(attr)
        if opts.skip and fld is not None and fld.applies and behaviour is not None \
                and not fld.applies(obj, behaviour):
            continue
        out[attr] = value if special is not None and attr not in special else \
            _render_value(fld, value, opts, reveal, version)
    if opts.fields is not None:
        keep = set(opts.fields) | {"q_origin_key"}
        out = {k: v for k, v in out.items() if k in keep}
    if opts.with_meta and meta is not None:
        out.update(meta)
    return out


def _render_value(fld, value, opts: ViewOptions, reveal, version=None):
    if fld is None:
        return value
    if fld.kind == SECRET:
        return reveal(value) if opts.plain_text and value else value
    if fld.kind == NAMELIST:
        key = fld.key_field.name
        rows = []
        for item in value:
            row = {key: item[key], "q_origin_key": item[key]}
            if opts.datasource and fld.ref:
                row["datasource"] = fld.ref[0].partition("#")[0].lstrip("@").replace("/", ".")
            rows.append(row)
        return rows
    if fld.kind == TABLE:
        child, child_opts = fld.child, ViewOptions(plain_text=opts.plain_text, datasource=opts.datasource)
        return [render_object(child, row, row.get(child.mkey), child_opts, reveal, version=version)
                for row in value]
    if fld.kind == OBJECT:
        child_opts = ViewOptions(plain_text=opts.plain_text, datasource=opts.datasource)
        return render_object(fld.child, value, None, child_opts, reveal, version=version)
    return value


def schema_view(schema: TableSchema, version) -> dict:
    """``action=schema``: enough of FortiOS's schema answer for tools that introspect tables."""
    children = {}
    for name, fld in schema.available_fields(version).items():
        category = "table" if fld.kind in LISTS else ("complex" if fld.kind == OBJECT else "unitary")
        entry: dict[str, Any] = {"name": name, "category": category, "type": fld.schema_type}
        if fld.options:
            entry["options"] = [{"name": o} for o in fld.options_for(version)]
        if fld.minimum is not None:
            entry["min-value"], entry["max-value"] = fld.minimum, fld.maximum
        size = schema.max_mkey_len if name == schema.mkey else fld.max_len
        if size:
            entry["size"] = size  # longest string, as FortiOS's schema gives it
        if fld.kind not in LISTS and fld.kind != OBJECT and name != schema.mkey:
            entry["default"] = fld.default_for(version)
        if fld.ref:
            entry["datasource"] = [r.partition("#")[0].replace("/", ".") for r in fld.ref if not r.startswith("@")]
        if fld.kind in LISTS or fld.kind == OBJECT:
            entry["children"] = schema_view(fld.child, version)["children"]
            if fld.kind != OBJECT:
                entry["mkey"] = fld.child.mkey
        children[name] = entry
    return {
        "name": schema.name,
        "category": "complex" if schema.singleton else "table",
        "path": schema.path,
        "mkey": schema.mkey,
        "mkey_type": schema.mkey_type if schema.mkey else None,
        "help": f"Configure {schema.path} {schema.name}.",
        "children": children,
    }
