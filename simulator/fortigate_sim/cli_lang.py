"""The FortiOS CLI configuration language: tokenizer, parser, executor and renderer.

    config vpn ipsec phase1-interface        <- table path (last word = table name)
        edit "SiteA-to-SiteB"                <- entry (created if absent)
            set proposal aes128-sha256 aes256-sha256
            unset comments | append/select/unselect <attr> <values...>
            config <child-table>  edit ... next  end   (e.g. router bgp neighbor)
        next
        delete "old" | rename "a" to "b" | purge
    end

Parsing produces a small AST (``ConfigBlock``/``EditBlock``/``Command``); ``execute`` applies it
to a ``DeviceStore`` through the same ``write``/``delete`` calls the REST API uses, committing each
entry at ``next``/``end`` as FortiOS does. ``render`` prints the store back as CLI text (``show``).
The SSH CLI (a later issue) reuses all of this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Union

from . import cli_order
from .errors import COMMAND_ERROR, INCOMPLETE, CmdbError
from .schema import (INTEGER, IPMASK, IPV4, IPV6, MULTI, NAMELIST, OBJECT, OPTION, SECRET, TABLE,
                     TABLES, Field, TableSchema, clone)
from .store import UNSET, DeviceStore, Target

# ---- tokenizer ---------------------------------------------------------------------------------


class CliSyntaxError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def tokenize(line: str, lineno: int = 0) -> list[str]:
    """Split one CLI line into words; double or single quotes group, backslash escapes."""
    tokens: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "\"'":
            quote, i, buf = ch, i + 1, []
            while i < n and line[i] != quote:
                if line[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(line[i])
                i += 1
            if i >= n:
                raise CliSyntaxError(lineno, "unterminated quoted string")
            tokens.append("".join(buf))
            i += 1
            continue
        buf = []
        while i < n and not line[i].isspace():
            if line[i] == "\\" and i + 1 < n:
                i += 1
            buf.append(line[i])
            i += 1
        tokens.append("".join(buf))
    return tokens


# ---- parser ------------------------------------------------------------------------------------


@dataclass
class Command:
    verb: str
    args: list[str]
    line: int


@dataclass
class EditBlock:
    key: str
    body: list = field(default_factory=list)
    line: int = 0


@dataclass
class ConfigBlock:
    path: list[str]
    body: list = field(default_factory=list)
    line: int = 0


Node = Union[Command, EditBlock, ConfigBlock]
_LEAF_VERBS = {"set", "unset", "append", "select", "unselect", "delete", "rename", "purge"}


def parse(text: str) -> list[Node]:
    """Parse CLI text into a list of top-level ``ConfigBlock``s."""
    lines = [(no, tokenize(raw, no)) for no, raw in enumerate(text.splitlines(), start=1)]
    lines = [(no, toks) for no, toks in lines if toks and not toks[0].startswith("#")]
    nodes, index, _ = _parse_body(lines, 0, inside=None)
    for node in nodes:
        if not isinstance(node, ConfigBlock):
            raise CliSyntaxError(node.line, "commands must be inside a 'config' block")
    return nodes


def _parse_body(lines, index, inside):
    """Parse until the terminator of ``inside`` ("config" -> end, "edit" -> next or end).

    Returns (nodes, next index, terminator). FortiOS lets ``end`` close an ``edit`` and its
    ``config`` at once, so an edit body ending on ``end`` also ends the enclosing block.
    """
    nodes: list[Node] = []
    while index < len(lines):
        no, toks = lines[index]
        verb = toks[0]
        if verb == "config":
            if len(toks) < 2:
                raise CliSyntaxError(no, "config needs a path")
            body, index, _ = _parse_body(lines, index + 1, inside="config")
            nodes.append(ConfigBlock(toks[1:], body, no))
        elif verb == "edit":
            if inside != "config":
                raise CliSyntaxError(no, "edit outside a config block")
            if len(toks) != 2:
                raise CliSyntaxError(no, "edit needs exactly one key")
            body, index, terminator = _parse_body(lines, index + 1, inside="edit")
            nodes.append(EditBlock(toks[1], body, no))
            if terminator == "end":
                return nodes, index, "end"
        elif verb in ("next", "end"):
            if inside is None or (verb == "next" and inside != "edit"):
                raise CliSyntaxError(no, f"{verb} without {'edit' if verb == 'next' else 'config'}")
            return nodes, index + 1, verb
        elif verb in _LEAF_VERBS:
            nodes.append(Command(verb, toks[1:], no))
            index += 1
        else:
            raise CliSyntaxError(no, f"unknown command '{verb}'")
    if inside is not None:
        raise CliSyntaxError(lines[-1][0] if lines else 0, f"missing {'next' if inside == 'edit' else 'end'}")
    return nodes, index, None


# ---- executor ----------------------------------------------------------------------------------


class CliError(ValueError):
    def __init__(self, line: int, message: str, code: int = COMMAND_ERROR):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message
        self.code = code  # the CLI's return code

    @classmethod
    def incomplete(cls, line: int) -> "CliError":
        return cls(line, "incomplete command in the end", INCOMPLETE)

    @classmethod
    def before(cls, line: int, word: object) -> "CliError":
        """A word that does not belong where it stands: FortiOS's ``command parse error``."""
        return cls(line, f"command parse error before '{word}'")


