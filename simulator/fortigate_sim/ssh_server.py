"""The SSH CLI of a simulated FortiGate (asyncssh): login, terminal handling, paging.

One server per device on the device's own loopback address (OS-assigned port), all with the lab's host key. Password
login with the device's admin user. The shell is a ``CliSession``; this module only does what a
terminal needs:

* echo of typed characters, backspace, Ctrl-C (drop the line), Ctrl-D (leave), CR, LF or CRLF
  as the end of a line, arrow-key escape sequences ignored;
* ``\\r\\n`` line ends on a PTY;
* paging: with ``config system console`` / ``set output more`` (the FortiOS default) and a PTY,
  output longer than the terminal stops at ``--More--`` until a key: space = next page,
  Enter = next line, ``q`` = stop. Clients turn this off at login with ``set output standard``.

``ssh admin@host -p PORT 'get system status'`` (an exec request, no PTY) runs each line of the
command and exits, without paging, as FortiOS does.

Nothing typed is logged: CLI lines carry PSKs and passwords.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path
from typing import Any, Optional

import asyncssh

from .cli_session import CliSession, ConsoleSettings

log = logging.getLogger(__name__)
# asyncssh logs exec commands at INFO, and they can carry PSKs: keep only its warnings.
logging.getLogger("asyncssh").setLevel(logging.WARNING)

HOST_KEY_FILE = "ssh_host_ed25519_key"
DEFAULT_ROWS = 24
MORE = "--More-- "
ERASE_MORE = "\r" + " " * len(MORE) + "\r"


def load_host_key(directory: Path) -> asyncssh.SSHKey:
    """The lab's host key, generated on first use and kept in the workdir (0600)."""
    path = directory / HOST_KEY_FILE
    if path.exists():
        return asyncssh.read_private_key(str(path))
    directory.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="fortigate-sim")
    key.write_private_key(str(path))
    path.chmod(0o600)
    key.write_public_key(str(path) + ".pub")
    return key


def known_hosts_line(address: str, port: int, key: asyncssh.SSHKey) -> str:
    """An OpenSSH ``known_hosts`` line for ``address`` on ``port``."""
    public = key.export_public_key("openssh").decode().split()
    return f"[{address}]:{port} {public[0]} {public[1]}\n"


class DeviceSshServer:
    """The SSH endpoint of one device."""

    def __init__(self, lab: Any, device: Any, host_key: asyncssh.SSHKey, operational=None):
        self.lab = lab
        self.device = device
        self.host_key = host_key
        self.operational = operational
        self.console = ConsoleSettings()
        self._acceptor: Optional[asyncssh.SSHAcceptor] = None
        self.port: Optional[int] = None

    async def start(self) -> int:
        self._acceptor = await asyncssh.create_server(
            lambda: _Login(self.device), self.device.address, 0,
            server_host_keys=[self.host_key], process_factory=self._run_process,
            line_editor=False, encoding="utf-8", config=None, keepalive_interval=0,
            server_version="FortiGate-sim")
        self.port = self._acceptor.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None

    async def _run_process(self, process: asyncssh.SSHServerProcess) -> None:
        session = CliSession(self.lab, self.device, self.console, self.operational)
        try:
            if process.command is not None:
                await _run_exec(process, session)
            else:
                await Terminal(process, session, self.console).run()
        except (asyncssh.BreakReceived, asyncssh.SignalReceived, asyncssh.TerminalSizeChanged):
            pass
        except (ConnectionError, asyncssh.DisconnectError, BrokenPipeError):
            return
        except Exception:  # a simulator bug must not kill the server
            log.exception("device %s: CLI session failed", self.device.spec.name)
        process.exit(0)


class _Login(asyncssh.SSHServer):
    """Password login with the device's admin account (no keys, no keyboard-interactive)."""

    def __init__(self, device: Any):
        self.device = device
        self.peer = "?"

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.peer = conn.get_extra_info("peername", ("?",))[0]

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        spec = self.device.spec
        ok = secrets.compare_digest(username.encode(), spec.admin_user.encode()) and \
            secrets.compare_digest(password.encode(), spec.admin_password.encode())
        log.info("device %s: ssh login %s for %s from %s", spec.name, "ok" if ok else "failed", username, self.peer)
        return ok


