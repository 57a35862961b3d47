"""The lab's admin API (``http://127.0.0.1:<admin_port>``, header ``X-Sim-Admin-Key``): status,
fault rules, configuration dumps and shutdown for the ``fortigate-sim`` command line, plus the
tunnel model's routes (``model_admin``)."""

from __future__ import annotations

import asyncio
import os
import secrets
from typing import Any

from aiohttp import web

from . import cli_lang, model_admin
from .faults import FaultRule
from .files import ADMIN_KEY_HEADER


class AdminApi:
    def __init__(self, runtime: Any):
        self.lab = runtime  # LabRuntime: devices, faults, admin_key, lab_name, stop()

    def app(self) -> web.Application:
        @web.middleware
        async def require_key(request, handler):
            if not secrets.compare_digest(request.headers.get(ADMIN_KEY_HEADER, ""), self.lab.admin_key):
                return web.json_response({"error": "bad admin key"}, status=403)
            return await handler(request)

        app = web.Application(middlewares=[require_key])
        app.router.add_get("/status", self.status)
        app.router.add_get("/faults", lambda r: web.json_response(self.lab.faults.list()))
        app.router.add_post("/faults", self.add_fault)
        app.router.add_delete("/faults", self.clear_faults)
        app.router.add_get("/devices/{name}/config", self.config)
        app.router.add_post("/shutdown", self.shutdown)
        model_admin.add_routes(app, self.lab)
        return app

    async def status(self, request):
        return web.json_response({"lab": self.lab.lab_name, "pid": os.getpid(), "devices": {
            n: {"https_port": d.https_port, "http_port": d.http_port, "revision": d.store.revision}
            for n, d in self.lab.devices.items()}})

    async def add_fault(self, request):
        body = await request.json()
        if body.get("device") not in self.lab.devices and body.get("device") != "*":
            return web.json_response({"error": f"unknown device {body.get('device')!r}"}, status=400)
        try:
            rule = self.lab.faults.add(FaultRule(**body))
        except (TypeError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(rule.describe())

    async def clear_faults(self, request):
        return web.json_response({"cleared": self.lab.faults.clear(request.query.get("device"))})

    async def config(self, request):
        device = self.lab.devices.get(request.match_info["name"])
        if device is None:
            return web.json_response({"error": "unknown device"}, status=404)
        full = request.query.get("full") == "1"
        text = "".join(cli_lang.render(device.store, vdom, full=full) for vdom in device.spec.vdoms)
        return web.Response(text=text)

    async def shutdown(self, request):
        asyncio.get_running_loop().call_later(0.05, self.lab.stop)
        return web.json_response({"stopping": True})
