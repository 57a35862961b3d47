"""The embedded labs, started once per session each, for end-to-end scenarios over SSH and HTTPS."""

from pathlib import Path

import pytest
from lab_support import REPO, SimLab, running_lab

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def kb_lab(tmp_path_factory):
    """kb-exchange-interface-ip: FGT_1 and FGT2 of Fortinet KB 253455, exchange still disabled."""
    with running_lab(tmp_path_factory.mktemp("kb-lab"), REPO / "simulator" / "labs" / "kb-exchange-interface-ip.yml",
                     lambda workdir: SimLab(workdir, HERE / "playbooks")) as lab:
        yield lab


@pytest.fixture(scope="session")
def advpn_lab(tmp_path_factory):
    """advpn-bgp-loopback: one hub, two spokes, BGP on loopback."""
    with running_lab(tmp_path_factory.mktemp("advpn-lab"), REPO / "simulator" / "labs" / "advpn-bgp-loopback.yml",
                     lambda workdir: SimLab(workdir, HERE / "playbooks")) as lab:
        yield lab
