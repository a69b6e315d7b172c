"""Filter behaviour: NEES consistency, the IMM's turn model taking over, ballistic tracks maturing."""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

from bastion.geo import enu_to_rae
from bastion.sense.detections import DetectionBatch
from bastion.track import CONFIRMED, Tracker, TrackerConfig


def _cartesian(t, z, sigma, sensor="s"):
    return DetectionBatch(sensor, "cartesian", np.zeros(3), np.full(len(z), t), z, np.eye(3) * sigma**2)


def test_nees_of_constant_velocity_targets_within_chi_square_bounds():
    # 200 independent CV targets far apart in one tracker: a Monte Carlo run per target, vectorised.
    rng = np.random.default_rng(7)
    n, steps, dt, q, sigma = 200, 30, 1.0, 0.5, 10.0
    grid = np.stack(np.meshgrid(np.arange(20), np.arange(10)), -1).reshape(-1, 2) * 5000.0
    x = np.zeros((n, 6))
    x[:, :2] = grid
    x[:, 2] = 500.0
    x[:, 3:6] = rng.normal(0.0, 15.0, (n, 3))
    # Exact discretisation of continuous white acceleration noise (density q) per axis.
    Q1 = q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]])
    L = np.linalg.cholesky(Q1)
    tracker = Tracker(TrackerConfig(models=("cv",), q_cv=q, v_max=200.0))
    nees = []
    for k in range(steps):
        if k:
            x[:, :3] += x[:, 3:6] * dt
            w = rng.standard_normal((n, 3, 2)) @ L.T  # (pos, vel) noise per axis
            x[:, :3] += w[:, :, 0]
            x[:, 3:6] += w[:, :, 1]
        tracker.process(_cartesian(float(k), x[:, :3] + rng.normal(0, sigma, (n, 3)), sigma))
        tab = tracker.table
        if k >= 8:
            # A 99.95 % gate loses a detection now and then: score the tracks updated at this scan.
            fresh = (tab.status == CONFIRMED) & (tab.t_state == float(k))
            assert fresh.sum() >= n - 5
            # Match tracks to targets by position (they are 5 km apart).
            j = np.argmin(np.linalg.norm(tab.x[fresh, None, :2] - x[None, :, :2], axis=2), axis=1)
            err = tab.x[fresh] - x[j]
            nees.append(np.mean(np.einsum("ki,kij,kj->k", err, np.linalg.inv(tab.P[fresh]), err)))
    nees = np.array(nees)
    lo, hi = chi2.ppf([0.005, 0.995], 6 * (n - 5)) / (n - 5)
    inside = np.mean((nees > lo) & (nees < hi))
    assert inside >= 0.85, (nees, lo, hi)
    # And the average over all steps is close to the state dimension.
    assert 5.5 < nees.mean() < 6.5


def _turning_truth(dt, n_steps, turn_start, turn_end, w, speed=40.0):
    pos = np.array([0.0, 0.0, 300.0])
    vel = np.array([speed, 0.0, 0.0])
    out = []
    for k in range(n_steps):
        out.append(np.concatenate([pos, vel]))
        om = w if turn_start <= k * dt < turn_end else 0.0
        if om:
            c, s = np.cos(om * dt), np.sin(om * dt)
            step = np.array([s * vel[0] - (1 - c) * vel[1], (1 - c) * vel[0] + s * vel[1], 0.0]) / om
            pos = pos + step
            vel = np.array([c * vel[0] - s * vel[1], s * vel[0] + c * vel[1], 0.0])
        else:
            pos = pos + vel * dt
    return np.array(out)


