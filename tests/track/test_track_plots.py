"""The plots each track keeps (Tracker.plots, for the assessment's rocket fit): every plot that built the
track, the two initiating ones included, in time order, at most ``plot_history`` of them, and none once
the track is gone."""

from __future__ import annotations

import numpy as np

from bastion.geo import enu_to_rae
from bastion.sense.detections import DetectionBatch
from bastion.track import Tracker, TrackerConfig
from bastion.track.measure import to_cartesian


def _radar(t, enu, sigma=(5.0, 0.002, 0.002)):
    z = enu_to_rae(np.asarray(enu, float).reshape(-1, 3), np.zeros(3))
    return DetectionBatch("radar", "radar", np.zeros(3), np.full(len(z), t), z, np.diag(np.square(sigma)))


def test_a_track_keeps_its_plots_from_the_first_and_forgets_them_when_deleted():
    tracker = Tracker(TrackerConfig(models=("cv",), q_cv=0.5, v_max=100.0, plot_history=6))
    truth = [np.array([2000.0 + 30.0 * k, 1000.0, 300.0]) for k in range(9)]
    batches = [_radar(float(k), p) for k, p in enumerate(truth)]
    for b in batches:
        tracker.process(b)
    [tid] = tracker.table.id.tolist()
    mine = tracker.plots.get(tid)
    t, pos, cov = mine.t, mine.pos, mine.cov
    # The latest six of nine plots, as the radar gave them (converted to east-north-up with the same
    # linearised covariance the initiation uses).
    assert t.tolist() == [3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    want_pos, want_cov = to_cartesian("radar", np.concatenate([b.z for b in batches[3:]]),
                                      np.concatenate([b.R for b in batches[3:]]), np.zeros(3))
    assert np.allclose(pos, want_pos) and np.allclose(cov, want_cov)

    first = Tracker(TrackerConfig(models=("cv",), q_cv=0.5, v_max=100.0))
    for b in batches[:3]:
        first.process(b)
    [tid1] = first.table.id.tolist()
    assert first.plots.get(tid1).t.tolist() == [0.0, 1.0, 2.0]  # the initiating pair and the update

    tracker.delete([tid])
    assert tracker.plots.count(tid) == 0 and len(tracker.plots) == 0


def test_no_plots_are_kept_when_the_history_is_off():
    tracker = Tracker(TrackerConfig(models=("cv",), v_max=100.0, plot_history=0))
    for k in range(5):
        tracker.process(_radar(float(k), [2000.0 + 30.0 * k, 1000.0, 300.0]))
    assert len(tracker.table) == 1 and len(tracker.plots) == 0


def test_plots_no_live_track_holds_are_loose():
    # Two plots pair into a tentative track that is then never seen again (deleted), and a lone plot
    # never pairs; both are among the loose plots, the live track's are not.
    cfg = TrackerConfig(models=("cv",), v_max=100.0, init_max_dt=2.5)
    tracker = Tracker(cfg)
    tracker.process(_radar(0.0, [[2000.0, 1000.0, 300.0], [-3000.0, 500.0, 200.0]]))
    tracker.process(_radar(1.0, [[2030.0, 1000.0, 300.0]]))
    [tid] = tracker.table.id.tolist()
    for k in range(2, 9):  # the track's target is gone; the lone plot expires after 2.5 s
        tracker.process(_radar(float(k), [[-8000.0 + 500.0 * k, -8000.0, 500.0]]))
    assert tid not in tracker.table.id.tolist()
    loose = tracker.loose_plots()
    t, pos = loose.t, loose.pos
    near = lambda p: np.min(np.linalg.norm(pos - np.asarray(p), axis=1)) < 20.0  # noqa: E731
    assert near([2000.0, 1000.0, 300.0]) and near([2030.0, 1000.0, 300.0]) and near([-3000.0, 500.0, 200.0])
    assert set(np.round(t, 3).tolist()) >= {0.0, 1.0}
    assert tracker.loose_plots(0.5).t.min() >= 0.5


def test_a_doppler_radars_plots_keep_their_range_rate_and_sensor():
    # A target at 60 m/s east seen by a Doppler radar at (100, -50, 8): each kept plot carries the range
    # rate the radar measured (here noise-free, so the line of sight dotted with the velocity), its
    # variance and the radar's position; a plain radar's plots carry none.
    sensor = np.array([100.0, -50.0, 8.0])
    vel = np.array([60.0, 0.0, 0.0])
    tracker = Tracker(TrackerConfig(models=("cv",), q_cv=0.5, v_max=100.0))
    for k in range(4):
        p = np.array([2000.0 + 60.0 * k, 1000.0, 300.0])
        rae = enu_to_rae(p[None], sensor)
        rr = (p - sensor) @ vel / np.linalg.norm(p - sensor)
        z = np.concatenate([rae, [[rr]]], axis=1)
        tracker.process(DetectionBatch("cmr", "radar_doppler", sensor, np.array([float(k)]), z,
                                       np.diag([25.0, 4e-6, 4e-6, 0.81])))
    [tid] = tracker.table.id.tolist()
    kept = tracker.plots.get(tid)
    want = [(np.array([2000.0 + 60.0 * k, 1000.0, 300.0]) - sensor) @ vel
            / np.linalg.norm(np.array([2000.0 + 60.0 * k, 1000.0, 300.0]) - sensor) for k in range(4)]
    assert np.allclose(kept.rr, want) and np.allclose(kept.rr_var, 0.81)
    assert np.allclose(kept.sensor, sensor) and kept.has_range_rate.all()

    plain = Tracker(TrackerConfig(models=("cv",), q_cv=0.5, v_max=100.0))
    for k in range(3):
        plain.process(_radar(float(k), [2000.0 + 30.0 * k, 1000.0, 300.0]))
    assert not plain.plots.get(plain.table.id[0]).has_range_rate.any()
