"""``fortigate-sim lab advpn``: the generated underlay lab (addressing of CONTRACTS section A).

The addressing is checked against values worked out by hand from the scheme (not by calling the
generator's own formulas), then a generated lab is started and every device pings every hub's WAN
address of every overlay over the underlay.
"""

from __future__ import annotations

import ipaddress
import itertools

import pytest
import yaml

from conftest import sim
from fortigate_sim.labgen import lab_text


def load(text: str) -> dict:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def interfaces(lab: dict, device: str) -> dict:
    entry = next(d for d in lab["devices"] if d["name"] == device)
    return {port["name"]: port for port in entry["interfaces"]}


def test_cli_writes_the_file_and_same_arguments_give_the_same_bytes(tmp_path):
    written = tmp_path / "lab.yml"
    sim("lab", "advpn", "--hubs", "2", "--overlays", "3", "--spokes", "4", "--seed", "7", "-o", str(written))
    stdout = sim("lab", "advpn", "--hubs", "2", "--overlays", "3", "--spokes", "4", "--seed", "7", "-o", "-").stdout
    assert written.read_text() == stdout == lab_text(2, 3, 4, "7.4.4", 7)


def test_seed_changes_serials_only():
    base, other = load(lab_text(1, 2, 3, seed=1)), load(lab_text(1, 2, 3, seed=2))
    assert [d["serial"] for d in base["devices"]] != [d["serial"] for d in other["devices"]]

    def strip(lab):
        return [{k: v for k, v in d.items() if k != "serial"} for d in lab["devices"]]
    assert strip(base) == strip(other) and base["addressing"] == other["addressing"]
    assert all(len(d["serial"]) == 16 and d["serial"].startswith("FGVM02TM") for d in base["devices"])


def test_addressing_follows_the_contract():
    text = lab_text(3, 3, 251, version="7.2.10")
    lab = load(text)
    assert lab["defaults"]["version"] == "7.2.10"
    names = [d["name"] for d in lab["devices"]]
    assert names[:4] == ["HUB1", "HUB2", "HUB3", "SPOKE1"] and names[-1] == "SPOKE251" and len(names) == 254
    # Hub 2: WAN per overlay on the ISP's /24, LAN 10.0.2.1/24, LAN port after the WAN ports.
    hub2 = interfaces(lab, "HUB2")
    assert [(p["name"], p["alias"], p["ip"], p["role"]) for p in hub2.values()] == [
        ("port1", "ISP1", "100.65.0.2/24", "wan"), ("port2", "ISP2", "100.66.0.2/24", "wan"),
        ("port3", "ISP3", "100.67.0.2/24", "wan"), ("port4", "LAN", "10.0.2.1/24", "lan")]
    # Spoke 62 is the last /30 of the first block, 63 the first of the next; 251 starts the second LAN /16.
    assert interfaces(lab, "SPOKE62")["port1"]["ip"] == "100.65.1.245/30"
    assert interfaces(lab, "SPOKE63")["port2"]["ip"] == "100.66.2.1/30"
    assert interfaces(lab, "SPOKE250")["port4"]["ip"] == "10.1.250.1/24"
    assert interfaces(lab, "SPOKE251")["port4"]["ip"] == "10.2.1.1/24"
    assert lab["addressing"]["HUB2"] == {
        "role": "hub", "index": 2,
        "wan": {f"ISP{o}": {"interface": f"port{o}", "address": f"100.{64 + o}.0.2", "prefix": f"100.{64 + o}.0.2/24",
                            "network": f"100.{64 + o}.0.0/24", "gateway": f"100.{64 + o}.0.254"} for o in (1, 2, 3)},
        "lan": {"interface": "port4", "prefix": "10.0.2.0/24", "address": "10.0.2.1"}}
    assert lab["addressing"]["SPOKE63"]["wan"]["ISP3"] == {
        "interface": "port3", "address": "100.67.2.1", "prefix": "100.67.2.1/30", "network": "100.67.2.0/30",
        "gateway": "100.67.2.2"}
    # Default route per WAN port to that ISP's next hop, and nothing else configured.
    spoke = next(d for d in lab["devices"] if d["name"] == "SPOKE63")
    assert spoke["config"].split() == (
        "config router static edit 1 set gateway 100.65.2.2 set device \"port1\" next edit 2 set gateway 100.66.2.2 "
        "set device \"port2\" next edit 3 set gateway 100.67.2.2 set device \"port3\" next end").split()
    # The header prints the scheme and one line per device.
    assert text.startswith("# fortigate-sim lab advpn --hubs 3 --overlays 3 --spokes 251 --version 7.2.10 --seed 0\n")
    assert "\n# SPOKE63      100.65.2.1/30 (100.65.2.2)" in text