def _first_word(node: Node) -> str:
    return getattr(node, "verb", None) or ("edit" if isinstance(node, EditBlock) else "config")


def _table_paths() -> list[list[str]]:
    paths = [key.split("/", 1)[0].split(".") + [key.split("/", 1)[1]] for key in TABLES]
    return paths + [["system", "console"], ["global"], ["vdom"]]


def path_error_token(words: list[str]) -> str:
    """The first word that no known ``config``/``show`` path continues with (FortiOS names it)."""
    paths = _table_paths()
    for index in range(len(words)):
        if not any(path[:index + 1] == words[:index + 1] for path in paths):
            return words[index]
    return words[-1] if words else "config"


def table_for_path(words: list[str]) -> Optional[TableSchema]:
    """``["vpn","ipsec","phase1-interface"]`` -> the ``vpn.ipsec/phase1-interface`` schema."""
    if len(words) < 2:
        return None
    return TABLES.get(".".join(words[:-1]) + "/" + words[-1])


def execute(store: DeviceStore, nodes: Iterable[Node], vdom: str = "root", origin: str = "cli") -> None:
    for node in nodes:
        if not isinstance(node, ConfigBlock):
            raise CliError.before(node.line, _first_word(node))
        if node.path == ["global"]:
            execute(store, node.body, vdom, origin)
            continue
        if node.path == ["vdom"]:
            for edit in node.body:
                if not isinstance(edit, EditBlock):
                    raise CliError.before(edit.line, _first_word(edit))
                execute(store, edit.body, edit.key, origin)
            continue
        table = table_for_path(node.path)
        if table is None:
            raise CliError.before(node.line, path_error_token(node.path))
        _run_table(store, table, vdom, node, origin)


def _run_table(store: DeviceStore, table: TableSchema, vdom: str, block: ConfigBlock, origin: str) -> None:
    try:
        if table.singleton:
            current = store.read(Target(table, vdom))
            body = _build_body(store, table, current, block.body, vdom)
            store.write(Target(table, vdom), body, create=False, origin=origin)
            return
        for node in block.body:
            if isinstance(node, EditBlock):
                _run_edit(store, table, vdom, node, origin)
            elif node.verb == "delete":
                for key in node.args:
                    store.delete(Target(table, vdom, _key(table, key, node.line)), origin=origin)
            elif node.verb == "purge":
                for entry in list(store.entries(table.key, vdom)):
                    store.delete(Target(table, vdom, entry), origin=origin)
            elif node.verb == "rename" and len(node.args) == 3 and node.args[1] == "to":
                old_key = _key(table, node.args[0], node.line)
                store.write(Target(table, vdom, old_key), {table.mkey: node.args[2]}, create=False, origin=origin)
            else:
                raise CliError.before(node.line, node.verb)
    except CmdbError as exc:
        line = getattr(exc, "cli_line", block.line)
        raise CliError(line, exc.message) from None


def _run_edit(store: DeviceStore, table: TableSchema, vdom: str, edit: EditBlock, origin: str) -> None:
    key = _key(table, edit.key, edit.line)
    entries = store.entries(table.key, vdom)
    exists = key in entries
    current = entries[key] if exists else table.default_template(store.version)  # read only
    try:
        body = _build_body(store, table, current, edit.body, vdom)
        if exists:
            store.write(Target(table, vdom, key), body, create=False, origin=origin)
        else:
            store.write(Target(table, vdom), {table.mkey: key, **body}, create=True, origin=origin)
    except CmdbError as exc:
        if not hasattr(exc, "cli_line"):
            exc.cli_line = edit.line
        raise


def _key(table: TableSchema, text: str, line: int) -> Any:
    try:
        return table.parse_mkey(text)
    except ValueError as exc:
        raise CliError(line, str(exc)) from None


