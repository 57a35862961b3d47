"""One ADVPN lab (labs/advpn-validate.yml) for the advpn_validate suite, and the fault catalogue run once on it."""

import json

import pytest
from advpn_validate_support import HERE, ValidateLab
from lab_support import running_lab


@pytest.fixture(scope="session")
def validate_lab(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("advpn-validate-lab"), HERE / "labs" / "advpn-validate.yml",
                     lambda workdir: ValidateLab(workdir, HERE / "playbooks")) as lab:
        yield lab


@pytest.fixture(scope="session")
def catalogue(validate_lab, tmp_path_factory):
    """Every run of playbooks/catalogue.yml: {run name: {checks, msg, reports}} (healthy, then each fault)."""
    out = tmp_path_factory.mktemp("advpn-validate-catalogue")
    extra_vars = {"report_base": str(out / "reports"), "verdict_file": str(out / "verdicts.json")}
    report, proc = validate_lab.run(HERE / "playbooks" / "catalogue.yml", extra_vars=extra_vars)
    failed = ["%s on %s: %s" % (task["task"]["name"], host, result.get("msg", result)) for play in report["plays"]
              for task in play["tasks"] for host, result in task["hosts"].items()
              if result.get("failed") or result.get("unreachable")]
    assert proc.returncode == 0 and not failed, "\n".join(failed) or proc.stderr[-2000:]
    return json.loads((out / "verdicts.json").read_text())
