"""An in-memory stand-in for the FortiOS CMDB REST API, for unit tests of the engine.

It keeps what the engine depends on: one-element lists for GET by key, dicts for
singletons, partial PUT, POST with the key in the body, 404/-3 for missing entries,
secrets read back as ``ENC``, ``?action=schema`` of top-level tables (with their child
tables), ``vdom=*`` and 403 for an unknown VDOM, and a list of requests. Integration tests
use the real simulator instead.
"""

import json
from urllib.parse import parse_qs, unquote, urlsplit


class FakeCmdb:
    def __init__(self, tables=None, singletons=None, mkeys=None, attributes=None, vdoms=("root",), sizes=None):
        self.tables = {path: {str(k): dict(v) for k, v in entries.items()} for path, entries in (tables or {}).items()}
        self.singletons = {path: dict(v) for path, v in (singletons or {}).items()}
        self.mkeys = mkeys or {}
        # Attribute names the schema lists besides those the entries hold; key sizes per table.
        self.attributes = attributes or {}
        self.sizes = sizes or {}
        self.vdoms = tuple(vdoms)
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

    def schema(self, path):
        """``action=schema`` of ``path`` and its child tables, from what the fake holds."""
        entries = self.tables.get(path)
        rows = list(entries.values()) if entries is not None else [self.singletons[path]]
        names = {k for row in rows for k in row} | set(self.attributes.get(path, ()))
        mkey = self.mkeys.get(path, "name") if entries is not None else None
        if mkey:
            names.add(mkey)
        children = {name: {"name": name, "category": "unitary", "type": "string"} for name in sorted(names)}
        if mkey and path in self.sizes:
            children[mkey]["size"] = self.sizes[path]
        for child_path in list(self.tables) + list(self.singletons):
            if child_path.startswith(path + "/") and child_path.count("/") == path.count("/") + 1:
                child = self.schema(child_path)
                children[child_path.rsplit("/", 1)[1]] = dict(child, category="table")
        return {"name": path.rsplit("/", 1)[1], "path": path.rsplit("/", 1)[0],
                "category": "table" if entries is not None else "complex", "mkey": mkey,
                "mkey_type": "string" if mkey else None, "children": children}

    def send(self, method, url, body):
        path, mkey, query = self._split(url)
        data = json.loads(body) if body else None
        self.log.append((method, path, mkey, data))
        params = {k: v[0] for k, v in parse_qs(query).items()}
        for refuse in self.refuse:
            envelope = refuse(method, path, mkey, data)
            if envelope:
                return envelope["http_status"], json.dumps(envelope)
        vdom = params.get("vdom", "root")
        if vdom == "*" and method == "GET" and path in self.singletons:
            return 200, json.dumps([{"status": "success", "http_status": 200, "vdom": v,
                                     "results": self._out(self.singletons[path])} for v in self.vdoms])
        if "global" not in params and vdom not in self.vdoms:
            return self._error(403, -37)
        if params.get("action") == "schema" and method == "GET":
            if mkey is None and (path in self.tables or path in self.singletons):
                return self._ok(results=self.schema(path))
            return self._error(404, -3)
        if path in self.singletons:
            if mkey is not None:
                return self._error(404, -3)
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