async def _run_exec(process: asyncssh.SSHServerProcess, session: CliSession) -> None:
    for line in process.command.splitlines():
        process.stdout.write(session.execute(line))
        if session.closed:
            break


class Terminal:
    """Line input with echo and paged output over an interactive (PTY) session."""

    def __init__(self, process: asyncssh.SSHServerProcess, session: CliSession, console: ConsoleSettings):
        self.process = process
        self.session = session
        self.console = console
        self.pty = process.get_terminal_type() is not None
        self._pending = ""
        self._last_was_cr = False

    def write(self, text: str) -> None:
        self.process.stdout.write(text.replace("\n", "\r\n") if self.pty else text)

    async def run(self) -> None:
        self.write(self.session.prompt)
        while True:
            line = await self.read_line()
            if line is None:
                return
            output = self.session.execute(line)
            await self.write_paged(output)
            if self.session.closed:
                return
            self.write(self.session.prompt)

    async def _key(self) -> Optional[str]:
        """The next input character, or None at end of input."""
        if not self._pending:
            data = await self.process.stdin.read(4096)
            if not data:
                return None
            self._pending = data
        ch, self._pending = self._pending[0], self._pending[1:]
        return ch

    async def _key_after_line(self) -> Optional[str]:
        """The next key, skipping the LF of a CRLF that ended the previous line."""
        while True:
            ch = await self._key()
            after_cr, self._last_was_cr = self._last_was_cr, ch == "\r"
            if not (ch == "\n" and after_cr):
                return ch

    async def _skip_escape(self) -> None:
        """Drop an escape sequence (arrow keys...): ESC [ or ESC O, then up to a final byte."""
        ch = await self._key()
        if ch in ("[", "O"):
            while ch is not None:
                ch = await self._key()
                if ch is not None and "@" <= ch <= "~":
                    return

    async def read_line(self) -> Optional[str]:
        buf: list[str] = []
        while True:
            ch = await self._key_after_line()
            if ch is None:
                return None
            if ch in "\r\n":
                self.write("\n")
                return "".join(buf)
            if ch == "\x1b":
                await self._skip_escape()
            elif ch in "\x7f\x08":
                if buf:
                    buf.pop()
                    self.write("\b \b")
            elif ch == "\x03":
                self.write("^C\n")
                return ""
            elif ch == "\x04":
                if not buf:
                    return None
            elif ch == "\x15":
                self.write("\b \b" * len(buf))
                buf.clear()
            elif ch >= " ":
                buf.append(ch)
                self.write(ch)

    async def write_paged(self, output: str) -> None:
        if not (self.pty and self.console.paging):
            self.write(output)
            return
        lines = output.splitlines(keepends=True)
        rows = self.process.get_terminal_size()[1] or DEFAULT_ROWS
        full_page = max(rows - 1, 1)
        index, page = 0, full_page
        while index < len(lines):
            self.write("".join(lines[index:index + page]))
            index += page
            if index >= len(lines):
                return
            self.write(MORE)
            key = await self._key_after_line()
            self.write(ERASE_MORE)
            if key in (None, "q", "Q", "\x03"):
                return
            page = 1 if key in "\r\n" else full_page  # Enter: one more line


async def start_servers(lab: Any, host_key: asyncssh.SSHKey, operational=None) -> list[DeviceSshServer]:
    """Start one server per device of ``lab`` and set ``device.ssh_port``."""
    servers = []
    for device in lab.devices.values():
        server = DeviceSshServer(lab, device, host_key, operational)
        device.ssh_port = await server.start()
        servers.append(server)
    return servers


async def close_servers(servers: list[DeviceSshServer]) -> None:
    await asyncio.gather(*(server.close() for server in servers), return_exceptions=True)
