"""The tunnel/routing state of a whole lab, computed from the devices' CMDB and the simulated clock.

:class:`LabModel` is the one place state changes. Every view (CLI commands, REST monitors) calls
:meth:`LabModel.refresh` first, which

1. re-reads the configuration of devices whose store revision changed and reconciles IKE links
   with it (new pairs establish, pairs whose phase1 changed on either side renegotiate, pairs that
   no longer match go down; phase2 pairs are re-matched);
2. runs time forward to ``clock.now()``: phase2 auto-negotiate retries, expiry and renewal, IKE SA
   rekeys, idle shortcuts;
3. re-establishes links that should be up (after ``diagnose vpn ike gateway clear``);
4. recomputes routing and BGP to a fixed point when anything changed (BGP connection attempts
   are traffic: they bring up phase2 SAs on their path, as on a real unit).

Actions (``ping``, ``clear``, ``tunnel_up``/``tunnel_down``) mutate the same state, so REST, CLI and
monitor views never disagree.

Where things are: IKE links (how a tunnel comes up) in :mod:`.links`, time in :mod:`.timeline`,
routing and BGP in :mod:`.convergence`, ping and traffic in :mod:`.traffic`, operator actions in
:mod:`.actions`; this module holds the state, the configuration snapshot and the refresh order.
"""

from __future__ import annotations

import random
from ipaddress import IPv4Address
from typing import Any, Optional

from . import ike
from .actions import ModelError, OperatorActions
from .addressing import AddressBook, NodeId
from .clock import SimClock
from .config import DeviceConfig, Phase1, read_device
from .convergence import Convergence, RoutingState
from .ike import SHORTCUT, Candidate, GatewayStats, IkeLink, Side
from .links import IkeLinks
from .timeline import Timeline
from .traffic import PingReply, PingReport, Traffic

__all__ = ["LabModel", "ModelError", "PingReply", "PingReport", "RoutingState", "model_of"]


class LabModel(IkeLinks, Timeline, Convergence, Traffic, OperatorActions):
    def __init__(self, devices: dict, clock: Optional[SimClock] = None):
        self.devices = devices  # name -> Device (spec, store)
        self.clock = clock or SimClock()
        self.configs: dict[str, DeviceConfig] = {}
        self._revisions: dict[str, str] = {}
        self.book = AddressBook([])
        self.links: dict[tuple, IkeLink] = {}
        self.desired: dict[tuple, Candidate] = {}
        self.reasons: dict = {}
        self.stats: dict[tuple, GatewayStats] = {}
        self._hints: dict[tuple, str] = {}  # link key -> side that should initiate (changed its config)
        self._counters: dict[tuple, int] = {}
        self._internal_ids: dict[tuple, IPv4Address] = {}
        self._version = 0
        self._routing: Optional[RoutingState] = None
        self._underlay: dict = {}
        self._demanded: set = set()
        self._sides: dict[tuple, tuple] = {}
        self._sides_version = -1
        self.route_since: dict[tuple, float] = {}
        self.session_since: dict[tuple, float] = {}
        self.ping_options: dict = {}  # node -> commands.PingOptions (execute ping-options)
        self._rng = random.Random()

    def refresh(self) -> float:
        now = self.clock.now()
        if self._snapshot():
            self._reconcile(now)
        self.advance(now)
        self.ensure_links(now)
        self.settle(now)
        return now

    @property
    def routing(self) -> RoutingState:
        return self._routing

    def nodes(self) -> list[NodeId]:
        return [(name, vdom) for name, cfg in self.configs.items() for vdom in cfg.vdoms]

    def behaviour(self, node: NodeId):
        return self.devices[node[0]].spec.behaviour

    def phase1(self, node: NodeId, name: str) -> Optional[Phase1]:
        vconf = self.configs.get(node[0]).vdoms.get(node[1]) if node[0] in self.configs else None
        return vconf.phase1.get(name) if vconf else None

    def sides_at(self, node: NodeId) -> list[tuple[Side, IkeLink]]:
        self.index_sides()
        return self._sides.get(node, [])

    def side(self, node: NodeId, name: str) -> Optional[tuple[Side, IkeLink]]:
        for side, link in self.sides_at(node):
            if side.name == name:
                return side, link
        return None

    def ids(self, device: str, kind: str) -> int:
        """Per-device running numbers (IKE SA ids, tunnel serials), as FortiOS allocates them."""
        key = (device, kind)
        self._counters[key] = self._counters.get(key, 0) + 1
        return self._counters[key]

    def internal_id(self, node: NodeId, parent: str) -> IPv4Address:
        """The ``10.0.0.x`` identifier FortiOS gives dial-up templates and instances."""
        key = (node, parent)
        if key not in self._internal_ids:
            self._internal_ids[key] = IPv4Address("10.0.0.0") + (1 + len(
                [k for k in self._internal_ids if k[0][0] == node[0]]))
        return self._internal_ids[key]

    def _snapshot(self) -> bool:
        changed = False
        for name, device in self.devices.items():
            revision = device.store.revision
            if self._revisions.get(name) != revision or name not in self.configs:
                self.configs[name] = read_device(name, device.store, device.spec.hostname)
                self._revisions[name] = revision
                changed = True
        return changed

    def _reconcile(self, now: float) -> None:
        self.book = AddressBook(self.configs.values())
        self._underlay = {}
        cands, self.reasons = ike.candidates(self.configs.values(), self.book, self.underlay_reachable)
        desired = {c.key: c for c in cands}
        self.refresh_gateway_stats(now)
        for key, link in list(self.links.items()):
            stale = [s for s in link.sides() if self.stale(s)]
            if link.kind == SHORTCUT:
                if stale:
                    self.teardown(link)
                else:
                    self.rematch_children(link, now)
                continue
            moved = key in desired and (desired[key].a_addr, desired[key].b_addr) != \
                (link.a.local_addr, link.b.local_addr)
            if key not in desired or stale or moved:
                self.teardown(link)
                if key in desired and stale:
                    self._hints[key] = "a" if stale[0] is link.a else "b"
            else:
                self.rematch_children(link, now)
        self.desired = desired
        self._version += 1


def model_of(lab: Any) -> LabModel:
    """The lab's model, created on first use (a lab object may also bring its own ``model``)."""
    model = getattr(lab, "model", None)
    if model is None:
        model = LabModel(lab.devices, getattr(lab, "clock", None))
        try:
            lab.model = model
        except AttributeError:
            pass
    return model
