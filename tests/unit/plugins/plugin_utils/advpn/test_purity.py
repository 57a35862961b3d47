"""The plan library is pure Python: no Ansible import, so it runs (and is tested) anywhere."""

import ast
import pathlib

import ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn as library

LIBRARY = pathlib.Path(library.__file__).parent


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_library_imports_no_ansible():
    files = sorted(LIBRARY.glob("*.py"))
    assert len(files) >= 5
    for path in files:
        for module in imported_modules(path):
            assert not module.startswith(("ansible", "ansible_collections")), "%s imports %s" % (path.name, module)
