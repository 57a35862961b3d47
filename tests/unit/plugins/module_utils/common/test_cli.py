"""One FortiOS prompt definition: the terminal plugin, the cliconf logic and the parser agree."""

import pytest

from ansible_collections.overlay.fortigate.plugins.module_utils.common.cli import cli_word_problem
from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import parse_gateway_list
from ansible_collections.overlay.fortigate.plugins.plugin_utils.fortios_cli import prompt_context
from ansible_collections.overlay.fortigate.plugins.terminal.fortios import TerminalModule

PROMPTS = {"FGT_1 # ": "", "FGT_1 (root) # ": "root", "FGT_1 (phase1-interface) # ": "phase1-interface",
           "FGT_RO $ ": "", "FGT_RO (blue) $ ": "blue", "HUB-1 (SiteA-to-SiteB) # ": "SiteA-to-SiteB"}
NOT_PROMPTS = ["set ip 10.0.0.1 ", "--More-- ", "100% done", "name: HUB_0"]


@pytest.mark.parametrize("prompt, context", PROMPTS.items())
def test_every_user_of_the_prompt_reads_it_alike(prompt, context):
    assert any(p.search(b"output\r\n" + prompt.encode()) for p in TerminalModule.terminal_stdout_re)
    assert prompt_context(prompt) == context
    echo = prompt + "diagnose vpn ike gateway list\nvd: root/0\nname: t\n" + prompt
    assert parse_gateway_list(echo).warnings == [] and parse_gateway_list(echo).gateways[0]["name"] == "t"


@pytest.mark.parametrize("text", NOT_PROMPTS)
def test_text_that_is_no_prompt(text):
    assert not any(p.search(b"output\r\n" + text.encode()) for p in TerminalModule.terminal_stdout_re)
    assert prompt_context(text) is None


@pytest.mark.parametrize("value, ok", [("blue", True), ("HUB_0", True), ("a b", False), ("a\nb", False),
                                       ('a"b', False), ("a\\b", False)])
def test_one_cli_word(value, ok):
    assert (cli_word_problem(value) is None) is ok
