"""The CMDB schema: which tables exist, their attributes, JSON types, releases and FortiOS defaults.

Two sources, merged per table on first use:

* the installed ``fortinet.fortios`` collection (``fortios_collection``): every CMDB path its
  modules know (tables, singletons, child tables), attribute names, JSON types, enum options and
  the releases (``v_range``) each attribute and option exists on;
* the hand-written layer (``overlay``): what the collection lacks — FortiOS defaults, ranges,
  string lengths, finer value kinds (IPv4, subnet, secret), datasources, applicability rules,
  scope and key rules of the tables the simulator models in depth.

Everything else is generic over this module: value parsing (REST and CLI), defaults, the CLI
renderer, ``action=schema``/``action=default``, reference checks and ``skip=1``. JSON types follow
what ``fortinet.fortios`` compares against: integers are numbers, multi-value options are
space-separated strings, name lists and child tables are arrays of objects, nested singletons
(``ipv6`` of an interface) are objects.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

from . import fortios_collection as collection
from .behaviour import Behaviour
from .errors import FieldError

# Kinds of attribute value.
STRING = "string"      # free text
OPTION = "option"      # one of `options`
INTEGER = "integer"
IPV4 = "ipv4-address"  # "a.b.c.d"
IPMASK = "ipv4-classnet"  # stored "a.b.c.d m.m.m.m"; accepts a.b.c.d/nn
IPV6 = "ipv6-address"
MULTI = "multi"        # space-separated tokens (proposal, dhgrp, allowaccess)
SECRET = "password"    # returned as ENC <base64>
NAMELIST = "namelist"  # [{"<key>": ...}, ...]: a table whose entries hold only their key (srcintf)
TABLE = "table"        # child table of objects
OBJECT = "object"      # nested singleton (``config ipv6`` inside an interface)

LISTS = (NAMELIST, TABLE)

# Applicability of an attribute given the rest of the object: used to refuse setting it (as the
# FortiOS CLI does for hidden options) and to hide it with `skip=1`.
Applies = Callable[[dict, Behaviour], bool]


def _in_ranges(parts: tuple, ranges: tuple) -> bool:
    if not ranges:
        return True
    return any(low <= parts and (high is None or parts <= high) for low, high in ranges)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    default: Any = ""
    options: tuple = ()
    # Releases each option exists on, for options that are not on every release of the attribute.
    option_ranges: Optional[dict] = None
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    # Datasources: table keys this attribute names an entry of. "@sibling" = a sibling child table
    # of the same parent object (BGP neighbor-range -> neighbor-group); "table#child" = a child
    # table of a singleton (SD-WAN zones: "system/sdwan#zone").
    ref: tuple = ()
    builtin: tuple = ()  # names accepted without an entry (e.g. "all", "any")
    ranges: tuple = ()   # releases the attribute exists on (() = all)
    applies: Optional[Applies] = None
    applies_hint: str = ""
    child: Optional["TableSchema"] = None
    max_len: Optional[int] = None

    # ---- value parsing -------------------------------------------------------------------
    def parse(self, value: Any, version=None) -> Any:
        """Coerce a REST JSON value (or CLI tokens joined by the caller) to the stored form."""
        kind = self.kind
        if self.builtin and not self.ref and isinstance(value, str) and value in self.builtin:
            return value  # a word the attribute takes besides its kind's values ("any")
        if kind == INTEGER:
            return self._parse_int(value)
        if kind == OPTION:
            text = _scalar_text(self.name, value)
            if not self.allows(text, version):
                raise FieldError(self.name, text)
            return text
        if kind == IPV4:
            return _parse_ipv4(self.name, value)
        if kind == IPMASK:
            return _parse_ipmask(self.name, value)
        if kind == IPV6:
            text = _scalar_text(self.name, value)
            try:
                return str(ipaddress.IPv6Address(text))
            except ValueError:
                raise FieldError(self.name, text) from None
        if kind == MULTI:
            return self._parse_multi(value, version)
        if kind == NAMELIST:
            return self._parse_namelist(value)
        if kind == SECRET:
            return _scalar_text(self.name, value)
        if kind == STRING:
            text = _scalar_text(self.name, value)
            if self.max_len is not None and len(text) > self.max_len:
                raise FieldError(self.name, text)  # too long (max_len)
            return text
        raise TypeError(f"field {self.name}: kind {kind} is not parsed here")

    def allows(self, option: str, version=None) -> bool:
        if option not in self.options:
            return False
        if version is None or not self.option_ranges or option not in self.option_ranges:
            return True
        return _in_ranges(version.parts, self.option_ranges[option])

    def options_for(self, version) -> tuple:
        return tuple(o for o in self.options if self.allows(o, version))

    def _parse_int(self, value: Any) -> int:
        if isinstance(value, bool):
            raise FieldError(self.name, value)
        if isinstance(value, int):
            number = value
        else:
            text = _scalar_text(self.name, value)
            try:
                number = int(text, 10)
            except ValueError:
                raise FieldError(self.name, text) from None
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            raise FieldError(self.name, number)  # outside [minimum, maximum]
        return number

    def _parse_multi(self, value: Any, version) -> str:
        if isinstance(value, list):
            tokens = []
            for item in value:
                if isinstance(item, dict) and len(item) == 1:
                    item = next(iter(item.values()))
                tokens.extend(_scalar_text(self.name, item).split())
        else:
            tokens = _scalar_text(self.name, value).split()
        for token in tokens:
            if self.options and not self.allows(token, version):
                raise FieldError(self.name, token)
        return " ".join(tokens)

    def _parse_namelist(self, value: Any) -> list:
        key_field = self.key_field
        key = key_field.name
        if isinstance(value, str):
            value = _split_names(value, key_field.kind)
        if not isinstance(value, list):
            raise FieldError(self.name, value)
        rows = []
        for item in value:
            if isinstance(item, dict):
                if key not in item:
                    raise FieldError(self.name, item)  # an entry without its key
                item = item[key]
            rows.append({key: key_field.parse(item)})
        return rows

    @property
    def key_field(self) -> "Field":
        """NAMELIST: the one attribute of its entries (``name``, ``seq-num``, ``subnet`` ...)."""
        child = self.child
        if child is None:
            return Field("name", STRING)
        return child.fields.get(child.mkey) or Field(child.mkey, STRING)

    # ---- JSON type name for action=schema ------------------------------------------------
    @property
    def schema_type(self) -> str:
        return {MULTI: "option", NAMELIST: "string", SECRET: "password", OBJECT: "string"}.get(self.kind, self.kind)

    def available(self, version) -> bool:
        return _in_ranges(version.parts, self.ranges)

    def default_for(self, version) -> Any:
        if self.kind in LISTS:
            return []
        if self.kind == OBJECT:
            return self.child.defaults(version)
        if self.kind == OPTION and not self.allows(self.default, version):
            options = self.options_for(version)
            return "disable" if "disable" in options else (options[0] if options else self.default)
        return self.default


@dataclass
class TableSchema:
    """A CMDB table (``mkey`` set) or singleton (``mkey`` None); also child tables and objects."""

    path: str
    name: str
    mkey: Optional[str]
    mkey_type: str = "string"
    scope: str = "vdom"  # "vdom" or "global"
    fields: dict[str, Field] = field(default_factory=dict)
    max_mkey_len: Optional[int] = None
    auto_mkey: bool = False  # integer mkey 0/absent on POST -> next free number
    movable: bool = False
    # Names the collection describes differently per release: every variant, newest last.
    variants: dict[str, tuple] = field(default_factory=dict)
    _by_version: dict = field(default_factory=dict, repr=False, compare=False)
    _defaults: dict = field(default_factory=dict, repr=False, compare=False)
    _containers: dict = field(default_factory=dict, repr=False, compare=False)
    _refs: dict = field(default_factory=dict, repr=False, compare=False)
    _kinds: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.path}/{self.name}"

    @property
    def singleton(self) -> bool:
        return self.mkey is None

    def available_fields(self, version) -> dict[str, Field]:
        """The attributes this release has, in CLI order (cached; do not modify)."""
        found = self._by_version.get(version.parts)
        if found is None:
            found = {}
            for name, fld in self.fields.items():
                if name in self.variants:
                    fld = next((v for v in reversed(self.variants[name]) if v.available(version)), None)
                    if fld is not None:
                        found[name] = fld
                elif fld.available(version):
                    found[name] = fld
            self._by_version[version.parts] = found
        return found

    def names_of_kinds(self, version, kinds: tuple) -> frozenset:
        """Names of this release's attributes of the given kinds (cached)."""
        key = (version.parts, kinds)
        found = self._kinds.get(key)
        if found is None:
            found = frozenset(n for n, f in self.available_fields(version).items() if f.kind in kinds)
            self._kinds[key] = found
        return found

    def field(self, name: str, version) -> Optional[Field]:
        return self.available_fields(version).get(name)

    def default_template(self, version) -> dict:
        """Every attribute at its FortiOS default (mkey excluded); shared, do not modify."""
        template = self._defaults.get(version.parts)
        if template is None:
            template = {name: fld.default_for(version)
                        for name, fld in self.available_fields(version).items() if name != self.mkey}
            self._defaults[version.parts] = template
        return template

    def defaults(self, version) -> dict:
        """A fresh object with every attribute at its FortiOS default (mkey excluded)."""
        template = self.default_template(version)
        obj = dict(template)
        for name in self._nested(version):
            obj[name] = clone(template[name])
        return obj

    def _nested(self, version) -> tuple:
        """Names of the attributes whose defaults are containers (copied, not shared)."""
        found = self._containers.get(version.parts)
        if found is None:
            found = tuple(n for n, v in self.default_template(version).items() if isinstance(v, (dict, list)))
            self._containers[version.parts] = found
        return found

    def ref_fields(self, version) -> tuple:
        """(name, field) of the attributes that hold references, directly or in nested entries."""
        found = self._refs.get(version.parts)
        if found is None:
            found = tuple((n, f) for n, f in self.available_fields(version).items()
                          if f.ref or (f.child is not None and f.kind in (TABLE, OBJECT)
                                       and f.child.ref_fields(version)))
            self._refs[version.parts] = found
        return found

    def compact(self, obj: dict, version) -> dict:
        """``obj`` without the attributes at their default (what is saved); see :meth:`expand`."""
        template = self.default_template(version)
        fields = self.available_fields(version)
        out = {}
        for name, value in obj.items():
            if name in template and template[name] == value:
                continue
            fld = fields.get(name)
            if fld is not None and fld.kind == TABLE and isinstance(value, list):
                child = fld.child
                value = [{child.mkey: row.get(child.mkey), **child.compact(row, version)} for row in value]
            elif fld is not None and fld.kind == OBJECT and isinstance(value, dict):
                value = fld.child.compact(value, version)
            out[name] = value
        return out

    def expand(self, saved: dict, version) -> dict:
        """A saved (compact, or older) object as this release has it: defaults for what is not saved,
        nothing this release lacks."""
        obj = self.defaults(version)
        fields = self.available_fields(version)
        for name, value in saved.items():
            fld = fields.get(name)
            if fld is None or name == self.mkey:
                continue
            if fld.kind == TABLE and isinstance(value, list):
                child = fld.child
                value = [{child.mkey: row.get(child.mkey), **child.expand(row, version)}
                         for row in value if isinstance(row, dict)]
            elif fld.kind == OBJECT and isinstance(value, dict):
                value = fld.child.expand(value, version)
            obj[name] = value
        return obj

    def parse_mkey(self, value: Any) -> Any:
        if self.mkey_type == "integer":
            if isinstance(value, bool):
                raise FieldError(self.mkey, value)
            try:
                return int(value)
            except (TypeError, ValueError):
                raise FieldError(self.mkey, value) from None
        if self.mkey_type == IPV4:
            return _parse_ipv4(self.mkey, value)
        key_field = self.fields.get(self.mkey)
        if key_field is not None and key_field.kind == IPMASK:
            return key_field.parse(value)
        text = _scalar_text(self.mkey, value)
        if not text:
            raise FieldError(self.mkey, text)  # empty key
        if self.max_mkey_len and len(text) > self.max_mkey_len:
            raise FieldError(self.mkey, text)  # key too long (max_mkey_len)
        return text


