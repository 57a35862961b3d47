"""Golden tests: each intent under intents/ gives exactly the committed plans under golden/<intent>/.

<device>.yml holds the plan without its CLI text, <device>.cfg the CLI text. Regenerate with
ADVPN_REGENERATE=1 and review the diff by hand (golden/README.md).
"""

import pytest

from ansible_collections.overlay.fortigate.plugins.plugin_utils.advpn import build_plans

from .support import GOLDEN, INTENTS, REGENERATE, dump, intent_names, load


def plans_of(name):
    intent = load(INTENTS / ("%s.yml" % name))
    return build_plans(intent["hosts"], psk_available=intent.get("psk_available", False))


def golden_files(plans):
    files = {}
    for devices in plans.values():
        for device, plan in devices.items():
            files["%s.yml" % device] = dump({k: v for k, v in plan.items() if k != "cli"})
            files["%s.cfg" % device] = plan["cli"]
    return files


@pytest.mark.parametrize("name", intent_names())
def test_plans_match_golden(name):
    files = golden_files(plans_of(name))
    directory = GOLDEN / name
    if REGENERATE:
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.iterdir():
            if stale.name not in files:
                stale.unlink()
        for filename, text in files.items():
            (directory / filename).write_text(text, encoding="utf-8")
    committed = sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []
    assert committed == sorted(files), "golden files of %s differ from the devices planned" % name
    for filename, text in files.items():
        assert (directory / filename).read_text(encoding="utf-8") == text, "%s/%s differs from the plan" % (name, filename)
