"""Input a demanding user gives by mistake that only the device can judge (issue 9).

One run of ``input_checks.yml`` for the module; each test reads its task's result and the
device's request log: nothing may be written, and the message must name the option and the fix.
"""

import pytest


@pytest.fixture(scope="module")
def checks(module_lab):
    mark = module_lab.mark("SITE_A")
    report, proc = module_lab.playbook("input_checks.yml")
    requests = module_lab.requests("SITE_A")[mark:]

    def result(task):
        return module_lab.result(report, task, "SITE_A")
    return result, requests, proc


def messages(checks, *tasks):
    result = checks[0]
    return {task: result(task).get("msg", "") for task in tasks}


def test_nothing_is_written_by_refused_input(checks, module_lab):
    _result, requests, proc = checks
    assert proc.returncode == 0, proc.stdout[-3000:]
    writes = [r for r in requests if r["method"] in ("POST", "PUT", "DELETE") and "/api/v2/cmdb/" in r["path"]]
    # The only write is the refused create of the multi-object task (the device answers 500).
    assert [(w["method"], w["path"], w["status"]) for w in writes if w["status"] == 200] == []
    assert "NEW-TUNNEL" not in module_lab.config("SITE_A") and "a-tunnel-name-too-long" not in module_lab.config("SITE_A")


def test_a_misspelt_attribute_is_refused_with_the_closest_name(checks):
    message = messages(checks, "Misspelt attribute")["Misspelt attribute"]
    assert message == ("config: remote_gateway is not an attribute of vpn.ipsec/phase1-interface on this device "
                       "(closest: remote-gw, remote-gw6, remote-gw-match)")


def test_an_unknown_vdom_is_named_with_the_vdoms_the_device_has(checks):
    message = messages(checks, "Unknown VDOM")["Unknown VDOM"]
    assert "vdom 'custmer-a' does not exist on the device or this API user cannot see it (VDOMs it shows: root)" in message
    assert "write permission" not in message


def test_a_key_too_long_for_the_table_is_refused_before_writing(checks):
    assert messages(checks, "Key too long for the table")["Key too long for the table"] == (
        "mkey 'a-tunnel-name-too-long' is 22 characters long; vpn.ipsec/phase1-interface keys have at most 15")


def test_a_refused_create_names_the_object_and_the_field(checks):
    refused = checks[0]("Refused create in a multi-object task")
    assert refused["msg"].startswith("objects[1] (vpn.ipsec/phase1-interface NEW-TUNNEL): POST vpn.ipsec/phase1-interface")
    assert refused["field"] == "remote-gw" and "field 'remote-gw'" in refused["msg"]


def test_a_long_refused_value_is_cut_in_the_message(checks):
    refused = checks[0]("Long value refused by the device")
    assert refused["failed"] and "(100000 characters)" in refused["msg"] and "field 'comments'" in refused["msg"]
    assert len(refused["msg"]) < 600 and len(refused["cli_error"]) < 300


def test_removing_a_missing_object_costs_one_request(checks):
    result = checks[0]("Remove a static route that is not there")
    assert result["changed"] is False and result["results"][0]["action"] == "none"
    assert [(r["method"], r["path"], r["status"]) for r in checks[1] if "router/static" in r["path"]] == [
        ("GET", "/api/v2/cmdb/router/static/77", 404)]
