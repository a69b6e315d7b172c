"""Turn rate as a classification feature: the tracker's coordinated-turn estimate of a circling target
against its analytic rate, and the classifier's turn-rate evidence against its hand-computed value."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assess.classify import CLASSES, TURN_RATE_DEG_S, Classifier
from bastion.sense.detections import DetectionBatch
from bastion.track import Tracker, TrackerConfig


def _cartesian(t: float, z: np.ndarray, sigma: float) -> DetectionBatch:
    z = np.asarray(z, float).reshape(-1, 3)
    return DetectionBatch("s", "cartesian", np.zeros(3), np.full(len(z), t), z, np.eye(3) * sigma**2)


@pytest.mark.parametrize("omega_true", [0.12, -0.12, 0.3, 0.0])
def test_the_trackers_turn_rate_estimate_finds_a_coordinated_turn(omega_true):
    # A target at 15 m/s on a circle of radius v / |w| turns at w (rad/s, counter-clockwise positive); a
    # straight flyer at 0. Plots every 0.5 s with 3 m noise, as a drone radar sees a small target at a few
    # kilometres. One cycle's estimate is noisy (the filter shares the turn between its models), so the
    # check is on the mean over the last 40 s, and on how far the estimate stands from zero in its own sd.
    rng = np.random.default_rng(5)
    speed, sigma, dt = 15.0, 3.0, 0.5
    tracker = Tracker()
    omegas, z = [], []
    for k in range(121):
        t = k * dt
        if omega_true:
            r, a = speed / abs(omega_true), omega_true * t
            p = np.array([r * np.cos(a), r * np.sin(a), 80.0])
        else:
            p = np.array([speed * t, 0.0, 80.0])
        tracker.process(_cartesian(t, p + rng.normal(0.0, sigma, 3), sigma))
        if t >= 20.0:
            omega, sd = tracker.turn_rates(np.arange(len(tracker.table)))
            assert omega.size == 1 and sd[0] > 0.0
            omegas.append(omega[0])
            z.append(abs(omega[0]) / sd[0])
    assert np.mean(omegas) == pytest.approx(omega_true, abs=0.02)
    if omega_true == 0.0:
        assert np.mean(z) < 0.6
    elif abs(omega_true) > 0.2:
        assert np.mean(z) > 1.5


def test_no_turn_rate_without_a_coordinated_turn_model():
    tracker = Tracker(TrackerConfig(models=("cv",)))
    tracker.process(_cartesian(0.0, np.array([0.0, 0.0, 50.0]), 3.0))
    omega, sd = tracker.turn_rates(np.arange(len(tracker.table)))
    assert omega.size == len(tracker.table) and np.all(np.isnan(omega)) and np.all(np.isnan(sd))


def test_turn_evidence_is_the_estimate_against_each_class_turn_rate():
    clf = Classifier()
    q, b = CLASSES.index("quadcopter"), CLASSES.index("bird")
    omega, sd = np.array([0.05, 0.4]), np.array([0.08, 0.08])
    ll = clf.turn_loglik(np.array([12.0, 12.0]), omega, sd)
    # By hand: w ~ N(0, sd^2 + tau^2), tau = 3 deg/s (quadcopter) and 14 deg/s (bird).
    def dens(w, s, tau_deg):
        var = s**2 + np.radians(tau_deg) ** 2
        return -0.5 * w**2 / var - 0.5 * np.log(var)
    for k in range(2):
        expect = dens(omega[k], sd[k], TURN_RATE_DEG_S["quadcopter"]) - dens(omega[k], sd[k], TURN_RATE_DEG_S["bird"])
        assert ll[k, q] - ll[k, b] == pytest.approx(expect)
    assert ll[0, q] > ll[0, b]  # flying straight: a drone more than a bird
    assert ll[1, q] < ll[1, b]  # turning at 23 deg/s: a bird
    assert ll.max() == 0.0 and ll.min() >= clf.config.floor_loglik
    # A sharper turn (1 rad/s) counts against a class at most one feature's cap.
    sharp = clf.turn_loglik(np.array([12.0]), np.array([1.0]), np.array([0.08]))
    assert sharp[0, q] == clf.config.floor_loglik


def test_no_turn_evidence_when_hovering_fast_or_unknown():
    clf = Classifier()
    ll = clf.turn_loglik(np.array([1.0, 100.0, 12.0]), np.array([0.6, 0.6, np.nan]), np.array([0.1, 0.1, np.nan]))
    assert np.array_equal(ll, np.zeros_like(ll))
    # And the classifier's log-likelihood with it equals the one without it there.
    x = np.array([[0.0, 0.0, 60.0, 1.0, 0.0, 0.0]])
    args = (x, np.array([0.01]), np.array([0.05]), np.array([0.5]))
    assert np.array_equal(clf.log_likelihood(*args, turn_rate=np.array([0.6]), turn_rate_sigma=np.array([0.1])),
                          clf.log_likelihood(*args))
