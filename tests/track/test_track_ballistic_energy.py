"""The ballistic model's energy rule: a slow, low track (a bird) cannot hold the IMM's ballistic model and
fall out of the sky while it coasts; a round in flight keeps the model exactly as before."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bastion.physics.ballistic import propagate
from bastion.sense.detections import DetectionBatch
from bastion.track import Tracker, TrackerConfig

# A 3-D radar's plot at 3 km with 0.5 deg elevation noise: 26 m in height, 10 m across.
SIGMA_ENU = np.array([10.0, 10.0, 26.0])


def _plot(t: float, z: np.ndarray) -> DetectionBatch:
    return DetectionBatch("radar", "cartesian", np.zeros(3), np.array([t]), z[None, :],
                          np.diag(SIGMA_ENU**2)[None])


def _bird(cfg: TrackerConfig, seed: int) -> tuple[float, float]:
    """A bird at 60 m and 10 m/s seen at 1 Hz with Pd 0.6 for 60 s, its track kept through misses.
    Returns the highest ballistic-model probability of its track after the first 10 s, and the lowest
    height (m) its track is predicted at 3 s after each scan from then on (a coast between plots)."""
    rng = np.random.default_rng(seed)
    cfg = replace(cfg, max_misses=20, max_coast_s=20.0)  # one track all along, through runs of misses
    p0, v = np.array([1500.0, 2000.0, 60.0]), np.array([8.0, -6.0, 0.0])
    tracker = Tracker(cfg)
    j = tracker.model_names.index("ballistic")
    worst_mu, lowest = 0.0, np.inf
    for k in range(60):
        t = float(k)
        if k < 5 or rng.random() < 0.6:
            tracker.process(_plot(t, p0 + v * t + rng.normal(0.0, SIGMA_ENU)))
        else:
            tracker.process(DetectionBatch("radar", "cartesian", np.zeros(3), np.zeros(0), np.zeros((0, 3)),
                                           np.zeros((0, 3, 3))), time=t)
        if len(tracker.table) != 1:
            continue
        if t >= 10.0:  # past the two-plot start, whose vertical velocity is tens of m/s off
            worst_mu = max(worst_mu, float(tracker.table.mode_prob[0, j]))
            _, x, _ = tracker.predict(t + 3.0)
            lowest = min(lowest, float(x[0, 2]))
    return worst_mu, lowest


BIRDS = range(1, 21)
BAND_M = 60.0 - 3.0 * SIGMA_ENU[2]  # 3 sigma of the plots' height noise below the bird


def test_slow_low_tracks_do_not_take_the_ballistic_model_and_fall():
    on = [_bird(TrackerConfig(), seed) for seed in BIRDS]
    off = [_bird(TrackerConfig(ballistic_min_energy_speed=0.0), seed) for seed in BIRDS]
    # Energy speed sqrt(10^2 + 2 g 60) = 36 m/s, 2.4 sd below the 60 m/s floor: the model is scaled by
    # exp(-2.9) = 0.06 at every update, so it cannot build up (one bird's held 0.4 for one plot, after a
    # 3 s coast, and lost it at the next).
    assert sum(mu < 0.05 for mu, _ in on) >= 19
    # 3 s of coasting on the constant-velocity models stays within 3 sigma of the bird's height (a free
    # fall from 60 m reaches the ground in 3.5 s), but for a rare run of misses on a vertical velocity
    # already off.
    assert sum(low > BAND_M for _, low in on) >= 18
    # The contrast the rule is there for: without it the ballistic model takes a third or more of the
    # probability on many birds (8 of these 20), and about half the tracks (11) are predicted through the
    # band, some 100 m below ground.
    assert sum(mu > 0.3 for mu, _ in off) >= 6
    assert sum(low < BAND_M for _, low in off) >= 9


def test_a_round_in_flight_keeps_the_ballistic_model_unchanged():
    # A slow mortar bomb: 150 m/s at 60 deg, energy speed 150 m/s all along (less drag), far above the floor.
    el = np.radians(60.0)
    v0 = 150.0 * np.array([np.cos(el), 0.0, np.sin(el)])
    runs = {}
    for floor in (0.0, 60.0):
        tracker = Tracker(TrackerConfig(ballistic_min_energy_speed=floor))
        j = tracker.model_names.index("ballistic")
        noise = np.random.default_rng(7).normal(0.0, SIGMA_ENU, (24, 3))
        p, v = propagate(np.array([-3000.0, 0.0, 0.0]), v0, 1900.0, 2.0, dt=0.01)
        mus = []
        for k in range(24):
            tracker.process(_plot(2.0 + 0.5 * k, np.asarray(p, float).reshape(3) + noise[k]))
            if len(tracker.table) == 1:
                mus.append(float(tracker.table.mode_prob[0, j]))
            p, v = propagate(p, v, 1900.0, 0.5, dt=0.01)
        runs[floor] = np.array(mus)
    assert runs[60.0][-1] > 0.9
    np.testing.assert_allclose(runs[60.0], runs[0.0], rtol=0.0, atol=1e-12)


def test_the_rule_is_validated():
    with pytest.raises(ValueError, match="ballistic_min_energy_speed"):
        TrackerConfig(ballistic_min_energy_speed=-1.0).check()
    with pytest.raises(ValueError, match="ballistic_energy_sd"):
        Tracker(TrackerConfig(ballistic_energy_sd=0.0))
