"""An in-memory stand-in for the FortiOS CMDB REST API, for unit tests of the engine.

It keeps what the engine depends on: one-element lists for GET by key, dicts for
singletons, partial PUT, POST with the key in the body, 404/-3 for missing entries,
secrets read back as ``ENC``, and a list of requests. Integration tests use the real
simulator instead.
"""

import json
from urllib.parse import unquote, urlsplit


class FakeCmdb:
    def __init__(self, tables=None, singletons=None, mkeys=None):
        self.tables = {path: {str(k): dict(v) for k, v in entries.items()} for path, entries in (tables or {}).items()}
        self.singletons = {path: dict(v) for path, v in (singletons or {}).items()}
        self.mkeys = mkeys or {}
        self.log = []
        self.refuse = []  # callables(method, path, mkey, body) -> envelope or None

    def writes(self):
        return [entry for entry in self.log if entry[0] != "GET"]

    def _split(self, url):
        parts = urlsplit(url)
        segments = [unquote(s) for s in parts.path.split("/")[4:]]
        for cut in (len(segments), len(segments) - 1):
            path = "/".join(segments[:cut])
            if path in self.tables or path in self.singletons:
                return path, (segments[cut] if cut < len(segments) else None), parts.query
        return "/".join(segments), None, parts.query

    def send(self, method, url, body):
        path, mkey, query = self._split(url)
        data = json.loads(body) if body else None
        self.log.append((method, path, mkey, data))
        for refuse in self.refuse:
            envelope = refuse(method, path, mkey, data)
            if envelope:
                return envelope["http_status"], json.dumps(envelope)
        if path in self.singletons:
            if method == "GET":
                return self._ok(results=self._out(self.singletons[path]))
            if method == "PUT":
                self.singletons[path].update(data)
                return self._ok()
            return self._error(405, -1)
        if path not in self.tables:
            return self._error(404, -3)
        table = self.tables[path]
        if method == "GET":
            if mkey is None:
                return self._ok(results=[self._out(entry, path) for entry in table.values()])
            if mkey not in table:
                return self._error(404, -3)
            return self._ok(results=[self._out(table[mkey], path)])
        if method == "PUT":
            if mkey not in table:
                return self._error(404, -3)
            table[mkey].update(data)
            return self._ok()
        if method == "POST":
            key = str(data[self.mkeys.get(path, "name")])
            if key in table:
                return self._error(500, -5)
            table[key] = dict(data)
            return self._ok()
        if method == "DELETE":
            if table.pop(mkey, None) is None:
                return self._error(404, -3)
            return self._ok()
        return self._error(405, -1)

    def _out(self, entry, path=None):
        out = {k: ("ENC c2VjcmV0" if k == "psksecret" and v else v) for k, v in entry.items()}
        if path is not None:
            out["q_origin_key"] = entry.get(self.mkeys.get(path, "name"))
        return out

    @staticmethod
    def _ok(**extra):
        return 200, json.dumps(dict({"status": "success", "http_status": 200}, **extra))

    @staticmethod
    def _error(status, code, cli_error=None):
        envelope = {"status": "error", "http_status": status, "error": code}
        if cli_error:
            envelope["cli_error"] = cli_error
        return status, json.dumps(envelope)


def refusal(status, code, cli_error):
    return {"status": "error", "http_status": status, "error": code, "cli_error": cli_error}
