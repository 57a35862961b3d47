"""Shared helpers of the plan library tests: intents from YAML files, golden paths."""

import os
import pathlib

import yaml

HERE = pathlib.Path(__file__).parent
INTENTS = HERE / "intents"
GOLDEN = HERE / "golden"
NEGATIVE = HERE / "negative"
# `ADVPN_REGENERATE=1 pytest tests/unit/plugins/plugin_utils/advpn` rewrites the golden files from the
# library's current output; review the result with `git diff` before committing (README of golden/).
REGENERATE = os.environ.get("ADVPN_REGENERATE") == "1"


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def intent_names():
    return sorted(p.stem for p in INTENTS.glob("*.yml"))


def negative_names():
    return sorted(p.stem for p in NEGATIVE.glob("*.yml"))


def dump(data):
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=120)
