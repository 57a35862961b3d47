"""Helpers for integration tests that run real ansible-playbook processes."""

import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
# The ansible-playbook of the interpreter running the tests (.venv), whatever PATH says.
ANSIBLE_PLAYBOOK = str(pathlib.Path(sys.executable).parent / "ansible-playbook")


@pytest.fixture(scope="session")
def run_playbook():
    """Run ansible-playbook from the repo root; return the completed process (text output)."""

    def run(playbook, *args, env=None):
        environment = dict(os.environ)
        environment.setdefault("ANSIBLE_COLLECTIONS_PATH", str(REPO / ".devcollections"))
        environment.update({"ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "false",
                            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false"})
        environment.update(env or {})
        return subprocess.run(
            [ANSIBLE_PLAYBOOK, str(playbook), *args],
            cwd=REPO, env=environment, capture_output=True, text=True, timeout=600, check=False,
        )

    return run
