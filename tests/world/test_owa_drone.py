"""One-way attack drone: the terminal dive is a push-over at a bounded load, ending on the target at the
set dive angle."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.world.motion import G0, PUSHOVER_G, owa_drone_path


@pytest.mark.parametrize("dive_deg", [25.0, 35.0, 50.0])
def test_dive_is_a_bounded_push_over_onto_the_target(dive_deg):
    tr = owa_drone_path((6000.0, 0.0, 150.0), [(3000.0, 500.0, 150.0)], (0.0, 0.0, 0.0), 0.0, 50.0,
                        math.radians(dive_deg), math.radians(6.0), 5.0, 0.1, 600.0)
    np.testing.assert_allclose(tr.pos[-1], [0.0, 0.0, 0.0], atol=1e-6)
    # Acceleration: the push-over's normal load plus at most gravity along the path (speeding up), a
    # physical limit of the airframe; an instant pitch-over would show hundreds of m/s^2.
    acc = np.linalg.norm(np.diff(tr.vel, axis=0), axis=1) / np.diff(tr.t)
    assert acc.max() <= math.hypot(PUSHOVER_G * G0, G0) + 1e-6
    # It arrives on the set dive angle (pure pursuit steepens it slightly at the end) at 1.25 x cruise.
    v = tr.vel[-1]
    arrival = math.degrees(math.atan2(-v[2], math.hypot(v[0], v[1])))
    assert dive_deg - 1.0 <= arrival <= dive_deg + 6.0
    assert np.linalg.norm(v) == pytest.approx(62.5, abs=0.5)


@pytest.mark.parametrize("turn_deg_s, climb_mps", [(3.0, 2.0), (6.0, 5.0), (12.0, 8.0)])
def test_cruise_keeps_its_speed_and_turn_and_climb_limits(turn_deg_s, climb_mps):
    """Waypoints behind and above the start force a long turn and a climb: before the dive the drone flies
    at its cruise speed, never turns faster than its turn rate nor climbs faster than its climb rate,
    passes within the capture distance of each waypoint and still ends on the target."""
    from bastion.world.motion import WAYPOINT_CAPTURE_M

    cruise, dt = 48.0, 0.1
    start, target = (0.0, 0.0, 100.0), (0.0, 6000.0, 0.0)
    waypoints = [(0.0, -4000.0, 400.0), (3000.0, -2000.0, 150.0)]  # first straight behind, 300 m up
    tr = owa_drone_path(start, waypoints, target, 0.0, cruise, math.radians(35.0), math.radians(turn_deg_s),
                        climb_mps, dt, 1200.0)
    np.testing.assert_allclose(tr.pos[-1], target, atol=1e-6)
    speed = np.linalg.norm(tr.vel, axis=1)
    # Cruise: everything more than 1 km short of the target (the run-in holds the last waypoint's 150 m,
    # so the 35 deg dive and its push-over begin about 260 m out).
    far = np.hypot(tr.pos[:, 0] - target[0], tr.pos[:, 1] - target[1]) > 1000.0
    end_cruise = int(np.flatnonzero(~far)[0])
    np.testing.assert_allclose(speed[:end_cruise], cruise, rtol=1e-9)
    assert np.all(np.abs(tr.vel[:end_cruise, 2]) <= climb_mps + 1e-9)
    heading = np.unwrap(np.arctan2(tr.vel[:end_cruise, 0], tr.vel[:end_cruise, 1]))
    rate = np.abs(np.diff(heading)) / dt
    assert rate.max() <= math.radians(turn_deg_s) * (1.0 + 1e-9)
    assert rate.max() >= 0.99 * math.radians(turn_deg_s)  # the long turn does use the whole rate
    for wp in waypoints:
        d = np.hypot(tr.pos[:, 0] - wp[0], tr.pos[:, 1] - wp[1])
        assert d.min() <= WAYPOINT_CAPTURE_M + cruise * dt
    # The positions are flown with those velocities, so the limits hold for the path itself: the climb
    # towards the first waypoint's 400 m is no faster than the climb rate.
    np.testing.assert_allclose(np.diff(tr.pos[:end_cruise], axis=0), tr.vel[:end_cruise - 1] * dt, atol=1e-9)
    assert np.all(tr.pos[:end_cruise, 2] - start[2] <= climb_mps * tr.t[:end_cruise] + 1e-6)
    assert tr.pos[:end_cruise, 2].max() > start[2] + 50.0  # it did climb
