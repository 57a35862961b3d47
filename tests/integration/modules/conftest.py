"""One simulated lab for the configuration modules' tests (``labs/modules-lab.yml``), shared by the session."""

from pathlib import Path

import pytest
from lab_support import SimLab, running_lab

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def module_lab(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("module-lab"), HERE / "labs" / "modules-lab.yml",
                     lambda workdir: SimLab(workdir, HERE / "playbooks")) as lab:
        yield lab
