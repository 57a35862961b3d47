"""One interactive FortiOS CLI session: prompts, config contexts, show/get, operational commands.

The SSH server feeds it one line at a time and prints what it returns; nothing here knows about
SSH, so the session is tested directly. Configuration goes through ``cli_lang`` and the device's
``DeviceStore`` exactly like the lab's initial configuration and the REST API:

* each ``set``/``unset``/... is checked at once (value syntax, datasource references, attributes
  of this release), as FortiOS does, and kept as a ``cli_lang`` command;
* an ``edit`` is committed at its ``next`` (or ``end``), a singleton such as ``router bgp`` at its
  ``end``; ``delete``/``purge``/``rename``/``move`` of a top-level table apply at once;
* a refused commit prints FortiOS's error lines and stays in the context, so the user (or the
  cliconf plugin) can fix the value or leave with ``abort``, which discards the pending entry.

Prompts: ``HOST # ``; inside ``config`` the context's last word or the edited key,
``HOST (phase1-interface) # ``, ``HOST (SiteA-to-SiteB) # ``; with VDOMs ``config global`` and
``config vdom`` / ``edit <vdom>`` give ``HOST (global) # ``, ``HOST (vdom) # ``, ``HOST (root) # ``.

Not modelled: keyword abbreviations (``sh`` for ``show``), ``?`` help, tab completion, the
confirmation question of ``purge``, and uncommitted changes in ``show`` inside an ``edit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from . import cli_lang, refs
from .cli_grep import PipeError, apply_pipes, split_pipes
from .cli_lang import Command, ConfigBlock, EditBlock
from .errors import COMMAND_ERROR, INCOMPLETE, INVALID_VALUE, NOT_FOUND, CmdbError, FieldError
from .schema import NAMELIST, OBJECT, SECRET, TABLE, TABLES, TableSchema
from .store import Target

ROOT, GLOBAL, VDOMS, VDOM, TABLE_CTX, EDIT, CONSOLE = (
    "root", "global", "vdoms", "vdom", "table", "edit", "console")
SCOPES = (ROOT, GLOBAL, VDOM)
ATTRIBUTE_VERBS = ("set", "unset", "append", "select", "unselect")
# Verbs FortiOS knows at the top level; anything else is "Unknown action 0".
TOP_VERBS = ("config", "show", "get", "diagnose", "execute", "tree", "fnsysctl", "sudo")

UNKNOWN_ACTION = "Unknown action 0\n"


def command_fail(message: str, code: int) -> str:
    """FortiOS's error block: the reason, then ``Command fail. Return code N``."""
    head = message.rstrip("\n") + "\n" if message else ""
    return f"{head}Command fail. Return code {code}\n"


def not_in_datasource(name: Any, code: int = NOT_FOUND) -> str:
    """A name the table (or the attribute's datasource) does not hold."""
    return command_fail(f"entry not found in datasource\n\nvalue parse error before '{name}'", code)


def parse_error(token: str) -> str:
    return command_fail(f"command parse error before '{token}'", COMMAND_ERROR)


def value_error(token: Any) -> str:
    return command_fail(f"value parse error before '{token}'", INVALID_VALUE)


