"""What AWX's task runner does around ``ansible-runner`` for one job, rebuilt for tests (no AWX here).

The job templates, surveys, credential type and inventory variables come from the one file that
``overlay.fortigate.controller_configure`` sends to AWX (``playbooks/vars/controller.yml``). From them
this module builds the private data directory the way AWX's ``RunJob`` does and runs it with
``ansible_runner.run`` (the library AWX's execution nodes run):

- ``project/``: the project checkout (this repository's ``playbooks/``),
- ``inventory/hosts``: an executable script printing the inventory JSON, sliced as
  ``Inventory.get_script_data(slice_number, slice_count)`` does (enabled hosts by name, slice n takes
  hosts n-1, n-1+count, ...; groups keep only the slice's hosts; inventory variables are ``all``'s vars),
- ``env/extravars``: AWX meta variables, the template's ``extra_vars`` and the survey's defaults and
  answers, every string tagged ``!unsafe`` except the template's own extra_vars,
- credential injection as ``CredentialType.inject_credential``: ``file`` templates rendered into 0600
  files under ``env/``, ``env`` templates into the job's environment (never written to disk: AWX runs
  with ``suppress_env_files``), ``extra_vars`` into another file under ``env/`` passed with ``-e @file``,
- ``env/cmdline``: ``--limit``, ``--check``, ``--diff``, ``--forks``, ``-v``, plus the credential's ``-e``.

Public references: https://github.com/ansible/awx/blob/devel/awx/main/tasks/jobs.py,
https://github.com/ansible/awx/blob/devel/awx/main/models/credential/__init__.py,
https://github.com/ansible/awx/blob/devel/awx/main/models/inventory.py,
https://github.com/ansible/awx/blob/devel/awx/main/models/mixins.py (surveys),
https://github.com/ansible/awx/blob/devel/docs/job_slicing.md.
"""

from __future__ import annotations

import itertools
import json
import os
import shlex
import shutil
import stat
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import ansible_runner
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

REPO = Path(__file__).resolve().parents[3]
CONTROLLER_FILE = REPO / "playbooks" / "vars" / "controller.yml"
BIN = Path(sys.executable).parent

# AWX refuses these names in a credential type's env injector (CredentialInputField / ENV_BLOCKLIST).
ENV_BLOCKLIST = frozenset({
    "VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID",
    "INVENTORY_UPDATE_ID", "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES",
    "CALLBACK_QUEUE", "CALLBACK_CONNECTION", "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS",
    "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH",
})


class Unsafe(str):
    """A string Ansible must not template (YAML tag ``!unsafe``)."""


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!unsafe", lambda loader, node: Unsafe(loader.construct_scalar(node)))


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value)))


def load_controller_config(path: Path = CONTROLLER_FILE) -> dict:
    return yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 - SafeLoader plus !unsafe


def job_template(config: dict, name: str) -> dict:
    """The template ``name`` with the shared defaults applied, as controller_configure sends it."""
    for template in config["controller_job_templates"]:
        if template["name"] == name:
            return {**config["controller_job_template_defaults"], **template}
    raise KeyError(name)


# ---- surveys (SurveyJobTemplateMixin) ----------------------------------------------------------
class SurveyError(ValueError):
    pass


def _check_answer(question: dict, value):
    kind, name = question["type"], question["variable"]
    if kind in ("text", "textarea", "password"):
        if not isinstance(value, str):
            raise SurveyError(f"{name}: {kind} answer must be a string")
        if not int(question.get("min", 0)) <= len(value) <= int(question.get("max", 1024)):
            raise SurveyError(f"{name}: length must be between {question.get('min')} and {question.get('max')}")
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            raise SurveyError(f"{name}: integer answer expected")
        if not int(question.get("min", value)) <= value <= int(question.get("max", value)):
            raise SurveyError(f"{name}: must be between {question.get('min')} and {question.get('max')}")
    elif kind == "float":
        if not isinstance(value, (int, float)):
            raise SurveyError(f"{name}: number answer expected")
    elif kind == "multiplechoice":
        if value not in _choices(question):
            raise SurveyError(f"{name}: {value!r} is not one of {_choices(question)}")
    elif kind == "multiselect":
        if not isinstance(value, list) or not set(value) <= set(_choices(question)):
            raise SurveyError(f"{name}: every answer must be one of {_choices(question)}")
    else:
        raise SurveyError(f"{name}: unknown survey type {kind}")


