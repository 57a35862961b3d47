"""The simulated clock and the lab file's ``clock:`` setting (in process, no lab needed)."""

from __future__ import annotations

import pytest

from fortigate_sim.model import SimClock
from fortigate_sim.model_admin import clock_settings


class FakeTime:
    def __init__(self):
        self.value = 1000.0

    def __call__(self):
        return self.value


def test_speed_advance_and_freeze():
    real = FakeTime()
    clock = SimClock(speed=60, monotonic=real, wall=lambda: 1_700_000_000.0)
    real.value += 2
    assert clock.now() == pytest.approx(120)
    assert clock.advance(30) == pytest.approx(150)
    clock.set_speed(0)
    real.value += 100
    assert clock.now() == pytest.approx(150)
    assert clock.epoch() == pytest.approx(1_700_000_150)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_lab_file_clock_setting(tmp_path):
    lab = tmp_path / "lab.yml"
    lab.write_text("clock: {speed: 600}\ndevices: [{name: A}]\n")
    assert clock_settings(lab) == {"speed": 600.0}
    lab.write_text("devices: [{name: A}]\n")
    assert clock_settings(lab) == {"speed": 1.0}
    lab.write_text("clock: {speed: -1}\ndevices: [{name: A}]\n")
    with pytest.raises(ValueError):
        clock_settings(lab)
