"""Wiring of the tunnel model into a running lab: its clock, and admin-API endpoints for tests.

* ``clock_settings(lab_file)``: the lab YAML's optional ``clock: {speed: N}`` (``0`` freezes
  simulated time; ``60`` runs a minute per second).
* Admin endpoints (same key header as the rest of the admin API):
  ``GET /clock`` -> ``{"now", "speed", "epoch"}``;
  ``POST /clock`` with ``{"advance": seconds}`` and/or ``{"speed": N}`` (the model is brought up to
  the new time before answering);
  ``POST /devices/<name>/command`` with ``{"command": "...", "vdom": "root"}`` ->
  ``{"output": text}`` (``null`` when the line is not an operational command), the same function
  the SSH CLI uses (:func:`commands.run_operational_command`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from .commands import run_operational_command
from .model import report


def clock_settings(lab_file: Path) -> dict:
    raw = yaml.safe_load(Path(lab_file).read_text(encoding="utf-8")) or {}
    clock = raw.get("clock") or {}
    if not isinstance(clock, dict) or set(clock) - {"speed"}:
        raise ValueError(f"{lab_file}: 'clock' takes only 'speed' (a number >= 0)")
    speed = clock.get("speed", 1)
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or speed < 0:
        raise ValueError(f"{lab_file}: clock speed must be a number >= 0, got {speed!r}")
    return {"speed": float(speed)}


def add_routes(app: web.Application, runtime: Any) -> None:
    async def get_clock(_request):
        return web.json_response(runtime.clock.describe())

    async def post_clock(request):
        try:
            body = await request.json()
            if "speed" in body:
                runtime.clock.set_speed(float(body["speed"]))
            if "advance" in body:
                runtime.clock.advance(float(body["advance"]))
        except (ValueError, TypeError, AttributeError) as exc:
            return web.json_response({"error": f"bad clock request: {exc}"}, status=400)
        runtime.model.refresh()
        return web.json_response(runtime.clock.describe())

    async def post_command(request):
        name = request.match_info["name"]
        if name not in runtime.devices:
            return web.json_response({"error": "unknown device"}, status=404)
        try:
            body = await request.json()
            command = str(body["command"])
        except (ValueError, TypeError, KeyError):
            return web.json_response({"error": "body must be {\"command\": \"...\"}"}, status=400)
        vdom = str(body.get("vdom") or runtime.devices[name].spec.vdoms[0])
        return web.json_response({"output": run_operational_command(runtime, name, vdom, command)})

    async def get_model(_request):
        return web.json_response(report.describe(runtime.model))

    app.router.add_get("/clock", get_clock)
    app.router.add_get("/model", get_model)
    app.router.add_post("/clock", post_clock)
    app.router.add_post("/devices/{name}/command", post_command)
