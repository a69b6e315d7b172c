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


def test_dispersion_pk_model_is_the_default_and_legacy_still_available():
    g = Gun(SPEC)
    assert g.pk_model == "dispersion"
    # 1 000 m, zero miss, 0.5 m^2: p = 1 - exp(-a^2 / 2 sigma^2), a^2 = 0.5 / pi, sigma = 3 m.
    p = 1.0 - np.exp(-(0.5 / np.pi) / (2 * 3.0**2))
    assert float(g.burst_pk(0.0, 1000.0, 0.5)) == pytest.approx(1 - (1 - 0.5 * p) ** 100, rel=1e-9)
    legacy = Gun(SPEC, pk_model="legacy")
    assert float(legacy.burst_pk(0.0, 1000.0)) == pytest.approx(SPEC.pk_burst)
    with pytest.raises(ValueError):
        Gun(SPEC, pk_model="magic")


# --- the gun's fire-control radar and the truth side of a burst -----------------------------------------
def test_truth_burst_locked_by_the_fire_control_radar(gun):
    """Target 1 000 m north of the gun, flying east (side-on to the gun), cued 40 m off: the gun's own radar
    acquires it and the miss is its angle noise, 1 mrad x 1 000 m = 1 m per axis, times |z|."""
    target = gun.position + np.array([0.0, 1000.0, 0.0])
    vel = np.array([40.0, 0.0, 0.0])
    cue = target + np.array([0.0, 40.0, 0.0])
    miss, pk, locked = gun.truth_burst(target, vel, "owa_drone", cue, np.array([3.0, 4.0]))
    assert locked and miss == pytest.approx(5.0)
    # Zero aim error: the closed form, side-on drone 1.5 m^2, sigma = 3 mrad x 1 000 m.
    miss0, pk0, _ = gun.truth_burst(target, vel, "owa_drone", cue, np.zeros(2))
    p = 1.0 - np.exp(-(1.5 / np.pi) / (2 * 3.0**2))
    assert miss0 == 0.0 and pk0 == pytest.approx(1 - (1 - 0.5 * p) ** 100, rel=1e-9)
    assert pk < pk0
    # The same drone coming straight at the gun shows its nose (0.25 m^2): lower Pk.
    _, pk_nose, _ = gun.truth_burst(target, np.array([0.0, -40.0, 0.0]), "owa_drone", cue, np.zeros(2))
    p_nose = 1.0 - np.exp(-(0.25 / np.pi) / (2 * 3.0**2))
    assert pk_nose == pytest.approx(1 - (1 - 0.5 * p_nose) ** 100, rel=1e-9)
    # A mortar bomb side-on at the same place is a far smaller target.
    _, pk_bomb, _ = gun.truth_burst(target, vel, "mortar", cue, np.zeros(2))
    assert pk_bomb < 0.1 * pk0


def test_truth_burst_without_fire_control_radar_lock(gun):
    """Outside the radar's gate (150 m > 100 m) or range, the burst goes to the surveillance aim point: the
    miss is the distance to it, and at 150 m nothing is hit."""
    target = gun.position + np.array([0.0, 1000.0, 0.0])
    vel = np.array([40.0, 0.0, 0.0])
    far_cue = target + np.array([0.0, 0.0, 150.0])
    miss, pk, locked = gun.truth_burst(target, vel, "owa_drone", far_cue, np.zeros(2))
    assert not locked and miss == pytest.approx(150.0) and pk < 1e-12
    short = Gun(SPEC.model_copy(update={"fcr_range_m": 800.0}))
    cue = target + np.array([6.0, 0.0, 8.0])
    miss, pk, locked = short.truth_burst(target, vel, "owa_drone", cue, np.zeros(2))
    assert not locked and miss == pytest.approx(10.0)
    r = np.linalg.norm(cue - short.position)
    assert pk == pytest.approx(float(burst_kill_probability(10.0, 3e-3 * r, 1.5, 100, 0.5)), rel=1e-9)


def test_planning_pk_is_the_expectation_of_the_truth_draws(gun):
    """Fire control's planned Pk (expected over the radar's aim error) equals the mean of the truth side's
    draws (Monte Carlo over the two normals): planning and outcome use one model."""
    aim = gun.position + np.array([600.0, 800.0, 200.0])
    vel = np.array([30.0, -10.0, -5.0])
    planned = float(gun.planning_pk(aim[None], vel[None], ("owa_drone",))[0])
    rng = np.random.default_rng(11)
    draws = [gun.truth_burst(aim, vel, "owa_drone", aim, z)[1] for z in rng.standard_normal((4000, 2))]
    assert planned == pytest.approx(float(np.mean(draws)), abs=4 * np.std(draws) / np.sqrt(4000))
    assert float(Gun(SPEC, pk_model="legacy").planning_pk(aim[None], vel[None], ("owa_drone",))[0]) == SPEC.pk_burst


