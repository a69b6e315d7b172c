"""RF detector: only RF-linked objects, log-normal-shadowing Pd, bearings with unknown elevation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from bastion.sense.detections import DetectionBatch
from bastion.sense.rf import RF_NO_ELEVATION_SIGMA, RfDetectorModel, rf_detector

Z4 = 4.0


def ring(ranges, az=1.1, h=80.0):
    r = np.asarray(ranges, float)
    return np.column_stack([r * np.sin(az), r * np.cos(az), np.full(r.size, h)])


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 60), seed=st.integers(0, 2**32 - 1), fa=st.floats(0.0, 3.0))
def test_never_reports_an_object_without_an_rf_link(n, seed, fa):
    rng = np.random.default_rng(seed)
    det = rf_detector(false_alarms_per_scan=fa)
    pos = rng.uniform(-3000, 3000, (n, 3))
    link = rng.random(n) < 0.5
    exists = rng.random(n) < 0.8
    batch, truth = det.scan(0.0, pos, np.zeros_like(pos), link, exists, rng)
    seen = truth[truth >= 0]
    assert link[seen].all() and exists[seen].all()
    assert batch.rf_link.all() and len(batch) == truth.size


def test_autonomous_drones_close_in_are_never_heard():
    det = rf_detector(pd_max=1.0)
    pos = ring(np.full(500, 300.0))  # deep inside range: a linked drone would be heard every time
    _, truth = det.scan(0.0, pos, np.zeros_like(pos), np.zeros(500, bool), np.ones(500, bool),
                        np.random.default_rng(1))
    assert truth.size == 0
    _, truth = det.scan(0.0, pos, np.zeros_like(pos), np.ones(500, bool), np.ones(500, bool), np.random.default_rng(1))
    assert truth.size >= 495


def test_monte_carlo_pd_matches_the_shadowing_formula():
    det = RfDetectorModel("rf", np.zeros(3), range_50=2_000.0, range_max=6_000.0, shadow_sigma_db=6.0,
                          path_loss_exponent=2.0, pd_max=0.9)
    n = 3000
    for r in (500.0, 1_500.0, 2_000.0, 3_000.0, 5_000.0, 7_000.0):
        pos = ring(np.full(n, r), h=0.0)
        _, truth = det.scan(0.0, pos, np.zeros_like(pos), np.ones(n, bool), np.ones(n, bool),
                            np.random.default_rng(int(r)))
        p = 0.0 if r > 6_000.0 else 0.9 * norm.cdf(20.0 * np.log10(2_000.0 / r) / 6.0)
        measured = truth.size / n
        assert abs(measured - p) <= Z4 * np.sqrt(max(p * (1 - p), 1e-12) / n) + 1e-9, (r, measured, p)
    assert det.pd(2_000.0) == pytest.approx(0.45)


def test_batch_is_a_bearing_with_unknown_elevation_and_sensible_noise():
    det = rf_detector(sigma_bearing=np.radians(2.0), pd_max=1.0, range_50=1e5)
    rng = np.random.default_rng(4)
    n = 3000
    az = rng.uniform(0, 2 * np.pi, n)
    pos = np.column_stack([1000 * np.sin(az), 1000 * np.cos(az), rng.uniform(20, 300, n)])
    batch, truth = det.scan(2.0, pos, np.zeros_like(pos), np.ones(n, bool), np.ones(n, bool), rng)
    assert isinstance(batch, DetectionBatch) and batch.kind == "bearing" and truth.size == n
    assert (batch.z[:, 1] == 0.0).all()
    assert np.allclose(batch.R, np.diag([np.radians(2.0) ** 2, RF_NO_ELEVATION_SIGMA**2]))
    err = np.angle(np.exp(1j * (batch.z[:, 0] - az[truth])))
    assert abs(err.var() / np.radians(2.0) ** 2 - 1.0) <= Z4 * np.sqrt(2.0 / n)
    assert ((batch.z[:, 0] >= 0) & (batch.z[:, 0] < 2 * np.pi)).all()


def test_sector_and_range_limit():
    det = rf_detector(az_center=0.0, az_width=np.radians(90.0), range_50=1e5, range_max=4000.0, pd_max=1.0)
    pos = np.array([[0.0, 1000.0, 50.0], [0.0, -1000.0, 50.0], [0.0, 5000.0, 50.0]])  # N in, S out, N too far
    _, truth = det.scan(0.0, pos, np.zeros_like(pos), np.ones(3, bool), np.ones(3, bool), np.random.default_rng(0))
    assert truth.tolist() == [0]
