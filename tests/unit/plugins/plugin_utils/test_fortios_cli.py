"""FortiOS CLI text helpers of the cliconf plugin: prompts, candidates, change prediction, errors."""

import pytest

from ansible_collections.overlay.fortigate.plugins.plugin_utils.fortios_cli import (
    MAX_CONTEXT_DEPTH,
    candidate_lines,
    device_error,
    leave_contexts,
    predict_changes,
    prompt_context,
    top_level_paths,
    vdom_names,
)

RUNNING_FULL = """\
config system interface
    edit "port1"
        set vdom "root"
        set type physical
        set ip 10.47.2.86 255.255.255.0
        set allowaccess ping https ssh
        set status up
    next
    edit "Lo0"
        set vdom "root"
        set type loopback
        set ip 10.0.0.1 255.255.255.255
        set allowaccess ping
        set status up
    next
end
config router bgp
    set as "65001"
    config neighbor
        edit "10.0.0.2"
            set remote-as "65002"
        next
    end
end
"""
RUNNING = """\
config system interface
    edit "port1"
        set vdom "root"
        set type physical
        set ip 10.47.2.86 255.255.255.0
        set allowaccess ping https ssh
    next
    edit "Lo0"
        set vdom "root"
        set type loopback
        set ip 10.0.0.1 255.255.255.255
        set allowaccess ping
    next
end
"""


@pytest.mark.parametrize("prompt, context", [
    ("FGT_1 # ", ""),
    ("\r\nFGT_1 # ", ""),
    (b"FGT-a.b # ", ""),
    ("FGT_1 (phase1-interface) # ", "phase1-interface"),
    ("FGT_1 (SiteA-to-SiteB) # ", "SiteA-to-SiteB"),
    ("FGT_1 (my tunnel) #", "my tunnel"),
    ("FGT_1 (root) # ", "root"),
    ("FGT_RO $ ", ""),                       # restricted (read-only) admin profile
    ("FGT_RO (root) $ ", "root"),
    ("--More-- ", None),
    ("set ip 10.0.0.1", None),
    (None, None),
])
def test_prompt_context(prompt, context):
    assert prompt_context(prompt) == context


def test_candidate_lines_strip_indentation_blanks_and_comments():
    text = "#config-version=FGVM64\n\nconfig system interface\n    edit \"Lo9\"\n\n        set ip 1.1.1.1/32\n"
    assert candidate_lines(text) == ["config system interface", 'edit "Lo9"', "set ip 1.1.1.1/32"]
    assert candidate_lines(["config router bgp", "  set as 1", ""]) == ["config router bgp", "set as 1"]
    assert candidate_lines(None) == []


def test_top_level_paths():
    lines = candidate_lines("config system interface\nedit x\nconfig ipv6\nend\nnext\nend\n"
                            "config router bgp\nend\nconfig system interface\nend")
    assert top_level_paths(lines) == ["system interface", "router bgp"]
    assert top_level_paths(["config vdom", "edit root", "config system interface", "end", "end"]) is None


def test_nothing_predicted_for_values_spelt_differently_or_defaults():
    candidate = candidate_lines("""
        config system interface
            edit Lo0
                set type loopback
                set ip 10.0.0.1/32
                set status up
                set allowaccess ping
            next
        end
        config router bgp
            set as 65001
            config neighbor
                edit 10.0.0.2
                    set remote-as 65002
                next
            end
        end
    """)
    assert predict_changes(candidate, RUNNING_FULL, RUNNING) == []


def test_changed_lines_are_predicted_inside_their_blocks():
    candidate = candidate_lines("""
        config system interface
            edit "Lo0"
                set allowaccess ping
                set ip 10.0.0.9/32
            next
            edit "port1"
                set status up
            next
        end
    """)
    assert predict_changes(candidate, RUNNING_FULL, RUNNING) == [
        "config system interface", 'edit "Lo0"', "set ip 10.0.0.9/32", "next", "end"]


def test_new_entries_and_end_inside_edit():
    candidate = candidate_lines("config system interface\nedit Lo9\nset type loopback\nend")
    assert predict_changes(candidate, RUNNING_FULL, RUNNING) == candidate


@pytest.mark.parametrize("line, changes", [
    ("unset allowaccess", True),     # non-default value present in plain show
    ("unset status", False),         # only in full-configuration: already the default
    ("append allowaccess ping", False),
    ("append allowaccess ssh", True),
    ("unselect allowaccess ssh", False),
    ("unselect allowaccess ping", True),
    ("set allowaccess ping", False),
])
def test_attribute_verbs(line, changes):
    candidate = ["config system interface", "edit Lo0", line, "next", "end"]
    assert bool(predict_changes(candidate, RUNNING_FULL, RUNNING)) is changes


@pytest.mark.parametrize("line, changes", [
    ("delete Lo0", True), ("delete Lo404", False), ("purge", True),
    ('rename "Lo0" to Lo1', True), ("rename Lo404 to Lo1", False),
])
def test_table_verbs(line, changes):
    assert bool(predict_changes(["config system interface", line, "end"], RUNNING_FULL, RUNNING)) is changes


def test_device_error_from_network_cli_bytes_repr():
    message = str(b"set ip 999.1.1.1/32\r\nvalue parse error before '999.1.1.1'\r\n"
                  b"Command fail. Return code -651\r\nFGT_1 (Lo9) # ")
    assert device_error(message, "set ip 999.1.1.1/32") == (
        "value parse error before '999.1.1.1'\nCommand fail. Return code -651")
    assert device_error("xyz\nUnknown action 0\nFGT_1 # ", "xyz") == "Unknown action 0"


def test_device_error_ignores_other_failures():
    assert device_error("command timeout triggered, timeout value is 30 secs") is None


def test_leave_contexts_sends_until_the_top_prompt_or_gives_up():
    prompts = ["FGT (SiteA) # ", "FGT (phase1-interface) # ", "FGT # "]
    sent = []
    assert leave_contexts(lambda: prompts[len(sent)], sent.append, "abort") and sent == ["abort", "abort"]
    stuck = []
    assert not leave_contexts(lambda: "FGT (x) # ", stuck.append, "end") and len(stuck) == MAX_CONTEXT_DEPTH


def test_vdom_names_from_the_listing_of_config_vdom():
    listing = "FGT (vdom) # get\n== [ root ]\nname: root\n== [ blue ]\nname: blue\n\nFGT (vdom) # "
    assert vdom_names(listing) == ["root", "blue"] and vdom_names("") == []
