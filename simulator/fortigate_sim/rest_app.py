"""The FortiOS REST API of one device, as an aiohttp application.

Routing is by path prefix: login endpoints, ``/api/v2/cmdb/...`` (generic over the schema,
including member paths such as ``router/bgp/neighbor/10.0.0.1``) and ``/api/v2/monitor/...``.
Every request passes through fault injection and lands in the device's request log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import parse_qs, unquote

from aiohttp import web

from .auth import AuthError, Principal
from .device import Device
from .errors import CmdbError
from .faults import FaultRegistry
from . import monitor
from .schema import TABLES, TableSchema
from .store import Target
from .views import ViewOptions, matches, render_object, schema_view

log = logging.getLogger(__name__)

CMDB = "/api/v2/cmdb/"
MONITOR = "/api/v2/monitor/"
_JSON_DUMPS = lambda data: json.dumps(data, indent=2)  # noqa: E731  FortiOS pretty-prints


@dataclass
class Outcome:
    """What the request log records beyond method/path/status."""

    auth: Optional[str] = None
    revision_changed: Optional[bool] = None
    body_keys: list = field(default_factory=list)
    error: Optional[int] = None
    fault: Optional[str] = None


class BadRequest(Exception):
    pass


# Monitors of links and SD-WAN: (model, store, node, query) -> results (see monitor.py).
LINK_MONITORS = {
    "system/interface": monitor.system_interface,
    "system/interface/select": monitor.system_interface,
    "virtual-wan/members": lambda model, store, node, _query: monitor.sdwan_members(model, store, node),
    "virtual-wan/health-check": lambda model, store, node, _query: monitor.sdwan_health_check(model, store, node),
}


class RestApi:
    def __init__(self, device: Device, faults: FaultRegistry, model=None):
        self.device = device
        self.faults = faults
        self.model = model  # the lab's tunnel model (model.LabModel); None: no tunnel monitors

    def app(self) -> web.Application:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        # Every path, including one whose decoded form holds a newline (``%0A``): aiohttp's default
        # ``.*`` stops at it and would answer a bare 404 that never reaches the request log.
        app.router.add_route("*", r"/{tail:[\s\S]*}", self.handle)
        return app

    # ---- entry point -------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        outcome = Outcome()
        status = 0
        try:
            rule = self.faults.take(self.device.spec.name, request.method, request.path)
            if rule is not None:
                response = await self._apply_fault(rule, request, outcome)
            else:
                response = await self._route(request, outcome)
            status = response.status if response is not None else 0
            return response
        except Exception:  # a simulator bug must still answer like a device
            log.exception("unhandled error for %s %s", request.method, request.path)
            status = 500
            return web.json_response({"status": "error", "http_status": 500}, status=500)
        finally:
            self.device.log.write(
                method=request.method, path=request.path, query=request.query.items(),
                status=status, started=started, revision_changed=outcome.revision_changed,
                auth=outcome.auth, body_keys=outcome.body_keys, fault=outcome.fault,
                error=outcome.error)

    async def _apply_fault(self, rule, request: web.Request, outcome: Outcome):
        outcome.fault = "drop" if rule.drop else (str(rule.status) if rule.status else "latency")
        if rule.latency:
            await asyncio.sleep(rule.latency)
        if rule.drop:
            if request.transport is not None:
                request.transport.abort()
            raise web.HTTPServiceUnavailable()  # never delivered: the connection is gone
        if rule.status is None:
            return await self._route(request, outcome)
        headers = {}
        if rule.status == 429 and rule.retry_after is not None:
            headers["Retry-After"] = str(rule.retry_after)
        if rule.status == 401:
            self.device.auth.expire(self.device.auth.session_from_headers(request.headers))
        body = {"http_method": request.method, "status": "error", "http_status": rule.status,
                **self._identity()}
        return web.json_response(body, status=rule.status, headers=headers, dumps=_JSON_DUMPS)

    async def _route(self, request: web.Request, outcome: Outcome) -> web.StreamResponse:
        path, method = request.path, request.method
        if path == "/logincheck":
            return await self._logincheck(request, outcome)
        if path == "/logout":
            return self._logout(request, outcome)
        if path == "/api/v2/authentication":
            return await self._api_authentication(request, outcome)
        if path.startswith(CMDB) or path.startswith(MONITOR):
            try:
                principal = self.device.auth.authenticate(request.headers, request.query, method)
            except AuthError as exc:
                outcome.error = exc.status
                body = {"http_method": method, "status": "error", "http_status": exc.status,
                        **self._identity()}
                return web.json_response(body, status=exc.status, dumps=_JSON_DUMPS)
            outcome.auth = principal.method
            if path.startswith(CMDB):
                return await self._cmdb(request, principal, outcome)
            return await self._monitor(request, outcome)
        return web.json_response({"status": "error", "http_status": 404}, status=404)

    # ---- login endpoints ------------------------------------------------------------------------
    async def _logincheck(self, request: web.Request, outcome: Outcome) -> web.Response:
        if request.method == "GET":
            return web.Response(text="<html><body>FortiGate login</body></html>", content_type="text/html")
        if request.method != "POST":
            return web.Response(status=405)
        form = parse_qs(await request.text())
        outcome.body_keys = sorted(form)
        user = (form.get("username") or [""])[0]
        password = (form.get("secretkey") or form.get("password") or [""])[0]
        result, session = self.device.auth.login(user, password, request.remote or "", kind="cookie")
        outcome.auth = "cookie" if result == "ok" else None
        if result == "locked":
            return web.Response(text="2", content_type="text/plain")
        if result != "ok":
            return web.Response(text="0", content_type="text/plain")
        response = web.Response(text='1document.location="/ng/prompt?viewOnly&redir=%2F";\n',
                                content_type="text/html")
        port = request.url.port or 443
        response.headers.add("Set-Cookie", f'{self.device.auth.cookie_name}="{session.key}"; path=/; HttpOnly; secure')
        response.headers.add("Set-Cookie", f'ccsrftoken="{session.csrf}"; path=/')
        response.headers.add("Set-Cookie", f'ccsrftoken_{port}_{self.device.spec.serial[-7:]}="{session.csrf}"; path=/')
        return response

    def _logout(self, request: web.Request, outcome: Outcome) -> web.Response:
        self.device.auth.logout(self.device.auth.session_from_headers(request.headers))
        response = web.Response(text="", content_type="text/html")
        response.headers.add("Set-Cookie", f'{self.device.auth.cookie_name}=""; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT')
        return response

    async def _api_authentication(self, request: web.Request, outcome: Outcome) -> web.Response:
        if not self.device.spec.behaviour.api_authentication:
            return web.json_response({"status": "error", "http_status": 404}, status=404)
        if request.method == "DELETE":
            session = self.device.auth.session_from_headers(request.headers)
            self.device.auth.logout(session)
            outcome.auth = "session" if session else None
            return web.json_response({"status_code": 5, "status_message": "LOGOUT_SUCCESS"}, dumps=_JSON_DUMPS)
        if request.method != "POST":
            return web.json_response({"status": "error", "http_status": 405}, status=405)
        try:
            body = _parse_json(await request.text())
        except BadRequest:
            body = None
        if not isinstance(body, dict):
            return web.json_response({"status": "error", "http_status": 400}, status=400)
        outcome.body_keys = sorted(body)
        user = str(body.get("username", ""))
        password = str(body.get("secretkey") or body.get("password") or "")
        result, session = self.device.auth.login(user, password, request.remote or "", kind="api")
        if result == "locked":
            return web.json_response({"status_code": -4, "status_message": "LOGIN_BLOCKED"},
                                     status=429, dumps=_JSON_DUMPS)
        if result != "ok":
            return web.json_response({"status_code": -1, "status_message": "LOGIN_FAILED"}, dumps=_JSON_DUMPS)
        outcome.auth = "session"
        answer = {"status_code": 5, "status_message": "LOGIN_SUCCESS"}
        if body.get("request_key"):
            answer["session_key"] = session.key
            answer["session_key_timeout"] = str(self.device.auth_settings()[0] // 60)
        return web.json_response(answer, dumps=_JSON_DUMPS)

    # ---- monitor --------------------------------------------------------------------------------
    async def _monitor(self, request: web.Request, outcome: Outcome) -> web.Response:
        tail = request.path[len(MONITOR):].strip("/")
        vdom = request.query.get("vdom", self.device.spec.vdoms[0])
        parts = tail.split("/")
        path, name = parts[0], "/".join(parts[1:2])
        base = {"http_method": request.method, "vdom": vdom, "path": path, "name": name, "action": ""}
        if vdom in self.device.spec.vdoms and request.method == "GET" and tail in LINK_MONITORS:
            base["action"] = "select" if tail.endswith("/select") else ""
            results = LINK_MONITORS[tail](self.model, self.device.store, (self.device.spec.name, vdom), request.query)
            body = {**base, "results": results, "status": "success", **self._identity()}
            return web.json_response(body, dumps=_JSON_DUMPS)
        if self.model is not None and vdom in self.device.spec.vdoms:
            answer = await self._model_monitor(request, tail, (self.device.spec.name, vdom), base, outcome)
            if answer is not None:
                return answer
        if tail == "system/status" and request.method == "GET":
            spec = self.device.spec
            results = {"model_name": "FortiGate", "model_number": "VM64", "model": spec.model,
                       "hostname": self.device.global_setting("hostname") or spec.hostname,
                       "log_disk_status": "available"}
            body = {**base, "results": results, "status": "success", **self._identity()}
            return web.json_response(body, dumps=_JSON_DUMPS)
        outcome.error = 404
        body = {**base, "status": "error", "http_status": 404, **self._identity()}
        return web.json_response(body, status=404, dumps=_JSON_DUMPS)

    async def _model_monitor(self, request: web.Request, tail: str, node, base: dict,
                             outcome: Outcome) -> Optional[web.Response]:
        """Monitors computed from the lab's tunnel model (see ``monitor.py``); None: not one."""
        method, query = request.method, request.query
        results: Any = None
        try:
            if tail == "vpn/ipsec" and method == "GET":
                results = monitor.ipsec(self.model, node, query.get("tunnel"))
            elif tail.startswith("vpn/ipsec/") and tail.split("/")[2] in monitor.IPSEC_ACTIONS and method == "POST":
                action = tail.split("/")[2]
                try:
                    body = _parse_json(await request.text())
                except BadRequest:
                    body = None
                if isinstance(body, dict):
                    outcome.body_keys = sorted(body)
                base["action"] = action
                results = monitor.ipsec_action(self.model, node, action, body)
            elif tail == "router/ipv4" and method == "GET":
                results = monitor.router_ipv4(self.model, node, query)
            elif tail == "router/bgp/neighbors" and method == "GET":
                base["name"], base["action"] = "bgp", "neighbors"
                results = monitor.bgp_neighbors(self.model, node)
            else:
                return None
        except monitor.MonitorError as exc:
            outcome.error = exc.error
            body = {**base, "status": "error", "http_status": exc.http_status, "error": exc.error,
                    **self._identity()}
            return web.json_response(body, status=exc.http_status, dumps=_JSON_DUMPS)
        body = {**base, "results": results, "status": "success", **self._identity()}
        return web.json_response(body, dumps=_JSON_DUMPS)

    # ---- cmdb -----------------------------------------------------------------------------------
    async def _cmdb(self, request: web.Request, principal: Principal, outcome: Outcome) -> web.Response:
        method = request.method
        segments = [unquote(s) for s in request.rel_url.raw_path[len(CMDB):].split("/") if s != ""]
        table = TABLES.get("/".join(segments[:2])) if len(segments) >= 2 else None
        query = request.query
        try:
            vdoms, as_list = self._vdoms(query)
        except CmdbError as exc:
            return self._error(method, None, self.device.spec.vdoms[0], exc, outcome)
        if table is None:
            path_name = segments + ["", ""]
            exc = CmdbError(404, -3, "Invalid path")
            return self._error(method, None, vdoms[0], exc, outcome, path=path_name[0], name=path_name[1])
        try:
            body = _parse_json(await request.text()) if method in ("POST", "PUT") else None
        except BadRequest as exc:
            return self._error(method, table, vdoms[0], CmdbError(400, -1, str(exc)), outcome)
        if isinstance(body, dict):
            outcome.body_keys = sorted(body)
        try:
            targets = [self._target(table, vdom, segments[2:]) for vdom in vdoms]
        except CmdbError as exc:
            return self._error(method, table, vdoms[0], exc, outcome)
        if method == "GET":
            envelopes = [self._get(target, query) for target in targets]
            for env in envelopes:
                if env["status"] == "error":
                    outcome.error = env.get("error")
            if as_list:
                return web.json_response(envelopes, dumps=_JSON_DUMPS)
            env = envelopes[0]
            return web.json_response(env, status=env["http_status"], dumps=_JSON_DUMPS)
        if len(targets) != 1:
            return self._error(method, table, vdoms[0], CmdbError(400, -1, "writes take a single vdom"), outcome)
        return self._write(method, targets[0], body, query, outcome)

    def _vdoms(self, query) -> tuple[list[str], bool]:
        known = list(self.device.spec.vdoms)
        if query.get("global") == "1":
            return known[:1], True
        raw = query.get("vdom")
        if raw in (None, ""):
            return known[:1], False
        if raw == "*":
            return known, True
        names = [v for v in raw.split(",") if v]
        for name in names:
            if name not in known:
                raise CmdbError(403, -37, f"Invalid VDOM name: {name}")
        return names, len(names) > 1

    def _target(self, table: TableSchema, vdom: str, rest: list[str]) -> Target:
        mkey = None
        if not table.singleton and rest:
            try:
                mkey = table.parse_mkey(rest[0])
            except ValueError:
                raise CmdbError.not_found() from None
            rest = rest[1:]
        if rest and not table.singleton and mkey is None:
            raise CmdbError.not_found()
        members = []
        for index in range(0, len(rest), 2):
            child_key = rest[index + 1] if index + 1 < len(rest) else None
            members.append((rest[index], child_key))
        return Target(table, vdom, mkey, members)

    def _get(self, target: Target, query) -> dict:
        store, table = self.device.store, target.table
        action = query.get("action")
        base = self._base("GET", target)
        try:
            schema = store.schema_of(target) if target.members else table
            if action == "schema":
                results: Any = schema_view(schema, store.version)
            elif action == "default":
                results = schema.defaults(store.version)
            else:
                opts = ViewOptions.from_query(query)
                whole_table = not table.singleton and target.mkey is None and not target.members
                data = [] if whole_table else store.read(target)  # a whole table is read in _listing
                if isinstance(data, list):
                    listing = self._listing(target, schema, data, opts)
                    return {**base, **listing, "status": "success", "http_status": 200, **self._identity()}
                key = data.get(schema.mkey) if target.members else target.mkey
                results = self._render(target, schema, data, key, opts)
                if key is not None:
                    results = [results]  # GET by mkey: a one-element list (the collection indexes results[0])
                    base["mkey"] = key
        except CmdbError as exc:
            return self._error_body("GET", target, exc)
        except ValueError as exc:  # a bad filter expression
            return self._error_body("GET", target, CmdbError(400, -1, str(exc)))
        return {**base, "results": results, "status": "success", "http_status": 200, **self._identity()}

    def _listing(self, target: Target, schema: TableSchema, rows: list, opts: ViewOptions) -> dict:
        if target.members:
            pairs = [(row.get(schema.mkey), row) for row in rows]
        else:
            pairs = list(self.device.store.entries(target.table.key, target.vdom).items())  # rendered, not changed
        matched = [(k, obj) for k, obj in pairs
                   if not opts.filters or matches({schema.mkey: k, **obj}, opts.filters)]
        window = matched[opts.start: opts.start + opts.count if opts.count is not None else None]
        results = [self._render(target, schema, obj, k, opts) for k, obj in window]
        return {"size": len(pairs), "matched_count": len(matched),
                "next_idx": opts.start + len(window) - 1, "results": results}

    def _render(self, target: Target, schema: TableSchema, obj: dict, key, opts: ViewOptions) -> dict:
        store = self.device.store
        meta = None
        if opts.with_meta:
            meta = {"q_ref": store.ref_count(target.table.key, target.vdom, key) if key is not None
                    and not target.members else 0,
                    "q_static": False, "q_no_rename": False, "q_no_edit": False, "q_type": 1,
                    "q_path": target.table.path, "q_name": target.table.name,
                    "q_mkey_type": schema.mkey_type if schema.mkey else None}
        return render_object(schema, obj, key, opts, store.reveal, store.behaviour, meta, store.version)

    def _write(self, method: str, target: Target, body, query, outcome: Outcome) -> web.Response:
        store = self.device.store
        try:
            if method == "PUT" and query.get("action") == "move":
                result = store.move(target, before=query.get("before"), after=query.get("after"))
            elif method in ("POST", "PUT"):
                if body is None and method == "PUT":
                    body = {}
                if not isinstance(body, dict):
                    raise CmdbError(400, -1, "request body must be a JSON object")
                result = store.write(target, body, create=(method == "POST"))
            elif method == "DELETE":
                result = store.delete(target)
            else:
                raise CmdbError(405, -1, "Method not allowed")
        except CmdbError as exc:
            return self._error(method, target.table, target.vdom, exc, outcome, target=target)
        outcome.revision_changed = result.changed
        envelope = {"http_method": method, "revision": store.revision, "revision_changed": result.changed,
                    "mkey": result.mkey,
                    **self._where(target), "status": "success", "http_status": 200, **self._identity()}
        if result.mkey is None:
            envelope.pop("mkey")
        return web.json_response(envelope, dumps=_JSON_DUMPS)

    # ---- envelopes --------------------------------------------------------------------------
    def _identity(self) -> dict:
        spec = self.device.spec
        return {"serial": spec.serial, "version": str(spec.version), "build": spec.build}

    def _where(self, target: Target) -> dict:
        return {"vdom": target.vdom, "path": target.table.path, "name": target.table.name}

    def _base(self, method: str, target: Target) -> dict:
        return {"http_method": method, "revision": self.device.store.revision, **self._where(target)}

    def _error_body(self, method: str, target: Target, exc: CmdbError) -> dict:
        body = {"http_method": method, "revision": self.device.store.revision, "revision_changed": False}
        if exc.with_cli_error:
            body["cli_error"] = exc.cli_error
        body.update({"error": exc.error, **self._where(target), "status": "error",
                     "http_status": exc.http_status, **self._identity()})
        return body

    def _error(self, method: str, table: Optional[TableSchema], vdom: str, exc: CmdbError,
               outcome: Outcome, target: Optional[Target] = None, path: str = "", name: str = "") -> web.Response:
        outcome.error = exc.error
        outcome.revision_changed = False if method != "GET" else None
        if target is None:
            target = Target(table, vdom) if table else None
        if target is not None:
            body = self._error_body(method, target, exc)
        else:
            body = {"http_method": method, "revision_changed": False, "error": exc.error, "vdom": vdom,
                    "path": path, "name": name, "status": "error", "http_status": exc.http_status,
                    **self._identity()}
        return web.json_response(body, status=exc.http_status, dumps=_JSON_DUMPS)


def _parse_json(text: str) -> Any:
    """Bodies are JSON whatever the Content-Type says (the httpapi plugin sends none)."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"malformed JSON body: {exc.msg}") from None
