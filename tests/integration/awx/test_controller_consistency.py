"""The controller file (playbooks/vars/controller.yml) against what it points at: playbooks, role
argument specs, the variables the playbooks read, and the awx.awx modules that send it to AWX."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from awx_job import ENV_BLOCKLIST, REPO, Inventory, inject_credential, load_controller_config
from lab_support import BIN, ansible_environment

CONFIG = load_controller_config()
TEMPLATES = [{**CONFIG["controller_job_template_defaults"], **t} for t in CONFIG["controller_job_templates"]]
# Survey types AWX accepts for each argument_spec type (multiplechoice answers are strings; Ansible's
# argument validation turns "true"/"false" into booleans and digits into integers).
COMPATIBLE = {"bool": {"multiplechoice"}, "int": {"integer", "multiplechoice"}, "str": {"text", "textarea", "multiplechoice"},
              "list": {"multiselect"}, "float": {"float"}, "raw": {"text", "textarea", "integer", "multiplechoice"}}
# Variables the credential type stands for: each is read by the playbooks' connection or modules.
CONNECTION_VARIABLES = {"ansible_user", "ansible_password", "ansible_private_key_file", "fortios_access_token"}
ENV_LOOKUP = re.compile(r"lookup\(\s*['\"](?:ansible\.builtin\.)?env['\"]\s*,\s*['\"]([A-Z][A-Z0-9_]*)['\"]")


def role_options() -> dict:
    """option name -> (role, spec) over every role's meta/argument_specs.yml (all entry points)."""
    options = {}
    for path in sorted((REPO / "roles").glob("*/meta/argument_specs.yml")):
        for entry in yaml.safe_load(path.read_text())["argument_specs"].values():
            for name, spec in entry.get("options", {}).items():
                options[name] = (path.parts[-3], spec)
    return options


def play_keyword_variables(playbook: Path) -> dict:
    """variable -> play keyword, for play keywords templated from one variable (serial, max_fail_percentage)."""
    found = {}
    for play in yaml.safe_load(playbook.read_text()):
        for keyword in ("serial", "max_fail_percentage"):
            match = re.fullmatch(r"\{\{\s*([a-z_0-9]+)\s*(\|.*)?\}\}", str(play.get(keyword, "")))
            if match:
                found[match.group(1)] = keyword
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=[t["name"] for t in TEMPLATES])
def test_every_survey_variable_is_an_option_of_the_playbook(template):
    playbook = REPO / template["playbook"]
    assert playbook.is_file(), f"{template['name']}: {template['playbook']} is missing"
    if not template["survey_enabled"]:
        return
    options, keywords = role_options(), play_keyword_variables(playbook)
    for question in template["survey_spec"]["spec"]:
        name = question["variable"]
        if name in keywords:      # batch size and failure share: play keywords of the deploy playbooks
            assert question["type"] in ({"text", "integer"} if keywords[name] == "serial" else {"integer"}), name
            continue
        assert name in options, f"{template['name']}: survey variable {name} is in no role's argument_specs"
        role, spec = options[name]
        assert question["type"] in COMPATIBLE[spec.get("type", "str")], f"{name}: {question['type']} vs {spec}"
        if "choices" in spec:
            assert {str(c) for c in question.get("choices", [])} <= {str(c) for c in spec["choices"]}, name
        if question["type"] == "multiplechoice" and spec.get("type") == "bool":
            assert set(question["choices"]) <= {"true", "false"}, name
        if "default" in spec and question.get("default") not in (None, ""):
            assert str(question["default"]).lower() == str(spec["default"]).lower(), \
                f"{name}: survey default {question['default']!r}, {role} default {spec['default']!r}"


