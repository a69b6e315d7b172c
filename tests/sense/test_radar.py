"""Radar model: Swerling 1 detection, Poisson false alarms over the surveyed volume, field of view,
cross-section scaling, noise, presets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from bastion.sense.detections import DetectionBatch
from bastion.sense.radar import (
    RadarModel,
    counter_mortar_radar,
    drone_surveillance_radar,
    snr_for_pd,
    swerling1_pd,
)

Z4 = 4.0  # test bounds at 4 standard errors (seeded, so deterministic; the margin keeps them honest)


def radar(**kw) -> RadarModel:
    base = dict(
        name="r", position=np.zeros(3), range_max=40_000.0, range_min=100.0, revisit=1.0, ref_range=5_000.0,
        ref_rcs=0.01, ref_pd=0.9, pfa=1e-6, false_alarms_per_scan=0.0, sigma_range=10.0,
        sigma_az=np.radians(0.3), sigma_el=np.radians(0.3), el_min=np.radians(-2.0), el_max=np.radians(70.0),
    )
    base.update(kw)
    return RadarModel(**base)


def targets_at(ranges, az=0.7, el=0.1) -> np.ndarray:
    r = np.asarray(ranges, float)
    return np.column_stack([r * np.cos(el) * np.sin(az), r * np.cos(el) * np.cos(az), r * np.sin(el)])


def expected_pd(model: RadarModel, rcs, r):
    """Swerling 1 Pd worked out here from the reference point (independent of the model's methods)."""
    s_ref = np.log(model.pfa) / np.log(model.ref_pd) - 1.0
    s = s_ref * (rcs / model.ref_rcs) * (model.ref_range / r) ** 4
    return model.pfa ** (1.0 / (1.0 + s))


def test_swerling1_formula_matches_a_simulated_square_law_detector():
    # Swerling 1: target-plus-noise power is exponential with mean 1 + S; the threshold -ln(Pfa) gives
    # the false-alarm probability on noise alone (mean 1). Simulate both and compare with the formula.
    rng = np.random.default_rng(1)
    pfa, n = 1e-3, 200_000
    thr = -np.log(pfa)
    assert np.mean(rng.exponential(1.0, 2_000_000) > thr) == pytest.approx(pfa, rel=0.1)
    for snr in (1.0, 10.0, 30.0, 100.0):
        p = swerling1_pd(snr, pfa)
        measured = np.mean(rng.exponential(1.0 + snr, n) > thr)
        assert abs(measured - p) < Z4 * np.sqrt(p * (1 - p) / n)
    assert swerling1_pd(snr_for_pd(0.8, 1e-6), 1e-6) == pytest.approx(0.8)


@pytest.mark.parametrize("rcs", [0.01, 0.1])
def test_monte_carlo_pd_matches_swerling1_within_binomial_bounds(rcs):
    model = radar()
    n = 3000
    for r in (2_000.0, 5_000.0, 8_000.0, 12_000.0, 20_000.0):
        pos = targets_at(np.full(n, r))
        _, truth = model.scan(0.0, pos, np.zeros_like(pos), np.full(n, rcs), np.ones(n, bool), np.random.default_rng(7))
        measured = np.unique(truth[truth >= 0]).size / n
        p = expected_pd(model, rcs, r)
        assert abs(measured - p) <= Z4 * np.sqrt(p * (1 - p) / n) + 1e-9, (r, measured, p)


def test_reference_point_is_reproduced():
    model = radar(ref_pd=0.8)
    assert model.pd(model.ref_rcs, model.ref_range) == pytest.approx(0.8)
    assert model.range_for_pd(0.8, model.ref_rcs) == pytest.approx(model.ref_range)


def test_false_alarm_count_is_poisson_in_mean_and_variance():
    lam, scans = 3.5, 4000
    model = radar(false_alarms_per_scan=lam)
    rng = np.random.default_rng(3)
    counts = np.array([len(model.scan(0.0, np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0), np.zeros(0, bool),
                                      rng)[0]) for _ in range(scans)])
    assert abs(counts.mean() - lam) <= Z4 * np.sqrt(lam / scans)
    # Var of the sample variance of a Poisson(lam) sample: (mu4 - sigma^4)/N = (lam + 2 lam^2)/N.
    assert abs(counts.var(ddof=1) - lam) <= Z4 * np.sqrt((lam + 2 * lam**2) / scans)


