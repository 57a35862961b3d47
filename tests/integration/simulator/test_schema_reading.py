"""How the simulator reads a fortinet.fortios module's ``versioned_schema`` and merges the hand-written
layer (pure logic, a synthetic module text, no lab)."""

from __future__ import annotations

import pickle

import pytest

from fortigate_sim import fortios_collection as fc
from fortigate_sim.errors import FieldError
from fortigate_sim.schema import IPMASK, NAMELIST, OBJECT, SECRET, TABLE, Hint, TableHint, build_table
from fortigate_sim.versions import FosVersion

# The parts of a generated fortinet.fortios module the reader relies on, with made-up attributes.
MODULE = '''
def remap_attribute_name(data):
    speciallist = {"monitor-dict": "monitor"}

def valid_attr_to_invalid_attr(data):
    speciallist = {"message": "fos_message"}

def demo_thing(data, fos, check_mode=False):
    if state == "present" or state is True:
        return fos.set("demo.path", "thing", data=converted_data, vdom=vdom)

versioned_schema = {
    "type": "list",
    "elements": "dict",
    "children": {
        "name": {"v_range": [["v6.0.0", ""]], "type": "string", "required": True},
        "mode": {"v_range": [["v6.0.0", ""]], "type": "string",
                 "options": [{"value": "fos_message"}, {"value": "new", "v_range": [["v7.4.0", ""]]}]},
        "monitor": {"v_range": [["v6.0.0", "v7.4.0"]], "type": "string"},
        "monitor_dict": {"type": "list", "elements": "dict", "v_range": [["v7.4.1", ""]],
                         "children": {"name": {"v_range": [["v7.4.1", ""]], "type": "string", "required": True}}},
        "prefix": {"v_range": [["v6.0.0", ""]], "type": "string"},
        "psksecret": {"v_range": [["v6.0.0", ""]], "type": "string"},
        "proposal": {"v_range": [["v6.0.0", ""]], "type": "list", "elements": "str", "multiple_values": True,
                     "options": [{"value": "a"}, {"value": "b"}]},
        "rule": {"type": "list", "elements": "dict", "v_range": [["v6.0.0", ""]],
                 "children": {"id": {"v_range": [["v6.0.0", ""]], "type": "integer", "required": True},
                              "dst": {"v_range": [["v6.0.0", ""]], "type": "string"}}},
        "ipv6": {"type": "dict", "v_range": [["v6.0.0", ""]],
                 "children": {"ip6_mode": {"v_range": [["v6.0.0", ""]], "type": "string",
                                           "options": [{"value": "static"}, {"value": "dhcp"}]}}},
        "old_knob": {"v_range": [["v6.0.0", "v6.4.4"], ["v7.2.0", "v7.2.0"]], "type": "integer"},
    },
    "v_range": [["v6.0.0", ""]],
}


def main():
    mkeyname = "name"
'''

V644, V72, V740, V744 = (FosVersion(v) for v in ("6.4.4", "7.2.8", "7.4.0", "7.4.4"))


@pytest.fixture(scope="module")
def spec() -> fc.TableSpec:
    found = fc.read_module(MODULE, "fortios_demo_path_thing")
    assert found is not None
    return found


def test_module_is_read_with_fortios_names_kinds_and_releases(spec):
    assert (spec.path, spec.name, spec.mkey, spec.mkey_kind) == ("demo.path", "thing", "name", "string")
    kinds = [(a.name, a.kind) for a in spec.attrs]
    assert kinds == [("name", "string"), ("mode", "option"), ("monitor", "string"), ("monitor", "namelist"),
                     ("prefix", "string"), ("psksecret", "string"), ("proposal", "multi"), ("rule", "table"),
                     ("ipv6", "object"), ("old-knob", "integer")]
    mode = spec.attrs[1]
    assert mode.options == (("message", None), ("new", (((7, 4, 0), None),)))  # the module's rename undone
    assert spec.attrs[-1].ranges == (((6, 0, 0), (6, 4, 4)), ((7, 2, 0), (7, 2, 0)))
    rule = spec.attrs[7].child
    assert (rule.mkey, rule.mkey_kind) == ("id", "integer")
    assert pickle.loads(pickle.dumps(spec)) == spec  # what the cache stores


def test_modules_without_a_table_are_skipped():
    assert fc.read_module("def main():\n    pass\n") is None


def test_merged_table_per_release(spec):
    hint = TableHint({"prefix": Hint("prefix", kind=IPMASK, default="0.0.0.0 0.0.0.0"),
                      "rule": Hint("rule", child=TableHint({"dst": Hint("dst", kind=IPMASK, builtin=("any",),
                                                                        default="any")}))})
    table = build_table(spec, hint, secret_names=frozenset({"psksecret"}))
    assert table.field("monitor", V72).kind == "string" and table.field("monitor", V744).kind == NAMELIST
    # bounds inclusive, as the collection's own version check reads them: 7.2.0 only, not 7.2.8
    assert table.field("old-knob", V644) and table.field("old-knob", FosVersion("7.2.0"))
    assert not table.field("old-knob", V72) and not table.field("old-knob", V744)
    mode = table.field("mode", V72)
    assert mode.parse("message", V72) == "message"
    with pytest.raises(FieldError):
        mode.parse("new", V72)  # option of 7.4.0+
    assert mode.parse("new", V740) == "new"
    assert table.field("psksecret", V744).kind == SECRET
    assert table.field("prefix", V744).parse("10.0.0.0/8") == "10.0.0.0 255.0.0.0"
    rule_dst = table.field("rule", V744).child.field("dst", V744)
    assert (rule_dst.parse("any"), rule_dst.parse("10.1.0.0/16")) == ("any", "10.1.0.0 255.255.0.0")
    assert table.field("ipv6", V744).kind == OBJECT and table.field("rule", V744).kind == TABLE
    defaults = table.defaults(V744)
    assert defaults["ipv6"] == {"ip6-mode": "static"} and defaults["rule"] == [] and defaults["mode"] == "message"
    assert "old-knob" not in defaults and defaults["prefix"] == "0.0.0.0 0.0.0.0"
    defaults["rule"].append({"id": 1})
    assert table.defaults(V744)["rule"] == []  # every object gets its own containers


def test_compact_and_expand_round_trip(spec):
    table = build_table(spec, None)
    obj = table.defaults(V744)
    obj.update({"prefix": "x", "rule": [{"id": 3, "dst": "y"}], "ipv6": {"ip6-mode": "dhcp"}})
    saved = table.compact(obj, V744)
    assert saved == {"prefix": "x", "rule": [{"id": 3, "dst": "y"}], "ipv6": {"ip6-mode": "dhcp"}}
    assert table.expand(saved, V744) == obj
    # an older save with an attribute the release lacks: dropped on load
    assert "old-knob" not in table.expand({**saved, "old-knob": 5}, V744)


def test_namelist_with_a_subnet_key_takes_address_mask_pairs():
    spec = fc.TableSpec("p", "t", None, "string", (
        fc.AttrSpec("dst", fc.NAMELIST, (), child=fc.TableSpec("p", "dst", "subnet", "string", (
            fc.AttrSpec("subnet", fc.STRING, ()),))),))
    hint = TableHint({"dst": Hint("dst", child=TableHint({"subnet": Hint("subnet", kind=IPMASK)}))})
    dst = build_table(spec, hint).field("dst", V744)
    assert dst.parse("10.0.0.0 255.0.0.0 192.168.0.0/16") == [{"subnet": "10.0.0.0 255.0.0.0"},
                                                              {"subnet": "192.168.0.0 255.255.0.0"}]
