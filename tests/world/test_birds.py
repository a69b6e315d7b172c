"""Bird flocks: the issue's 8-18 m/s wanderers near a point, with the statistics the model states."""

from __future__ import annotations

import numpy as np

from bastion.world.motion import BIRD_CLIMB_SD_MPS, BIRD_STEP_S, bird_paths


def _flock(step: float, seed: int = 4):
    speeds = np.linspace(8.0, 18.0, 12)
    return speeds, bird_paths((500.0, -300.0, 60.0), 400.0, speeds, 10.0, step, 1810.0, np.random.default_rng(seed))


def test_birds_fly_at_their_speed_near_the_centre_and_within_heights():
    speeds, paths = _flock(BIRD_STEP_S)
    for v, tr in zip(speeds, paths, strict=True):
        assert tr.t[0] == 10.0 and tr.t[-1] >= 1810.0 - BIRD_STEP_S
        ground_speed = np.hypot(tr.vel[:, 0], tr.vel[:, 1])
        np.testing.assert_allclose(ground_speed, v, rtol=1e-12)  # heading turns, speed stays
        # Positions follow from the velocities (forward Euler on the bird's own step).
        np.testing.assert_allclose(np.diff(tr.pos, axis=0), tr.vel[:-1] * BIRD_STEP_S, atol=1e-9)
        # Steered back when beyond the radius: a bird at 18 m/s turning at 0.5 rad/s overshoots by its turn
        # radius (36 m) plus the random walk, never by kilometres.
        r = np.hypot(tr.pos[:, 0] - 500.0, tr.pos[:, 1] + 300.0)
        assert r.max() < 400.0 + 250.0
        assert tr.pos[:, 2].min() > 0.0 and tr.pos[:, 2].max() < 260.0


def test_climb_rate_statistics_do_not_depend_on_the_step():
    """The climb rate is an Ornstein-Uhlenbeck process: its rms is BIRD_CLIMB_SD_MPS whatever the step
    (apart from the 10-200 m height reflection, rare with this spread)."""
    for step in (0.05, BIRD_STEP_S, 0.5):
        _, paths = _flock(step, seed=9)
        climb = np.concatenate([tr.vel[200:, 2] for tr in paths])
        assert abs(np.sqrt(np.mean(climb**2)) / BIRD_CLIMB_SD_MPS - 1.0) < 0.15, step
