"""Effector models against independent expectations: closed forms, bounds and Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from bastion.engage.effectors import (
    GUN_ROUND_20MM,
    Gun,
    GunRound,
    Interceptor,
    InterceptorSpec,
    Jammer,
    JammerSpec,
    Laser,
    LaserSpec,
    burst_kill_probability,
    hit_probability,
    laser_extinction_per_m,
    presented_area,
)
from bastion.physics.ballistic import GENERIC_DRAG_CURVE
from bastion.scenario.schema import GunEffector

G = 9.80665
SPEC = GunEffector(name="g1", position=[0.0, 0.0, 5.0])
V0 = SPEC.muzzle_velocity_mps


@pytest.fixture(scope="module")
def gun() -> Gun:
    return Gun(SPEC, pk_model="dispersion")


# --- time of flight ------------------------------------------------------------------------------------
def test_vacuum_time_of_flight_matches_closed_form():
    """With negligible drag the tabulated time of flight is the vacuum one: straight up,
    r = v0 t - g t^2 / 2; horizontally, the slant distance sqrt((v0 t)^2 + (g t^2 / 2)^2) = r."""
    vac = Gun(SPEC, GunRound(cd0=1e-12))
    r = np.array([300.0, 1000.0, 2000.0, 2500.0])
    t_up = (V0 - np.sqrt(V0**2 - 2 * G * r)) / G
    np.testing.assert_allclose(vac.table.time_of_flight(r, np.full(4, 90.0)), t_up, rtol=1e-4)
    t_flat = np.zeros(r.size)
    for k, rk in enumerate(r):
        lo, hi = 0.0, 10.0
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if np.hypot(V0 * mid, 0.5 * G * mid**2) < rk else (lo, mid)
        t_flat[k] = lo
    np.testing.assert_allclose(vac.table.time_of_flight(r, np.zeros(4)), t_flat, rtol=1e-4)


def test_time_of_flight_with_drag_between_closed_form_bounds(gun):
    """Along the path the round decelerates by k f(M) v^2 (+ g sin(el) upwards), with f between 1 and its
    maximum and the density between its value at the top of the path and at the ground. Lower bound:
    f = 1 at the thinnest air, no gravity: t = (exp(k r) - 1) / (k v0). Upper bound: f = f_max at sea-level
    density plus the full g: v^2(x) = (v0^2 + g/k) exp(-2 k x) - g / k, t = integral dx / v."""
    from bastion.physics.atmosphere import density

    beta = GUN_ROUND_20MM.beta
    f_max = max(GENERIC_DRAG_CURVE.factor)
    for el in (0.0, 30.0, 60.0, 85.0):
        for r in (500.0, 1000.0, 1500.0, 2000.0, 2500.0):
            t = float(gun.table.time_of_flight(r, el))
            k_lo = float(density(5.0 + r * np.sin(np.radians(el)))) / (2 * beta)
            t_lo = (np.exp(k_lo * r) - 1) / (k_lo * V0)
            k_hi = float(density(0.0)) * f_max / (2 * beta)

            def inv_v(x, k=k_hi):
                return 1.0 / np.sqrt((V0**2 + G / k) * np.exp(-2 * k * x) - G / k)

            t_hi = quad(inv_v, 0.0, r)[0]
            assert r / V0 < t_lo <= t <= t_hi, (el, r, t_lo, t, t_hi)
    # And drag matters: at 2 km the round takes well over the vacuum r / v0.
    assert gun.table.time_of_flight(2000.0, 10.0) > 1.5 * 2000.0 / V0


def test_intercept_is_consistent_lead(gun):
    """The aim point is where the target will be at the intercept time, and the round's time of flight
    to it is the tabulated one."""
    x = np.array([[1500.0, 1200.0, 600.0, -120.0, -100.0, -30.0],
                  [400.0, 900.0, 150.0, 0.0, -45.0, 0.0]])
    icp = gun.intercept(10.0, x, np.array([True, False]), np.array([60.0, 60.0]))
    dt = icp.t_intercept - 10.0
    acc = np.array([[0, 0, -G], [0, 0, 0]])
    np.testing.assert_allclose(icp.aim, x[:, :3] + x[:, 3:] * dt[:, None] + 0.5 * acc * dt[:, None] ** 2, atol=1e-6)
    np.testing.assert_allclose(icp.t_intercept - icp.t_fire, gun.time_of_flight(icp.aim), atol=2e-3)
    assert icp.feasible.all()
    far = gun.intercept(10.0, x * [3, 3, 1, 1, 1, 1], np.array([True, False]), np.array([60.0, 60.0]))
    assert not far.feasible.any()  # beyond max_range_m
    late = gun.intercept(10.0, x, np.array([True, False]), np.array([11.0, 11.0]))
    assert not late.feasible.any()  # the threat hits first


def test_magazine_and_busy(gun):
    g = Gun(SPEC)
    x = np.array([[400.0, 900.0, 150.0, 0.0, -45.0, 0.0]])
    g.rounds_left = SPEC.burst_rounds - 1
    assert not g.intercept(0.0, x, np.array([False]), np.array([60.0])).feasible[0]
    g.rounds_left = SPEC.rounds
    n = g.fire(0.0, np.array([0.0, 900.0, 150.0]))
    assert n == SPEC.burst_rounds and g.rounds_left == SPEC.rounds - n
    assert g.busy_until == pytest.approx(SPEC.burst_rounds / 75.0)  # 4,500 rounds/min
    icp = g.intercept(0.0, x, np.array([False]), np.array([60.0]))
    assert icp.t_fire[0] >= g.busy_until + SPEC.reaction_s - 1e-12


# --- where missed rounds go ------------------------------------------------------------------------------
def test_self_destruct_point_and_footprint(gun):
    aim = np.array([300.0, 1000.0, 500.0])
    sd = gun.self_destruct_point(aim)
    assert np.linalg.norm(sd - gun.position) == pytest.approx(SPEC.self_destruct_range_m, rel=1e-6)
    los = (aim - gun.position) / np.linalg.norm(aim - gun.position)
    straight = gun.position + los * SPEC.self_destruct_range_m
    assert sd[2] < straight[2]  # below the line of sight: the round has dropped
    assert np.degrees(np.arctan2(sd[0], sd[1])) == pytest.approx(np.degrees(np.arctan2(aim[0], aim[1])))
    path = gun.trajectory(aim)
    d = np.min(np.linalg.norm(path - aim, axis=1))
    assert d < 1.0  # the trajectory passes through the aim point
    fp = gun.miss_footprint(aim)
    np.testing.assert_allclose(fp.a[0], aim[:2])
    np.testing.assert_allclose(fp.b[0], sd[:2])
    assert fp.radius[0] == pytest.approx(3 * 3e-3 * 2500 + 100.0)
    # A shot at a low target runs into the ground before self-destructing: the fall ends there.
    low = gun.self_destruct_point(np.array([0.0, 600.0, 2.0]))
    assert low[2] == pytest.approx(0.0, abs=1e-6) and 600.0 < low[1] < 2500.0
    dud = Gun(SPEC, include_duds=True)
    assert len(dud.miss_footprint(aim).radius) == 2
    assert np.linalg.norm(dud.dud_impact_point(aim)[:2]) > np.linalg.norm(sd[:2])


# --- kill probability of a burst -------------------------------------------------------------------------
def test_hit_probability_closed_form_at_zero_miss():
    s, a = 3.0, np.array([0.1, 0.5, 1.0, 5.0])
    np.testing.assert_allclose(hit_probability(0.0, s, a), 1 - np.exp(-(a**2) / (2 * s**2)), rtol=1e-9)


@pytest.mark.parametrize(("miss", "sigma", "area"), [(0.0, 1.0, 0.04), (1.5, 1.0, 0.09), (3.0, 2.0, 1.5),
                                                     (0.5, 0.5, 0.02)])
def test_burst_pk_matches_monte_carlo(miss, sigma, area):
    """Simulated bursts: 100 rounds with circular Gaussian dispersion about a centre ``miss`` from the
    target, a hit if within the equal-area disc, each hit kills with probability 0.5."""
    rng = np.random.default_rng(7)
    n_bursts, n_rounds, pkh = 20_000, 100, 0.5
    pts = rng.normal(0.0, sigma, (n_bursts, n_rounds, 2)) + [miss, 0.0]
    hits = np.hypot(pts[..., 0], pts[..., 1]) <= np.sqrt(area / np.pi)
    killed = (hits & (rng.random(hits.shape) < pkh)).any(axis=1)
    analytic = float(burst_kill_probability(miss, sigma, area, n_rounds, pkh))
    half_width = 4.0 * np.sqrt(analytic * (1 - analytic) / n_bursts) + 1e-4
    assert abs(killed.mean() - analytic) < half_width, (killed.mean(), analytic)
    p_round = hits.mean()
    assert abs(p_round - hit_probability(miss, sigma, np.sqrt(area / np.pi))) < 4 * np.sqrt(p_round / hits.size) + 1e-5


def test_burst_pk_falls_with_miss_and_rises_with_size(gun):
    miss = np.linspace(0.0, 20.0, 41)
    pk = gun.burst_pk(miss, 800.0, 0.5)
    big = pk > 1e-9
    assert np.all(np.diff(pk) <= 0) and np.all(np.diff(pk[big]) < 0) and pk[0] > 0.4 and pk[-1] < 1e-6
    areas = np.array([0.005, 0.04, 0.09, 0.5, 1.5])
    pk_a = gun.burst_pk(2.0, 800.0, areas)
    assert np.all(np.diff(pk_a) > 0)
    # The formula itself: 1 - (1 - p pkh)^N with p from the disc of equal area.
    p = hit_probability(2.0, 3e-3 * 800.0, np.sqrt(areas / np.pi))
    np.testing.assert_allclose(pk_a, 1 - (1 - 0.5 * p) ** SPEC.burst_rounds)
    # Longer range, wider pattern, lower Pk (at the centre).
    assert np.all(np.diff(gun.burst_pk(0.0, np.array([300.0, 800.0, 1500.0]), 0.04)) < 0)


def test_expected_burst_pk_averages_over_aim_error(gun):
    assert gun.expected_burst_pk(800.0, 1e-6, 0.5) == pytest.approx(float(gun.burst_pk(0.0, 800.0, 0.5)), rel=1e-6)
    sig = np.array([0.5, 2.0, 5.0, 15.0])
    e = gun.expected_burst_pk(np.full(4, 800.0), sig, np.full(4, 0.5))
    assert np.all(np.diff(e) < 0)
    rng = np.random.default_rng(3)
    m = np.hypot(*rng.normal(0.0, 5.0, (2, 200_000)))
    assert e[2] == pytest.approx(float(np.mean(gun.burst_pk(m, 800.0, 0.5))), rel=0.02)


def test_legacy_pk_model_is_the_default():
    g = Gun(SPEC)
    assert float(g.burst_pk(0.0, 1000.0)) == pytest.approx(SPEC.pk_burst)
    with pytest.raises(ValueError):
        Gun(SPEC, pk_model="magic")


def test_presented_area_aspect():
    nose = presented_area("rocket", [[0, 1, 0]], [[0, -1, 0]])[0]
    side = presented_area("rocket", [[0, 1, 0]], [[1, 0, 0]])[0]
    assert nose == pytest.approx(np.pi * 0.107**2 / 4) and side == pytest.approx(0.84 * 0.107)


# --- interceptor -----------------------------------------------------------------------------------------
def test_interceptor_magazine_and_reload():
    spec = InterceptorSpec("i1", (0.0, 0.0, 0.0), magazine=3, reloads=1, reload_s=100.0, salvo_interval_s=1.0)
    it = Interceptor(spec)
    x = np.array([[0.0, 8000.0, 3000.0, 0.0, -100.0, 0.0]])
    t = 0.0
    for _ in range(3):
        assert it.intercept(t, x, np.array([False]), np.array([500.0])).feasible[0]
        it.fire(t, x[0, :3])
        t += 1.0
    assert it.rounds_available(t) == 0 and it.rounds_left == 3
    with pytest.raises(RuntimeError):
        it.fire(t, x[0, :3])
    icp = it.intercept(t, x, np.array([False]), np.array([500.0]))
    assert icp.t_fire[0] >= 2.0 + 100.0  # waits for the reload that started with the last launch
    assert it.rounds_available(102.0) == 3
    for k in range(3):
        it.fire(102.0 + k, x[0, :3])
    assert it.rounds_left == 0
    assert not it.intercept(200.0, x, np.array([False]), np.array([500.0])).feasible[0]
    assert it.shots_fired == 6 and it.cost_per_shot_usd == spec.cost_usd


def test_interceptor_envelope_and_salvo_interval():
    it = Interceptor(InterceptorSpec("i1", (0.0, 0.0, 0.0)))
    x = np.array([[0.0, 2000.0, 500.0, 0.0, 0.0, 0.0], [0.0, 20_000.0, 3000.0, 0.0, -200.0, 0.0],
                  [0.0, 90_000.0, 3000.0, 0.0, 0.0, 0.0]])
    icp = it.intercept(0.0, x, np.zeros(3, bool), np.full(3, 1e9))
    assert icp.feasible.tolist() == [False, True, False]  # inside min range, inside, beyond max range
    np.testing.assert_allclose(icp.t_intercept[1] - icp.t_fire[1], icp.range_m[1] / 700.0, rtol=1e-9)
    it.fire(0.0, icp.aim[1])
    with pytest.raises(RuntimeError):
        it.fire(0.5, icp.aim[1])


# --- jammer ----------------------------------------------------------------------------------------------
def test_jammer_never_affects_drone_without_rf_link():
    jam = Jammer(JammerSpec("j1", (0.0, 0.0, 0.0)))
    rng = np.random.default_rng(1)
    n = 500
    x = np.hstack([rng.uniform(-3000, 3000, (n, 2)), rng.uniform(10, 500, (n, 1)), rng.uniform(-40, 40, (n, 3))])
    rf = rng.random(n) < 0.5
    icp = jam.intercept(0.0, x, rf, np.full(n, np.inf), ("owa_drone",) * n)
    assert not icp.feasible[~rf].any()
    assert np.all(jam.kill_probability(rf)[~rf] == 0.0)
    assert all(jam.outcome(False, u) == "none" for u in rng.random(100))
    # With a link, inside range at both ends of the dwell: affected.
    r0 = np.linalg.norm(x[:, :3], axis=1)
    r1 = np.linalg.norm(x[:, :3] + x[:, 3:] * (icp.t_intercept - 0.0)[:, None], axis=1)
    inside = rf & (r1 <= 2000.0) & (np.linalg.norm(x[:, :3] + x[:, 3:] * 2.0, axis=1) <= 2000.0)
    assert np.array_equal(icp.feasible, inside)
    assert icp.feasible.any() and (r0[icp.feasible] < 2200).all()
    np.testing.assert_allclose(icp.t_intercept - icp.t_fire, 3.0)  # the dwell
    assert jam.outcome(True, 0.1) == "return"
    assert Jammer(JammerSpec("j2", (0, 0, 0), effect="land")).outcome(True, 0.1) == "land"
    # Not a drone: never affected, link or not.
    rocket = jam.intercept(0.0, x[:5], np.ones(5, bool), np.full(5, np.inf), ("rocket",) * 5)
    assert not rocket.feasible.any()


# --- laser -----------------------------------------------------------------------------------------------
def test_laser_dwell_grows_with_range_and_bad_weather():
    las = Laser(LaserSpec("l1", (0.0, 0.0, 0.0)))
    r = np.linspace(100.0, 3000.0, 30)
    d = las.dwell_s(r, "quadcopter")
    assert np.all(np.diff(d) > 0)
    assert np.all(las.dwell_s(r, "quadcopter", visibility_km=5.0) > d)
    assert np.all(las.dwell_s(r, "mortar") > d)  # a steel round needs more energy than a drone
    # The formula: F pi w^2 / (P T), w = hypot(w0, theta R), T = exp(-alpha R).
    w = np.hypot(0.01, 25e-6 * 1000.0) * 100.0
    alpha = 3.912 / 23_000.0 * (1070.0 / 550.0) ** -1.3
    assert float(las.dwell_s(1000.0)) == pytest.approx(1000.0 * np.pi * w**2 / (10_000.0 * np.exp(-alpha * 1000.0)))
    assert float(laser_extinction_per_m(0.3)) == pytest.approx(3.912 / 300.0)  # fog: no wavelength dependence


def test_laser_intercept_effect_time():
    las = Laser(LaserSpec("l1", (0.0, 0.0, 0.0)))
    x = np.array([[0.0, 1000.0, 100.0, 0.0, -20.0, 0.0], [0.0, 5000.0, 100.0, 0.0, -20.0, 0.0]])
    icp = las.intercept(0.0, x, np.array([100.0, 100.0]), ("quadcopter", "quadcopter"))
    assert icp.feasible.tolist() == [True, False]
    dwell = icp.t_intercept[0] - icp.t_fire[0]
    assert dwell == pytest.approx(float(las.dwell_s(icp.range_m[0], "quadcopter")), rel=1e-6)
    assert las.kill_probability(icp).tolist() == [0.9, 0.0]
