"""Quadcopter / FPV motion: speed cap, hovers, erratic paths, terminal dive, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.world.motion import QUADCOPTER_SPEED_MAX_MPS, quadcopter_path
from bastion.world.trajectory import Trajectory

DT = 0.05


def path(seed: int, **kw) -> Trajectory:
    kw.setdefault("target", (100.0, 50.0, 0.0))
    return quadcopter_path((0.0, 0.0, 0.0), 10.0, DT, 400.0, np.random.default_rng(seed), **kw)


@pytest.mark.parametrize("seed", range(6))
def test_speed_cap_and_kinematic_consistency(seed):
    tr = path(seed, speed=40.0, dive_speed=60.0)  # asks for more than a quadcopter can do
    speed = np.linalg.norm(tr.vel, axis=1)
    assert speed.max() <= QUADCOPTER_SPEED_MAX_MPS + 1e-9
    assert np.all(np.diff(tr.t) > 0) and tr.t[0] == 10.0
    # positions advance by the recorded velocity over each step (the last step may be shorter)
    steps = np.diff(tr.t)
    assert np.allclose(np.diff(tr.pos, axis=0), tr.vel[:-1] * steps[:, None], atol=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_dive_ends_on_the_target(seed):
    tr = path(seed)
    assert np.allclose(tr.pos[-1], [100.0, 50.0, 0.0])
    assert tr.t[-1] < 400.0
    assert tr.pos[:, 2].min() >= -1e-9  # never below ground
    # the dive is the last leg: it closes on the target monotonically over its final second
    d = np.linalg.norm(tr.pos[-int(1.0 / DT):] - [100.0, 50.0, 0.0], axis=1)
    assert np.all(np.diff(d) < 0)


def test_hovers_at_waypoints():
    wps = [(200.0, 0.0, 50.0), (200.0, 200.0, 80.0)]
    tr = quadcopter_path((0.0, 0.0, 0.0), 0.0, DT, 200.0, np.random.default_rng(3), waypoints=wps,
                         hover_s=(5.0, 5.0), jitter_mps=0.0)
    speed = np.linalg.norm(tr.vel, axis=1)
    slow = speed < 0.5
    # longest run of near-zero speed: a hover of about 5 s
    runs, cur = [], 0
    for s in slow:
        cur = cur + 1 if s else 0
        runs.append(cur)
    assert max(runs) * DT >= 4.5
    for w in wps:
        assert np.min(np.linalg.norm(tr.pos - np.asarray(w), axis=1)) < 2.5
    assert np.allclose(tr.pos[-1], wps[-1], atol=3.0)  # no target: stays at the last waypoint


def test_paths_are_erratic_and_stay_in_the_area():
    tr = path(5, target=None, n_waypoints=6, area_radius=300.0)
    d = np.diff(tr.pos[:, :2], axis=0)
    heading = np.unwrap(np.arctan2(d[:, 0], d[:, 1])[np.linalg.norm(d, axis=1) > 0.2])
    assert np.abs(np.diff(heading)).sum() > np.pi  # it turns, a lot
    assert np.linalg.norm(tr.pos[:, :2], axis=1).max() < 300.0 + 60.0
    assert tr.pos[:, 2].max() <= 120.0 + 20.0


def test_deterministic_for_a_seed():
    a, b, c = path(1), path(1), path(2)
    assert np.array_equal(a.pos, b.pos) and np.array_equal(a.t, b.t)
    assert not (a.pos.shape == c.pos.shape and np.allclose(a.pos, c.pos))


def test_no_waypoints_and_no_target_hovers_in_place():
    tr = quadcopter_path((5.0, 5.0, 30.0), 0.0, DT, 20.0, np.random.default_rng(0), waypoints=[], jitter_mps=0.0)
    assert np.allclose(tr.pos, [5.0, 5.0, 30.0], atol=1e-6)


def test_ends_at_t_max_without_target():
    tr = quadcopter_path((0.0, 0.0, 30.0), 0.0, DT, 50.0, np.random.default_rng(0))
    assert tr.t[-1] == pytest.approx(50.0) and len(tr.t) == len(tr.pos) == len(tr.vel)
