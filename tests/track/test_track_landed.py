"""Tracks of what hit the ground end as landed, instead of coasting on underground; low flyers with noisy
heights are not taken for landed."""

from __future__ import annotations

import numpy as np

from bastion.sense.detections import DetectionBatch
from bastion.track import Tracker, TrackerConfig

SIGMA_ENU = np.array([10.0, 10.0, 26.0])  # a 3-D radar's plot at 3 km: 0.5 deg elevation noise
FAR_CLUTTER = np.array([-9000.0, 9000.0, 500.0])  # a plot in every scan, far from the targets


def _scan(t: float, plots: list[np.ndarray]) -> DetectionBatch:
    z = np.array(plots, float).reshape(-1, 3)
    return DetectionBatch("radar", "cartesian", np.zeros(3), np.full(len(z), t), z,
                          np.broadcast_to(np.diag(SIGMA_ENU**2), (len(z), 3, 3)))


def _dive(empty_scans: bool) -> tuple[float, float, list]:
    """A drone diving at 50 m/s and 40 deg from 300 m into the ground, seen at 1 Hz until it hits; then
    scans without it. Returns the impact time (s), the time its track was deleted (s) and the landed ids."""
    rng = np.random.default_rng(4)
    g = np.radians(40.0)
    v = 50.0 * np.array([np.cos(g), 0.0, -np.sin(g)])
    p0 = np.array([1500.0, 2500.0, 300.0])
    t_hit = 300.0 / (50.0 * np.sin(g))
    # Misses are not counted (as when two radars take turns on a target, docs/tracking.md), so that only
    # the coast limit or the landing can end the track.
    tracker = Tracker(TrackerConfig(max_misses=100))
    track_id, deleted_at, landed = None, np.inf, []
    for k in range(30):
        t = float(k)
        plots = [] if empty_scans else [FAR_CLUTTER + rng.normal(0.0, 5.0, 3)]
        if t <= t_hit:
            plots.append(p0 + v * t + rng.normal(0.0, SIGMA_ENU))
        upd = tracker.process(_scan(t, plots), time=t)
        if k == 5:
            ids = tracker.table.id[np.abs(tracker.table.x[:, 0] - p0[0]) < 1000.0]
            assert len(ids) == 1
            track_id = int(ids[0])
        if track_id is not None and track_id in upd.deleted:
            deleted_at = t
            landed = upd.landed.tolist()
            break
    return t_hit, deleted_at, [track_id] if track_id in landed else landed


def test_a_drone_diving_into_the_ground_ends_as_landed_before_the_coast_limit():
    for empty in (False, True):
        t_hit, t_del, landed = _dive(empty)
        assert landed, "deleted for another reason than landing"
        # 32 m/s down: 30 m below ground, and 2 sigma of a coasting height (20-30 m) below it, are passed
        # within 2 s, well before the 5 s coast limit would delete the track.
        assert t_hit < t_del <= t_hit + 3.0 < t_hit + TrackerConfig().max_coast_s


def test_a_low_flyer_with_noisy_height_is_never_landed():
    # A bird at 20 m, 10 m/s, Pd 0.7, its plots' height noise 26 m (more than its height) for 120 s.
    rng = np.random.default_rng(9)
    p0, v = np.array([2000.0, 1000.0, 20.0]), np.array([6.0, 8.0, 0.0])
    tracker = Tracker()
    for k in range(120):
        t = float(k)
        plots = [FAR_CLUTTER + rng.normal(0.0, 5.0, 3)]
        if k < 4 or rng.random() < 0.7:
            plots.append(p0 + v * t + rng.normal(0.0, SIGMA_ENU))
        upd = tracker.process(_scan(t, plots))
        assert upd.landed.size == 0
