"""The CMDB schema built from the installed fortinet.fortios collection, over the device's REST API
(in-process aiohttp server, plain HTTP; no lab process, no playbook) and its CLI language.

* every CMDB path the official modules know answers a GET and ``?action=schema``, and every child
  table of a singleton answers a member-path GET;
* attributes exist per release (``v_range``): phase1 ``exchange-fgt-device-id`` and
  ``auto-discovery-crossover`` appeared in 7.4 — a 7.2 device never stores them (REST: accepted and
  dropped, or refused with -61 under ``unknown_attributes: reject``; CLI: ``command parse error``);
* the hand-written layer names no attribute the collection lacks.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from fortigate_sim import cli_lang, fortios_collection, overlay
from fortigate_sim.behaviour import Behaviour
from fortigate_sim.device import Device, DeviceSpec
from fortigate_sim.enc import SecretBox
from fortigate_sim.faults import FaultRegistry
from fortigate_sim.rest_app import RestApi
from fortigate_sim.schema import LISTS, TABLES, merged_kind
from fortigate_sim.store import Target
from fortigate_sim.versions import FosVersion

TOKEN = "catalog-test-token"
P1 = "/api/v2/cmdb/vpn.ipsec/phase1-interface"
NEW_IN_74 = ("exchange-fgt-device-id", "auto-discovery-crossover")


def make_device(version: str, **behaviour: Any) -> Device:
    spec = DeviceSpec(name=f"D{version}", hostname=f"D{version}", serial="FGVM02TM00000042",
                      version=FosVersion(version), build=1, admin_user="admin", admin_password="x",
                      api_token=TOKEN, behaviour=Behaviour.for_version(version, behaviour),
                      interfaces=[{"name": "port1", "ip": "192.0.2.1/24", "role": "wan"}])
    device = Device(spec, SecretBox(SecretBox.new_key()), None)
    device.load()
    return device


async def _requests(device: Device, calls: list[tuple[str, str, Any]]) -> list[tuple[int, Any]]:
    """Run (method, path, body) calls against the device's REST API; (status, JSON) each."""
    answers = []
    async with TestClient(TestServer(RestApi(device, FaultRegistry()).app())) as client:
        for method, path, body in calls:
            response = await client.request(method, path, json=body,
                                            headers={"Authorization": f"Bearer {TOKEN}"})
            answers.append((response.status, await response.json()))
    return answers


def call(device: Device, *calls: tuple[str, str, Any]) -> list[tuple[int, Any]]:
    return asyncio.run(_requests(device, list(calls)))


def test_every_collection_path_answers_get_and_schema():
    device = make_device("7.4.4")
    keys = sorted(TABLES)
    assert len(keys) == len(TABLES.catalog) > 650  # fortinet.fortios 2.4.2: 701 paths
    calls = []
    for key in keys:
        calls += [("GET", f"/api/v2/cmdb/{key}", None), ("GET", f"/api/v2/cmdb/{key}?action=schema", None)]
    answers = call(device, *calls)
    for index, key in enumerate(keys):
        (get_status, listing), (schema_status, schema) = answers[2 * index], answers[2 * index + 1]
        table = TABLES[key]
        assert get_status == 200 and listing["status"] == "success", key
        assert isinstance(listing["results"], dict if table.singleton else list), key
        assert schema_status == 200, key
        assert schema["results"]["mkey"] == table.mkey, key
        assert set(schema["results"]["children"]) == set(table.available_fields(device.store.version)), key
    # member paths: every child table of a singleton answers as a list
    member_calls = [(key, name) for key in keys if TABLES[key].singleton
                    for name, fld in TABLES[key].available_fields(device.store.version).items() if fld.kind in LISTS]
    answers = call(device, *[("GET", f"/api/v2/cmdb/{key}/{name}", None) for key, name in member_calls])
    assert len(member_calls) > 100
    for (key, name), (status, body) in zip(member_calls, answers):
        assert status == 200 and body["results"] == [], (key, name)


