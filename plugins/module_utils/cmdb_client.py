# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A thin FortiOS CMDB client over any ``send(method, url, body)`` callable.

The modules pass the httpapi connection's ``send_request``; unit tests pass a fake. The
client builds URLs (VDOM, quoted keys), decodes envelopes, turns FortiOS errors into
:class:`CmdbError` messages that name the object, the field and the device's
``cli_error``, and records what it sent (secrets masked) so modules can report it.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb_values import mask

# FortiOS internal error numbers (the "error" field), as documented in its API reference.
FORTIOS_ERRORS = {
    -1: "invalid length of value",
    -2: "index out of range",
    -3: "entry not found",
    -4: "maximum number of entries reached",
    -5: "a duplicate entry already exists",
    -7: "value conflicts with system settings",
    -8: "invalid IP address",
    -9: "invalid netmask",
    -15: "duplicate entry found",
    -23: "entry is used by another object",
    -50: "input is in invalid format",
    -56: "empty values are not allowed",
    -61: "command error",
    -651: "input value is invalid",
}
_BEFORE_VALUE = re.compile(r"before '([^']*)'")
_FOR_ATTRIBUTE = re.compile(r"for (\S+)")


class CmdbError(Exception):
    """A CMDB request that FortiOS refused, with a message a user can act on."""

    def __init__(self, method, target, status, envelope, body=None):
        self.method = method
        self.target = target
        self.status = status
        self.envelope = envelope if isinstance(envelope, dict) else {}
        self.code = self.envelope.get("error")
        self.cli_error = _cli_error_text(self.envelope.get("cli_error"))
        self.field = _blamed_field(self.cli_error, body or {})
        # Set by the engine when earlier steps of the same change were written and undone.
        self.undone = 0
        super().__init__(self._message())

    def __str__(self):
        if self.undone:
            return "%s; the %d earlier step(s) of this change were undone, the object is as before" % (
                self._message(), self.undone)
        return self._message()

    def _message(self):
        parts = ["%s %s failed: HTTP %s" % (self.method, self.target, self.status)]
        if isinstance(self.code, int):
            meaning = FORTIOS_ERRORS.get(self.code)
            parts.append("FortiOS error %s%s" % (self.code, " (%s)" % meaning if meaning else ""))
        if self.field:
            parts.append("field '%s'" % self.field)
        if self.cli_error:
            parts.append("device said: %s" % " / ".join(line for line in self.cli_error.splitlines() if line.strip()))
        elif self.status == 401:
            parts.append("not authorised: check the API token or the user and password of this host")
        elif self.status == 403:
            parts.append("forbidden: the API user's access profile lacks write permission, or the CSRF token is missing")
        return ", ".join(parts)


def _cli_error_text(cli_error):
    if isinstance(cli_error, list):
        return "\n".join(str(line) for line in cli_error)
    return str(cli_error) if cli_error else ""


def _blamed_field(cli_error, body):
    """The attribute of ``body`` the device complained about, when the message shows it."""
    if not cli_error or not isinstance(body, dict):
        return None
    for match in _FOR_ATTRIBUTE.finditer(cli_error):
        if match.group(1) in body:
            return match.group(1)
    before = _BEFORE_VALUE.search(cli_error)
    if before:
        for attribute, value in body.items():
            if isinstance(value, (str, int)) and str(value).split(" ", maxsplit=1)[0] == before.group(1):
                return attribute
    for attribute in body:
        if re.search(r"\b%s\b" % re.escape(attribute), cli_error):
            return attribute
    return None


class CmdbClient:
    """CMDB requests for one VDOM; ``send(method, url, body_text) -> (status, text)``."""

    def __init__(self, send, vdom="root"):
        self._send = send
        self.vdom = vdom
        self.requests = []

    def url(self, path, mkey=None, **params):
        url = "/api/v2/cmdb/%s" % path.strip("/")
        if mkey is not None and mkey != "":
            url += "/" + quote(str(mkey), safe="")
        query = {"vdom": self.vdom} if self.vdom != "global" else {"global": 1}
        query.update((k, v) for k, v in params.items() if v is not None)
        return url + "?" + "&".join("%s=%s" % (k, quote(str(v), safe="")) for k, v in query.items())

    def request(self, method, path, mkey=None, body=None, secrets=(), **params):
        """Send one request; return the decoded envelope or raise CmdbError.

        ``secrets`` names body attributes to mask in the record of what was sent, besides the
        attributes known to be secret.
        """
        url = self.url(path, mkey, **params)
        text_body = json.dumps(body) if body is not None else ""
        if method != "GET":
            self.requests.append({"method": method, "url": url,
                                  "body": mask(body, secrets) if body is not None else None})
        status, text = self._send(method, url, text_body)
        envelope = _decode(text)
        target = "%s%s (vdom %s)" % (path, "/%s" % mkey if mkey not in (None, "") else "", self.vdom)
        if status != 200 or envelope.get("status") == "error":
            raise CmdbError(method, target, status, envelope, body)
        return envelope

    def get(self, path, mkey=None, **params):
        """The object (dict) at ``path``/``mkey``, or None when the device has no such entry."""
        try:
            envelope = self.request("GET", path, mkey, **params)
        except CmdbError as exc:
            if exc.status == 404 or exc.code == -3:
                return None
            raise
        results = envelope.get("results")
        if isinstance(results, list):
            return results[0] if results else None
        return results


def _decode(text):
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8", errors="replace")
    if not text:
        return {}
    try:
        decoded = json.loads(text)
    except ValueError:
        return {"raw": text[:500]}
    if isinstance(decoded, list):
        # ``vdom=*`` answers one envelope per VDOM; we always ask for one.
        decoded = decoded[0] if decoded else {}
    return decoded if isinstance(decoded, dict) else {"raw": str(decoded)[:500]}
