"""Issue 11 §5: the simulator on its own, for the collection's users.

The wheel the repo builds (``make sim-wheel``) carries the collection's version, the simulator
README as its description, the embedded labs and the ``fortigate-sim`` command, and works installed
outside the repository; the documented example (``simulator/examples/molecule-own-lab``), a user's
molecule scenario against a lab file of their own, passes ``molecule test``.
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from lab_support import REPO, ansible_environment

EXAMPLE = REPO / "simulator" / "examples" / "molecule-own-lab"


def test_wheel_has_the_collection_version_readme_labs_and_command(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            str(REPO / "simulator"), "-w", str(tmp_path / "dist")],
                           capture_output=True, text=True, timeout=300, check=False)
    shutil.rmtree(REPO / "simulator" / "build", ignore_errors=True)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("fortigate_sim-*.whl")
    version = yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]
    assert wheel.name == f"fortigate_sim-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = email.message_from_string(archive.read(f"fortigate_sim-{version}.dist-info/METADATA").decode())
        entry_points = archive.read(f"fortigate_sim-{version}.dist-info/entry_points.txt").decode()
    assert metadata["Version"] == version and metadata["Name"] == "fortigate-sim"
    assert metadata.get_payload().strip() == (REPO / "simulator" / "README.md").read_text().strip()
    embedded = {path.name for path in (REPO / "simulator" / "labs").glob("*.yml")}
    assert {name.split("/")[-1] for name in names if name.startswith("fortigate_sim/labs/")} == embedded
    assert "fortigate-sim = fortigate_sim.cli:main" in entry_points

    # Installed outside the repository, it finds its embedded labs and generates a lab.
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                                str(target), str(wheel)], capture_output=True, text=True, timeout=300, check=False)
    assert installed.returncode == 0, installed.stderr
    environment = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run([sys.executable, "-c", "import fortigate_sim.lab as l; print(l.embedded_lab())"],
                           capture_output=True, text=True, cwd=tmp_path, env=environment, timeout=60, check=True)
    assert probe.stdout.strip() == str(target / "fortigate_sim" / "labs" / "kb-exchange-interface-ip.yml")
    generated = subprocess.run([sys.executable, "-m", "fortigate_sim", "lab", "advpn", "--hubs", "1", "--overlays",
                                "1", "--spokes", "2", "-o", "-"], capture_output=True, text=True, cwd=tmp_path,
                               env=environment, timeout=60, check=True)
    assert "SPOKE2" in yaml.safe_load(generated.stdout)["addressing"]


def test_user_molecule_scenario_against_their_own_lab_passes(tmp_path):
    project = tmp_path / "my-project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".lab"))
    environment = ansible_environment(ANSIBLE_STDOUT_CALLBACK="default", NO_COLOR="1")
    proc = subprocess.run([str(Path(sys.executable).parent / "molecule"), "test"], cwd=project, env=environment,
                          capture_output=True, text=True, timeout=900, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    for step in ("create", "converge", "idempotence", "verify", "destroy"):
        assert f"default > {step}: Executed: Successful" in output, (step, output[-3000:])
    assert not (project / ".lab").exists()  # destroy removed the lab
