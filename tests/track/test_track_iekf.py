"""The iterated EKF update (``bastion.track.imm.update`` with ``iterations`` > 1) for polar plots.

Expectations are independent of the filter: the measurement's own point (the limit of a vague prior),
the maximum of the posterior found by SciPy's general-purpose minimiser, and the plain EKF where the
linearisation is good.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from bastion.geo import enu_to_rae, rae_to_enu
from bastion.track.config import TrackerConfig
from bastion.track.imm import update
from bastion.track.measure import predict_measurement

SITE = np.zeros(3)
R_RADAR = np.diag([10.0**2, 0.01**2, 0.01**2])  # range 10 m, azimuth and elevation 10 mrad


def _one_model(x: np.ndarray, P: np.ndarray):
    """A single-model IMM layout for K states x (K, 6), P (K, 6, 6)."""
    return x[None], P[None], np.ones((len(x), 1))


def _young_rocket_case():
    """A track predicted 300 m past a plot 400 m from the radar (a boost-widened young track): the
    prediction is 17 deg of azimuth off the plot, with a position covariance of 140 x 40 m."""
    truth = np.array([368.0, -185.0, 24.0])
    z = enu_to_rae(truth, SITE)
    x = np.array([[662.0, -118.0, 26.5, -349.0, -86.5, 11.3]])
    # Along-track (the velocity's direction) loose and correlated with the speed, across tight.
    u = x[0, 3:6] / np.linalg.norm(x[0, 3:6])
    uu = np.outer(u, u)
    P = np.zeros((6, 6))
    P[:3, :3] = 38.0**2 * np.eye(3) + (135.0**2 - 38.0**2) * uu
    P[3:, 3:] = 58.0**2 * np.eye(3) + (210.0**2 - 58.0**2) * uu
    P[:3, 3:] = P[3:, :3] = 0.9 * 135.0 * 210.0 * uu
    return truth, z, x, P


def _map_cost(xs: np.ndarray, x0: np.ndarray, P: np.ndarray, z: np.ndarray) -> float:
    """The negative log posterior (up to constants) written out on its own: prior plus polar plot."""
    d = xs - x0
    zh = enu_to_rae(xs[:3], SITE)
    r = z - zh
    r[1] = (r[1] + np.pi) % (2.0 * np.pi) - np.pi
    return float(d @ np.linalg.solve(P, d) + r @ np.linalg.solve(R_RADAR, r))


def test_vague_prior_lands_on_the_plot():
    """With a prior of 2 km standard deviation the posterior position is the plot's own point; one EKF
    step linearised 300 m and 17 deg away misses it by tens of metres."""
    truth = np.array([368.0, -185.0, 24.0])
    z = enu_to_rae(truth, SITE)[None]
    x = np.array([[662.0, -118.0, 26.5, -349.0, -86.5, 11.3]])
    P = np.diag([2000.0**2] * 3 + [300.0**2] * 3)[None]
    plot_point = rae_to_enu(z[0], SITE)
    xs, Ps, c = _one_model(x, P)
    ekf = update(xs, Ps, c, "radar", z, R_RADAR[None], SITE, iterations=1)[0][0, 0]
    iekf = update(xs, Ps, c, "radar", z, R_RADAR[None], SITE, iterations=5)[0][0, 0]
    assert np.linalg.norm(ekf[:3] - plot_point) > 20.0
    assert np.linalg.norm(iekf[:3] - plot_point) < 0.5


def test_iterated_update_is_the_posterior_maximum():
    """On the traced young-rocket geometry the iterated update is the maximum of the posterior that SciPy
    finds from the prediction, and it lies within a few noise sigmas of the plot, where the single EKF
    step does not."""
    truth, z, x, P = _young_rocket_case()
    xs, Ps, c = _one_model(x, P[None])
    ekf, P_ekf = (a[0, 0] for a in update(xs, Ps, c, "radar", z[None], R_RADAR[None], SITE, iterations=1)[:2])
    iekf, P_iekf = (a[0, 0] for a in update(xs, Ps, c, "radar", z[None], R_RADAR[None], SITE, iterations=5)[:2])
    best = minimize(_map_cost, x[0], args=(x[0], P, z), method="BFGS", options={"gtol": 1e-8, "maxiter": 2000})
    assert np.linalg.norm(iekf[:3] - best.x[:3]) < 1.0
    assert _map_cost(iekf, x[0], P, z) <= _map_cost(ekf, x[0], P, z)
    # The plot's position noise here is 10 m in range and 4 m across: the EKF is far outside it.
    assert np.linalg.norm(iekf[:3] - truth) < 15.0
    assert np.linalg.norm(ekf[:3] - truth) > 40.0
    # The covariance is the Gauss-Newton one at the maximum: (P^-1 + H' R^-1 H)^-1 there.
    rng = np.linalg.norm(iekf[:3])
    eps = 1e-3 * rng
    H = np.zeros((3, 6))
    for i in range(3):
        step = np.zeros(3)
        step[i] = eps
        dz = enu_to_rae(iekf[:3] + step, SITE) - enu_to_rae(iekf[:3] - step, SITE)
        H[:, i] = dz / (2.0 * eps)
    laplace = np.linalg.inv(np.linalg.inv(P) + H.T @ np.linalg.inv(R_RADAR) @ H)
    np.testing.assert_allclose(np.sqrt(np.diag(P_iekf)), np.sqrt(np.diag(laplace)), rtol=0.02)


@pytest.mark.parametrize("kind", ["radar", "radar_doppler"])
def test_well_linearised_updates_are_plain_ekf(kind):
    """Tracks predicted within their usual few metres of the plot are not iterated: the update is the
    plain EKF's to the last bit."""
    rng = np.random.default_rng(7)
    K = 50
    pos = rng.uniform(-8000.0, 8000.0, (K, 3))
    pos[:, 2] = rng.uniform(50.0, 2000.0, K)
    vel = rng.normal(0.0, 100.0, (K, 3))
    x = np.hstack([pos, vel])
    P = np.tile(np.diag([15.0**2] * 3 + [5.0**2] * 3), (K, 1, 1))
    truth = pos + rng.normal(0.0, 15.0, (K, 3))
    z = enu_to_rae(truth, SITE)
    R = np.tile(R_RADAR, (K, 1, 1))
    if kind == "radar_doppler":
        rr = np.einsum("ki,ki->k", truth, vel) / np.linalg.norm(truth, axis=1)
        z = np.hstack([z, rr[:, None]])
        R4 = np.zeros((K, 4, 4))
        R4[:, :3, :3] = R
        R4[:, 3, 3] = 1.0
        R = R4
    xs, Ps, c = _one_model(x, P)
    one = update(xs, Ps, c, kind, z, R, SITE, iterations=1)
    five = update(xs, Ps, c, kind, z, R, SITE, iterations=5)
    for a, b in zip(one, five, strict=True):
        np.testing.assert_array_equal(a, b)


def test_update_iterations_checked():
    with pytest.raises(ValueError, match="update_iterations"):
        TrackerConfig(update_iterations=0).check()


@pytest.mark.parametrize("kind", ["cartesian", "radar", "radar_doppler", "bearing"])
def test_measurement_without_jacobian_is_the_same(kind):
    rng = np.random.default_rng(3)
    x = np.hstack([rng.uniform(-5000.0, 5000.0, (20, 3)), rng.normal(0.0, 200.0, (20, 3))])
    site = np.array([100.0, -50.0, 10.0])
    full, H = predict_measurement(kind, x, site)
    bare, none = predict_measurement(kind, x, site, jacobian=False)
    assert none is None and H.shape == (20, full.shape[1], 6)
    np.testing.assert_array_equal(full, bare)