def test_ammunition_discipline(gun):
    """A burst below min_burst_pk (0.1) is held while a later one could still be fired after this one's kill
    assessment; at the last chance it is fired."""
    from bastion.engage.build import LOOK_S, worth_firing
    from bastion.engage.effectors import Intercept

    icp = Intercept(np.array([10.0, 10.0, 10.0]), np.array([12.0, 12.0, 12.0]), np.zeros((3, 3)),
                    np.full(3, 1000.0), np.ones(3, bool))
    cycle = 2.0 + gun.burst_duration_s + LOOK_S  # flight + burst + look
    t_end = np.array([40.0, 40.0, 12.0 + cycle + 1.0 - 0.01])
    assert worth_firing(gun, np.array([0.05, 0.2, 0.05]), icp, t_end).tolist() == [False, True, True]
    legacy = Gun(SPEC, pk_model="legacy")
    assert worth_firing(legacy, np.array([0.05, 0.2, 0.05]), icp, t_end).all()


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


def _irradiance_by_hand(r, vis_km=23.0):
    """P T / (pi w^2) in W/cm^2 from the formulas, written out again (10 kW, w0 1 cm, 25 urad, 1 070 nm)."""
    q = 1.3 if 6 < vis_km <= 50 else 0.16 * vis_km + 0.34
    alpha = 3.912 / (vis_km * 1e3) * (1070.0 / 550.0) ** -q
    w_cm = np.hypot(0.01, 25e-6 * r) * 100.0
    return 10_000.0 * np.exp(-alpha * r) / (np.pi * w_cm**2)


def test_laser_intercept_effect_time():
    las = Laser(LaserSpec("l1", (0.0, 0.0, 0.0)))
    # Hovering at 1 000 m: dwell = margin (1.2) x F / irradiance exactly; 5 km is beyond max range.
    up = np.array([0.0, np.cos(0.1), np.sin(0.1)])  # a line of sight 5.7 deg up
    x = np.array([[*(1000.0 * up), 0.0, 0.0, 0.0], [0.0, 5000.0, 100.0, 0.0, -20.0, 0.0]])
    icp = las.intercept(0.0, x, np.array([100.0, 100.0]), ("quadcopter", "quadcopter"))
    assert icp.feasible.tolist() == [True, False]
    assert icp.t_fire[0] == pytest.approx(2.0)  # the reaction
    dwell = icp.t_intercept[0] - icp.t_fire[0]
    assert dwell == pytest.approx(1.2 * 1000.0 / _irradiance_by_hand(1000.0), rel=1e-6)
    assert las.kill_probability(icp).tolist() == [0.9, 0.0]
    # Closing at 20 m/s from 1 500 m (1 460 m when the beam comes on): the fluence integrated along the path
    # over the dwell (independent adaptive quadrature) is the margin times the fluence.
    x = np.array([[*(1500.0 * up), *(-20.0 * up)]])
    icp = las.intercept(0.0, x, np.array([100.0]), ("owa_drone",))
    d = float(icp.t_intercept[0] - icp.t_fire[0])
    got, _ = quad(lambda s: _irradiance_by_hand(1460.0 - 20.0 * s), 0.0, d)
    assert got == pytest.approx(1.2 * 1500.0, rel=1e-3)
    # Longer than a hover at the end range (it was farther for most of the dwell), shorter than at the start.
    assert 1.2 * 1500.0 / _irradiance_by_hand(1460.0 - 20 * d) < d < 1.2 * 1500.0 / _irradiance_by_hand(1460.0)
    # Not before the threat's end: infeasible if it hits first; bad weather lengthens the dwell.
    assert not las.intercept(0.0, x, np.array([2.0 + d - 0.01]), ("owa_drone",)).feasible[0]
    fog = las.intercept(0.0, x, np.array([100.0]), ("owa_drone",), visibility_km=2.0)
    assert fog.t_intercept[0] > icp.t_intercept[0]


def test_laser_truth_dwell():
    """The truth side: a target held at 1 000 m for exactly F / irradiance gets exactly its fluence; one
    leaving the beam's range, or killed by something else during the dwell, is not held."""
    las = Laser(LaserSpec("l1", (0.0, 0.0, 0.0)))
    need = 1000.0 / _irradiance_by_hand(1000.0)
    times = np.linspace(0.0, need, 11)
    pos = np.tile([0.0, np.sqrt(1000.0**2 - 50.0**2), 50.0], (11, 1))
    held, frac = las.truth_dwell(times, pos, np.ones(11, bool), "quadcopter")
    assert held and frac == pytest.approx(1.0, rel=1e-9)
    held, frac = las.truth_dwell(times, pos, np.ones(11, bool), "owa_drone")
    assert frac == pytest.approx(1000.0 / 1500.0, rel=1e-9)
    receding = pos.copy()
    receding[:, 1] = np.linspace(2900.0, 3100.0, 11)  # past the 3 km maximum range
    assert not las.truth_dwell(times, receding, np.ones(11, bool), "quadcopter")[0]
    dead = np.ones(11, bool)
    dead[-3:] = False
    assert not las.truth_dwell(times, pos, dead, "quadcopter")[0]