def test_imm_turn_model_takes_over_in_a_turn_and_beats_cv():
    rng = np.random.default_rng(3)
    dt, sigma = 1.0, 5.0
    truth = _turning_truth(dt, 70, 30.0, 50.0, 0.15)
    noise = rng.normal(0, sigma, truth[:, :3].shape)
    base = dict(q_cv=0.05, q_ct=0.05, q_omega=0.002, v_max=100.0, omega_sigma0=0.2)
    imm = Tracker(TrackerConfig(models=("cv", "ct"), **base))
    cv = Tracker(TrackerConfig(models=("cv",), **{**base, "q_cv": 0.05}))
    p_ct, err_imm, err_cv = [], [], []
    for k in range(len(truth)):
        for tr, errs in ((imm, err_imm), (cv, err_cv)):
            tr.process(_cartesian(k * dt, truth[k:k + 1, :3] + noise[k:k + 1], sigma))
            if len(tr.table):
                errs.append(np.linalg.norm(tr.table.x[0, :3] - truth[k, :3]))
            else:
                errs.append(np.nan)
        p_ct.append(imm.table.mode_prob[0, 1] if len(imm.table) else np.nan)
    p_ct = np.array(p_ct)
    assert np.nanmean(p_ct[15:30]) < 0.3  # straight flight: the CV model explains it
    assert np.mean(p_ct[36:50]) > 0.6  # in the turn the CT model has taken over
    assert np.mean(p_ct[60:70]) < 0.5  # and hands back after it
    # In the turn the IMM follows far better than a CV filter with the same straight-flight noise.
    assert np.mean(err_imm[32:50]) < 0.5 * np.mean(err_cv[32:50])
    assert len(imm.table) == 1


def _rocket_truth(p0, v0, k, t_end, h=2e-3):
    """Gravity and drag in an exponential atmosphere, classical RK4 (independent of the tracker)."""
    cfg = TrackerConfig()

    def deriv(s):
        rho = cfg.rho0 * np.exp(-s[:, 2] / cfg.scale_height)
        v = s[:, 3:]
        a = -0.5 * (rho * k * np.linalg.norm(v, axis=1))[:, None] * v
        a[:, 2] -= cfg.gravity
        return np.concatenate([v, a], axis=1)

    s = np.concatenate([p0, v0], axis=1)
    out = {0: s.copy()}
    n = int(round(t_end / h))
    for i in range(1, n + 1):
        k1 = deriv(s)
        k2 = deriv(s + h / 2 * k1)
        k3 = deriv(s + h / 2 * k2)
        k4 = deriv(s + h * k3)
        s = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if i % 50 == 0:  # every 0.1 s
            out[i // 50] = s.copy()
    return out


def test_ballistic_track_prediction_improves_as_it_matures():
    # 12 rockets (107 mm class: beta ~ 5000 kg/m^2, ~300 m/s) seen by a counter-mortar radar with
    # range rate every 0.5 s; their tracks predicted 12 s ahead from 2 s, 5 s and 9 s of tracking.
    rng = np.random.default_rng(5)
    n = 12
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    p0 = np.stack([9000 * np.cos(ang), 9000 * np.sin(ang), np.full(n, 50.0)], 1)
    head = ang + np.pi  # towards the site
    v0 = np.stack([210 * np.cos(head), 210 * np.sin(head), np.full(n, 210.0)], 1)
    beta = 5000.0
    truth = _rocket_truth(p0, v0, 1.0 / beta, 24.0)
    sensor = np.zeros(3)
    R = np.diag([5.0, 0.002, 0.002, 1.0]) ** 2
    tracker = Tracker(TrackerConfig())
    errors = {}
    horizon = 12.0
    for step in range(0, 19):  # t = 0 .. 9 s every 0.5 s
        t = step * 0.5
        s = truth[step * 5]
        rae = enu_to_rae(s[:, :3], sensor)
        d = s[:, :3] - sensor
        rr = np.einsum("ij,ij->i", d, s[:, 3:]) / rae[:, 0]
        z = np.column_stack([rae, rr]) + rng.multivariate_normal(np.zeros(4), R, n)
        tracker.process(DetectionBatch("cmr", "radar_doppler", sensor, np.full(n, t), z, R))
        if t in (2.0, 5.0, 9.0):
            tab = tracker.table
            conf = tab.status == CONFIRMED
            assert conf.sum() == n
            ids, xp, _ = tracker.predict(t + horizon)
            future = truth[int(round((t + horizon) * 10))]
            j = np.argmin(np.linalg.norm(tab.x[:, None, :3] - s[None, :, :3], axis=2), axis=1)
            errors[t] = np.median(np.linalg.norm(xp[conf, :3] - future[j[conf], :3], axis=1))
    assert errors[9.0] < errors[5.0] < errors[2.0], errors
    assert errors[9.0] < 80.0, errors  # metres, 12 s ahead of a ~300 m/s rocket
    tab = tracker.table
    b = list(tracker.model_names).index("ballistic")
    assert np.all(tab.mode_prob[:, b] > 0.9)
    est = tab.ballistic_coef[np.isfinite(tab.ballistic_coef)]
    assert len(est) >= n // 2
    assert 0.5 * beta < np.median(est) < 2.0 * beta
