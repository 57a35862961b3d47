"""The reconcile engine on its own: writes in steps, undone when a later step fails, and an
honest message when undoing fails too."""

import pytest
from ansible.module_utils.connection import ConnectionError as AnsibleConnectionError

from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb import reconcile
from ansible_collections.overlay.fortigate.plugins.module_utils.cmdb.reconcile import ObjectSpec, Reconciler, WriteError

from .fake_cmdb import refusal
from .lab import P1, client, lab

STEPS = [["exchange-interface-ip"], ["exchange-ip-addr4"]]
WANTED = {"exchange-interface-ip": "enable", "exchange-ip-addr4": "10.200.1.1"}


def apply_in_steps(device):
    reconciler = Reconciler(client(device))
    spec = ObjectSpec(P1, "SiteA", WANTED, may_create=False, steps=STEPS, label="phase1-interface SiteA")
    return reconciler.apply(reconciler.plan(spec))


def test_steps_are_written_in_order_and_confirmed():
    device = lab()
    result = apply_in_steps(device)
    assert [w[3] for w in device.writes()] == [{"exchange-interface-ip": "enable"}, {"exchange-ip-addr4": "10.200.1.1"}]
    assert result["diff"]["after"] == WANTED and result["changed"]


def test_failed_second_step_rolls_back_the_first():
    device = lab()
    device.refuse.append(lambda m, p, k, b: refusal(500, -651, "persistent failure")
                         if m == "PUT" and b and "exchange-ip-addr4" in b else None)
    with pytest.raises(WriteError, match="persistent failure.*1 earlier step\\(s\\) of this change were undone"):
        apply_in_steps(device)
    assert device.tables[P1]["SiteA"]["exchange-interface-ip"] == "disable"
    assert [w[3] for w in device.writes()][-1] == {"exchange-interface-ip": "disable"}


def test_a_failed_undo_says_the_object_is_half_written_what_it_holds_and_how_to_recover():
    device = lab()
    puts = []

    def second_and_third_put_fail(method, path, mkey, body):
        if method == "PUT":
            puts.append(body)
            if len(puts) > 1:
                return refusal(503, -1, None)
        return None
    device.refuse.append(second_and_third_put_fail)
    with pytest.raises(WriteError) as caught:
        apply_in_steps(device)
    message = str(caught.value)
    assert message.startswith("phase1-interface SiteA: PUT vpn.ipsec/phase1-interface/SiteA (vdom root) failed: HTTP 503")
    assert "phase1-interface SiteA IS HALF-WRITTEN: undoing the earlier step(s) failed too (PUT " in message
    assert "It now holds (as read back): exchange-interface-ip='enable', exchange-ip-addr4='0.0.0.0'" in message
    assert "re-run the task" in message and "put back exchange-interface-ip='disable' by hand" in message
    assert caught.value.half_written and not caught.value.undone
    assert device.tables[P1]["SiteA"]["exchange-interface-ip"] == "enable"  # what the message says


# -- a create whose answer says the device did not act, or that has no answer -----------------
NEW = {"type": "static", "interface": "port1", "remote-gw": "10.47.1.90"}


def create_new(device, monkeypatch):
    monkeypatch.setattr(reconcile, "CREATE_REPEAT_DELAY", 0)
    reconciler = Reconciler(client(device))
    spec = ObjectSpec(P1, "SiteC", NEW, label="phase1-interface SiteC")
    return reconciler.apply(reconciler.plan(spec))


def first_post_fails(device, answer):
    """The first POST gets ``answer(device, body)`` (an envelope, or it raises); later ones go through."""
    posts = []

    def refuse(method, path, mkey, body):
        if method == "POST":
            posts.append(body)
            if len(posts) == 1:
                return answer(device, body)
        return None
    device.refuse.append(refuse)


@pytest.mark.parametrize("status", [429, 503])
def test_a_create_refused_as_busy_is_read_back_then_repeated_once(monkeypatch, status):
    device = lab()
    first_post_fails(device, lambda d, body: refusal(status, -1, None))
    result = create_new(device, monkeypatch)
    assert [(entry[0], entry[2]) for entry in device.log if entry[0] != "GET" or entry[2] == "SiteC"] == [
        ("GET", "SiteC"), ("POST", None), ("GET", "SiteC"), ("POST", None), ("GET", "SiteC")]
    assert device.tables[P1]["SiteC"]["remote-gw"] == "10.47.1.90" and result["changed"]


def test_a_create_whose_answer_was_lost_is_not_repeated_when_the_device_made_it(monkeypatch):
    device = lab()

    def made_then_dropped(d, body):
        d.tables[P1][body["name"]] = dict(body)
        raise AnsibleConnectionError("Connection reset by peer")
    first_post_fails(device, made_then_dropped)
    result = create_new(device, monkeypatch)
    assert [entry[0] for entry in device.writes()] == ["POST"]
    assert result["diff"]["after"]["remote-gw"] == "10.47.1.90"


def test_a_create_refused_by_the_device_is_not_repeated(monkeypatch):
    device = lab()
    first_post_fails(device, lambda d, body: refusal(500, -651, "value parse error before 'x'"))
    with pytest.raises(WriteError, match="phase1-interface SiteC: POST vpn.ipsec/phase1-interface .*HTTP 500"):
        create_new(device, monkeypatch)
    assert [entry[0] for entry in device.writes()] == ["POST"] and "SiteC" not in device.tables[P1]


def test_a_write_without_an_answer_names_the_object(monkeypatch):
    device = lab()

    def dropped(method, path, mkey, body):
        if method == "PUT":
            raise AnsibleConnectionError("Connection reset by peer")
    device.refuse.append(dropped)
    with pytest.raises(WriteError) as caught:
        apply_in_steps(device)
    assert str(caught.value) == ("phase1-interface SiteA: PUT vpn.ipsec/phase1-interface/SiteA (vdom root) failed: "
                                 "no answer from the device (Connection reset by peer)")
    assert device.tables[P1]["SiteA"]["exchange-interface-ip"] == "disable"
