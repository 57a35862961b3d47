# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""httpapi plugin: fortinet.fortios' REST plugin plus bounded retries and a private log."""

from __future__ import annotations

DOCUMENTATION = r"""
name: fortios
short_description: FortiOS REST API with retries and a private log (builds on fortinet.fortios)
description:
  - httpapi plugin for C(ansible.netcommon.httpapi) connections to FortiGate devices.
  - It is the C(fortinet.fortios) 2.x plugin (token, API-key session and C(/logincheck) logins, CSRF
    and Bearer headers, version detection) with two changes, so every C(fortinet.fortios) module and
    every C(overlay.fortigate) module works unchanged with O(ignore:ansible_network_os=overlay.fortigate.fortios).
  - B(Retries.) An answer HTTP 429 (rate limited) or 503 (busy) and a connection dropped before an
    answer are repeated up to O(retries) times, waiting O(retry_backoff) seconds doubled on each
    repeat, or the C(Retry-After) the device sends; each wait is capped at O(retry_max_delay).
    Only the idempotent methods of O(retry_methods) are repeated. C(POST) is never repeated, since it
    creates entries or triggers actions (logins, monitor C(tunnel_up)). C(PUT) is repeated by
    default because FortiOS CMDB C(PUT) sets absolute values, and C(DELETE) because deleting an
    entry already gone answers 404, which the modules count as success. Other statuses (500 with
    C(-651), 401, 404...) and timeouts are never repeated.
  - B(Cookie sessions.) With a user and password on releases before 6.4.2 (no
    C(/api/v2/authentication)), the upstream plugin falls back to a C(/logincheck) session but does
    not keep its session cookie, so every later request fails; this plugin keeps it.
  - B(Expired sessions.) With a user and password (a session key from C(/api/v2/authentication) or a
    C(/logincheck) cookie session), an answer HTTP 401 means the session expired (idle timeout, a
    reboot, an administrator logged it out). The upstream plugin never logs in again, so every later
    task on the host fails. This plugin logs in again once and repeats the request when its method
    is one of O(retry_methods) (a 401 is answered before the device acts, but C(POST) is still never
    repeated); a C(POST) fails with the 401 and the next request uses the new session. With an API
    token (the modules' C(access_token), or C(ansible_httpapi_session_key)) a 401 means a wrong or
    revoked token and fails at once.
  - B(Log.) The upstream plugin writes the world-readable file C(/tmp/fortios.ansible.log), with
    tokens and passwords, when a module sets C(enable_log). This plugin never writes that file. It
    writes a log only when O(log_path) is set, creates the file with mode C(0600), refuses a symbolic
    link there, and masks secrets (tokens, passwords, session keys, cookies, CSRF tokens,
    C(psksecret), C(ENC) values) in every line.
  - The same name serves as cliconf and terminal plugin for C(ansible.netcommon.network_cli), so one
    O(ignore:ansible_network_os) fits both connection types.
version_added: 0.1.0
author:
  - overlay.fortigate maintainers (@overlay-fortigate)
options:
  retries:
    description:
      - How many times a failed idempotent request is repeated; V(0) disables retries.
      - Keep the total wait below C(ansible_command_timeout) (default 30 s); the defaults add at most
        1 + 2 + 4 = 7 seconds.
    type: int
    default: 3
    vars:
      - name: ansible_httpapi_fortios_retries
    env:
      - name: OVERLAY_FORTIOS_RETRIES
  retry_backoff:
    description:
      - Seconds before the first repeat; doubled for each further repeat.
    type: float
    default: 1.0
    vars:
      - name: ansible_httpapi_fortios_retry_backoff
    env:
      - name: OVERLAY_FORTIOS_RETRY_BACKOFF
  retry_max_delay:
    description:
      - Upper bound in seconds of any single wait, including one asked for by C(Retry-After).
    type: float
    default: 10.0
    vars:
      - name: ansible_httpapi_fortios_retry_max_delay
    env:
      - name: OVERLAY_FORTIOS_RETRY_MAX_DELAY
  retry_methods:
    description:
      - HTTP methods that may be repeated. Only idempotent methods are accepted.
      - Leave out V(PUT) if you rename entries with C(PUT) (a body whose key differs from the URL's),
        the one C(PUT) whose repeat after a lost answer fails with 404.
    type: list
    elements: str
    choices: [GET, HEAD, OPTIONS, PUT, DELETE]
    default: [GET, PUT, DELETE]
    vars:
      - name: ansible_httpapi_fortios_retry_methods
  log_path:
    description:
      - File to append the plugin's debug log to (requests, statuses, retries), with secrets masked.
      - Created with mode C(0600); an existing file is switched to C(0600). A symbolic link is refused.
      - Unset (the default), nothing is written, whatever the modules' C(enable_log) says.
    type: path
    vars:
      - name: ansible_httpapi_fortios_log_path
    env:
      - name: OVERLAY_FORTIOS_LOG_PATH
notes:
  - Retries happen inside the persistent connection; the module sees one request. With O(log_path)
    set, each repeat is logged with its reason and wait.
seealso:
  - name: fortinet.fortios httpapi plugin
    description: The plugin this one extends.
    link: https://galaxy.ansible.com/ui/repo/published/fortinet/fortios/
"""

