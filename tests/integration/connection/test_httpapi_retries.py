"""The overlay.fortigate.fortios httpapi plugin under injected faults, with an unchanged
fortinet.fortios module: 429/503 and dropped connections are retried on idempotent requests with
back-off, a 500 and any POST are not, and the plugin log is private and free of secrets."""

from __future__ import annotations

import datetime
import stat
from pathlib import Path

DEVICE = "FGT_CLI"
INTERFACES = "/api/v2/cmdb/system/interface"
FAST = {"target": DEVICE, "ansible_httpapi_fortios_retry_backoff": 0.3}
UPSTREAM_LOG = Path("/tmp/fortios.ansible.log")


def _gaps(entries: list[dict]) -> list[float]:
    times = [datetime.datetime.fromisoformat(e["time"]) for e in entries]
    return [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:])]


def _upstream_log_state():
    return UPSTREAM_LOG.stat().st_mtime_ns if UPSTREAM_LOG.exists() else None


def test_503_is_retried_with_backoff_and_the_log_is_private(faults, tmp_path):
    log_path = tmp_path / "logs" / "httpapi.log"
    upstream_before = _upstream_log_state()
    faults.fault(DEVICE, "--method", "GET", "--path-pattern", "cmdb/system/interface", "--status", "503",
                 "--count", "2")
    mark = faults.mark(DEVICE)
    report, proc = faults.playbook("httpapi_read.yml", extra_vars={**FAST, "ansible_httpapi_fortios_log_path":
                                                                   str(log_path)})
    assert proc.returncode == 0, proc.stdout[-3000:]

    reads = faults.requests_since(DEVICE, mark, INTERFACES)
    assert [r["status"] for r in reads] == [503, 503, 200]
    assert [r.get("fault") for r in reads] == ["503", "503", None]
    first, second = _gaps(reads)
    assert 0.25 <= first < 2 and 0.55 <= second < 3  # 0.3 s, then doubled

    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    text = log_path.read_text()
    assert "retry 1/3 of GET /api/v2/cmdb/system/interface after HTTP 503, waiting 0.3s" in text
    assert "retry 2/3" in text and "retry 3/3" not in text
    host = faults.hosts[DEVICE]
    for secret in (host["fortios_access_token"], host["ansible_password"]):
        assert secret not in text
    assert _upstream_log_state() == upstream_before, "the world-readable upstream log was written"


def test_429_waits_for_retry_after(faults):
    """Also: without log_path nothing is logged anywhere, although the module sets enable_log."""
    upstream_before = _upstream_log_state()
    faults.fault(DEVICE, "--method", "GET", "--path-pattern", "cmdb/system/interface", "--status", "429",
                 "--retry-after", "1", "--count", "1")
    mark = faults.mark(DEVICE)
    _report, proc = faults.playbook("httpapi_read.yml", extra_vars=FAST)
    assert proc.returncode == 0, proc.stdout[-3000:]
    reads = faults.requests_since(DEVICE, mark, INTERFACES)
    assert [r["status"] for r in reads] == [429, 200]
    assert _gaps(reads)[0] >= 0.95  # Retry-After (1 s), not the 0.3 s back-off
    assert _upstream_log_state() == upstream_before


def test_dropped_connection_is_retried(faults):
    faults.fault(DEVICE, "--method", "GET", "--path-pattern", "cmdb/system/interface", "--drop", "--count", "1")
    mark = faults.mark(DEVICE)
    _report, proc = faults.playbook("httpapi_read.yml", extra_vars=FAST)
    assert proc.returncode == 0, proc.stdout[-3000:]
    reads = faults.requests_since(DEVICE, mark, INTERFACES)
    assert [r.get("fault") for r in reads] == ["drop", None]
    assert reads[-1]["status"] == 200


def test_persistent_500_is_not_retried(faults):
    faults.fault(DEVICE, "--method", "GET", "--path-pattern", "cmdb/system/interface", "--status", "500",
                 "--count", "0")
    mark = faults.mark(DEVICE)
    report, proc = faults.playbook("httpapi_read.yml", extra_vars=FAST)
    assert proc.returncode != 0
    result = faults.result(report, "Read system interfaces", DEVICE)
    assert result["failed"] and result["meta"]["http_status"] == 500
    assert [r["status"] for r in faults.requests_since(DEVICE, mark, INTERFACES)] == [500]


def test_post_is_never_retried(faults):
    faults.fault(DEVICE, "--method", "POST", "--path-pattern", "cmdb/system/interface", "--status", "503",
                 "--count", "1")
    mark = faults.mark(DEVICE)
    report, proc = faults.playbook("httpapi_create.yml", extra_vars={**FAST, "loopback": "Lo503"})
    assert proc.returncode != 0
    assert faults.result(report, "Loopback present", DEVICE)["meta"]["http_status"] == 503
    posts = [r for r in faults.requests_since(DEVICE, mark, INTERFACES) if r["method"] == "POST"]
    assert [r["status"] for r in posts] == [503]
    assert faults.rest_get(DEVICE, INTERFACES + "/Lo503")["http_status"] == 404


def test_retries_can_be_disabled(faults):
    faults.fault(DEVICE, "--method", "GET", "--path-pattern", "cmdb/system/interface", "--status", "503",
                 "--count", "1")
    mark = faults.mark(DEVICE)
    _report, proc = faults.playbook("httpapi_read.yml", extra_vars={**FAST, "ansible_httpapi_fortios_retries": 0})
    assert proc.returncode != 0
    assert [r["status"] for r in faults.requests_since(DEVICE, mark, INTERFACES)] == [503]
