"""Text of FortiOS operational commands, rendered from the lab model.

Each module copies one family of real outputs line by line (reference §4.3 and the real captures
in ``tests/unit/fixtures/ike_gateway_list``): :mod:`gateway` (``diagnose vpn ike gateway list``),
:mod:`tunnel` (``diagnose vpn tunnel list``, ``get vpn ipsec tunnel summary``), :mod:`router`
(``get router info routing-table all``, ``get router info bgp summary``), :mod:`ping`
(``execute ping``) and :mod:`system` (``get system status``).
"""
