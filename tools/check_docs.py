"""Check that ansible-doc renders every plugin and role of the collection.

Finds the plugins from the file tree (so a new plugin cannot be forgotten), asks
ansible-doc for each type's documentation in one call, and fails when a plugin is missing,
undocumented, or lacks a short description. cli_parse sub-plugins are not an ansible-doc
type; their DOCUMENTATION is loaded as YAML and checked for the same fields.
"""

import ast
import json
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
COLLECTION = "overlay.fortigate"
# plugin directory -> ansible-doc type
DOC_TYPES = {
    "modules": "module",
    "filter": "filter",
    "test": "test",
    "lookup": "lookup",
    "httpapi": "httpapi",
    "cliconf": "cliconf",
    "connection": "connection",
    "inventory": "inventory",
    "callback": "callback",
}


def plugin_names(directory):
    path = ROOT / "plugins" / directory
    return sorted(p.stem for p in path.glob("*.py") if p.stem != "__init__") if path.is_dir() else []


def filter_names(path):
    """Filter names come from the FilterModule.filters() dict, not from the file name."""
    tree = ast.parse(path.read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in ("filters", "tests"):
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Dict):
                    names += [k.value for k in ret.value.keys if isinstance(k, ast.Constant)]
    return names


def docstring_yaml(path, variable="DOCUMENTATION"):
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == variable for t in node.targets):
            return yaml.safe_load(node.value.value)
    return None


def check_type(doc_type, names, problems):
    fqcns = ["%s.%s" % (COLLECTION, name) for name in names]
    proc = subprocess.run(
        ["ansible-doc", "--json", "-t", doc_type] + fqcns, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        problems.append("ansible-doc -t %s failed: %s" % (doc_type, proc.stderr.strip()[-500:]))
        return 0
    docs = json.loads(proc.stdout)
    for fqcn in fqcns:
        entry = docs.get(fqcn) or {}
        # Roles document entry points (meta/argument_specs.yml); plugins a single "doc".
        doc = (entry.get("entry_points") or {}).get("main") or {} if doc_type == "role" else entry.get("doc") or {}
        if not doc.get("short_description"):
            problems.append("%s %s: no documentation rendered" % (doc_type, fqcn))
        if doc_type == "role" and not doc.get("options"):
            problems.append("role %s: meta/argument_specs.yml documents no option" % fqcn)
        if doc_type != "role" and not entry.get("examples"):
            problems.append("%s %s: no EXAMPLES" % (doc_type, fqcn))
    if proc.stderr.strip():
        problems.append("ansible-doc -t %s warned: %s" % (doc_type, proc.stderr.strip()[-500:]))
    return len(fqcns)


def main():
    problems = []
    checked = 0
    for directory, doc_type in DOC_TYPES.items():
        if directory in ("filter", "test"):
            names = []
            for path in sorted((ROOT / "plugins" / directory).glob("*.py")):
                names += filter_names(path)
        else:
            names = plugin_names(directory)
        if names:
            checked += check_type(doc_type, names, problems)
    roles = sorted(p.name for p in (ROOT / "roles").iterdir() if p.is_dir()) if (ROOT / "roles").is_dir() else []
    if roles:
        checked += check_type("role", roles, problems)
    for path in sorted((ROOT / "plugins" / "sub_plugins" / "cli_parser").glob("*_parser.py")):
        doc = docstring_yaml(path)
        checked += 1
        if not doc or not doc.get("short_description") or not docstring_yaml(path, "EXAMPLES"):
            problems.append("cli_parse parser %s: DOCUMENTATION/EXAMPLES missing or incomplete" % path.name)
        elif doc.get("name") + "_parser" != path.stem:
            problems.append("cli_parse parser %s: DOCUMENTATION name %r does not match the file" % (path.name, doc.get("name")))
    for problem in problems:
        print("ERROR:", problem)
    if problems:
        print("docs: %d problem(s) in %d plugins and roles" % (len(problems), checked))
        return 1
    print("All %d plugins and roles render with ansible-doc" % checked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
