"""Measure the outage each spoke sees while a job runs: poll its REST monitors with timestamps.

A background thread reads, every ``interval`` seconds, each spoke's `monitor/vpn/ipsec` (tunnel up:
every static phase1 has a phase2 SA up) and `monitor/router/bgp/neighbors` (BGP up: ``bgp_peers``
sessions Established). ``outages()`` gives, per spoke, the seconds (wall clock) each was down while
polled: the total, and the first down to the last up.
"""

from __future__ import annotations

import threading
import time


def tunnel_up(answer: dict) -> bool:
    static = [entry for entry in answer.get("results", []) if entry.get("type") == "automatic"]
    return bool(static) and all(any(sa.get("status") == "up" for sa in entry.get("proxyid", [])) for entry in static)


def bgp_up(answer: dict, peers: int) -> bool:
    return sum(entry.get("state") == "Established" for entry in answer.get("results", [])) >= peers


class OutageProbe:
    """Poll ``spokes`` of ``lab`` from ``start()`` to ``stop()``; samples are (time, tunnel up, BGP up)."""

    def __init__(self, lab, spokes: list[str], bgp_peers: int = 1, interval: float = 0.2):
        self.lab, self.spokes, self.bgp_peers, self.interval = lab, spokes, bgp_peers, interval
        self.samples: dict[str, list[tuple[float, bool, bool]]] = {spoke: [] for spoke in spokes}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for spoke in self.spokes:
                tunnel = tunnel_up(self.lab.rest_get(spoke, "/api/v2/monitor/vpn/ipsec"))
                bgp = bgp_up(self.lab.rest_get(spoke, "/api/v2/monitor/router/bgp/neighbors"), self.bgp_peers)
                self.samples[spoke].append((time.monotonic(), tunnel, bgp))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)

    def outages(self) -> dict[str, dict[str, float]]:
        """Per spoke: tunnel_down / bgp_down (summed seconds down) and *_window (first down to last up)."""
        result = {}
        for spoke, samples in self.samples.items():
            result[spoke] = {}
            for index, name in ((1, "tunnel"), (2, "bgp")):
                down = [(samples[i][0], samples[i + 1][0]) for i in range(len(samples) - 1) if not samples[i][index]]
                result[spoke][f"{name}_down"] = round(sum(end - start for start, end in down), 1)
                result[spoke][f"{name}_window"] = round(down[-1][1] - down[0][0], 1) if down else 0.0
                result[spoke][f"{name}_up_at_end"] = bool(samples) and samples[-1][index]
        return result
