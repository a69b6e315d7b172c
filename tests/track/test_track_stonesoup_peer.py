"""Stone Soup as a peer: with a single nearly-constant-velocity model, Bastion's IMM reduces to a Kalman
filter, and its estimates must equal Stone Soup's KalmanPredictor/KalmanUpdater on the same plots."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from bastion.sense.detections import DetectionBatch
from bastion.track import Tracker, TrackerConfig


def test_cv_track_equals_stonesoup_kalman_filter():
    pytest.importorskip("stonesoup")
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import CombinedLinearGaussianTransitionModel, ConstantVelocity
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.types.detection import Detection
    from stonesoup.types.hypothesis import SingleHypothesis
    from stonesoup.types.state import GaussianState, StateVector
    from stonesoup.updater.kalman import KalmanUpdater

    rng = np.random.default_rng(9)
    q, sigma = 0.7, 6.0
    R = np.eye(3) * sigma**2
    # Irregular revisits (elapsed-time-aware noise), on whole milliseconds: Stone Soup's datetime
    # timestamps hold microseconds, so other floats would differ in time already.
    times = np.cumsum(np.round(rng.uniform(0.3, 1.5, 25), 3))
    truth = np.array([100.0, -300.0, 250.0]) + np.outer(times, [25.0, 10.0, -1.0])
    plots = truth + rng.normal(0.0, sigma, truth.shape)
    tracker = Tracker(TrackerConfig(models=("cv",), q_cv=q, v_max=200.0))
    for t, z in zip(times[:5], plots[:5], strict=True):
        tracker.process(DetectionBatch("s", "cartesian", np.zeros(3), np.array([t]), z[None], R))
    tab = tracker.table
    assert len(tab) == 1
    # Start Stone Soup from Bastion's state (Stone Soup orders the state [x, vx, y, vy, z, vz]).
    perm = [0, 3, 1, 4, 2, 5]
    epoch = datetime.datetime(2026, 1, 1)
    state = GaussianState(StateVector(tab.x[0][perm]), tab.P[0][np.ix_(perm, perm)],
                          timestamp=epoch + datetime.timedelta(seconds=float(tab.t_state[0])))
    model = LinearGaussian(ndim_state=6, mapping=(0, 2, 4), noise_covar=R)
    predictor = KalmanPredictor(CombinedLinearGaussianTransitionModel([ConstantVelocity(q)] * 3))
    updater = KalmanUpdater(model)
    for t, z in zip(times[5:], plots[5:], strict=True):
        stamp = epoch + datetime.timedelta(seconds=float(t))
        pred = predictor.predict(state, timestamp=stamp)
        state = updater.update(SingleHypothesis(pred, Detection(StateVector(z), timestamp=stamp,
                                                                measurement_model=model)))
        tracker.process(DetectionBatch("s", "cartesian", np.zeros(3), np.array([t]), z[None], R))
        ours_x, ours_P = tracker.table.x[0][perm], tracker.table.P[0][np.ix_(perm, perm)]
        theirs = np.asarray(state.state_vector, float).ravel()
        np.testing.assert_allclose(ours_x, theirs, rtol=1e-9, atol=1e-7)
        np.testing.assert_allclose(ours_P, np.asarray(state.covar, float), rtol=1e-8, atol=1e-8)
