"""The terminal plugin's prompt patterns match what FortiOS prints, for full and restricted admins."""

import pytest

from ansible_collections.overlay.fortigate.plugins.terminal.fortios import TerminalModule


@pytest.mark.parametrize("tail", [b"\r\nFGT_1 # ", b"\r\nFGT_1 (root) # ", b"\r\nFGT_1 (phase1-interface) # ",
                                  b"\r\nFGT_RO $ ", b"\r\nFGT_RO (blue) $ "])
def test_prompt_recognised(tail):
    assert any(pattern.search(b"output line" + tail) for pattern in TerminalModule.terminal_stdout_re)


@pytest.mark.parametrize("tail", [b"\r\nset ip 10.0.0.1 ", b"\r\n--More-- ", b"\r\n100% done"])
def test_no_prompt_in_plain_output(tail):
    assert not any(pattern.search(b"output line" + tail) for pattern in TerminalModule.terminal_stdout_re)