def test_attributes_exist_per_release_over_rest():
    body = {"name": "T1", "interface": "port1", "ike-version": "2", "remote-gw": "203.0.113.9",
            "proposal": "aes256-sha256", "psksecret": "secret-1",
            "exchange-fgt-device-id": "enable", "auto-discovery-crossover": "block"}
    old, new = make_device("7.2.8"), make_device("7.4.4")
    created, read = call(old, ("POST", P1, body), ("GET", f"{P1}/T1", None))
    assert created[0] == 200  # FortiOS's REST API drops what the release lacks
    assert not set(NEW_IN_74) & set(read[1]["results"][0])
    created, read = call(new, ("POST", P1, body), ("GET", f"{P1}/T1", None))
    assert created[0] == 200
    stored = read[1]["results"][0]
    assert (stored["exchange-fgt-device-id"], stored["auto-discovery-crossover"]) == ("enable", "block")
    strict = make_device("7.2.8", unknown_attributes="reject")
    refused, missing = call(strict, ("POST", P1, body), ("GET", f"{P1}/T1", None))
    assert (refused[0], refused[1]["error"], missing[0]) == (500, -61, 404)
    assert refused[1]["cli_error"] == (
        "command parse error before 'exchange-fgt-device-id'\nCommand fail. Return code -61\n")
    # an attribute no release has is never stored either
    updated, read = call(old, ("PUT", f"{P1}/T1", {"not-an-attribute": "x"}), ("GET", f"{P1}/T1", None))
    assert updated[0] == 200 and "not-an-attribute" not in read[1]["results"][0]


@pytest.mark.parametrize("version, refused", [("7.2.8", True), ("7.4.4", False)])
def test_attributes_exist_per_release_in_the_cli(version, refused):
    device = make_device(version)
    text = ('config vpn ipsec phase1-interface\n edit "T1"\n  set interface "port1"\n  set ike-version 2\n'
            '  set remote-gw 203.0.113.9\n  set proposal aes256-sha256\n  set psksecret "s"\n'
            '  set exchange-fgt-device-id enable\n next\nend\n')
    if refused:
        with pytest.raises(cli_lang.CliError) as failure:
            cli_lang.execute(device.store, cli_lang.parse(text), origin="cli")
        assert failure.value.message == "command parse error before 'exchange-fgt-device-id'"
        assert failure.value.__context__.error == -61
        assert not device.store.exists("vpn.ipsec/phase1-interface", "root", "T1")
    else:
        cli_lang.execute(device.store, cli_lang.parse(text), origin="cli")
        stored = device.store.read(Target(TABLES["vpn.ipsec/phase1-interface"], "root", "T1"))
        assert stored["exchange-fgt-device-id"] == "enable"


def test_the_hand_written_layer_names_only_collection_attributes():
    """overlay.py may refine an attribute, never invent one (or give an option value it lacks)."""
    catalog = TABLES.catalog
    problems = []

    def check(where: str, hint, spec) -> None:
        known = {attr.name: attr for attr in spec.attrs}
        for name, item in hint.hints.items():
            attr = known.get(name)
            if attr is None:
                problems.append(f"{where}: {name} is not in the collection")
                continue
            if item.kind is not None and merged_kind(attr.kind, item) != item.kind:
                problems.append(f"{where}: {name} is a {attr.kind} in the collection, not {item.kind}")
            values = [option[0] for option in attr.options]
            if item.default is not None and item.kind is None and attr.kind == fortios_collection.OPTION \
                    and item.default not in values:
                problems.append(f"{where}: default {item.default!r} of {name} is not an option")
            if item.child is not None and attr.child is not None:
                check(f"{where}/{name}", item.child, attr.child)

    for key, hint in overlay.TABLES.items():
        spec = catalog.get(key)
        if spec is None:
            problems.append(f"{key} is not a path of the collection")
            continue
        check(key, hint, spec)
    assert problems == []