def _choices(question: dict) -> list:
    choices = question.get("choices", [])
    return choices.splitlines() if isinstance(choices, str) else list(choices)


def survey_variables(template: dict, answers: dict | None = None) -> dict:
    """Defaults of the survey, overridden by ``answers``; each checked as AWX checks a launch."""
    answers = dict(answers or {})
    if not template.get("survey_enabled"):
        if answers:
            raise SurveyError(f"{template['name']} has no survey")
        return {}
    result = {}
    for question in template["survey_spec"]["spec"]:
        name = question["variable"]
        if name in answers:
            value = answers.pop(name)
        elif question.get("default", "") != "":
            value = question["default"]
        elif question.get("required"):
            raise SurveyError(f"{name}: required and has no default")
        else:
            continue
        _check_answer(question, value)
        result[name] = value
    if answers:
        raise SurveyError(f"not survey questions of {template['name']}: {sorted(answers)}")
    return result


# ---- credentials (CredentialType.inject_credential) --------------------------------------------
class _Namespace:
    pass


def inject_credential(credential_type: dict, inputs: dict, private_data_dir: Path) -> tuple[dict, list[str], list[str]]:
    """Render the type's injectors with ``inputs``: (environment variables, extra ansible-playbook args,
    files written by the file injectors)."""
    sandbox = ImmutableSandboxedEnvironment()
    namespace = dict(inputs)
    tower = _Namespace()
    namespace["tower"] = tower
    env_dir = private_data_dir / "env"
    env_dir.mkdir(parents=True, exist_ok=True)
    injectors = credential_type.get("injectors", {})
    files = []
    for label, template in injectors.get("file", {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        files.append(path)
        with os.fdopen(handle, "w") as stream:
            stream.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if "." not in label:
            tower.filename = path
        else:
            if not hasattr(tower, "filename"):
                tower.filename = _Namespace()
            setattr(tower.filename, label.split(".", 1)[1], path)
    env = {}
    for name, template in injectors.get("env", {}).items():
        if name.startswith("ANSIBLE_") or name in ENV_BLOCKLIST:
            raise ValueError(f"AWX refuses the env injector {name}")
        env[name] = sandbox.from_string(template).render(**namespace)
    args = []
    extra_vars = injectors.get("extra_vars")
    if extra_vars:
        rendered = _render_tree(sandbox, extra_vars, namespace)
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as stream:
            yaml.dump(_all_unsafe(rendered), stream, Dumper=_Dumper)
        args += ["-e", f"@{path}"]
    return env, args, files


def _render_tree(sandbox, node, namespace):
    if isinstance(node, dict):
        return {key: _render_tree(sandbox, value, namespace) for key, value in node.items()}
    if isinstance(node, list):
        return [_render_tree(sandbox, value, namespace) for value in node]
    return sandbox.from_string(node).render(**namespace)


def _all_unsafe(node, safe: dict | None = None):
    """AWX's safe_dump: every string becomes !unsafe unless it is a top-level pair of ``safe``."""
    safe = safe or {}
    if isinstance(node, dict):
        return {key: (value if key in safe and safe[key] == value else _all_unsafe(value))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_all_unsafe(value) for value in node]
    return Unsafe(node) if isinstance(node, str) else node


# ---- inventory (Inventory.get_script_data) ----------------------------------------------------
@dataclass
class Inventory:
    """Hosts (name -> variables), groups (name -> {hosts, children, vars}) and inventory variables."""

    hosts: dict
    groups: dict = field(default_factory=dict)
    variables: dict = field(default_factory=dict)

    def script_data(self, slice_number: int = 1, slice_count: int = 1) -> dict:
        names = sorted(self.hosts)
        if slice_count > 1:
            names = names[slice_number - 1::slice_count]
        members = set(names)
        data = {"all": {"vars": dict(self.variables)}}
        grouped = set()
        for group, spec in sorted(self.groups.items()):
            info = {}
            hosts = [name for name in spec.get("hosts", []) if name in members]
            grouped.update(hosts)
            if hosts:
                info["hosts"] = hosts
            if spec.get("children"):
                info["children"] = list(spec["children"])
            if spec.get("vars"):
                info["vars"] = spec["vars"]
            if info:
                data[group] = info
        data["all"]["children"] = sorted(self.groups)
        data["all"]["hosts"] = [name for name in names if name not in grouped]
        data["_meta"] = {"hostvars": {name: dict(self.hosts[name]) for name in names}}
        return data

    def write_script(self, private_data_dir: Path, slice_number: int = 1, slice_count: int = 1) -> Path:
        path = private_data_dir / "inventory" / "hosts"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.script_data(slice_number, slice_count))
        path.write_text(f"#! {sys.executable}\n# -*- coding: utf-8 -*-\nprint({data!r})\n")
        os.chmod(path, stat.S_IRUSR | stat.S_IXUSR | stat.S_IWUSR)
        return path


# ---- the job -----------------------------------------------------------------------------------
@dataclass
class Launch:
    """What a user (or a workflow node, or a schedule) gives at launch, where the template prompts for it."""

    survey: dict = field(default_factory=dict)
    job_type: str | None = None
    diff_mode: bool | None = None
    limit: str | None = None
    extra_vars: dict = field(default_factory=dict)   # artifacts of earlier workflow nodes (set_stats)


@dataclass
class JobResult:
    runner: object
    private_data_dir: Path
    secrets: list
    key_files: list

    @property
    def status(self) -> str:
        return self.runner.status

    @property
    def events(self) -> list[dict]:
        return list(self.runner.events)

    @property
    def stdout(self) -> str:
        return self.runner.stdout.read()

    def ok_results(self, task: str) -> dict:
        """host -> result of the task named ``task`` (runner_on_ok events)."""
        return {e["event_data"]["host"]: e["event_data"]["res"] for e in self.events
                if e["event"] == "runner_on_ok" and e["event_data"].get("task") == task}

    def stats(self) -> dict:
        (stats,) = [e["event_data"] for e in self.events if e["event"] == "playbook_on_stats"]
        return stats

    def artifacts(self) -> dict:
        """set_stats data of the run (what AWX hands to the next workflow nodes)."""
        return self.stats().get("artifact_data", {})

    def leaks(self) -> list[str]:
        """Where a secret shows up: any event, the stdout, or any file of the private data directory
        (extra vars, credential extra vars, cmdline, inventory, artifacts, reports the job wrote into the
        project). Exempt: the credential's key files (0600, what the file injector is for) and
        ansible-runner's ``artifacts/<ident>/command``, which always records the process environment
        (0600; AWX discards the directory after the job)."""
        texts = {f"event {e['counter']} {e['event']}": json.dumps(e) for e in self.events}
        texts["stdout"] = self.stdout
        for path in self.private_data_dir.rglob("*"):
            relative = path.relative_to(self.private_data_dir)
            copied = relative.parts[0] == "project" and (REPO / relative.relative_to("project")).is_file()
            if (not path.is_file() or copied or str(path) in self.key_files
                    or (relative.parts[0] == "artifacts" and path.name == "command")):
                continue
            texts[str(relative)] = path.read_text(errors="replace")
        return sorted({where for secret in self.secrets for where, text in texts.items() if secret in text})


_JOB_IDS = itertools.count(1)   # AWX's job ids (the runner's display callback reads JOB_ID as an int)


class ControllerJob:
    """One job template of the controller file, ready to launch against an inventory."""

    def __init__(self, config: dict, template_name: str, inventory: Inventory, credential_inputs: dict,
                 environment: dict):
        self.config = config
        self.template = job_template(config, template_name)
        self.inventory = inventory
        self.credential_inputs = credential_inputs
        self.environment = environment

    def prepare(self, private_data_dir: Path, launch: Launch, slice_number: int = 1, slice_count: int = 1):
        template = self.template
        private_data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copytree(REPO / "playbooks", private_data_dir / "project" / "playbooks")
        self.inventory.write_script(private_data_dir, slice_number, slice_count)

        extra_vars = {
            "awx_job_template_name": template["name"], "awx_job_launch_type": "manual",
            "awx_inventory_name": self.config["controller_inventory"]["name"],
            "awx_job_slice_number": slice_number, "awx_job_slice_count": slice_count,
        }
        extra_vars.update(launch.extra_vars)
        extra_vars.update(template.get("extra_vars", {}))
        extra_vars.update(survey_variables(template, launch.survey))
        env_dir = private_data_dir / "env"
        env_dir.mkdir(exist_ok=True)
        (env_dir / "extravars").write_text(
            yaml.dump(_all_unsafe(extra_vars, template.get("extra_vars", {})), Dumper=_Dumper))

        env, credential_args, key_files = inject_credential(self.config["controller_credential_type"],
                                                            self.credential_inputs, private_data_dir)
        args = []
        limit = self._prompted("limit", launch.limit, template.get("limit"))
        if limit:
            args += ["-l", limit]
        if template.get("verbosity"):
            args.append("-" + "v" * template["verbosity"])
        if template.get("forks"):
            args.append(f"--forks={template['forks']}")
        if self._prompted("job_type", launch.job_type, template["job_type"]) == "check":
            args.append("--check")
        if self._prompted("diff_mode", launch.diff_mode, template["diff_mode"]):
            args.append("--diff")
        args += credential_args
        (env_dir / "cmdline").write_text(shlex.join(args))
        return env, key_files

    def _prompted(self, key: str, launched, default):
        if launched is None:
            return default
        if not self.template.get(f"ask_{key}_on_launch"):
            raise ValueError(f"{self.template['name']} does not prompt for {key}")
        return launched

    def run(self, private_data_dir: Path, launch: Launch | None = None, slice_number: int = 1,
            slice_count: int = 1, ident: str = "1") -> JobResult:
        launch = launch or Launch()
        env, key_files = self.prepare(private_data_dir, launch, slice_number, slice_count)
        job_env = dict(self.environment)
        job_env.update({"JOB_ID": str(next(_JOB_IDS)), "AWX_PRIVATE_DATA_DIR": str(private_data_dir),
                        "ANSIBLE_RETRY_FILES_ENABLED": "False"})
        job_env.update(env)
        runner = ansible_runner.run(
            private_data_dir=str(private_data_dir), ident=ident,
            playbook=self.template["playbook"], inventory=str(private_data_dir / "inventory" / "hosts"),
            envvars=job_env, suppress_env_files=True, quiet=True,
            settings={"suppress_ansible_output": True, "job_timeout": 600},
        )
        secrets = [value for key, value in self.credential_inputs.items() if key != "username"]
        secrets += [line.split(":", 1)[-1].strip() for line in self.credential_inputs.get("api_token", "").splitlines()]
        return JobResult(runner, private_data_dir, [s for s in secrets if s], key_files)


# ---- sliced jobs and workflows ---------------------------------------------------------------------
@dataclass
class NodeRun:
    identifier: str
    status: str
    results: list          # one JobResult per slice


def run_sliced(job: ControllerJob, base: Path, launch: Launch, ident: str) -> list[JobResult]:
    """A template with job_slice_count N runs as N jobs at once, slice k holding hosts k-1, k-1+N, ...
    (AWX turns it into a workflow of N slice jobs that run in parallel on the execution nodes)."""
    count = int(job.template.get("job_slice_count", 1))
    if count == 1:
        return [job.run(base, launch, ident=ident)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(job.run, base / f"slice{n}", launch, n, count, f"{ident}-{n}")
                   for n in range(1, count + 1)]
        return [future.result() for future in futures]


def run_workflow(config: dict, make_job, base: Path, launches: dict | None = None) -> list[NodeRun]:
    """Run the controller file's workflow as AWX's workflow manager does: start at the nodes no other node
    points to, follow success_nodes / failure_nodes / always_nodes, and give every job the set_stats
    artifacts of the jobs before it as extra variables. ``make_job(template name)`` builds a ControllerJob."""
    nodes = {node["identifier"]: node for node in config["controller_workflow"]["nodes"]}
    targets = {t["identifier"] for node in nodes.values() for ts in node.get("related", {}).values() for t in ts}
    pending = [(identifier, {}) for identifier in nodes if identifier not in targets]
    done = []
    while pending:
        identifier, artifacts = pending.pop(0)
        node = nodes[identifier]
        job = make_job(node["unified_job_template"]["name"])
        launch = (launches or {}).get(identifier) or Launch()
        launch = Launch(launch.survey, launch.job_type, launch.diff_mode, launch.limit, {**artifacts, **launch.extra_vars})
        results = run_sliced(job, base / identifier, launch, ident=identifier)
        status = "successful" if all(r.status == "successful" for r in results) else "failed"
        done.append(NodeRun(identifier, status, results))
        passed = dict(artifacts)
        for result in results:
            passed.update(result.artifacts())
        edges = node.get("related", {})
        following = edges.get("success_nodes" if status == "successful" else "failure_nodes", [])
        pending += [(t["identifier"], passed) for t in following + edges.get("always_nodes", [])]
    return done
