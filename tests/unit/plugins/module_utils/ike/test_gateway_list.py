"""Behaviour of the gateway-list parser on the layouts the real world produces."""

import json
import textwrap

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import (
    GATEWAY_KEYS,
    IKE_SA_KEYS,
    GatewayListError,
    parse_gateway_list,
)

# FGT A of the exchange-interface-ip article, before the change, as the device prints it.
FGT_A_MULTILINE = textwrap.dedent("""\
    vd: root/0
    name: SiteA-to-SiteB
    version: 1
    interface: port1 3
    addr: 10.47.2.86:500 -> 10.47.1.80:500
    tun_id: 10.47.1.80/::10.47.1.80
    remote_location: 0.0.0.0
    network-id: 0
    virtual-interface-addr: 1.1.1.1 -> 1.1.1.2
    created: 2028s ago
    IKE SA: created 1/1  established 1/1  time 0/0/0 ms
    IPsec SA: created 1/1  established 1/1  time 0/0/0 ms

      id/spi: 42 3a5806a029430704/38637eb460746826
      direction: initiator
      status: established 2028-2028s ago = 0ms
      proposal: aes128-sha256
      key: fc443e8594fa5be2-eae13f4db24b4d78
      lifetime/rekey: 86400/84071
      DPD sent/recv: 000000b1/00000000
    """)

# The same output as the knowledge-base web page flattened it (one line per gateway).
FGT_A_FLATTENED = (
    "FGT_1 (root) # diagnose vpn ike gateway list vd: root/0 name: SiteA-to-SiteB version: 1 "
    "interface: port1 3 addr: 10.47.2.86:500 -> 10.47.1.80:500 tun_id: 10.47.1.80/::10.47.1.80 "
    "remote_location: 0.0.0.0 network-id: 0 virtual-interface-addr: 1.1.1.1 -> 1.1.1.2 created: 2028s ago "
    "IKE SA: created 1/1 established 1/1 time 0/0/0 ms IPsec SA: created 1/1 established 1/1 time 0/0/0 ms\n"
    "id/spi: 42 3a5806a029430704/38637eb460746826 direction: initiator status: established 2028-2028s ago = 0ms "
    "proposal: aes128-sha256 key: fc443e8594fa5be2-eae13f4db24b4d78 lifetime/rekey: 86400/84071 "
    "DPD sent/recv: 000000b1/00000000\n"
)

IKEV2_DIALUP_HUB = textwrap.dedent("""\
    FGT-HUB (root) # diagnose vpn ike gateway list name HUB_0

    vd: root/0
    name: HUB_0
    version: 2
    interface: port1 3
    addr: 203.0.113.1:4500 -> 198.51.100.7:64916
    tun_id: 10.10.10.2/::10.0.0.3
    remote_location: 0.0.0.0
    network-id: 1
    transport: UDP
    virtual-interface-addr: 10.10.10.254 -> 10.10.10.2
    created: 1h2m3s ago
    peer-id: spoke1.example.net
    peer-id-auth: no
    auto-discovery: 1 sender
    nat: peer
    PPK: no
    IKE SA: created 1/1  established 1/1  time 10/10/10 ms
    IPsec SA: created 2/2  established 2/2  time 0/5/10 ms

      id/spi: 7 9b3cd1e0a1f2b3c4/a1b2c3d4e5f60718
      direction: responder
      status: established 3723-3723s ago = 10ms
      proposal: aes256gcm-prfsha256
      child: no
      SK_ei: 36:0C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A54F2
      SK_er: 36:9A60C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A54F2D8E7B9A60C1A5
      SK_ai: 0:
      SK_ar: 0:
      PPK: no
      message-id sent/recv: 0/12
      lifetime/rekey: 86400/82376
      DPD sent/recv: 0000001a/00000002
      peer-id: spoke1.example.net

      id/spi: 8 00000000aaaabbbb/0000000000000000
      direction: initiator
      status: connecting, state 0, started 4s ago
      proposal: aes256gcm-prfsha256
    """)

SECRET_MATERIAL = ("fc443e8594fa5be2", "0C1A54F2D8E7B9A6", "9A60C1A54F2D8E7B")


def parse(text):
    result = parse_gateway_list(text)
    return result.gateways, result.warnings


