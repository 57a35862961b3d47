"""Tunnel, routing and BGP model shared by every device of a lab.

Modules, one job each: :mod:`clock` (simulated time), :mod:`config` (CMDB -> frozen records),
:mod:`addressing` (who owns which address), :mod:`routing` (RIB and forwarding), :mod:`ike`
(phase1 matching, IKE SAs), :mod:`ipsec` (phase2 SAs), :mod:`bgp` (sessions and prefixes),
:mod:`advpn` (shortcuts), :mod:`engine` (the state of a lab, refreshed on demand).
"""

from .clock import SimClock
from .engine import LabModel, ModelError, model_of

__all__ = ["LabModel", "ModelError", "SimClock", "model_of"]
