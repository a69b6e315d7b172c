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
