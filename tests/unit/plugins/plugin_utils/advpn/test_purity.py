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


# The collection's own pure modules may be imported; they are checked in turn (transitively).
OWN = "ansible_collections.overlay.fortigate.plugins."
PLUGINS = LIBRARY.parent.parent


def own_file(module):
    return PLUGINS.joinpath(*module[len(OWN):].split(".")).with_suffix(".py")


def test_library_imports_no_ansible():
    files = sorted(LIBRARY.glob("*.py"))
    assert len(files) >= 5
    seen = set()
    while files:
        path = files.pop()
        if path in seen:
            continue
        seen.add(path)
        for module in imported_modules(path):
            if module.startswith(OWN) and own_file(module).is_file():
                files.append(own_file(module))
                continue
            assert not module.startswith(("ansible", "ansible_collections")), "%s imports %s" % (path.name, module)
