"""EO/IR camera: Johnson-criteria detection range, TTPF Pd, night behaviour, field of view, batch validity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bastion.sense.detections import DetectionBatch
from bastion.sense.eoir import EoirModel, infrared_camera, ttpf, visible_camera

Z4 = 4.0


def along(ranges, az=0.3, el=0.05):
    r = np.asarray(ranges, float)
    return np.column_stack([r * np.cos(el) * np.sin(az), r * np.cos(el) * np.cos(az), r * np.sin(el)])


def detected_fraction(cam: EoirModel, r: float, size: float, night: bool, n: int = 3000, seed: int = 0) -> float:
    pos = along(np.full(n, r))
    _, truth = cam.scan(0.0, pos, np.zeros_like(pos), np.full(n, size), np.ones(n, bool), np.random.default_rng(seed),
                        night=night)
    return np.unique(truth[truth >= 0]).size / n


def test_ttpf_closed_form():
    # Independent values: P(N50) = 1/2; at N = 2 N50, E = 4.1 and P = 2^4.1 / (1 + 2^4.1).
    assert ttpf(1.0, 1.0) == pytest.approx(0.5)
    assert ttpf(3.0, 1.5) == pytest.approx(2**4.1 / (1 + 2**4.1))
    assert ttpf(0.0, 1.0) == 0.0
    assert np.all(np.diff(ttpf(np.linspace(0, 10, 50), 1.0)) > 0)


def test_johnson_pixel_count_at_r50():
    cam = infrared_camera()
    size = 0.2
    r50 = cam.range_50(size)
    # At R50 the target spans d / (R IFOV) = 2 N50 pixels (one line pair = two pixels): Johnson 1.0 lp.
    assert size / (r50 * cam.ifov) == pytest.approx(2.0 * 1.0)
    assert cam.pd(size, r50) == pytest.approx(0.5)


def test_monte_carlo_pd_matches_the_ttpf_within_binomial_bounds():
    cam = visible_camera()
    size, n = 0.2, 3000
    for r in (500.0, 1_500.0, 2_000.0, 3_000.0, 5_000.0):
        n_cyc = size / (2.0 * r * cam.ifov)
        x = n_cyc / 1.0
        p = x ** (2.7 + 0.7 * x) / (1.0 + x ** (2.7 + 0.7 * x))
        measured = detected_fraction(cam, r, size, night=False, n=n, seed=int(r))
        assert abs(measured - p) <= Z4 * np.sqrt(p * (1 - p) / n) + 1e-9


def test_visible_sees_less_far_at_night_infrared_unchanged():
    vis, ir = visible_camera(), infrared_camera()
    assert vis.range_50(0.2, night=True) < 0.5 * vis.range_50(0.2, night=False)
    assert ir.range_50(0.2, night=True) == ir.range_50(0.2, night=False)
    # Monte Carlo: at the visible camera's day R50 the day camera sees half the targets, at night almost none.
    r = vis.range_50(0.2)
    day, night = detected_fraction(vis, r, 0.2, False), detected_fraction(vis, r, 0.2, True)
    assert abs(day - 0.5) < Z4 * np.sqrt(0.25 / 3000)
    assert night < 0.01
    # IR: same seed, same draws -> the very same detections by day and by night.
    assert detected_fraction(ir, 900.0, 0.2, False, seed=4) == detected_fraction(ir, 900.0, 0.2, True, seed=4)


def test_bearing_batch_is_valid_with_sensible_noise():
    cam = infrared_camera(az_width=2 * np.pi, el_max=1.5)
    rng = np.random.default_rng(9)
    n = 3000
    r = rng.uniform(50.0, 200.0, n)  # close: Pd ~ 1
    az, el = rng.uniform(0, 2 * np.pi, n), rng.uniform(0.05, 1.2, n)
    pos = np.column_stack([r * np.cos(el) * np.sin(az), r * np.cos(el) * np.cos(az), r * np.sin(el)])
    batch, truth = cam.scan(1.5, pos, np.zeros_like(pos), np.full(n, 0.3), np.ones(n, bool), rng)
    assert isinstance(batch, DetectionBatch) and batch.kind == "bearing" and batch.dim == 2
    assert truth.size == n and (batch.time == 1.5).all()
    assert np.allclose(batch.R, np.diag([cam.sigma_angle**2] * 2))
    assert (np.linalg.eigvalsh(batch.R) > 0).all()
    assert ((batch.z[:, 0] >= 0) & (batch.z[:, 0] < 2 * np.pi)).all()
    err = batch.z - np.column_stack([az[truth], el[truth]])
    err[:, 0] = np.angle(np.exp(1j * err[:, 0]))
    for k in range(2):
        assert abs(err[:, k].var() / cam.sigma_angle**2 - 1.0) <= Z4 * np.sqrt(2.0 / n)
    assert np.isnan(batch.rcs_m2).all() and not batch.rf_link.any()


@settings(max_examples=60, deadline=None)
@given(az_c=st.floats(0, 2 * np.pi), az_w=st.floats(0.05, 7.0), el_lo=st.floats(-0.3, 0.6),
       el_span=st.floats(0.05, 1.0), r_max=st.floats(100, 3000), seed=st.integers(0, 2**32 - 1))
def test_no_detection_outside_the_field_of_view(az_c, az_w, el_lo, el_span, r_max, seed):
    cam = EoirModel("c", np.array([5.0, -3.0, 10.0]), "infrared", ifov=1e-6, az_center=az_c, az_width=az_w,
                    el_min=el_lo, el_max=el_lo + el_span, range_max=r_max, false_alarms_per_scan=2.0)
    rng = np.random.default_rng(seed)
    pos = cam.position + rng.normal(0.0, 1500.0, (300, 3))
    pos[:, 2] = np.abs(pos[:, 2]) + 1.0
    batch, truth = cam.scan(0.0, pos, np.zeros_like(pos), np.full(300, 1.0), np.ones(300, bool), rng, night=True)
    d = pos - cam.position
    r = np.linalg.norm(d, axis=1)
    el = np.arcsin(d[:, 2] / r)
    off = np.abs(np.angle(np.exp(1j * (np.arctan2(d[:, 0], d[:, 1]) - az_c))))
    ok = (el >= el_lo) & (el <= el_lo + el_span) & (r <= r_max) & ((off <= az_w / 2 + 1e-9) | (az_w >= 2 * np.pi))
    assert set(truth[truth >= 0].tolist()) == set(np.flatnonzero(ok).tolist())  # Pd ~ 1 inside (IFOV 1 urad)
    fa = batch.z[truth < 0]
    assert ((fa[:, 1] >= el_lo) & (fa[:, 1] <= el_lo + el_span)).all()
    if az_w < 2 * np.pi:
        assert (np.abs(np.angle(np.exp(1j * (fa[:, 0] - az_c)))) <= az_w / 2 + 1e-9).all()


def test_band_is_checked():
    with pytest.raises(ValueError):
        EoirModel("c", np.zeros(3), "ultraviolet", ifov=1e-4)