def test_multiline_output_gives_every_field():
    gateways, warnings = parse(FGT_A_MULTILINE)
    assert warnings == []
    assert len(gateways) == 1
    gw = gateways[0]
    assert list(gw) == list(GATEWAY_KEYS)
    assert gw["vdom"] == "root" and gw["vdom_index"] == 0
    assert gw["name"] == "SiteA-to-SiteB" and gw["ike_version"] == 1
    assert (gw["interface"], gw["interface_index"]) == ("port1", 3)
    assert (gw["local_addr"], gw["local_port"], gw["remote_addr"], gw["remote_port"]) == (
        "10.47.2.86", 500, "10.47.1.80", 500)
    assert (gw["tun_id"], gw["tun_id6"]) == ("10.47.1.80", "::10.47.1.80")
    assert gw["network_id"] == 0
    assert (gw["virtual_interface_addr_local"], gw["virtual_interface_addr_peer"]) == ("1.1.1.1", "1.1.1.2")
    assert gw["overlay_exchanged"] is True
    assert gw["created_seconds"] == 2028
    assert gw["transport"] is None and gw["peer_id"] is None
    assert gw["ike_sa"] == {
        "created_current": 1, "created_total": 1, "established_current": 1, "established_total": 1,
        "time_ms": {"min": 0, "avg": 0, "max": 0},
    }
    (sa,) = gw["ike_sas"]
    assert list(sa) == list(IKE_SA_KEYS)
    assert sa == {
        "id": 42, "spi_initiator": "3a5806a029430704", "spi_responder": "38637eb460746826",
        "direction": "initiator", "status": "established", "status_raw": "established 2028-2028s ago = 0ms",
        "proposal": "aes128-sha256", "lifetime": 86400, "rekey": 84071, "dpd_sent": 177, "dpd_recv": 0,
        "extra": {},
    }


def test_flattened_web_page_form_equals_device_form():
    flat, warnings = parse(FGT_A_FLATTENED)
    assert warnings == []
    assert flat == parse(FGT_A_MULTILINE)[0]


@pytest.mark.parametrize("mangle", [
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: "\n".join(line.strip() for line in t.splitlines()), id="lost-indentation"),
    pytest.param(lambda t: "FGT_1 (root) # diagnose vpn ike gateway list\n" + t + "\nFGT_1 (root) # ", id="prompt-echo"),
    pytest.param(lambda t: "FGT_1 # diag vpn ike gateway list name SiteA-to-SiteB\n" + t, id="abbreviated-list-name"),
    pytest.param(lambda t: "\n".join("\t" + line for line in t.splitlines()), id="extra-indentation"),
])
def test_layout_variants_give_identical_facts(mangle):
    gateways, warnings = parse(mangle(FGT_A_MULTILINE))
    assert warnings == []
    assert gateways == parse(FGT_A_MULTILINE)[0]


def test_kb253455_before_peer_not_exchanged_and_annotation_reported():
    text = (
        "FGT2 # diagnose vpn ike gateway list vd: root/0 name: SiteB-to-SiteA version: 1 interface: port1 3 "
        "addr: 10.47.1.80:500 -> 10.47.2.86:500 tun_id: 10.47.1.42/::10.47.1.42 remote_location: 0.0.0.0 "
        "virtual-interface-addr: 1.1.1.2 -> 0.0.0.0 <----- Peer tunnel IP 0.0.0.0. created: 5s ago "
        "IKE SA: created 1/1 established 1/1 time 3010/3010/3010 ms IPsec SA: created 0/0"
    )
    (gw,), warnings = parse(text)
    assert gw["virtual_interface_addr_peer"] == "0.0.0.0"
    assert gw["overlay_exchanged"] is False
    assert gw["network_id"] is None
    assert gw["ipsec_sa"] == {
        "created_current": 0, "created_total": 0, "established_current": None,
        "established_total": None, "time_ms": None,
    }
    assert len(warnings) == 1 and "<----- Peer tunnel IP" in warnings[0] and "SiteB-to-SiteA" in warnings[0]


def test_ikev2_dialup_instance_nat_t_and_several_sas():
    (gw,), warnings = parse(IKEV2_DIALUP_HUB)
    assert warnings == []
    assert gw["name"] == "HUB_0" and gw["ike_version"] == 2
    assert (gw["local_port"], gw["remote_port"]) == (4500, 64916)
    assert gw["transport"] == "UDP" and gw["network_id"] == 1
    assert gw["created_seconds"] == 3723
    assert gw["auto_discovery"] == "1 sender"
    assert gw["peer_id"] == "spoke1.example.net"
    assert gw["extra"] == {"peer_id_auth": "no", "nat": "peer", "ppk": "no"}
    assert gw["ipsec_sa"]["time_ms"] == {"min": 0, "avg": 5, "max": 10}
    first, second = gw["ike_sas"]
    assert first["extra"] == {"child": "no", "ppk": "no", "message_id_sent_recv": "0/12", "peer_id": "spoke1.example.net"}
    assert (first["dpd_sent"], first["dpd_recv"]) == (26, 2)
    assert second["status"] == "connecting"
    assert second["status_raw"] == "connecting, state 0, started 4s ago"
    assert second["lifetime"] is None and second["dpd_sent"] is None


@pytest.mark.parametrize("text", [FGT_A_MULTILINE, FGT_A_FLATTENED, IKEV2_DIALUP_HUB])
def test_key_material_never_returned(text):
    serialized = json.dumps(parse(text))
    for secret in SECRET_MATERIAL:
        assert secret not in serialized
    assert '"key"' not in serialized and "sk_e" not in serialized and "sk_a" not in serialized


