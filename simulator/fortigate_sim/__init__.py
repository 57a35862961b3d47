"""fortigate_sim: a simulated FortiGate lab for testing Ansible content without hardware.

One process hosts a *lab* of several simulated devices. Each device serves the FortiOS REST API
(``rest_app``) from a CMDB (``store``) whose tables are described declaratively (``schema``), and
loads its initial configuration from FortiOS CLI text (``cli_lang``). See ``simulator/README.md``.
"""

__version__ = "0.1.0"