def _build_body(store: DeviceStore, schema: TableSchema, current: dict, nodes: list, vdom: str) -> dict:
    """Turn set/unset/append/... (and nested child-table blocks) into a REST-style body.

    An attribute this release does not have fails as on FortiOS (``command parse error``, -61)."""
    body: dict[str, Any] = {}
    fields = schema.available_fields(store.version)
    for node in nodes:
        if isinstance(node, ConfigBlock):
            fld = fields.get(node.path[0]) if len(node.path) == 1 else None
            if fld is None or fld.kind not in (TABLE, OBJECT):
                raise CliError.before(node.line, node.path[-1] if node.path else "config")
            if fld.kind == OBJECT:
                inner = current.get(fld.name) or fld.child.defaults(store.version)
                body.setdefault(fld.name, {}).update(_build_body(store, fld.child, inner, node.body, vdom))
                continue
            rows = body.get(fld.name, clone(current.get(fld.name, [])))
            body[fld.name] = _edit_rows(store, fld.child, rows, node, vdom)
            continue
        if isinstance(node, EditBlock):
            raise CliError.before(node.line, "edit")
        if not node.args:
            raise CliError.incomplete(node.line)
        attr, values = node.args[0], node.args[1:]
        fld = fields.get(attr)
        if fld is None or fld.kind in (TABLE, OBJECT):
            exc = CmdbError.unknown_attribute(attr)
            exc.cli_line = node.line
            raise exc
        if node.verb == "unset":
            body[attr] = UNSET
        elif node.verb in ("set", "select"):
            if not values:
                raise CliError.incomplete(node.line)
            body[attr] = value_from_tokens(fld, values)
        elif node.verb in ("append", "unselect"):
            existing = body.get(attr, current.get(attr, []))
            names = _names(existing)
            if node.verb == "append":
                names += [v for v in values if v not in names]
            else:
                names = [v for v in names if v not in values]
            body[attr] = value_from_tokens(fld, names) if names else UNSET
        else:
            raise CliError.before(node.line, node.verb)
    return body


def _edit_rows(store: DeviceStore, schema: TableSchema, rows: list, block: ConfigBlock, vdom: str) -> list:
    for node in block.body:
        if isinstance(node, EditBlock):
            key = _key(schema, node.key, node.line)
            row = next((r for r in rows if str(r.get(schema.mkey)) == str(key)), None)
            if row is None:
                row = {schema.mkey: key, **schema.defaults(store.version)}
                rows.append(row)
            changes = _build_body(store, schema, row, node.body, vdom)
            fields = schema.available_fields(store.version)
            for attr, value in changes.items():
                if value is UNSET:
                    row[attr] = fields[attr].default_for(store.version)
                elif isinstance(value, dict) and isinstance(row.get(attr), dict):
                    row[attr] = {**row[attr], **value}
                else:
                    row[attr] = value
        elif isinstance(node, Command) and node.verb == "delete":
            rows[:] = [r for r in rows if str(r.get(schema.mkey)) not in node.args]
        elif isinstance(node, Command) and node.verb == "purge":
            rows.clear()
        else:
            raise CliError.before(node.line, _first_word(node))
    return rows


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(next(iter(v.values()), "")) if isinstance(v, dict) else str(v) for v in value]
    return str(value).split() if value else []


def value_from_tokens(fld: Optional[Field], tokens: list[str]) -> Any:
    """The REST-style value of ``set <attr> <tokens...>`` (one token per quoted word)."""
    if fld is None:
        return tokens[0] if len(tokens) == 1 else " ".join(tokens)
    if fld.kind == NAMELIST:
        # subnets come as "a.b.c.d m.m.m.m" pairs; names may hold spaces (one quoted token each)
        return " ".join(tokens) if fld.key_field.kind == IPMASK else list(tokens)
    if fld.kind in (MULTI, IPMASK, SECRET):
        return " ".join(tokens)
    if len(tokens) != 1:
        return " ".join(tokens)  # the schema parser refuses it with a FortiOS-style error
    return tokens[0]


# ---- renderer ----------------------------------------------------------------------------------

