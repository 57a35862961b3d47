# -*- coding: utf-8 -*-
# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side entry to the gateway-list parser, shared by the filter and the cli_parse parser.

Both need the same behaviour: parse, surface skipped text as Ansible warnings (or fail in
strict mode), and turn parser errors into a message that says what to pass instead.
"""

from ansible.utils.display import Display

from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import (
    GatewayListError,
    parse_gateway_list,
)

_display = Display()


def gateway_facts(text, strict=False, source="parse_ike_gateway_list"):
    """Return the gateway facts for ``text``; raise GatewayListError with a clear message.

    :arg strict: when true, text that had to be skipped is an error instead of a warning.
    :arg source: name shown in warnings and errors, so users know which task spoke.
    """
    try:
        result = parse_gateway_list(text, strict=strict)
    except GatewayListError as exc:
        raise GatewayListError("%s: %s" % (source, exc)) from None
    for warning in result.warnings:
        _display.warning("%s: %s" % (source, warning))
    return result.gateways