def clone(value: Any) -> Any:
    """Copy of stored JSON-like data (dicts, lists, scalars): what ``deepcopy`` does, faster."""
    if isinstance(value, dict):
        return {k: (clone(v) if isinstance(v, (dict, list)) else v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


# ---- value helpers ------------------------------------------------------------------------------

def _scalar_text(attr: str, value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise FieldError(attr, value)
    return str(value).strip()


def _split_names(text: str, key_kind: str) -> list[str]:
    """``"port1 port2"`` -> two names; subnets may also come as ``a.b.c.d m.m.m.m`` pairs."""
    tokens = text.split()
    if key_kind != IPMASK:
        return tokens
    names: list[str] = []
    for token in tokens:
        if names and "/" not in names[-1] and " " not in names[-1] and _is_netmask(token):
            names[-1] += " " + token
        else:
            names.append(token)
    return names


def _is_netmask(token: str) -> bool:
    if token.count(".") != 3:
        return False
    try:
        ipaddress.IPv4Network(f"0.0.0.0/{token}")
    except ValueError:
        return False
    return True


def _parse_ipv4(attr: str, value: Any) -> str:
    text = _scalar_text(attr, value)
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        raise FieldError(attr, text) from None


def _parse_ipmask(attr: str, value: Any) -> str:
    """Accept ``a.b.c.d/nn``, ``a.b.c.d m.m.m.m``, ``[addr, mask]`` or a bare address (/32)."""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    text = _scalar_text(attr, value)
    parts = text.replace("/", " ").split()
    if not parts or len(parts) > 2:
        raise FieldError(attr, text)
    try:
        address = ipaddress.IPv4Address(parts[0])
        if len(parts) == 1:
            prefix = 32
        elif parts[1].isdigit():
            prefix = int(parts[1])
            if prefix > 32:
                raise ValueError
        else:
            prefix = ipaddress.IPv4Network(f"0.0.0.0/{parts[1]}").prefixlen
    except ValueError:
        raise FieldError(attr, parts[-1]) from None
    mask = ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask
    return f"{address} {mask}"


# ---- the hand-written layer's vocabulary (used by overlay.py) -------------------------------------

@dataclass(frozen=True)
class Hint:
    """What the simulator knows about one attribute beyond the collection."""

    name: str
    kind: Optional[str] = None  # a finer kind (IPV4, IPMASK, SECRET ...); None = the collection's
    default: Any = None         # None = the generic default of the kind
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    ref: tuple = ()
    builtin: tuple = ()
    applies: Optional[Applies] = None
    applies_hint: str = ""
    max_len: Optional[int] = None
    child: Optional["TableHint"] = None


@dataclass(frozen=True)
class TableHint:
    """The hand-written facts of one table (or child table / nested object)."""

    hints: dict
    scope: str = "vdom"
    max_mkey_len: Optional[int] = None
    auto_mkey: Optional[bool] = None  # None: integer keys are automatic
    movable: bool = False
    mkey_type: Optional[str] = None  # a finer key kind (IPV4) than the collection's


# ---- merging the collection with the hand-written layer -------------------------------------------

_COLLECTION_KINDS = {
    collection.STRING: STRING, collection.INTEGER: INTEGER, collection.OPTION: OPTION,
    collection.MULTI: MULTI, collection.NAMELIST: NAMELIST, collection.TABLE: TABLE,
    collection.OBJECT: OBJECT,
}
# Finer kinds a hint may give an attribute the collection calls a string.
_STRING_REFINEMENTS = (STRING, IPV4, IPMASK, IPV6, SECRET)
_GENERIC_DEFAULTS = {STRING: "", INTEGER: 0, OPTION: "", MULTI: "", SECRET: "", IPV4: "0.0.0.0",
                     IPMASK: "0.0.0.0 0.0.0.0", IPV6: "::"}


def merged_kind(spec_kind: str, hint: Optional[Hint]) -> str:
    base = _COLLECTION_KINDS[spec_kind]
    if hint is None or hint.kind is None:
        return base
    if base == STRING and hint.kind in _STRING_REFINEMENTS:
        return hint.kind
    return base


def _field(spec: collection.AttrSpec, hint: Optional[Hint], path: str, secret_names: frozenset) -> Field:
    kind = merged_kind(spec.kind, hint)
    if kind == STRING and hint is None and spec.name in secret_names:
        kind = SECRET
    options = tuple(value for value, _ in spec.options)
    option_ranges = {value: ranges for value, ranges in spec.options if ranges} or None
    child = None
    if spec.child is not None:
        child = build_table(spec.child, hint.child if hint else None, path, secret_names)
        child.name, child.path = spec.name, path
    default = hint.default if hint is not None and hint.default is not None else _GENERIC_DEFAULTS.get(kind, "")
    if kind == OPTION and (hint is None or hint.default is None):
        default = "disable" if "disable" in options else (options[0] if options else "")
    extra = {}
    if hint is not None:
        extra = dict(minimum=hint.minimum, maximum=hint.maximum, ref=hint.ref, builtin=hint.builtin,
                     applies=hint.applies, applies_hint=hint.applies_hint, max_len=hint.max_len)
    return Field(name=spec.name, kind=kind, default=default, options=options, option_ranges=option_ranges,
                 ranges=spec.ranges, child=child, **extra)


def build_table(spec: collection.TableSpec, hint: Optional[TableHint], path: Optional[str] = None,
                secret_names: frozenset = frozenset()) -> TableSchema:
    """A table's schema: the collection's attributes refined by its hand-written hints."""
    hints = hint.hints if hint is not None else {}
    key = f"{spec.path}/{spec.name}" if path is None else f"{path}/{spec.name}"
    fields: dict[str, Field] = {}
    variants: dict[str, list] = {}
    for attr in spec.attrs:
        fld = _field(attr, hints.get(attr.name), key, secret_names)
        if attr.name in fields:
            variants.setdefault(attr.name, [fields[attr.name]]).append(fld)
            # newest release last, so available_fields() picks the current variant
            variants[attr.name].sort(key=lambda f: max((low for low, _ in f.ranges), default=()))
        fields[attr.name] = fields.get(attr.name, fld)
    mkey_type = "integer" if spec.mkey_kind == collection.INTEGER else "string"
    if hint is not None and hint.mkey_type:
        mkey_type = hint.mkey_type
    auto = hint.auto_mkey if hint is not None and hint.auto_mkey is not None else mkey_type == "integer"
    return TableSchema(
        path=spec.path if path is None else path, name=spec.name, mkey=spec.mkey, mkey_type=mkey_type,
        scope=hint.scope if hint else "vdom", fields=fields,
        max_mkey_len=hint.max_mkey_len if hint else None, auto_mkey=auto,
        movable=hint.movable if hint else False,
        variants={name: tuple(found) for name, found in variants.items()})


class Tables(Mapping):
    """Every CMDB table the installed collection knows, built on first use (``TABLES[key]``)."""

    def __init__(self, loader: Callable[[], "collection.Catalog"]):
        self._loader = loader
        self._catalog: Optional[collection.Catalog] = None
        self._built: dict[str, TableSchema] = {}

    @property
    def catalog(self) -> "collection.Catalog":
        if self._catalog is None:
            self._catalog = self._loader()
        return self._catalog

    def __getitem__(self, key: str) -> TableSchema:
        table = self._built.get(key)
        if table is None:
            spec = self.catalog.get(key)
            if spec is None:
                raise KeyError(key)
            from . import overlay  # the hand-written layer imports this module's vocabulary
            table = build_table(spec, overlay.TABLES.get(key), secret_names=overlay.SECRET_NAMES)
            if key in overlay.GLOBAL_TABLES:
                table.scope = "global"
            self._built[key] = table
        return table

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.catalog

    def __iter__(self) -> Iterator[str]:
        return iter(self.catalog.keys())

    def __len__(self) -> int:
        return len(self.catalog)


TABLES: Tables = Tables(collection.load)


def table(path: str, name: str) -> Optional[TableSchema]:
    return TABLES.get(f"{path}/{name}")
