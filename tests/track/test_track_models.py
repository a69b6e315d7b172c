"""Motion and measurement models against analytic results and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.geo import enu_to_rae
from bastion.track import TrackerConfig
from bastion.track.imm import predict_models
from bastion.track.measure import predict_measurement, to_cartesian
from bastion.track.models import (
    KDRAG,
    OMEGA,
    PREDICTORS,
    STATE_DIM,
    ballistic_accel,
    predict_cv,
    process_noise,
    transition_matrix,
)

CFG = TrackerConfig()


def _numeric_jacobian(f, x, eps):
    base = f(x)
    J = np.zeros((base.shape[1], x.shape[1]))
    for i in range(x.shape[1]):
        d = np.zeros_like(x)
        d[0, i] = eps[i]
        J[:, i] = (f(x + d)[0] - f(x - d)[0]) / (2 * eps[i])
    return J


def test_ct_moves_on_the_analytic_circle():
    # Speed v, turn rate w: after a quarter period the heading turned 90 degrees and the
    # displacement is the chord of a circle of radius v / w.
    v, w = 30.0, 0.1
    x = np.array([[0.0, 0.0, 100.0, v, 0.0, 0.0, w, 0.0]])
    T = (np.pi / 2) / w
    xp, _ = PREDICTORS["ct"](x, np.array([T]), CFG)
    r = v / w
    # Counter-clockwise (east towards north): starting east-bound, centre is north at (0, r).
    np.testing.assert_allclose(xp[0, :3], [r, r, 100.0], atol=1e-9)
    np.testing.assert_allclose(xp[0, 3:5], [0.0, v], atol=1e-9)


@pytest.mark.parametrize("name", ["cv", "ct", "ballistic"])
@pytest.mark.parametrize("w", [0.0, 1e-7, 0.2])
def test_transition_jacobians_match_finite_differences(name, w):
    x = np.array([[1200.0, -800.0, 900.0, 150.0, -220.0, 90.0, w, 3e-4]])
    dt = np.array([0.7])
    _, F = PREDICTORS[name](x, dt, CFG)
    eps = np.array([1e-3, 1e-3, 1e-3, 1e-4, 1e-4, 1e-4, 1e-7, 1e-8])
    J = _numeric_jacobian(lambda s: PREDICTORS[name](s, dt, CFG)[0], x, eps)
    np.testing.assert_allclose(F[0], J, rtol=1e-5, atol=2e-5)


def test_ballistic_without_drag_is_the_vacuum_parabola():
    x = np.array([[0.0, 0.0, 0.0, 100.0, 50.0, 200.0, 0.0, 0.0]])
    t = 3.3
    xp, _ = PREDICTORS["ballistic"](x, np.array([t]), CFG)
    g = CFG.gravity
    np.testing.assert_allclose(xp[0, :3], [100 * t, 50 * t, 200 * t - 0.5 * g * t * t], rtol=1e-12)
    np.testing.assert_allclose(xp[0, 3:6], [100.0, 50.0, 200.0 - g * t], rtol=1e-12)


def test_ballistic_drag_matches_fine_rk4():
    # Independent reference: classical RK4 with a 1 ms step on the same equations of motion, the drag's
    # Mach law taken from the physics module's curve (Mach 1.04 falling to 0.9 here: the steep part).
    from bastion.physics.ballistic import GENERIC_DRAG_CURVE

    k = 1.0 / 5000.0

    def deriv(s):
        p, v = s[:3], s[3:]
        rho = CFG.rho0 * np.exp(-p[2] / CFG.scale_height)
        f = GENERIC_DRAG_CURVE(np.linalg.norm(v) / CFG.sound_speed)
        a = -0.5 * rho * k * f * np.linalg.norm(v) * v - np.array([0.0, 0.0, CFG.gravity])
        return np.concatenate([v, a])

    s = np.array([0.0, 0.0, 10.0, 250.0, 0.0, 250.0])
    h = 1e-3
    x = np.array([[0.0, 0.0, 10.0, 250.0, 0.0, 250.0, 0.0, k]])
    # One Heun step (the tracker's setting): a 0.5 s scan (the counter-mortar radar's) within 0.1 m and
    # 0.2 m/s (below the process noise), a 2 s coast through the drag rise within 1.5 m and 0.5 m/s, far
    # inside a coasting track's uncertainty.
    checks = {500: (0.1, 0.2), 2000: (1.5, 0.5)}
    for step in range(1, 2001):
        k1 = deriv(s)
        k2 = deriv(s + h / 2 * k1)
        k3 = deriv(s + h / 2 * k2)
        k4 = deriv(s + h * k3)
        s = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if step in checks:
            xp, _ = PREDICTORS["ballistic"](x, np.array([step * h]), CFG)
            assert np.linalg.norm(xp[0, :3] - s[:3]) < checks[step][0]  # m
            assert np.linalg.norm(xp[0, 3:6] - s[3:]) < checks[step][1]  # m/s


def test_ballistic_accel_derivatives():
    p = np.array([[0.0, 0.0, 1500.0]])
    v = np.array([[200.0, -30.0, 120.0]])
    k = np.array([2e-4])
    a, da_du, da_dv, da_dk = ballistic_accel(p, v, k, CFG)
    e = 1e-3
    up, down = p + [0, 0, e], p - [0, 0, e]
    num_u = (ballistic_accel(up, v, k, CFG)[0] - ballistic_accel(down, v, k, CFG)[0]) / (2 * e)
    np.testing.assert_allclose(da_du[0], num_u[0], rtol=1e-6)
    num_k = (ballistic_accel(p, v, k + 1e-8, CFG)[0] - ballistic_accel(p, v, k - 1e-8, CFG)[0]) / 2e-8
    np.testing.assert_allclose(da_dk[0], num_k[0], rtol=1e-6)
    # Velocity derivatives, subsonic (f flat) and transonic (f rising steeply: its slope counts).
    for speed in (200.0, 320.0):
        vs = v / np.linalg.norm(v) * speed
        _, _, da_dv, _ = ballistic_accel(p, vs, k, CFG)
        for i in range(3):
            dv = np.zeros((1, 3))
            dv[0, i] = 1e-4
            num_v = (ballistic_accel(p, vs + dv, k, CFG)[0] - ballistic_accel(p, vs - dv, k, CFG)[0]) / 2e-4
            np.testing.assert_allclose(da_dv[0, :, i], num_v[0], rtol=1e-5, atol=1e-9)


def test_process_noise_is_the_discretised_white_acceleration():
    dt = np.array([0.5, 2.0])
    Q = process_noise("cv", dt, CFG)
    q = CFG.q_cv
    for i, t in enumerate(dt):
        block = q * np.array([[t**3 / 3, t**2 / 2], [t**2 / 2, t]])
        np.testing.assert_allclose(Q[i][np.ix_([0, 3], [0, 3])], block)
        # The turn rate's random walk plus the relaxation of a forgotten turn rate to the prior's variance.
        relax = (1.0 - np.exp(-2.0 * t / CFG.omega_forget_s)) * CFG.omega_sigma0**2
        assert Q[i, OMEGA, OMEGA] == pytest.approx(CFG.q_omega * t + relax)
        assert Q[i, KDRAG, KDRAG] == pytest.approx(CFG.q_drag * t)
        assert np.all(np.linalg.eigvalsh(Q[i]) >= -1e-12)
    assert process_noise("ct", dt, CFG)[1, OMEGA, OMEGA] == pytest.approx(CFG.q_omega * 2.0)


def test_the_constant_velocity_model_forgets_a_turn_rate():
    # An Ornstein-Uhlenbeck step: the mean decays by exp(-dt / tau) and the variance relaxes from any
    # value towards the prior's (plus the random walk), so a turn rate learnt in a turn (or in a hover, where
    # heading means nothing) does not outlive straight flight.
    x = np.zeros((1, STATE_DIM))
    x[0, OMEGA] = 1.4
    dt = np.array([4.0])
    xp, F = predict_cv(x, dt, CFG)
    a = np.exp(-4.0 / CFG.omega_forget_s)
    assert xp[0, OMEGA] == pytest.approx(1.4 * a)
    assert F[0, OMEGA, OMEGA] == pytest.approx(a)
    p_ww = 0.01
    after = a**2 * p_ww + process_noise("cv", dt, CFG)[0, OMEGA, OMEGA]
    assert after == pytest.approx(a**2 * p_ww + (1 - a**2) * CFG.omega_sigma0**2 + CFG.q_omega * 4.0)
    # Through the IMM's structured prediction the same.
    xm = np.broadcast_to(x, (3, 1, STATE_DIM)).copy()
    Pm = np.broadcast_to(np.eye(STATE_DIM) * p_ww, (3, 1, STATE_DIM, STATE_DIM)).copy()
    xp_imm, Pp_imm = predict_models(xm, Pm, dt, ("cv", "ct", "ballistic"), CFG)
    assert xp_imm[0, 0, OMEGA] == pytest.approx(1.4 * a)
    assert Pp_imm[0, 0, OMEGA, OMEGA] == pytest.approx(after)


def test_transition_matrix_rows_are_distributions():
    Pi = transition_matrix(np.array([20.0, 10.0, 30.0]), np.array([0.0, 1.0, 100.0]))
    np.testing.assert_allclose(Pi.sum(axis=2), 1.0)
    np.testing.assert_allclose(Pi[0], np.eye(3))
    assert Pi[1, 1, 1] == pytest.approx(np.exp(-0.1))


@pytest.mark.parametrize("kind", ["radar", "radar_doppler", "bearing", "cartesian"])
def test_measurement_jacobians_match_finite_differences(kind):
    sensor = np.array([100.0, -50.0, 5.0])
    x = np.array([[2500.0, 4000.0, 600.0, -120.0, 80.0, 30.0, 0.0, 0.0]])
    zhat, H = predict_measurement(kind, x, sensor)
    eps = np.array([1e-3] * 6 + [1e-6, 1e-8])
    J = _numeric_jacobian(lambda s: predict_measurement(kind, s, sensor)[0], x, eps)
    np.testing.assert_allclose(H[0], J, rtol=1e-5, atol=1e-9)
    if kind in ("radar", "radar_doppler"):
        rae = enu_to_rae(x[0, :3], sensor)
        np.testing.assert_allclose(zhat[0, [0, 2]], rae[[0, 2]])
        assert np.cos(zhat[0, 1] - rae[1]) == pytest.approx(1.0)
    if kind == "radar_doppler":
        d = x[0, :3] - sensor
        assert zhat[0, 3] == pytest.approx(d @ x[0, 3:6] / np.linalg.norm(d))


def test_radar_to_cartesian_covariance_matches_monte_carlo():
    rng = np.random.default_rng(4)
    z = np.array([[5000.0, 0.7, 0.1]])
    R = np.diag([10.0, 0.005, 0.005]) ** 2
    pos, cov = to_cartesian("radar", z, R[None], np.zeros(3))
    draws = z + rng.multivariate_normal(np.zeros(3), R, 20000)
    from bastion.geo import rae_to_enu

    emp = np.cov(rae_to_enu(draws).T)
    np.testing.assert_allclose(cov[0], emp, rtol=0.05, atol=5.0)


def test_ballistic_mixed_horizons_equal_separate_predictions():
    # Tracks with different elapsed times take different numbers of sub-steps; each must get exactly
    # what it would get predicted alone.
    x = np.array([[0.0, 0.0, 500.0, 200.0, 50.0, 150.0, 0.0, 2e-4],
                  [100.0, 0.0, 800.0, -150.0, 20.0, 100.0, 0.0, 1e-4],
                  [0.0, 300.0, 300.0, 80.0, 80.0, 250.0, 0.0, 3e-4]])
    dt = np.array([0.2, 3.1, 1.0])
    xp, F = PREDICTORS["ballistic"](x, dt, CFG)
    for i in range(3):
        xi, Fi = PREDICTORS["ballistic"](x[i:i + 1], dt[i:i + 1], CFG)
        np.testing.assert_allclose(xp[i], xi[0], rtol=1e-13, atol=1e-9)
        np.testing.assert_allclose(F[i], Fi[0], rtol=1e-12, atol=1e-12)


def test_one_heun_step_over_a_long_coast_stays_close_to_a_fine_integration():
    """The default prediction takes a single Heun step however long the coast (ballistic_max_substeps = 1);
    against 0.01 s steps it is within 3 m and 1 m/s after 5 s through the transonic drag rise (the coasting
    track's own uncertainty is tens of m), within 0.1 m after 2 s."""
    import dataclasses

    fine = dataclasses.replace(CFG, ballistic_substep_s=0.01, ballistic_max_substeps=100_000)
    x = np.array([[0, 0, 1500, 250, 0, 150, 0, 1.2e-4], [0, 0, 800, 300, 0, -50, 0, 1.0e-4],
                  [0, 0, 2000, 120, 0, 100, 0, 1.5e-4]], float)
    for dt, tol, tol_v in ((2.0, 0.1, 0.1), (5.0, 3.0, 1.0)):
        ref, _ = PREDICTORS["ballistic"](x, np.full(3, dt), fine)
        one, _ = PREDICTORS["ballistic"](x, np.full(3, dt), CFG)
        assert CFG.ballistic_max_substeps == 1
        assert np.abs(one[:, :3] - ref[:, :3]).max() < tol
        assert np.abs(one[:, 3:6] - ref[:, 3:6]).max() < tol_v