# The order `show` prints tables in, so that rendered text can be executed again: referenced tables
# before the tables naming them. Tunnel interfaces are printed after their phase1-interface (FortiOS
# creates them from the phase1). Other configured tables follow, in the collection's order.
RENDER_ORDER = (
    "system/global", "system/settings", "system/interface", "firewall/address", "firewall/addrgrp",
    "firewall/vip", "vpn.ipsec/phase1-interface", "vpn.ipsec/phase2-interface", "vpn.ipsec/phase1",
    "vpn.ipsec/phase2", "#tunnels", "system/zone", "router/access-list", "router/prefix-list",
    "router/community-list", "router/route-map", "router/static", "router/policy", "system/sdwan",
    "router/bgp", "firewall/policy",
)


def quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _format_value(fld: Optional[Field], value: Any) -> Optional[str]:
    kind = fld.kind if fld is not None else None
    if kind == NAMELIST:
        if not value:
            return None
        key = fld.key_field
        return " ".join(str(item[key.name]) if key.kind == INTEGER else quote(item[key.name]) for item in value)
    if kind in (OPTION, INTEGER, IPV4, IPMASK, IPV6, MULTI, SECRET):
        return str(value) if value != "" else None
    if isinstance(value, bool) or isinstance(value, int):
        return str(value)
    if isinstance(value, (list, dict)):
        return None  # structured attribute: not expressible as one `set`
    text = str(value)
    if text == "":
        return None
    return text if text.isdigit() else quote(text)


def _render_object(schema: TableSchema, obj: dict, version, full: bool, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    defaults = schema.default_template(version)
    fields = schema.available_fields(version)
    tables = [a for a in obj if (f := fields.get(a)) is not None and f.kind == TABLE]
    scalars = [a for a in obj if a not in tables]
    names = cli_order.ordered(schema.key, scalars) + cli_order.ordered(schema.key, tables)  # as FortiOS shows
    for attr in names:
        value = obj[attr]
        if attr == schema.mkey or attr in ("q_origin_key",):
            continue
        fld = fields.get(attr)
        if fld is not None and fld.kind == TABLE:
            if value or full:
                lines.append(f"{pad}config {attr}")
                for row in value:
                    lines.append(f"{pad}    edit {_format_key(fld.child, row[fld.child.mkey])}")
                    lines += _render_object(fld.child, row, version, full, indent + 8)
                    lines.append(f"{pad}    next")
                lines.append(f"{pad}end")
            continue
        if fld is not None and fld.kind == OBJECT:
            inner = _render_object(fld.child, value, version, full, indent + 4) if isinstance(value, dict) else []
            if inner or full:
                lines += [f"{pad}config {attr}", *inner, f"{pad}end"]
            continue
        if not full and attr in defaults and defaults[attr] == value:
            continue
        text = _format_value(fld, value)
        if text is None:
            continue
        lines.append(f"{pad}set {attr} {text}")
    return lines


def _format_key(schema: TableSchema, key: Any) -> str:
    return str(key) if schema.mkey_type == "integer" else quote(key)


def render_table(store: DeviceStore, table_key: str, vdom: str = "root", full: bool = False,
                 keys: Optional[list] = None, tunnels: Optional[bool] = None) -> str:
    """CLI text for one table (``show <path>``); ``keys`` limits it to some entries."""
    table = TABLES[table_key]
    words = table.path.split(".") + [table.name]
    out = ["config " + " ".join(words)]
    if table.singleton:
        out += _render_object(table, store.read(Target(table, vdom)), store.version, full, 4)
    else:
        for key, obj in store.entries(table_key, vdom).items():
            if keys is not None and key not in keys:
                continue
            if tunnels is not None and (obj.get("type") == "tunnel") != tunnels:
                continue
            out.append(f"    edit {_format_key(table, key)}")
            out += _render_object(table, obj, store.version, full, 8)
            out.append("    next")
    if len(out) == 1:
        return ""  # nothing configured: FortiOS prints an empty block, we print nothing
    out.append("end")
    return "\n".join(out) + "\n"


def render_order(store: DeviceStore, vdom: str) -> list[str]:
    """The table keys ``show`` prints for a VDOM: RENDER_ORDER, then every other configured table."""
    ordered = [key for key in RENDER_ORDER]
    known = set(ordered)
    ordered += [key for key in store.table_keys(vdom) if key not in known]
    return ordered


def render(store: DeviceStore, vdom: str = "root", full: bool = False) -> str:
    """The whole configuration as CLI text, in an order that ``execute`` can replay."""
    parts = []
    for key in render_order(store, vdom):
        if key == "#tunnels":
            parts.append(render_table(store, "system/interface", vdom, full, tunnels=True))
        elif key == "system/interface":
            parts.append(render_table(store, key, vdom, full, tunnels=False))
        else:
            parts.append(render_table(store, key, vdom, full))
    return "".join(parts)