def test_false_alarms_fill_the_surveyed_volume_uniformly():
    az_c, az_w = np.radians(100.0), np.radians(60.0)
    model = radar(false_alarms_per_scan=50.0, az_center=az_c, az_width=az_w, range_min=300.0, range_max=9_000.0,
                  el_min=np.radians(1.0), el_max=np.radians(50.0))
    rng = np.random.default_rng(5)
    z = np.vstack([model.scan(0.0, np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0), np.zeros(0, bool), rng)[0].z
                   for _ in range(100)])
    assert z.shape[0] > 4000
    checks = [(z[:, 0], 300.0, 9_000.0), (z[:, 1], az_c - az_w / 2, az_c + az_w / 2),
              (z[:, 2], np.radians(1.0), np.radians(50.0))]
    for x, lo, hi in checks:
        assert x.min() >= lo and x.max() <= hi
        assert stats.kstest(x, stats.uniform(lo, hi - lo).cdf).pvalue > 1e-3


def test_detection_range_scales_as_rcs_to_the_quarter():
    """The range at which Pd = 0.5, measured by Monte Carlo, doubles for 16 times the cross-section."""
    model = radar()
    ranges = np.repeat(np.geomspace(3_000.0, 40_000.0, 60), 300)
    pos = targets_at(ranges)

    def r50(rcs: float) -> float:
        _, truth = model.scan(0.0, pos, np.zeros_like(pos), np.full(ranges.size, rcs), np.ones(ranges.size, bool),
                              np.random.default_rng(11))
        hit = np.zeros(ranges.size)
        hit[truth[truth >= 0]] = 1.0
        (log_r50, k), _ = optimize.curve_fit(lambda lr, a, b: 1.0 / (1.0 + np.exp(b * (lr - a))), np.log(ranges),
                                             hit, p0=[np.log(10_000.0), 3.0])
        return float(np.exp(log_r50))

    ratio = r50(0.16) / r50(0.01)
    assert ratio == pytest.approx(2.0, rel=0.04)
    assert model.range_for_pd(0.5, 0.16) / model.range_for_pd(0.5, 0.01) == pytest.approx(2.0)


def test_measurement_noise_and_range_rate():
    model = radar(sigma_range_rate=0.7, ref_range=1e6)  # Pd ~ 1
    n = 4000
    rng = np.random.default_rng(2)
    r = rng.uniform(1_000.0, 10_000.0, n)
    az, el = rng.uniform(0, 2 * np.pi, n), rng.uniform(0.05, 1.0, n)
    pos = np.column_stack([r * np.cos(el) * np.sin(az), r * np.cos(el) * np.cos(az), r * np.sin(el)])
    vel = rng.normal(0.0, 50.0, (n, 3))
    batch, truth = model.scan(0.0, pos, vel, np.full(n, 1.0), np.ones(n, bool), rng)
    assert batch.kind == "radar_doppler" and (truth >= 0).all() and truth.size == n
    i = truth
    rr = np.einsum("ij,ij->i", pos[i] / r[i, None], vel[i])
    err = batch.z - np.column_stack([r[i], az[i], el[i], rr])
    err[:, 1] = (err[:, 1] + np.pi) % (2 * np.pi) - np.pi
    for k, sig in enumerate([10.0, np.radians(0.3), np.radians(0.3), 0.7]):
        assert abs(err[:, k].mean()) <= Z4 * sig / np.sqrt(n)
        # chi-square: sample variance / sigma^2 has sd sqrt(2/(n-1))
        assert abs(err[:, k].var() / sig**2 - 1.0) <= Z4 * np.sqrt(2.0 / n)
    assert np.allclose(batch.R[0], np.diag(np.array([10.0, np.radians(0.3), np.radians(0.3), 0.7]) ** 2))


