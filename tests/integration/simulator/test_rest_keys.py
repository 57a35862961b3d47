"""Keys the simulated REST API refuses, and requests it logs whatever their path (issue 9, item 7)."""

ADDRESS = "/api/v2/cmdb/firewall/address"


def test_a_key_with_a_control_character_is_refused_like_a_bad_value(lab):
    mark = lab.log_mark("FGT_A")
    for key in ("a\nb", "tab\there", "bell\x07"):
        refused = lab.request("FGT_A", "POST", f"{ADDRESS}?vdom=root", {"name": key, "subnet": "10.9.9.0/24"})
        assert refused.status == 500 and refused.json["error"] == -651, refused.body
        # FortiOS's generic form, the control character escaped so the text stays on its lines.
        escaped = key.encode("unicode_escape").decode()
        assert refused.json["cli_error"] == f"value parse error before '{escaped}'\nCommand fail. Return code -651\n"
    renamed = lab.request("FGT_A", "POST", f"{ADDRESS}?vdom=root", {"name": "plain", "subnet": "10.9.8.0/24"})
    assert renamed.status == 200
    refused = lab.request("FGT_A", "PUT", f"{ADDRESS}/plain?vdom=root", {"name": "pl\nain"})
    assert refused.status == 500 and refused.json["error"] == -651
    assert lab.request("FGT_A", "DELETE", f"{ADDRESS}/plain?vdom=root").status == 200
    assert [r["status"] for r in lab.log_since("FGT_A", mark)] == [500, 500, 500, 200, 500, 200]


def test_a_path_with_an_encoded_newline_is_answered_and_logged_like_any_other(lab):
    mark = lab.log_mark("FGT_A")
    missing = lab.get("FGT_A", f"{ADDRESS}/a%0Ab?vdom=root")
    assert missing.status == 404 and missing.json["status"] == "error" and missing.json["error"] == -3
    logged = lab.log_since("FGT_A", mark)
    assert [(r["method"], r["path"], r["status"]) for r in logged] == [("GET", f"{ADDRESS}/a\nb", 404)]


def test_the_schema_gives_the_longest_key_of_a_table(lab):
    schema = lab.get("FGT_A", "/api/v2/cmdb/vpn.ipsec/phase1-interface?action=schema").json["results"]
    assert schema["children"]["name"]["size"] == 15 and schema["children"]["comments"]["size"] == 255
