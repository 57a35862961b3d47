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

from ansible.module_utils.connection import ConnectionError as AnsibleConnectionError

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.values import mask
from ansible_collections.overlay.fortigate.plugins.module_utils.common.messages import clip_words

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
_QUOTED = re.compile(r"'([^']*)'")
_FOR_ATTRIBUTE = re.compile(r"for (\S+)")
# "proposal must be set": the device names an attribute the body lacks.
# FortiOS names a missing mandatory attribute as ``Attribute 'remote-gw' Must be set``; older
# wordings put the name first (``remote-gw must be set``).
_MISSING_ATTRIBUTE = re.compile(r"^(?:Attribute '([a-z][a-z0-9-]*)' Must be set|([a-z][a-z0-9-]*) (?:must be set|is required))",
                                re.MULTILINE)
FORBIDDEN = "forbidden: the API user's access profile lacks write permission, or the CSRF token is missing"


class CmdbError(Exception):
    """A CMDB request that FortiOS refused, with a message a user can act on.

    ``hint`` replaces the generic explanation of the HTTP status (the client knows more, for
    example that the VDOM does not exist). Long words of the device's ``cli_error`` (values it
    quotes back) are cut, so a refused 100,000-character value does not fill the message.
    """

    def __init__(self, method, target, status, envelope, body=None, hint=None):
        self.method = method
        self.target = target
        self.status = status
        self.envelope = envelope if isinstance(envelope, dict) else {}
        self.code = self.envelope.get("error")
        cli_error = _cli_error_text(self.envelope.get("cli_error"))
        self.field = _blamed_field(cli_error, body or {})
        self.cli_error = clip_words(cli_error)
        self.hint = hint
        super().__init__(str(self))

    def __str__(self):
        if self.status is None:
            # No answer at all (connection dropped, timeout): the hint holds what the connection said.
            return "%s %s failed: no answer from the device (%s)" % (self.method, self.target, self.hint)
        parts = ["%s %s failed: HTTP %s" % (self.method, self.target, self.status)]
        if isinstance(self.code, int):
            meaning = FORTIOS_ERRORS.get(self.code)
            parts.append("FortiOS error %s%s" % (self.code, " (%s)" % meaning if meaning else ""))
        if self.field:
            parts.append("field '%s'" % self.field)
        if self.cli_error:
            parts.append("device said: %s" % " / ".join(line for line in self.cli_error.splitlines() if line.strip()))
        elif self.hint:
            parts.append(self.hint)
        elif self.status == 401:
            parts.append("not authorised: check the API token or the user and password of this host")
        elif self.status == 403:
            parts.append(FORBIDDEN)
        return ", ".join(parts)


def _cli_error_text(cli_error):
    if isinstance(cli_error, list):
        return "\n".join(str(line) for line in cli_error)
    return str(cli_error) if cli_error else ""


def _blamed_field(cli_error, body):
    """The attribute the device complained about, when its message shows it.

    In order: ``... for <attribute> ...``; a value it quotes (``before 'x'``, ``The string 'x'
    is too long``) that is the value of one attribute of the body; an attribute of the body
    named in the message; ``Attribute '<attribute>' Must be set`` for one the body lacks.
    """
    if not cli_error or not isinstance(body, dict):
        return None
    for match in _FOR_ATTRIBUTE.finditer(cli_error):
        if match.group(1) in body:
            return match.group(1)
    for quoted in _QUOTED.findall(cli_error):
        for attribute, value in body.items():
            if isinstance(value, (str, int)) and not isinstance(value, bool) and quoted in (
                    str(value), str(value).split(" ", maxsplit=1)[0]):
                return attribute
    for attribute in body:
        if re.search(r"\b%s\b" % re.escape(attribute), cli_error):
            return attribute
    missing = _MISSING_ATTRIBUTE.search(cli_error)
    return (missing.group(1) or missing.group(2)) if missing else None


class CmdbClient:
    """CMDB requests for one VDOM; ``send(method, url, body_text) -> (status, text)``."""

    def __init__(self, send, vdom="root"):
        self._send = send
        self.vdom = vdom
        self.requests = []

    def url(self, path, mkey=None, **params):
        url = "/api/v2/cmdb/%s" % path.strip("/")
        if mkey == "":
            # Without a key the URL names the whole table: a GET would read its first entry and
            # a PUT would write to the table. Callers validate keys; this is the last guard.
            raise ValueError("empty key for %s: refusing to address the whole table" % path)
        if mkey is not None:
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
        target = "%s%s (vdom %s)" % (path, "/%s" % mkey if mkey is not None else "", self.vdom)
        try:
            status, text = self._send(method, url, text_body)
        except AnsibleConnectionError as exc:
            if method == "GET":
                raise  # a read changes nothing: the connection's own error (login refused, ...) is the answer
            # The httpapi plugin already repeated what it may (retry.py); what is left is a lost
            # answer to a write, reported against the object like a refusal so the message names it.
            raise CmdbError(method, target, None, {}, body, hint=clip_words(str(exc))) from None
        envelope = _decode(text)
        if status != 200 or envelope.get("status") == "error":
            hint = self._vdom_hint() if status == 403 else None
            raise CmdbError(method, target, status, envelope, body, hint=hint)
        return envelope

    def _vdom_hint(self):
        """For a 403: whether the VDOM is the problem, from the VDOMs the device shows this user.

        FortiOS answers 403 both for a VDOM it does not have (or that the API user may not see)
        and for a missing permission. ``vdom=*`` on a per-VDOM singleton answers one envelope per
        VDOM the user can see, which tells the two apart without global access.
        """
        if self.vdom == "global":
            return None
        try:
            status, text = self._send("GET", "/api/v2/cmdb/system/settings?vdom=*", "")
            decoded = json.loads(text) if status == 200 else None
        except (ValueError, TypeError):
            decoded = None
        if not isinstance(decoded, list):
            return ("vdom '%s' may not exist on the device or this API user may not see it (the device did not list "
                    "its VDOMs); otherwise %s" % (self.vdom, FORBIDDEN))
        visible = [envelope.get("vdom") for envelope in decoded if isinstance(envelope, dict) and envelope.get("vdom")]
        if self.vdom in visible:
            return None
        return ("vdom '%s' does not exist on the device or this API user cannot see it (VDOMs it shows: %s); "
                "fix the vdom option" % (self.vdom, ", ".join(visible) or "none"))

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
