"""One dual-hub lab for the ADVPN deploy suite: 2 hubs, 2 overlays (ISP1, ISP2), 4 spokes, underlay only.

The lab is `fortigate-sim lab advpn --hubs 2 --overlays 2 --spokes 4` (CONTRACTS addressing);
the intent is the example shipped in examples/advpn/dual_hub.yml, so these tests also prove
that the example works. The tests of test_advpn_deploy.py run in file order on this one lab.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from lab_support import REPO, SimLab, fortigate_sim, running_lab

HERE = Path(__file__).resolve().parent
INTENT = REPO / "examples" / "advpn" / "dual_hub.yml"


class AdvpnLab(SimLab):
    """The lab plus what the ADVPN tests run: the collection's playbooks on the lab and an intent."""

    psk = "lab-" + secrets.token_hex(8)

    def advpn(self, playbook: str, *args: str, intent: Path = INTENT, psk: str | None = None, **kwargs):
        """Run ``playbooks/<playbook>`` of the collection on the lab inventory plus ``intent``."""
        env = dict(kwargs.pop("env", None) or {}, OVERLAY_FORTIGATE_ADVPN_PSK=self.psk if psk is None else psk,
                   ANSIBLE_FORKS="10")
        return self.playbook(playbook, "-i", str(intent), *args, env=env, **kwargs)

    def gateways(self, device: str) -> list[dict]:
        from ansible_collections.overlay.fortigate.plugins.module_utils.ike.gateway_list import parse_gateway_list

        return parse_gateway_list(self.command(device, "diagnose vpn ike gateway list")).gateways


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab_file = tmp_path_factory.mktemp("advpn-lab-file") / "advpn-h2-o2-s4.yml"
    fortigate_sim("lab", "advpn", "--hubs", "2", "--overlays", "2", "--spokes", "4", "-o", str(lab_file))
    with running_lab(tmp_path_factory.mktemp("advpn-dual-hub"), lab_file,
                     lambda workdir: AdvpnLab(workdir, REPO / "playbooks")) as running:
        yield running
