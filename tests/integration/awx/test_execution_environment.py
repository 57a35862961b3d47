"""`ansible-builder create` on the EE definition (no container engine needed): the build context pins
what constraints.txt pins and installs this collection from the tarball built from this checkout."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sysconfig
import tarfile
from pathlib import Path

import pytest
import yaml
from awx_job import REPO
from lab_support import BIN, ansible_environment

# The collections bundled in the pinned `ansible` package (the versions the tests run against).
BUNDLED = Path(sysconfig.get_paths()["purelib"]) / "ansible_collections"


def pins(text: str) -> dict:
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _sep, version = line.partition("==")
            found[name.strip().lower()] = version.strip()
    return found


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    out = tmp_path_factory.mktemp("ee")
    proc = subprocess.run([str(REPO / "tools" / "ee-context"), str(out)], cwd=REPO, env=ansible_environment(),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_python_packages_are_pinned_as_in_constraints(context):
    constraints = pins((REPO / "constraints.txt").read_text())
    containerfile = (context / "context" / "Containerfile").read_text()
    (refs,) = re.findall(r'ARG ANSIBLE_INSTALL_REFS="([^"]+)"', containerfile)
    requirements = pins((context / "context" / "_build" / "requirements.txt").read_text())
    requirements.update(pins("\n".join(refs.split())))
    assert {"ansible-core", "ansible-runner", "ansible-pylibssh", "jmespath"} <= set(requirements)
    for name, version in requirements.items():
        assert version, f"{name} is not pinned"
        assert constraints.get(name) == version, f"{name}=={version}, constraints.txt: {constraints.get(name)}"


def test_collections_are_the_tarball_and_pinned_dependencies(context):
    build = context / "context" / "_build"
    galaxy = yaml.safe_load((build / "requirements.yml").read_text())["collections"]
    (local,) = [c for c in galaxy if c.get("type") == "file"]
    assert (build / local["name"]).is_file()                  # COPY _build /build; WORKDIR /build
    (built,) = (context / "build").glob("overlay-fortigate-*.tar.gz")
    assert hashlib.sha256((build / local["name"]).read_bytes()).digest() == hashlib.sha256(built.read_bytes()).digest()
    galaxy_yml = yaml.safe_load((REPO / "galaxy.yml").read_text())
    assert built.name == f"overlay-fortigate-{galaxy_yml['version']}.tar.gz"
    for entry in galaxy:
        if entry is local:
            continue
        namespace, name = entry["name"].split(".")
        manifest = json.loads((BUNDLED / namespace / name / "MANIFEST.json").read_text())
        assert entry["version"] == "==" + manifest["collection_info"]["version"], entry
    assert set(galaxy_yml["dependencies"]) <= {e["name"] for e in galaxy}
    containerfile = (context / "context" / "Containerfile").read_text()
    assert "COPY _build /build" in containerfile and "collection install" in containerfile


def test_the_tarball_holds_what_builder_introspects_and_the_job_templates_run(context, tmp_path):
    """Install the tarball as the EE's galaxy stage would, then run builder's own introspection on it."""
    (built,) = (context / "build").glob("overlay-fortigate-*.tar.gz")
    with tarfile.open(built) as tar:
        names = set(tar.getnames())
    controller = yaml.safe_load((REPO / "playbooks" / "vars" / "controller.yml").read_text().replace("!unsafe", ""))
    wanted = {"meta/execution-environment.yml", "bindep.txt", "requirements.txt", "playbooks/vars/controller.yml"}
    wanted |= {t["playbook"] for t in controller["controller_job_templates"] if (REPO / t["playbook"]).exists()}
    assert wanted <= names, wanted - names
    assert not any(n.startswith(("tests/integration", "execution-environment", "simulator")) for n in names)

    collections = tmp_path / "collections"
    proc = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--no-deps", "--force", "-p", str(collections),
                           str(built)], env=ansible_environment(), capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    scripts = context / "context" / "_build" / "scripts"
    out_pip, out_bindep = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    proc = subprocess.run([str(BIN / "python"), str(scripts / "introspect.py"), "introspect",
                           "--user-pip", str(context / "context" / "_build" / "requirements.txt"),
                           "--write-pip", str(out_pip), "--write-bindep", str(out_bindep), str(collections)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "jmespath" in out_pip.read_text() and "overlay.fortigate" in out_pip.read_text()
    assert "libssh-devel [compile platform:rpm]" in out_bindep.read_text()
