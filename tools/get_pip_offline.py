"""Offline stand-in for ansible-test's get-pip bootstrap.

ansible-test creates its virtual environments without pip and downloads a get-pip script
from ci-files.testing.ansible.com, which this network cannot reach. This script is placed in
ansible-test's cache under the name it looks for; it installs pip from the interpreter's own
ensurepip wheel and then runs pip with the arguments ansible-test passes.
"""

import ensurepip
import importlib
import os
import runpy
import sys

saved_environment = dict(os.environ)
ensurepip.bootstrap(upgrade=True)
# ensurepip points PIP_CONFIG_FILE at /dev/null; restore it so the machine's pip.conf (index mirror) applies.
os.environ.clear()
os.environ.update(saved_environment)
importlib.invalidate_caches()

pip_arguments = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.argv = ["pip", "install"] + pip_arguments
runpy.run_module("pip", run_name="__main__", alter_sys=True)