class CommandFailed(Exception):
    """Raised inside a handler to print FortiOS error text (already formatted)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


# ---- console settings (config system console) -------------------------------------------------

CONSOLE_OPTIONS = {
    "mode": ("batch", "line"),
    "baudrate": ("9600", "19200", "38400", "57600", "115200"),
    "output": ("standard", "more"),
    "login": ("enable", "disable"),
    "fortiexplorer": ("enable", "disable"),
}
CONSOLE_DEFAULTS = {"mode": "line", "baudrate": "9600", "output": "more", "login": "enable",
                    "fortiexplorer": "enable"}


@dataclass
class ConsoleSettings:
    """``config system console`` of one device, shared by its sessions as on FortiOS.

    Kept beside the CMDB (not in it): only ``output`` matters to the simulator, for paging.
    """

    values: dict = field(default_factory=lambda: dict(CONSOLE_DEFAULTS))

    @property
    def paging(self) -> bool:
        return self.values["output"] == "more"


# ---- the session ---------------------------------------------------------------------------------

@dataclass
class Frame:
    kind: str
    label: str = ""
    vdom: str = "root"
    table: Optional[TableSchema] = None
    block: Optional[ConfigBlock] = None   # TABLE_CTX: the ``config`` being built
    edit: Optional[EditBlock] = None      # EDIT: the entry being built
    pending: dict = field(default_factory=dict)  # CONSOLE: values until ``end``

    @property
    def body(self) -> list:
        """Where ``set`` lines and child ``config`` blocks of this context go."""
        return self.edit.body if self.edit is not None else self.block.body


OperationalRunner = Callable[[Any, str, str, str], Optional[str]]


class CliSession:
    def __init__(self, lab: Any, device: Any, console: ConsoleSettings,
                 operational: Optional[OperationalRunner] = None):
        self.lab = lab
        self.device = device
        self.store = device.store
        self.console = console
        self.operational = operational
        self.vdom_mode = device.vdom_mode
        self.stack: list[Frame] = [Frame(ROOT, vdom=device.spec.vdoms[0])]
        self.closed = False
        self._lineno = 0

    # ---- public ------------------------------------------------------------------------------
    @property
    def hostname(self) -> str:
        return self.device.global_setting("hostname") or self.device.spec.hostname

    @property
    def prompt(self) -> str:
        top = self.stack[-1]
        return f"{self.hostname} # " if top.kind == ROOT else f"{self.hostname} ({top.label}) # "

    def execute(self, line: str) -> str:
        """Run one input line; returns its output (``\\n`` line ends, possibly empty)."""
        self._lineno += 1
        try:
            command, pipes = split_pipes(line)
        except PipeError as exc:
            return parse_error(exc.token)
        if not command or command.startswith("#"):
            return ""
        try:
            words = cli_lang.tokenize(command, self._lineno)
        except cli_lang.CliSyntaxError:
            return parse_error(command.split()[-1])
        try:
            output = self._dispatch(words)
        except CommandFailed as exc:
            output = exc.text
        try:
            return apply_pipes(output, pipes) if pipes else output
        except PipeError as exc:
            return parse_error(exc.token)

    # ---- dispatch ----------------------------------------------------------------------------
    @property
    def top(self) -> Frame:
        return self.stack[-1]

    def _dispatch(self, words: list[str]) -> str:
        verb, args = words[0], words[1:]
        if verb == "exit":
            self.closed = True
            return ""
        handler = {ROOT: self._scope, GLOBAL: self._scope, VDOM: self._scope, VDOMS: self._vdoms,
                   TABLE_CTX: self._table, EDIT: self._entry, CONSOLE: self._console}[self.top.kind]
        return handler(verb, args)

    # ---- scopes: top level, config global, config vdom / edit <vdom> -------------------------
    def _scope(self, verb: str, args: list[str]) -> str:
        frame = self.top
        if verb == "config":
            return self._enter_config(args)
        if verb == "show":
            return self._show(args)
        if verb in ("end", "abort") and frame.kind != ROOT:
            self._pop_scope()
            return ""
        if verb == "next" and frame.kind == VDOM:
            self.stack.pop()
            return ""
        if verb == "get" and args[:2] == ["system", "console"]:
            return self._console_get(self.console.values) if len(args) == 2 else parse_error(args[2])
        output = self._operational(verb, args)
        if output is not None:
            return output
        if verb == "get":
            return self._get_table(args)
        if verb in TOP_VERBS:
            return parse_error(args[-1] if args else verb)
        return UNKNOWN_ACTION

    def _pop_scope(self) -> None:
        if self.top.kind == VDOM:
            self.stack.pop()  # `end` in a VDOM leaves `config vdom` too
        self.stack.pop()

    def _operational(self, verb: str, args: list[str]) -> Optional[str]:
        if self.operational is None or verb in ("config", "show", "end", "next", "abort"):
            return None
        line = " ".join([verb, *[cli_lang.quote(a) if " " in a else a for a in args]])
        return self.operational(self.lab, self.device.spec.name, self.top.vdom, line)

    def _enter_config(self, words: list[str]) -> str:
        frame = self.top
        if not words:
            return parse_error("config")
        if words == ["vdom"] or words == ["global"]:
            if not self.vdom_mode or frame.kind != ROOT:
                return parse_error(words[0])
            kind = VDOMS if words == ["vdom"] else GLOBAL
            self.stack.append(Frame(kind, label=words[0], vdom=frame.vdom))
            return ""
        if words == ["system", "console"]:
            if self.vdom_mode and frame.kind != GLOBAL:
                return parse_error("system")
            self.stack.append(Frame(CONSOLE, label="console", vdom=frame.vdom))
            return ""
        table = cli_lang.table_for_path(words)
        if table is None:
            return parse_error(cli_lang.path_error_token(words))
        if self.vdom_mode and (frame.kind == ROOT or (frame.kind == GLOBAL and table.scope != "global")):
            return parse_error(words[0])
        self.stack.append(Frame(TABLE_CTX, label=words[-1], vdom=frame.vdom, table=table,
                                block=ConfigBlock(list(words), [], self._lineno)))
        return ""

    def _vdoms(self, verb: str, args: list[str]) -> str:
        if verb == "edit" and len(args) == 1:
            if args[0] not in self.device.spec.vdoms:
                return command_fail(f"vdom {args[0]} does not exist (the simulator cannot create VDOMs)",
                                    NOT_FOUND)
            self.stack.append(Frame(VDOM, label=args[0], vdom=args[0]))
            return ""
        if verb in ("end", "abort"):
            self.stack.pop()
            return ""
        if verb in ("show", "get"):
            return "".join(f'== [ {name} ]\nname: {name}\n' for name in self.device.spec.vdoms)
        return parse_error(verb)

    # ---- config <table>: entries -------------------------------------------------------------
    def _is_top_table(self, frame: Frame) -> bool:
        """A ``config`` opened directly in a scope (its edits commit at ``next``)."""
        index = self.stack.index(frame)
        return self.stack[index - 1].kind in SCOPES

    def _table(self, verb: str, args: list[str]) -> str:
        frame = self.top
        if frame.table.singleton:
            return self._entry(verb, args)
        if verb == "edit" and len(args) == 1:
            return self._edit(frame, args[0])
        if verb in ("delete", "purge", "rename", "move"):
            return self._table_command(frame, Command(verb, list(args), self._lineno))
        if verb in ("end", "abort"):
            self._leave(frame, discard=verb == "abort")
            return ""
        if verb in ("show", "get"):
            return self._context_view(verb, args)
        return parse_error(verb)

    def _edit(self, frame: Frame, text: str) -> str:
        table = frame.table
        try:
            key = table.parse_mkey(text)
        except FieldError as exc:
            return value_error(exc.token)
        if table.auto_mkey and key == 0:
            key = self._next_free_key(frame)
        existing = self._stored_rows(frame)
        edit = EditBlock(str(key), [], self._lineno)
        frame.block.body.append(edit)
        self.stack.append(Frame(EDIT, label=str(key), vdom=frame.vdom, table=table, edit=edit))
        if existing is not None and any(str(k) == str(key) for k in existing):
            return ""
        return f"new entry '{key}' added\n"

    def _table_command(self, frame: Frame, command: Command) -> str:
        if command.verb == "move":
            return self._move(frame, command.args)
        if not self._is_top_table(frame):
            frame.block.body.append(command)  # committed with the enclosing entry
            return ""
        if command.verb == "delete" and command.args:
            rows = self._stored_rows(frame) or {}
            missing = [key for key in command.args if not any(str(k) == key for k in rows)]
            if missing:
                return not_in_datasource(missing[0])
        return self._commit(frame, [command])

    def _move(self, frame: Frame, args: list[str]) -> str:
        table = frame.table
        if not table.movable or not self._is_top_table(frame):
            return parse_error("move")
        if len(args) != 3 or args[1] not in ("before", "after"):
            return parse_error(args[-1] if args else "move")
        try:
            target = Target(table, frame.vdom, table.parse_mkey(args[0]))
            anchor = table.parse_mkey(args[2])
            self.store.move(target, **{args[1]: anchor})
        except FieldError as exc:
            return value_error(exc.token)
        except CmdbError as exc:
            return command_fail(exc.message, exc.error)
        return ""

    def _next_free_key(self, frame: Frame) -> int:
        used = {int(k) for k in (self._stored_rows(frame) or {})}
        used |= {int(node.key) for node in frame.block.body if isinstance(node, EditBlock)}
        return max(used, default=0) + 1

    # ---- an entry (edit) or a singleton --------------------------------------------------------
    def _entry(self, verb: str, args: list[str]) -> str:
        frame = self.top
        if verb in ATTRIBUTE_VERBS:
            self._check_attribute(frame, verb, args)
            frame.body.append(Command(verb, list(args), self._lineno))
            return ""
        if verb == "config":
            child = frame.table.field(args[0], self.store.version) if len(args) == 1 else None
            if child is None or child.kind not in (TABLE, OBJECT):
                return parse_error(args[0] if args else "config")
            block = ConfigBlock([args[0]], [], self._lineno)
            frame.body.append(block)
            self.stack.append(Frame(TABLE_CTX, label=args[0], vdom=frame.vdom, table=child.child, block=block))
            return ""
        if verb == "next" and frame.kind == EDIT:
            return self._finish_edit(frame)
        if verb == "end":
            if frame.kind == EDIT:
                output = self._finish_edit(frame)
                if self.top is frame:  # commit refused: stay in the entry
                    return output
                self._leave(self.top, discard=False)
                return output
            return self._leave(frame, discard=False)
        if verb == "abort":
            if frame.kind == EDIT:
                self.stack.pop()
                self.top.block.body.remove(frame.edit)
                return ""
            return self._leave(frame, discard=True)
        if verb in ("show", "get"):
            return self._context_view(verb, args)
        return parse_error(verb)

    def _finish_edit(self, frame: Frame) -> str:
        """``next``: leave the entry; commit it when its table is a top-level one."""
        parent = self.stack[-2]
        if not self._is_top_table(parent):
            self.stack.pop()
            return ""
        output = self._commit(parent, [frame.edit])
        if not output:
            self.stack.pop()
            parent.block.body.remove(frame.edit)
        return output

    def _leave(self, frame: Frame, discard: bool) -> str:
        """``end``/``abort`` of a ``config`` context; a top-level singleton commits on ``end``."""
        top_level = self._is_top_table(frame)
        if frame.table.singleton and top_level and not discard and frame.block.body:
            output = self._commit(frame, frame.block.body)
            if output:
                return output
        self.stack.pop()
        if discard and not top_level:
            self.top.body.remove(frame.block)
        return ""

    def _commit(self, frame: Frame, nodes: list) -> str:
        """Apply ``nodes`` of the top-level ``config`` of ``frame`` through ``cli_lang``."""
        block = ConfigBlock(frame.block.path, list(nodes), frame.block.line)
        try:
            cli_lang.execute(self.store, [block], vdom=frame.vdom, origin="cli")
        except cli_lang.CliError as exc:
            # cli_lang keeps the store's CmdbError as the implicit context (``raise ... from None``
            # only hides it); its number is the FortiOS return code.
            cause = exc.__context__
            if isinstance(cause, CmdbError):
                return command_fail(cause.message, cause.error)
            return command_fail(exc.message, exc.code)
        except CmdbError as exc:
            return command_fail(exc.message, exc.error)
        return ""

    def _check_attribute(self, frame: Frame, verb: str, args: list[str]) -> None:
        """What FortiOS refuses as soon as the line is typed (raises ``CommandFailed``)."""
        if not args:
            raise CommandFailed(parse_error(verb))
        table, attr, values = frame.table, args[0], args[1:]
        fld = table.field(attr, self.store.version)
        if fld is None or attr == table.mkey or fld.kind in (TABLE, OBJECT):
            raise CommandFailed(parse_error(attr))  # unknown here, or of another release
        if verb == "unset":
            if values:
                raise CommandFailed(parse_error(values[0]))
            return
        if not values:
            raise CommandFailed(command_fail("incomplete command in the end", INCOMPLETE))
        try:
            value = fld.parse(cli_lang.value_from_tokens(fld, values), self.store.version)
        except FieldError as exc:
            raise CommandFailed(value_error(exc.token)) from None
        if fld.ref and fld.kind != SECRET:
            for name in refs.names(fld, value):
                if name not in fld.builtin and not refs.exists(self.store, fld, frame.vdom, name):
                    raise CommandFailed(not_in_datasource(name, INVALID_VALUE))

    # ---- stored data behind the current contexts -------------------------------------------------
    def _base(self) -> int:
        """Index of the outermost ``config <table>`` context (the first one above the scopes)."""
        return max(i for i, frame in enumerate(self.stack) if frame.kind in SCOPES) + 1

    def _stored_rows(self, frame: Frame) -> Optional[dict]:
        """mkey -> stored object of the table that ``frame`` edits (None if its parent is new)."""
        index, base = self.stack.index(frame), self._base()
        top = self.stack[base]
        if index == base:
            return self.store.entries(top.table.key, top.vdom)
        try:
            if top.table.singleton:
                obj = self.store.read(Target(top.table, top.vdom))
                path = self.stack[base + 1:index + 1]
            else:
                obj = self.store.read(Target(top.table, top.vdom, top.table.parse_mkey(self.stack[base + 1].label)))
                path = self.stack[base + 2:index + 1]
        except (CmdbError, FieldError):
            return None
        rows: list = []
        for ctx in path:
            if ctx.kind == TABLE_CTX:
                rows = obj.get(ctx.label, [])
                if ctx is frame:
                    return {row.get(ctx.table.mkey): row for row in rows}
            else:
                obj = next((row for row in rows if str(row.get(ctx.table.mkey)) == ctx.label), None)
                if obj is None:
                    return None
        return None

    # ---- show / get ----------------------------------------------------------------------------
    def _show(self, args: list[str]) -> str:
        full = bool(args) and args[0] == "full-configuration"
        words = args[1:] if full else args
        vdom = self.top.vdom
        if not words:
            return self._show_all(full)
        if words[:2] == ["system", "console"]:
            return self._console_show(self.console.values, full) if len(words) == 2 else parse_error(words[2])
        for size in range(len(words), 1, -1):
            table = cli_lang.table_for_path(words[:size])
            if table is None:
                continue
            rest = words[size:]
            if len(rest) > 1 or (rest and table.singleton):
                return parse_error(rest[-1])
            keys = None
            if rest:
                try:
                    key = table.parse_mkey(rest[0])
                except FieldError as exc:
                    return value_error(exc.token)
                if not self.store.exists(table.key, vdom, key):
                    return not_in_datasource(rest[0])
                keys = [key]
            text = cli_lang.render_table(self.store, table.key, vdom, full=full, keys=keys)
            return text or f"config {' '.join(words[:size])}\nend\n"
        return parse_error(cli_lang.path_error_token(words))

    def _show_all(self, full: bool) -> str:
        frame = self.top
        if not self.vdom_mode or frame.kind == VDOM:
            return cli_lang.render(self.store, frame.vdom, full=full)
        global_keys = [key for key in cli_lang.RENDER_ORDER if key in TABLES and TABLES[key].scope == "global"]
        text = "".join(cli_lang.render_table(self.store, key, frame.vdom, full=full) for key in global_keys)
        if frame.kind == GLOBAL:
            return text
        out = ["config global", text.rstrip("\n"), "end", "config vdom"]
        for vdom in self.device.spec.vdoms:
            out += [f"edit {vdom}", cli_lang.render(self.store, vdom, full=full).rstrip("\n"), "next"]
        out.append("end")
        return "\n".join(line for line in out if line) + "\n"

    def _context_view(self, verb: str, args: list[str]) -> str:
        """``show``/``get`` inside ``config``: the stored state of the outermost table or entry."""
        full = args[:1] == ["full-configuration"]
        if args and not full:
            return parse_error(args[0])
        base = self._base()
        top = self.stack[base]
        key = None
        if not top.table.singleton and base + 1 < len(self.stack):
            try:
                key = top.table.parse_mkey(self.stack[base + 1].label)
            except FieldError:
                key = None
        if verb == "get":
            if top.table.singleton or key is not None:
                try:
                    obj = self.store.read(Target(top.table, top.vdom, key))
                except CmdbError:
                    return ""
                return _format_get(top.table, obj)
            return "".join(f"== [ {k} ]\n" for k in self.store.entries(top.table.key, top.vdom))
        keys = [key] if key is not None and self.store.exists(top.table.key, top.vdom, key) else None
        if key is not None and keys is None:
            return ""  # a new entry: nothing stored yet
        return cli_lang.render_table(self.store, top.table.key, top.vdom, full=full or verb == "get", keys=keys)

    def _get_table(self, args: list[str]) -> str:
        """``get <table> [key]`` for the modelled tables (attribute listing)."""
        if not args:
            return parse_error("get")
        for size in range(len(args), 1, -1):
            table = cli_lang.table_for_path(args[:size])
            if table is None:
                continue
            rest = args[size:]
            if len(rest) > 1 or (rest and table.singleton):
                return parse_error(rest[-1])
            vdom = self.top.vdom
            if table.singleton:
                return _format_get(table, self.store.read(Target(table, vdom)))
            if not rest:
                return "".join(f"== [ {key} ]\n{table.mkey}: {key}\n"
                               for key in self.store.entries(table.key, vdom))
            try:
                return _format_get(table, self.store.read(Target(table, vdom, table.parse_mkey(rest[0]))), rest[0])
            except (CmdbError, FieldError):
                return not_in_datasource(rest[0])
        return parse_error(args[-1])

    # ---- config system console ---------------------------------------------------------------
    def _console(self, verb: str, args: list[str]) -> str:
        frame = self.top
        values = {**self.console.values, **frame.pending}
        if verb == "set" and args:
            attr = args[0]
            if attr not in CONSOLE_OPTIONS:
                return parse_error(attr)
            if len(args) != 2 or args[1] not in CONSOLE_OPTIONS[attr]:
                return value_error(args[1] if len(args) > 1 else attr)
            frame.pending[attr] = args[1]
            return ""
        if verb == "unset" and len(args) == 1 and args[0] in CONSOLE_OPTIONS:
            frame.pending[args[0]] = CONSOLE_DEFAULTS[args[0]]
            return ""
        if verb in ("end", "abort"):
            if verb == "end":
                self.console.values.update(frame.pending)
            self.stack.pop()
            return ""
        if verb == "get":
            return self._console_get(values)
        if verb == "show":
            return self._console_show(values, args[:1] == ["full-configuration"])
        return parse_error(args[0] if verb in ATTRIBUTE_VERBS and args else verb)

    @staticmethod
    def _console_get(values: dict) -> str:
        return "".join(f"{name:<20}: {values[name]}\n" for name in CONSOLE_OPTIONS)

    @staticmethod
    def _console_show(values: dict, full: bool) -> str:
        lines = [f"    set {name} {values[name]}" for name in CONSOLE_OPTIONS
                 if full or values[name] != CONSOLE_DEFAULTS[name]]
        return "\n".join(["config system console", *lines, "end"]) + "\n"


# ---- helpers ---------------------------------------------------------------------------------------

def _format_get(table: TableSchema, obj: dict, key: Any = None) -> str:
    """``get`` of one object: ``name                : value`` lines, child tables as ``== [ key ]``."""
    lines = []
    if table.mkey and key is not None:
        lines.append(f"{table.mkey:<20}: {key}")
    for attr, value in obj.items():
        if attr == "q_origin_key":
            continue
        fld = table.fields.get(attr)
        if fld is not None and fld.kind == TABLE:
            rows = " ".join(f"== [ {row.get(fld.child.mkey)} ]" for row in value)
            lines.append(f"{attr:<20}:{(' ' + rows) if rows else ''}")
        elif fld is not None and fld.kind == NAMELIST:
            key = fld.key_field.name
            lines.append(f"{attr:<20}: " + " ".join(f'"{item.get(key)}"' for item in value))
        else:
            lines.append(f"{attr:<20}: {value}")
    return "\n".join(lines) + "\n"