def test_every_address_is_unique_and_wan_gateways_are_on_link():
    lab = load(lab_text(4, 2, 300))
    addresses, networks = [], []
    for site in lab["addressing"].values():
        for wan in site["wan"].values():
            interface = ipaddress.ip_interface(wan["prefix"])
            assert ipaddress.ip_address(wan["gateway"]) in interface.network and wan["gateway"] != wan["address"]
            addresses.append(wan["address"])
            if site["role"] == "spoke":
                networks.append(interface.network)
        addresses.append(site["lan"]["address"])
        networks.append(ipaddress.ip_network(site["lan"]["prefix"]))
    assert len(addresses) == len(set(addresses))
    networks.sort()
    assert not any(a.overlaps(b) for a, b in itertools.pairwise(networks))  # sorted: overlaps are neighbours


def test_adding_spokes_never_changes_another_device():
    small, large = load(lab_text(2, 2, 5)), load(lab_text(2, 2, 130))
    by_name = {d["name"]: d for d in large["devices"]}
    for device in small["devices"]:
        assert by_name[device["name"]] == device
        assert large["addressing"][device["name"]] == small["addressing"][device["name"]]


@pytest.mark.parametrize("args, message", [
    (["--hubs", "0", "--overlays", "1", "--spokes", "1"], "--hubs 0: must be between 1 and 253"),
    (["--hubs", "1", "--overlays", "64", "--spokes", "1"], "--overlays 64: must be between 1 and 63"),
    (["--hubs", "1", "--overlays", "1", "--spokes", "15811"], "--spokes 15811: must be between 0 and 15810"),
    (["--hubs", "1", "--overlays", "1", "--spokes", "1", "--version", "7.4"], "--version: not a FortiOS version"),
])
def test_bad_sizes_are_refused_before_anything_is_written(tmp_path, args, message):
    target = tmp_path / "lab.yml"
    proc = sim("lab", "advpn", *args, "-o", str(target), check=False)
    assert proc.returncode == 2 and message in proc.stderr and not target.exists()


def test_generated_lab_starts_and_every_device_reaches_its_hubs_over_each_transport(model_labs, tmp_path_factory):
    lab_file = tmp_path_factory.mktemp("generated") / "advpn-h2-o2-s3.yml"
    sim("lab", "advpn", "--hubs", "2", "--overlays", "2", "--spokes", "3", "-o", str(lab_file))
    addressing = load(lab_file.read_text())["addressing"]
    lab = model_labs(str(lab_file))
    hub_wans = [wan["address"] for site in addressing.values() if site["role"] == "hub" for wan in site["wan"].values()]
    assert len(hub_wans) == 4
    for device, site in addressing.items():
        routes = lab.cli(device, "get router info routing-table all")
        for isp, wan in site["wan"].items():
            assert f"via {wan['gateway']}, {wan['interface']}, [1/0]" in routes, (device, isp, routes)
        for target in hub_wans:
            output = lab.cli(device, f"execute ping {target}")
            assert "5 packets transmitted, 5 packets received, 0% packet loss" in output, (device, target, output)
    # A LAN is not routed by the Internet: the underlay only carries WAN addresses.
    lost = lab.cli("SPOKE1", f"execute ping {addressing['HUB1']['lan']['address']}")
    assert "100% packet loss" in lost