def test_several_vdoms_ipv6_tcp_and_no_tun_id():
    text = textwrap.dedent("""\
        vd: root/0
        name: to-dc
        version: 2
        interface: wan1 5
        addr: 2001:db8::1:500 -> 2001:db8:ffff::2:500
        transport: TCP
        created: 10s ago
        IKE SA: created 1/1  established 1/1  time 0/0/0 ms
        IPsec SA: created 1/1  established 1/1  time 0/0/0 ms
        vd: customer-a/3
        name: legacy
        version: 1
        interface: port2 4
        addr: 192.0.2.1:4500 -> 192.0.2.200:4500
        created: 99s ago
        IKE SA: created 1/3  established 0/2
        IPsec SA: created 0/0
        """)
    (v6, legacy), warnings = parse(text)
    assert warnings == []
    assert (v6["local_addr"], v6["remote_addr"], v6["local_port"]) == ("2001:db8::1", "2001:db8:ffff::2", 500)
    assert v6["transport"] == "TCP"
    assert (legacy["vdom"], legacy["vdom_index"]) == ("customer-a", 3)
    assert legacy["tun_id"] is None and legacy["tun_id6"] is None
    assert legacy["virtual_interface_addr_peer"] is None and legacy["overlay_exchanged"] is None
    assert legacy["ike_sa"]["established_current"] == 0 and legacy["ike_sa"]["time_ms"] is None


def test_release_without_vd_line_splits_gateways_on_name():
    text = "name: a\nversion: 1\naddr: 10.0.0.1:500 -> 10.0.0.2:500\nname: b\nversion: 1\n"
    gateways, warnings = parse(text)
    assert [g["name"] for g in gateways] == ["a", "b"]
    assert gateways[0]["vdom"] is None and warnings == []


def test_interface_without_name():
    (gw,), _warnings = parse("vd: root/0\nname: t\ninterface: 7\n")
    assert (gw["interface"], gw["interface_index"]) == ("", 7)


def test_empty_output_means_no_gateway():
    assert parse("") == ([], [])
    assert parse("FGT # diagnose vpn ike gateway list\nFGT # ") == ([], [])


@pytest.mark.parametrize("text, fragment", [
    ("Command fail. Return code -61", "Command fail"),
    ("Unknown action 0", "Unknown action"),
    ("command parse error before 'gatway'", "command parse error"),
    ("this is not a gateway list\nat all", "does not look like"),
])
def test_errors_are_clear(text, fragment):
    with pytest.raises(GatewayListError, match=fragment):
        parse_gateway_list(text)


@pytest.mark.parametrize("value", [None, 42, {"stdout": "x"}, [1, 2]])
def test_wrong_input_type_names_what_to_pass(value):
    with pytest.raises(GatewayListError, match="string"):
        parse_gateway_list(value)


def test_list_of_lines_is_accepted():
    assert parse(FGT_A_MULTILINE.splitlines())[0] == parse(FGT_A_MULTILINE)[0]


def test_truncated_value_is_a_warning_naming_the_field():
    gateways, warnings = parse("vd: root/0\nname: t\naddr: 10.0.0.1:5")
    assert gateways[0]["local_addr"] is None
    assert warnings == ["line 3 (gateway t): could not read addr value '10.0.0.1:5'"]


@pytest.mark.parametrize("damaged", ["  SK_ei 36:0C1A54F2D8E7B9A60C1A54F2", "  key; fc443e8594fa5be2-eae13f4db24b4d78"])
def test_damaged_key_material_never_reaches_warnings(damaged):
    text = FGT_A_MULTILINE.replace("  key: fc443e8594fa5be2-eae13f4db24b4d78", damaged)
    gateways, warnings = parse(text)
    assert warnings and all("<key material>" in w for w in warnings)
    assert "0C1A54F2" not in json.dumps([gateways, warnings]) and "fc443e85" not in json.dumps([gateways, warnings])


def test_damaged_spacing_in_a_key_is_read():
    gateways, warnings = parse(FGT_A_MULTILINE.replace("IPsec SA: created", "IPsec  SA:  created"))
    assert warnings == [] and gateways == parse(FGT_A_MULTILINE)[0]


def test_parsing_never_pauses_the_garbage_collector_and_keeps_its_caches_bounded(monkeypatch):
    import gc

    from ansible_collections.overlay.fortigate.plugins.module_utils.ike import gateway_list

    paused = []
    monkeypatch.setattr(gc, "disable", lambda: paused.append(True))  # process-wide: never the parser's to call
    text = "vd: root/0\nname: t\n" + "".join("custom-key-%d: v\n" % n for n in range(2000))
    gateways, _warnings = parse(text)
    assert paused == [] and len(gateways[0]["extra"]) == 2000
    assert len(gateway_list._SNAKE_CACHE) <= gateway_list._CACHE_SIZE
