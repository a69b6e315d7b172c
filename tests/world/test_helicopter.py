"""Helicopter loops: constant speed, no jump in position or velocity, turns at the waypoints on arcs of the
bank angle's radius (lateral acceleration g tan(bank)), tangent to both legs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.world.motion import G0, HELICOPTER_BANK_DEG, loop_path

SQUARE = [[2500.0, 2500.0, 150.0], [2500.0, -2500.0, 150.0], [-2500.0, -2500.0, 150.0], [-2500.0, 2500.0, 150.0]]


@pytest.mark.parametrize("speed", [25.0, 40.0, 70.0])
def test_square_loop_turns_on_the_bank_angle_radius(speed):
    dt = 0.05
    tr = loop_path(SQUARE, 10.0, speed, dt, 2000.0)
    np.testing.assert_allclose(np.linalg.norm(tr.vel, axis=1), speed, rtol=1e-12)
    # Positions flown with those velocities (trapezoid), continuously round the loop's closure.
    np.testing.assert_allclose(np.diff(tr.pos, axis=0), 0.5 * (tr.vel[1:] + tr.vel[:-1]) * dt, atol=5e-3)
    acc = np.linalg.norm(np.diff(tr.vel, axis=0), axis=1) / dt
    a_bank = G0 * math.tan(math.radians(HELICOPTER_BANK_DEG))
    assert acc.max() <= a_bank * (1.0 + 1e-6)
    assert acc.max() >= 0.99 * a_bank  # it does turn at the bank angle
    # A 90 deg turn of radius r = V^2 / a passes r (sqrt 2 - 1) inside each corner.
    r = speed**2 / a_bank
    for wp in SQUARE:
        d = np.linalg.norm(tr.pos[:, :2] - np.asarray(wp[:2]), axis=1).min()
        assert d == pytest.approx(r * (math.sqrt(2.0) - 1.0), abs=speed * dt)
    assert tr.t[0] == 10.0 and np.all(np.abs(tr.pos[:, 2] - 150.0) < 1e-9)


def test_climbing_legs_and_legs_too_short_for_the_nominal_turn():
    # A thin triangle with a climb: the sharp corners cannot take the 280 m radius within half a leg, so
    # their turns are tighter; speed stays constant, nothing jumps, heights stay between the waypoints'.
    wps = [[0.0, 0.0, 100.0], [1500.0, 100.0, 300.0], [0.0, 300.0, 200.0]]
    dt = 0.05
    tr = loop_path(wps, 0.0, 40.0, dt, 600.0)
    np.testing.assert_allclose(np.linalg.norm(tr.vel, axis=1), 40.0, rtol=1e-12)
    # No jump in position; horizontally the velocity is continuous too (the climb rate steps at the joins
    # between legs and turns, where the slope changes).
    assert np.linalg.norm(np.diff(tr.pos, axis=0), axis=1).max() <= 40.0 * dt * (1.0 + 1e-9)
    dv_h = np.linalg.norm(np.diff(tr.vel[:, :2], axis=0), axis=1) / dt
    assert dv_h.max() < 40.0  # m/s^2: no instant change of heading (a 90 deg one would be ~1,100)
    assert tr.pos[:, 2].min() >= 100.0 - 1e-9 and tr.pos[:, 2].max() <= 300.0 + 1e-9
    assert np.abs(tr.vel[:, 2]).max() > 1.0  # it climbs and descends
