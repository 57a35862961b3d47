"""ike_gateway_facts with captured text: same facts as the filter, a summary, clean failures."""

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.overlay.fortigate.plugins.filter.parse_ike_gateway_list import FilterModule
from ansible_collections.overlay.fortigate.plugins.modules import ike_gateway_facts

from ..module_utils.ike.test_gateway_list import FGT_A_FLATTENED, IKEV2_DIALUP_HUB

FGT2_BEFORE = (
    "FGT2 # diagnose vpn ike gateway list vd: root/0 name: SiteB-to-SiteA version: 1 interface: port1 3 "
    "addr: 10.47.1.80:500 -> 10.47.2.86:500 virtual-interface-addr: 1.1.1.2 -> 0.0.0.0 created: 5s ago "
    "IKE SA: created 1/1 established 1/1 time 3010/3010/3010 ms IPsec SA: created 0/0"
)


def run_module(capsys, **args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            ike_gateway_facts.main()
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("text", [FGT_A_FLATTENED, IKEV2_DIALUP_HUB, FGT2_BEFORE])
def test_facts_equal_the_filter(capsys, text):
    result = run_module(capsys, text=text)
    assert result["changed"] is False
    expected = FilterModule().filters()["parse_ike_gateway_list"](text)
    assert result["ansible_facts"]["fortios_ike_gateways"] == json.loads(json.dumps(expected))


def test_summary_names_missing_overlays(capsys):
    summary = run_module(capsys, text=FGT2_BEFORE)["ansible_facts"]["fortios_ike_summary"]
    assert summary["gateways"] == 1 and summary["ike_up"] == 1 and summary["ipsec_up"] == 0
    assert summary["overlays_missing"] == ["root/SiteB-to-SiteA"] and summary["overlays_exchanged"] == 0
    (tunnel,) = summary["tunnels"]
    assert (tunnel["overlay_local"], tunnel["overlay_peer"], tunnel["overlay_exchanged"]) == ("1.1.1.2", "0.0.0.0", False)


def test_hub_summary(capsys):
    summary = run_module(capsys, text=IKEV2_DIALUP_HUB)["ansible_facts"]["fortios_ike_summary"]
    assert summary["tunnels"][0]["name"] == "HUB_0" and summary["tunnels"][0]["ipsec_sas"] == 2
    assert summary["ipsec_sas_up"] == 2
    assert summary["overlays_exchanged"] == 1


def test_error_output_fails_cleanly(capsys):
    result = run_module(capsys, text="FGT # diagnose vpn ike gateway list\nCommand fail. Return code -61\n")
    assert result["failed"] and "Command fail. Return code -61" in result["msg"]


def test_captured_text_is_not_echoed_in_the_result(capsys):
    result = run_module(capsys, text=IKEV2_DIALUP_HUB)
    assert "0C1A54F2" not in json.dumps(result) and result["ansible_facts"]["fortios_ike_gateways"][0]["name"] == "HUB_0"


def test_strict_fails_on_skipped_text(capsys):
    result = run_module(capsys, text=FGT2_BEFORE + " <--- note", strict=True)
    assert result["failed"] and "strict mode" in result["msg"]


def test_same_tunnel_name_in_two_vdoms_is_counted_twice(capsys):
    text = ("vd: root/0\nname: T\nvirtual-interface-addr: 10.0.0.1 -> 0.0.0.0\n"
            "IKE SA: created 1/1  established 1/1  time 0/0/0 ms\n"
            "vd: blue/1\nname: T\nvirtual-interface-addr: 10.0.1.1 -> 10.0.1.2\n"
            "IKE SA: created 1/1  established 1/1  time 0/0/0 ms\n")
    summary = run_module(capsys, text=text)["ansible_facts"]["fortios_ike_summary"]
    assert summary["gateways"] == 2 and summary["ike_up"] == 2
    assert summary["overlays_missing"] == ["root/T"] and summary["overlays_exchanged"] == 1
    assert [(t["vdom"], t["name"]) for t in summary["tunnels"]] == [("root", "T"), ("blue", "T")]


def test_text_with_the_groups_vdom_default_is_accepted(capsys):
    result = run_module(capsys, text=FGT2_BEFORE, vdom="root")
    assert result["ansible_facts"]["fortios_ike_gateways"][0]["name"] == "SiteB-to-SiteA"


@pytest.mark.parametrize("option", ["name", "vdom"])
def test_names_that_are_not_one_cli_word_are_refused(capsys, option):
    result = run_module(capsys, **{option: "blue\nexecute factoryreset"})
    assert result["failed"] and option in result["msg"] and "not a FortiOS name" in result["msg"]


def test_key_material_never_in_warnings_or_errors(capsys):
    text = IKEV2_DIALUP_HUB.replace("  SK_ei: 36:", "  \x1b[33mSK_ei\x1b[0m --More-- 36:").replace(
        "direction: responder", "direction: responder\n  SK-ar 36:9A60C1A54F2D8E7B9A60")
    result = run_module(capsys, text=text)
    assert result["ansible_facts"]["fortios_ike_gateways"][0]["name"] == "HUB_0"
    failed = run_module(capsys, text=text, strict=True)
    assert failed["failed"] and "strict mode and 2 part(s)" in failed["msg"] and "<key material>" in failed["msg"]
    for shown in (json.dumps(result), json.dumps(failed)):
        assert "0C1A54F2" not in shown and "9A60C1A5" not in shown
