"""Behaviour switches: where FortiOS releases differ, or where real behaviour is uncertain.

Every switch has a default derived from the device's FortiOS version; the lab YAML may override any
of them per device (``behaviour:`` mapping). The README documents each switch and the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .versions import FosVersion

AUTONEG_MODES = ("accept", "reject-update", "reject-always")


@dataclass(frozen=True)
class Behaviour:
    # Seed article: "If the option is not available to be used, enable 'exchange-interface-ip' prior
    # to it." Public 7.0.4+ configs set exchange-ip-addr4 alone, so only older releases are gated.
    exchange_ip_requires_interface_ip: bool = False
    # `auto-negotiate enable` on a phase2 whose phase1 is dial-up (type dynamic): PowerFGT saw real
    # units refuse the update but accept it on create. accept | reject-update | reject-always.
    autoneg_on_dynamic_phase1: str = "reject-update"
    # Re-sending an unchanged PSK: FortiOS re-encrypts it with a fresh salt, so (assumed) the
    # revision changes. False = compare the plaintext and treat the same PSK as a no-op.
    psk_resend_changes_revision: bool = True
    # POST /api/v2/authentication exists from 6.4.2; older releases only know /logincheck.
    api_authentication: bool = True
    # ?access_token= in the URL is refused from 7.4.5 unless system global rest-api-key-url-query.
    token_in_query_allowed: bool = False
    # REST writes naming an attribute this release does not have: ignore (accepted, dropped: a
    # removed attribute keeps showing as a diff in terraform-provider-fortios issue #205) | reject
    # (-61, as the CLI answers). Never stored either way.
    unknown_attributes: str = "ignore"
    # Tunnel model (unverified; KB 253455 documents only exchange-interface-ip,
    # https://community.fortinet.com/t5/FortiGate/Technical-Tip-How-to-use-exchange-interface-IP-in-IPsec-Tunnel/ta-p/253455):
    # does a phase1 with auto-discovery sender/receiver
    # send its tunnel interface address even without exchange-interface-ip? A wizard-built ADVPN
    # hub was seen learning spoke tunnel IPs; no source says why. Consulted on the sending device.
    auto_discovery_sends_interface_ip: bool = False
    # Tunnel model (KB 189536): "the FortiGate can never be the initiator" on a dial-up server, so
    # auto-negotiate on a phase2 of a type-dynamic phase1 does nothing unless this is true.
    dialup_server_autonegotiate: bool = False
    # Firewall policies (model/policy.py): does traffic to *another* interface's address (a loopback
    # reached over a tunnel) need that interface's allowaccess on top of the firewall policy? Fortinet
    # configures both (admin guide: loopback probe point with allowaccess ping "so that it can be used
    # for measurements"); no source says the policy alone is refused. Consulted on the receiving device.
    other_interface_allowaccess: bool = True

    @classmethod
    def for_version(cls, version: FosVersion | str, overrides: dict[str, Any] | None = None) -> "Behaviour":
        version = FosVersion(version)
        derived = cls(
            exchange_ip_requires_interface_ip=version < "7.0.4",
            autoneg_on_dynamic_phase1="reject-update" if version >= "6.4.0" else "accept",
            psk_resend_changes_revision=True,
            api_authentication=version >= "6.4.2",
            token_in_query_allowed=version < "7.4.5",
        )
        return derived.with_overrides(overrides or {})

    def with_overrides(self, overrides: dict[str, Any]) -> "Behaviour":
        known = {f.name: f for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in overrides.items():
            name = key.replace("-", "_")
            if name not in known:
                raise ValueError(f"unknown behaviour switch {key!r}; known: {', '.join(sorted(known))}")
            expected = type(getattr(self, name))
            if expected is bool and not isinstance(value, bool):
                raise ValueError(f"behaviour switch {key!r} wants true/false, got {value!r}")
            clean[name] = value
        result = replace(self, **clean)
        if result.autoneg_on_dynamic_phase1 not in AUTONEG_MODES:
            raise ValueError(f"autoneg_on_dynamic_phase1 must be one of {AUTONEG_MODES}")
        if result.unknown_attributes not in ("ignore", "reject"):
            raise ValueError("unknown_attributes must be ignore or reject")
        return result

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
