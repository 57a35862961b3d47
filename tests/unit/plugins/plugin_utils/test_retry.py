"""Retry policy of the httpapi plugin: which failures repeat, how often and after how long."""

import email.utils
import http.client
import socket
import ssl
import urllib.error

import pytest
from ansible.errors import AnsibleConnectionFailure

from ansible_collections.overlay.fortigate.plugins.plugin_utils.retry import (
    RetryPolicy,
    is_transient_error,
    parse_retry_after,
)


def parent_wrapped(error):
    """How fortinet.fortios' send_request re-raises every failure."""
    return Exception("Error in send_request", error)


def netcommon_wrapped(reason):
    """How netcommon's send turns a URLError into AnsibleConnectionFailure (implicit context)."""
    try:
        try:
            raise urllib.error.URLError(reason)
        except urllib.error.URLError as exc:
            raise AnsibleConnectionFailure("Could not connect to https://x: %s" % exc.reason)
    except AnsibleConnectionFailure as failure:
        return failure


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "get"])
def test_transient_statuses_repeat_on_idempotent_methods(status, method):
    assert RetryPolicy().retry_status(method, status, 0)


@pytest.mark.parametrize("status", [200, 400, 401, 403, 404, 405, 500, 502, 504])
def test_other_statuses_never_repeat(status):
    assert not RetryPolicy().retry_status("GET", status, 0)


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_post_never_repeats(method):
    policy = RetryPolicy()
    assert not policy.retry_status(method, 503, 0)
    assert not policy.retry_error(method, ConnectionResetError(), 0)


def test_post_cannot_be_allowed():
    with pytest.raises(ValueError, match="idempotent.*not POST"):
        RetryPolicy(methods=frozenset(["GET", "post"]))


def test_methods_can_be_narrowed():
    policy = RetryPolicy(methods=frozenset(["get"]))
    assert policy.retry_status("GET", 503, 0)
    assert not policy.retry_status("PUT", 503, 0)


def test_retries_are_bounded():
    policy = RetryPolicy(retries=2)
    assert [policy.retry_status("GET", 503, attempt) for attempt in range(4)] == [True, True, False, False]
    assert not RetryPolicy(retries=0).retry_status("GET", 503, 0)


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(backoff=0.5, max_delay=3)
    assert [policy.delay(attempt) for attempt in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_retry_after_is_honoured_but_capped():
    policy = RetryPolicy(backoff=1, max_delay=10)
    assert policy.delay(0, retry_after=4) == 4
    assert policy.delay(2, retry_after=0) == 0
    assert policy.delay(0, retry_after=3600) == 10


@pytest.mark.parametrize("kwargs", [{"retries": -1}, {"backoff": -1}, {"max_delay": -0.1}])
def test_invalid_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_parse_retry_after_seconds_and_dates():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 0 ") == 0.0
    now = 1_700_000_000.0
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    for unusable in (None, "", "soon", "-5", "1.5e3"):
        assert parse_retry_after(unusable) is None


@pytest.mark.parametrize("error", [
    ConnectionResetError(104, "reset"),
    http.client.RemoteDisconnected("Remote end closed connection without response"),
    BrokenPipeError(),
    ssl.SSLEOFError(8, "EOF occurred in violation of protocol"),
    parent_wrapped(http.client.RemoteDisconnected("closed")),
    parent_wrapped(netcommon_wrapped(ConnectionRefusedError(111, "refused"))),
    urllib.error.URLError(ConnectionResetError(104, "reset")),
])
def test_dropped_connections_are_transient(error):
    assert is_transient_error(error)
    assert RetryPolicy().retry_error("GET", error, 0)


@pytest.mark.parametrize("error", [
    socket.timeout("timed out"),
    TimeoutError(),
    parent_wrapped(urllib.error.URLError(socket.timeout("timed out"))),
    parent_wrapped(ValueError("bad JSON")),
    Exception("Invalid access token. Please check"),
    parent_wrapped(netcommon_wrapped("Name or service not known")),
])
def test_timeouts_and_other_errors_are_not(error):
    assert not is_transient_error(error)


def test_cyclic_error_chains_terminate():
    first, second = Exception("a"), Exception("b")
    first.__context__, second.__context__ = second, first
    assert not is_transient_error(first)


def test_after_a_new_login_only_the_allowed_idempotent_methods_are_repeated():
    policy = RetryPolicy(methods=("GET", "DELETE"), retries=0)
    assert policy.may_repeat_after_login("get") and policy.may_repeat_after_login("DELETE")
    assert not policy.may_repeat_after_login("PUT") and not policy.may_repeat_after_login("POST")
