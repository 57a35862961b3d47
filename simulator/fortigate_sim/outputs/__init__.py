"""Text of FortiOS operational commands, rendered from the lab model.

Each module follows one family of real outputs line by line (the real captures in
``tests/unit/fixtures/ike_gateway_list`` and the line shapes named in simulator/README.md): :mod:`gateway` (``diagnose vpn ike gateway list``),
:mod:`tunnel` (``diagnose vpn tunnel list``, ``get vpn ipsec tunnel summary``), :mod:`router`
(``get router info routing-table all``, ``get router info bgp summary``), :mod:`ping`
(``execute ping``) and :mod:`system` (``get system status``).
"""