def test_every_job_template_playbook_passes_syntax_check():
    playbooks = sorted({t["playbook"] for t in TEMPLATES}) + ["playbooks/controller_configure.yml"]
    proc = subprocess.run([str(BIN / "ansible-playbook"), "--syntax-check", *playbooks], cwd=REPO,
                          env=ansible_environment(ANSIBLE_STDOUT_CALLBACK="default"),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_controller_configure_passes_ansible_lint():
    proc = subprocess.run([str(BIN / "ansible-lint"), "--offline", "playbooks/controller_configure.yml",
                           "playbooks/vars/controller.yml"], cwd=REPO, env=ansible_environment(),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def read_environment_variables() -> set:
    """Environment variables the collection's roles, plugins and playbooks and the inventory variables read."""
    names = set()
    for path in [*REPO.glob("roles/**/*.yml"), *REPO.glob("playbooks/*.yml"), *REPO.glob("plugins/**/*.py")]:
        names.update(ENV_LOOKUP.findall(path.read_text()))
        names.update(re.findall(r"\b(OVERLAY_FORTIGATE_[A-Z0-9_]+)\b", path.read_text()))
    for value in CONFIG["controller_inventory"]["variables"].values():
        names.update(ENV_LOOKUP.findall(value))
    return names


def test_credential_injectors_give_every_variable_the_playbooks_read():
    injectors = CONFIG["controller_credential_type"]["injectors"]
    injected = set(injectors["env"])
    read = read_environment_variables()
    assert "OVERLAY_FORTIGATE_ADVPN_PSK" in read          # CONTRACTS B: the roles' PSK fallback
    assert read <= injected, f"read but not injected: {sorted(read - injected)}"
    # The connection variables come from that environment, through the inventory variables.
    variables = CONFIG["controller_inventory"]["variables"]
    assert CONNECTION_VARIABLES <= set(variables)
    for name in CONNECTION_VARIABLES:
        assert set(ENV_LOOKUP.findall(variables[name])) <= injected, name
    # AWX's rules: no ANSIBLE_* or reserved names; nothing through extra_vars (AWX writes those to a file).
    assert not [n for n in injected if n.startswith("ANSIBLE_") or n in ENV_BLOCKLIST]
    assert "extra_vars" not in injectors
    fields = {f["id"]: f for f in CONFIG["controller_credential_type"]["inputs"]["fields"]}
    used = " ".join(list(injectors["env"].values()) + list(injectors.get("file", {}).values()))
    assert {name for name in fields if re.search(r"\b%s\b" % name, used)} == set(fields), "an input is never injected"
    assert all(fields[name].get("secret") for name in ("password", "api_token", "ssh_key_data", "advpn_psk"))


def test_inventory_variables_turn_the_credential_into_connection_variables(tmp_path):
    """The inventory variables, templated by Ansible in a real run, with a per-host token list,
    a single token, and an SSH key file written by the file injector."""
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n"
    playbook = tmp_path / "show.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "all", "gather_facts": False, "tasks": [{
        "ansible.builtin.copy": {"dest": str(tmp_path) + "/{{ inventory_hostname }}.json", "mode": "0600",
                                 "content": "{{ {'user': ansible_user, 'password': ansible_password, "
                                            "'key': ansible_private_key_file, 'token': fortios_access_token} | to_json }}"},
        "delegate_to": "localhost"}]}]))
    hosts = {"fw1.example": {"ansible_connection": "local"}, "FW2": {"ansible_connection": "local"}}
    # (No token at all gives "": the KB template's password-login test runs that case end to end.)
    cases = {"per-host": ("fw1.example: tok-1\nFW2 :tok-2\n", {"fw1.example": "tok-1", "FW2": "tok-2"}),
             "single": ("tok-all", {"fw1.example": "tok-all", "FW2": "tok-all"})}
    for case, (tokens, expected) in cases.items():
        pdd = tmp_path / case
        inventory = Inventory(hosts, {}, CONFIG["controller_inventory"]["variables"]).write_script(pdd)
        inputs = {"username": "admin", "password": "pw", "api_token": tokens}
        if case == "single":
            inputs["ssh_key_data"] = key
        env, args, files = inject_credential(CONFIG["controller_credential_type"], inputs, pdd)
        assert args == []
        proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", str(inventory), str(playbook)],
                              env=ansible_environment(ANSIBLE_STDOUT_CALLBACK="default", **env),
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        for host, token in expected.items():
            seen = json.loads((tmp_path / f"{host}.json").read_text())
            assert seen["token"] == token and seen["user"] == "admin" and seen["password"] == "pw", (case, seen)
            if case == "single":
                assert seen["key"] == files[0] and Path(files[0]).read_text() == key
                assert oct(Path(files[0]).stat().st_mode & 0o777) == "0o600"
            else:
                assert seen["key"] == "", (case, seen)


def awx_module_options() -> dict:
    names = ("organization", "project", "execution_environment", "credential_type", "credential", "inventory",
             "inventory_source", "job_template", "workflow_job_template", "schedule")
    modules = ["awx.awx." + m for m in names]
    proc = subprocess.run([str(BIN / "ansible-doc"), "-j", *modules], env=ansible_environment(),
                          capture_output=True, text=True, timeout=120, check=True)
    return {name: doc["doc"]["options"] for name, doc in json.loads(proc.stdout).items()}


def test_controller_configure_sends_only_options_the_awx_modules_have():
    options = awx_module_options()
    tasks = yaml.safe_load((REPO / "playbooks" / "controller_configure.yml").read_text())[0]["tasks"]
    sent = {}
    for task in tasks:
        (module,) = [key for key in task if key.startswith("awx.awx.")]
        unknown = set(task[module]) - set(options[module])
        assert not unknown, f"{task['name']}: {module} has no option {sorted(unknown)}"
        sent[module] = set(task[module])
    # What the controller file holds for a job template is what the task sends.
    template_keys = set().union(*(set(t) for t in TEMPLATES))
    assert template_keys <= sent["awx.awx.job_template"], template_keys - sent["awx.awx.job_template"]
    node_options = options["awx.awx.workflow_job_template"]["workflow_nodes"]["suboptions"]
    for node in CONFIG["controller_workflow"]["nodes"]:
        assert set(node) <= set(node_options), node
    identifiers = {n["identifier"] for n in CONFIG["controller_workflow"]["nodes"]}
    names = {t["name"] for t in TEMPLATES}
    for node in CONFIG["controller_workflow"]["nodes"]:
        assert node["unified_job_template"]["name"] in names
        for targets in node.get("related", {}).values():
            assert {t["identifier"] for t in targets} <= identifiers
    assert all(s["job_template"] in names for s in CONFIG["controller_schedules"])


def test_surveys_are_valid_awx_surveys():
    """Fields and types AWX's survey_spec validation accepts; defaults within min/max and choices."""
    allowed = {"question_name", "question_description", "variable", "type", "choices", "default",
               "required", "min", "max", "new_question"}
    for template in TEMPLATES:
        if not template["survey_enabled"]:
            continue
        spec = template["survey_spec"]
        assert spec["name"] and "description" in spec and spec["spec"]
        variables = [q["variable"] for q in spec["spec"]]
        assert len(set(variables)) == len(variables)
        for question in spec["spec"]:
            assert set(question) <= allowed, question
            assert question["type"] in {"text", "textarea", "password", "integer", "float", "multiplechoice",
                                        "multiselect"}
            if question["type"] == "integer":
                assert question["min"] <= question["default"] <= question["max"], question
            if question["type"] in ("text", "textarea"):
                assert question["min"] <= len(question["default"]) <= question["max"], question
            if question["type"] == "multiplechoice":
                assert question["default"] in question["choices"], question