EXAMPLES = r"""
# inventory host_vars for a FortiGate reached over HTTPS
ansible_connection: ansible.netcommon.httpapi
ansible_network_os: overlay.fortigate.fortios
ansible_httpapi_use_ssl: true
ansible_httpapi_validate_certs: true
ansible_httpapi_port: 443
# optional: more patience with a busy device, and a private debug log
ansible_httpapi_fortios_retries: 5
ansible_httpapi_fortios_retry_backoff: 0.5
ansible_httpapi_fortios_log_path: "{{ playbook_dir }}/logs/{{ inventory_hostname }}-httpapi.log"
"""

import datetime
import os
import time

from ansible_collections.fortinet.fortios.plugins.httpapi.fortios import HttpApi as FortiosHttpApi

from ansible_collections.overlay.fortigate.plugins.plugin_utils.redact import redact
from ansible_collections.overlay.fortigate.plugins.plugin_utils.retry import (
    DEFAULT_METHODS,
    RetryPolicy,
    parse_retry_after,
)


class HttpApi(FortiosHttpApi):
    """``fortinet.fortios``' HttpApi with bounded retries and a private, redacted log."""

    def __init__(self, connection):
        super(HttpApi, self).__init__(connection)
        self._log_file = None
        self._log_file_path = None
        self._retry_after_header = None

    # ---- retries ----------------------------------------------------------------------------
    def _option(self, name, default):
        try:
            value = self.get_option(name)
        except KeyError:
            return default
        return default if value is None else value

    def retry_policy(self):
        """The policy from the plugin options (read on every request: options can change per task)."""
        return RetryPolicy(
            retries=int(self._option("retries", 3)),
            backoff=float(self._option("retry_backoff", 1.0)),
            max_delay=float(self._option("retry_max_delay", 10.0)),
            methods=frozenset(self._option("retry_methods", DEFAULT_METHODS)),
        )

    def handle_httperror(self, exc):
        """Remember ``Retry-After`` (the parent returns the error as the response and loses headers)."""
        headers = getattr(exc, "headers", None)
        self._retry_after_header = headers.get("Retry-After") if headers is not None else None
        return super(HttpApi, self).handle_httperror(exc)

    def send_request(self, **message_kwargs):
        """The parent's ``send_request``, repeated on 429/503 and dropped connections per the policy."""
        method = str(message_kwargs.get("method", "GET")).upper()
        url = message_kwargs.get("url", "/")
        policy = self.retry_policy()
        attempt = 0
        logged_in_again = False
        while True:
            self._retry_after_header = None
            try:
                status, body = super(HttpApi, self).send_request(**message_kwargs)
            except Exception as exc:  # the parent wraps every failure in a bare Exception
                if not policy.retry_error(method, exc, attempt):
                    raise
                wait = policy.delay(attempt)
                reason = "connection lost (%s)" % type(_innermost(exc)).__name__
            else:
                if status == 401 and not logged_in_again and self._session_login(url):
                    logged_in_again = True
                    self._log_in_again(method, url)
                    if policy.may_repeat_after_login(method):
                        continue
                if not policy.retry_status(method, status, attempt):
                    return status, body
                wait = policy.delay(attempt, parse_retry_after(self._retry_after_header))
                reason = "HTTP %s" % status
            attempt += 1
            self.log("retry %d/%d of %s %s after %s, waiting %.1fs"
                     % (attempt, policy.retries, method, url.split("?")[0], reason, wait))
            time.sleep(wait)

    # ---- expired sessions ---------------------------------------------------------------------
    def _session_login(self, url):
        """Whether this connection logged in with a user and password (not a token) for ``url``'s request.

        A configured token is never replaced by a login: its 401 is final. Login requests themselves
        are not answered by logging in again.
        """
        if url.split("?")[0] in _LOGIN_PATHS or not self._logged_in:
            return False
        if (self._options or {}).get("access_token"):
            return False
        try:
            session_key_option = self.connection.get_option("session_key")
        except KeyError:
            session_key_option = None
        return not session_key_option and bool(self._session_key or self._cookie)

    def _log_in_again(self, method, url):
        """Forget the expired session (``_auth`` is what the connection sends) and log in once more."""
        self.log("session expired (HTTP 401 on %s %s): logging in again" % (method, url.split("?")[0]))
        self._logged_in = False
        self._session_key = None
        self._cookie = None
        self._ccsrf_token = None
        self.connection._auth = None
        self.login(self.connection.get_option("remote_user"), self.connection.get_option("password"))

    # ---- cookie sessions ----------------------------------------------------------------------
    def update_auth(self, response, response_text):
        """The parent's, but keeping the session cookies of a ``/logincheck`` login.

        The parent copies the ``APSCOOKIE_*`` cookie into the headers of the login response
        only and stores it nowhere, so every later request of a cookie session (releases
        before 6.4.2, which lack ``/api/v2/authentication``) is sent with ``Cookie: None``.
        """
        headers = super(HttpApi, self).update_auth(response, response_text)
        if self._cookie is None and self.get_access_token() is None and response is not None:
            pairs = [value.split(";", 1)[0].strip() for name, value in response.getheaders()
                     if name.lower() == "set-cookie"]
            if any(pair.startswith("APSCOOKIE_") for pair in pairs):
                self._cookie = "; ".join(pair for pair in pairs if pair)
                headers["Cookie"] = self._cookie
        return headers

    # ---- log --------------------------------------------------------------------------------
    def _known_secrets(self):
        options = self._options or {}
        values = [options.get("access_token"), self._session_key, self._cookie, self._ccsrf_token]
        try:
            values.append(self.connection.get_option("password"))
        except (AttributeError, KeyError):
            pass
        return values

    def log(self, msg):
        """Replace the parent's ``/tmp/fortios.ansible.log`` writer: only to ``log_path``, 0600, redacted."""
        path = self._option("log_path", None)
        if not path:
            return
        if self._log_file is None or self._log_file_path != path:
            self._open_log(path)
        line = "%s %s\n" % (datetime.datetime.now().isoformat(timespec="milliseconds"),
                            redact(msg, self._known_secrets()))
        self._log_file.write(line)
        self._log_file.flush()

    def _open_log(self, path):
        if self._log_file is not None:
            self._log_file.close()
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, mode=0o700, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, 0o600)
        try:
            os.fchmod(fd, 0o600)
        except OSError:
            os.close(fd)
            raise
        self._log_file = os.fdopen(fd, "a", encoding="utf-8")
        self._log_file_path = path


# Requests that log in or out: a 401 there is the answer, not an expired session.
_LOGIN_PATHS = ("/api/v2/authentication", "/logincheck", "/logout")


def _innermost(error):
    """The wrapped cause of a parent-wrapped error, for a readable retry reason."""
    seen = set()
    while id(error) not in seen:
        seen.add(id(error))
        inner = next((arg for arg in getattr(error, "args", ()) if isinstance(arg, BaseException)), None)
        inner = inner or error.__cause__ or error.__context__
        if inner is None:
            break
        error = inner
    return error