geometry = st.fixed_dictionaries(dict(
    px=st.floats(-2000, 2000), py=st.floats(-2000, 2000), pz=st.floats(0, 50),
    az_c=st.floats(0, 2 * np.pi), az_w=st.floats(0.1, 2 * np.pi + 0.5),
    el_lo=st.floats(-0.2, 0.5), el_span=st.floats(0.05, 1.2),
    r_min=st.floats(0, 3000), r_span=st.floats(100, 20000), seed=st.integers(0, 2**32 - 1),
))


def in_view_independent(pos, sensor, az_c, az_w, el_lo, el_hi, r_lo, r_hi):
    d = pos - sensor
    r = np.linalg.norm(d, axis=1)
    az = np.arctan2(d[:, 0], d[:, 1])
    el = np.arcsin(d[:, 2] / np.maximum(r, 1e-12))
    off = np.abs(np.angle(np.exp(1j * (az - az_c))))
    in_az = np.ones(r.size, bool) if az_w >= 2 * np.pi else off <= az_w / 2 + 1e-9
    return in_az & (el >= el_lo - 1e-9) & (el <= el_hi + 1e-9) & (r >= r_lo - 1e-6) & (r <= r_hi + 1e-6)


@settings(max_examples=60, deadline=None)
@given(geometry)
def test_no_detection_outside_the_field_of_view_or_below_min_range(g):
    sensor = np.array([g["px"], g["py"], g["pz"]])
    el_hi = min(g["el_lo"] + g["el_span"], 1.5)
    r_hi = g["r_min"] + g["r_span"]
    model = radar(position=sensor, az_center=g["az_c"], az_width=g["az_w"], el_min=g["el_lo"], el_max=el_hi,
                  range_min=g["r_min"], range_max=r_hi, ref_range=1e6, false_alarms_per_scan=3.0)
    rng = np.random.default_rng(g["seed"])
    pos = sensor + rng.uniform(-25_000, 25_000, (400, 3)) * rng.uniform(0, 1, (400, 1))
    pos[:, 2] = np.abs(pos[:, 2]) + 1.0
    batch, truth = model.scan(0.0, pos, np.zeros_like(pos), np.full(400, 1.0), np.ones(400, bool), rng)
    assert isinstance(batch, DetectionBatch) and len(batch) == truth.size
    ok = in_view_independent(pos, sensor, g["az_c"], g["az_w"], g["el_lo"], el_hi, g["r_min"], r_hi)
    assert ok[truth[truth >= 0]].all()
    assert set(np.flatnonzero(ok)) == set(truth[truth >= 0].tolist())  # Pd ~ 1 inside: all seen
    fa = batch.z[truth < 0]
    assert (fa[:, 0] >= g["r_min"]).all() and (fa[:, 0] <= r_hi).all()
    assert (fa[:, 2] >= g["el_lo"]).all() and (fa[:, 2] <= el_hi).all()
    if g["az_w"] < 2 * np.pi:
        assert (np.abs(np.angle(np.exp(1j * (fa[:, 1] - g["az_c"])))) <= g["az_w"] / 2 + 1e-9).all()


def test_objects_that_do_not_exist_or_are_below_ground_are_never_detected():
    model = radar(ref_range=1e6)
    pos = targets_at([2000.0, 3000.0, 4000.0])
    pos[2, 2] = -5.0
    _, truth = model.scan(0.0, pos, np.zeros_like(pos), np.ones(3), np.array([True, False, True]),
                          np.random.default_rng(0))
    assert truth.tolist() == [0]


def test_presets():
    cmr = counter_mortar_radar(position=(10.0, 20.0, 5.0))
    assert cmr.az_width >= 2 * np.pi and cmr.kind == "radar_doppler"
    # 81 mm bomb (0.01 m^2) at 7 km: Pd 0.9 per scan, as the preset documents
    assert cmr.pd(0.01, 7_000.0) == pytest.approx(0.9)
    assert np.allclose(cmr.position, [10.0, 20.0, 5.0])
    dr = drone_surveillance_radar(az_center=np.radians(90.0), az_width=np.radians(120.0))
    assert dr.pd(0.01, 3_000.0) == pytest.approx(0.9)
    assert dr.in_view(np.array([[1000.0, np.radians(90.0), 0.1], [1000.0, np.radians(270.0), 0.1]])).tolist() == [
        True, False]
    assert counter_mortar_radar(range_min=500.0).range_min == 500.0
