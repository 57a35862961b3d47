"""The CMDB schema carried by the installed ``fortinet.fortios`` collection, read at start-up.

Every module of the collection (``plugins/modules/fortios_<path>_<name>.py``) holds a
``versioned_schema`` literal: the attributes of one CMDB table or singleton with their types, enum
options and the FortiOS releases (``v_range``) each exists on. This module finds the installed
collection, reads those literals (``ast.literal_eval``, never importing the modules), turns them into
:class:`TableSpec` records named as FortiOS names them (``-`` not ``_``, plus each module's own
renames) and caches the result, because parsing ~700 modules takes seconds.

Nothing of the collection is copied into this repository; without the collection the simulator
stops with an error that says how to install it.

Cache: ``$FORTIGATE_SIM_CACHE`` or ``$XDG_CACHE_HOME/fortigate-sim`` (``~/.cache/fortigate-sim``),
one pickle per collection identity (version + checksum of its ``FILES.json``/``MANIFEST.json``),
written atomically. Each table is pickled on its own so a process only unpickles the tables it uses.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import os
import pickle
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

log = logging.getLogger(__name__)

# Bump when the shape of TableSpec/AttrSpec or the reading rules change (invalidates caches).
FORMAT = 3

COLLECTION_ENV = "FORTIGATE_SIM_FORTIOS_COLLECTION"
CACHE_ENV = "FORTIGATE_SIM_CACHE"

# Attribute kinds as the collection describes them.
STRING, INTEGER, OPTION, MULTI, NAMELIST, TABLE, OBJECT = (
    "string", "integer", "option", "multi", "namelist", "table", "object")

Version = tuple  # (major, minor, patch)
Ranges = tuple   # ((low, high or None), ...): releases an attribute or option exists on, inclusive


class CollectionNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class AttrSpec:
    """One attribute as the collection knows it (FortiOS name)."""

    name: str
    kind: str
    ranges: Ranges
    options: tuple = ()              # ((value, ranges or None), ...) for OPTION/MULTI
    child: Optional["TableSpec"] = None  # TABLE/OBJECT: the nested schema; NAMELIST: its one-key table


@dataclass(frozen=True)
class TableSpec:
    """A table (``mkey`` set), singleton (``mkey`` None) or nested schema, attributes in order.

    ``attrs`` may hold one name twice when the collection describes it differently on different
    releases (e.g. phase1 ``monitor``: a string up to 7.4.0, a list from 7.4.1)."""

    path: str
    name: str
    mkey: Optional[str]
    mkey_kind: str
    attrs: tuple
    module: str = ""


# ---- locating the collection ---------------------------------------------------------------------

def _candidates() -> Iterator[Path]:
    explicit = os.environ.get(COLLECTION_ENV)
    if explicit:
        yield Path(explicit)
        return
    roots = []
    for var in ("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS"):
        roots += [p for p in os.environ.get(var, "").split(os.pathsep) if p]
    roots += [p for p in sys.path if p]
    roots += [str(Path.home() / ".ansible" / "collections"), "/usr/share/ansible/collections"]
    for root in roots:
        base = Path(root)
        if base.name != "ansible_collections":
            base = base / "ansible_collections"
        yield base / "fortinet" / "fortios"


def locate() -> Path:
    """The installed ``fortinet.fortios`` collection directory (the one holding ``MANIFEST.json``)."""
    for candidate in _candidates():
        if (candidate / "plugins" / "modules").is_dir():
            return candidate
    raise CollectionNotFound(
        "the fortinet.fortios Ansible collection was not found; the simulator builds its CMDB schema "
        "from it. Install it (`pip install ansible` bundles it, or `ansible-galaxy collection install "
        f"fortinet.fortios`) or set {COLLECTION_ENV} to its directory (…/ansible_collections/fortinet/fortios)")


def identity(collection: Path) -> tuple[str, str]:
    """(version, checksum) of a collection: what the cache is keyed by."""
    digest = hashlib.sha256(str(FORMAT).encode())
    version = "unknown"
    manifest = collection / "MANIFEST.json"
    files = collection / "FILES.json"
    if manifest.is_file():
        text = manifest.read_bytes()
        digest.update(text)
        match = re.search(rb'"version"\s*:\s*"([^"]+)"', text)
        version = match.group(1).decode() if match else version
    if files.is_file():
        digest.update(files.read_bytes())
    else:  # a source checkout: key by the modules' names, sizes and times
        for module in sorted((collection / "plugins" / "modules").glob("fortios_*.py")):
            stat = module.stat()
            digest.update(f"{module.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return version, digest.hexdigest()[:20]


# ---- reading one module --------------------------------------------------------------------------

_SET_CALL = re.compile(r'fos\.set\(\s*"([^"]+)",\s*"([^"]+)"')
_MKEY = re.compile(r'\n    mkeyname = (None|"[^"]*")')
_RENAME = re.compile(r'def remap_attribute_name\(data\):\s*speciallist = (\{[^}]*\})')
_INVALID = re.compile(r'def valid_attr_to_invalid_attr\(data\):\s*speciallist = (\{[^}]*\})')
_SCHEMA_START = "\nversioned_schema = "


def _version(text: str) -> Version:
    return tuple(int(p) for p in text.lstrip("v").split("."))


def _ranges(v_range) -> Ranges:
    if not v_range:
        return ()
    return tuple((_version(low), _version(high) if high else None) for low, high in v_range)


class _Names:
    """How one module turns its option names into FortiOS attribute names and values."""

    def __init__(self, renames: dict, invalid: dict):
        self.renames = renames      # hyphenated module name -> FortiOS name
        self.invalid = {v: k for k, v in invalid.items()}  # module name/value -> FortiOS one

    def attribute(self, module_name: str) -> str:
        name = self.invalid.get(module_name, module_name).replace("_", "-")
        return self.renames.get(name, name)

    def value(self, module_value: str) -> str:
        return self.invalid.get(module_value, module_value)


def _options(spec: dict, names: _Names) -> tuple:
    return tuple((names.value(str(o["value"])), _ranges(o.get("v_range")) or None)
                 for o in spec.get("options", ()))


def _attr(module_name: str, spec: dict, names: _Names, path: str) -> AttrSpec:
    name = names.attribute(module_name)
    ranges = _ranges(spec.get("v_range"))
    kind = spec.get("type")
    if kind == "integer":
        return AttrSpec(name, INTEGER, ranges)
    if kind == "string":
        options = _options(spec, names)
        return AttrSpec(name, OPTION if options else STRING, ranges, options)
    if kind == "dict":
        return AttrSpec(name, OBJECT, ranges, child=_nested(spec, names, path, name, None))
    if kind == "list" and "children" not in spec:
        return AttrSpec(name, MULTI, ranges, _options(spec, names))
    if kind == "list":
        children = spec["children"]
        required = [n for n, c in children.items() if c.get("required")]
        mkey = names.attribute(required[0] if required else next(iter(children)))
        child = _nested(spec, names, path, name, mkey)
        return AttrSpec(name, NAMELIST if len(children) == 1 else TABLE, ranges, child=child)
    raise ValueError(f"{path}: attribute {module_name}: unknown type {kind!r}")


def _nested(spec: dict, names: _Names, path: str, name: str, mkey: Optional[str]) -> TableSpec:
    attrs = tuple(_attr(n, c, names, f"{path}/{name}") for n, c in spec["children"].items())
    return TableSpec(path, name, mkey, _mkey_kind(attrs, mkey), attrs)


def _mkey_kind(attrs: tuple, mkey: Optional[str]) -> str:
    found = next((a for a in attrs if a.name == mkey), None)
    return INTEGER if found is not None and found.kind == INTEGER else STRING


def read_module(text: str, module: str = "") -> Optional[TableSpec]:
    """The table a module manages, or None for modules that manage none (facts, monitor, ...)."""
    start = text.find(_SCHEMA_START)
    call = _SET_CALL.search(text)
    if start < 0 or call is None:
        return None
    end = text.find("\n}\n", start)
    schema = ast.literal_eval(text[start + len(_SCHEMA_START):end + 2])
    mkey_match = _MKEY.search(text)
    mkey = ast.literal_eval(mkey_match.group(1)) if mkey_match else None
    renames = _RENAME.search(text)
    invalid = _INVALID.search(text)
    names = _Names(ast.literal_eval(renames.group(1)) if renames else {},
                   ast.literal_eval(invalid.group(1)) if invalid else {})
    path, name = call.group(1), call.group(2)
    attrs = tuple(_attr(n, c, names, f"{path}/{name}") for n, c in schema["children"].items())
    if schema.get("type") != "list":
        mkey = None
    elif mkey is not None:
        mkey = names.attribute(mkey)
    return TableSpec(path, name, mkey, _mkey_kind(attrs, mkey), attrs, module)


def read_collection(collection: Path) -> dict[str, TableSpec]:
    """Every table of the collection, keyed ``<path>/<name>`` (e.g. ``vpn.ipsec/phase1-interface``)."""
    tables: dict[str, TableSpec] = {}
    for module in sorted((collection / "plugins" / "modules").glob("fortios_*.py")):
        spec = read_module(module.read_text(encoding="utf-8"), module.stem)
        if spec is not None:
            tables.setdefault(f"{spec.path}/{spec.name}", spec)
    return tables


# ---- cache ---------------------------------------------------------------------------------------

def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fortigate-sim"


class Catalog:
    """The collection's tables, unpickled one by one on first use."""

    def __init__(self, version: str, packed: dict[str, bytes], source: Path):
        self.version = version
        self.source = source
        self._packed = packed
        self._loaded: dict[str, TableSpec] = {}

    def keys(self):
        return self._packed.keys()

    def __contains__(self, key: str) -> bool:
        return key in self._packed

    def __len__(self) -> int:
        return len(self._packed)

    def get(self, key: str) -> Optional[TableSpec]:
        spec = self._loaded.get(key)
        if spec is None and key in self._packed:
            spec = self._loaded[key] = pickle.loads(self._packed[key])
        return spec


def load(collection: Optional[Path] = None, cache: Optional[Path] = None) -> Catalog:
    """The catalog of the installed collection, from the cache when it is current."""
    collection = collection or locate()
    version, checksum = identity(collection)
    folder = cache or cache_dir()
    cache_file = folder / f"fortios-{version}-{checksum}.pickle"
    try:
        with cache_file.open("rb") as handle:
            packed = pickle.load(handle)
        if isinstance(packed, dict) and packed:
            return Catalog(version, packed, collection)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    tables = read_collection(collection)
    packed = {key: pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL) for key, spec in tables.items()}
    _write_atomically(cache_file, pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
    return Catalog(version, packed, collection)


def _write_atomically(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError as exc:  # a read-only cache: parse again next time
        log.warning("cannot write the schema cache %s: %s", target, exc)
