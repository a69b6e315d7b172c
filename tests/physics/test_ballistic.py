"""Point-mass ballistics against closed forms: vacuum trajectories, terminal velocity, rocket equation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.physics.atmosphere import G0, density
from bastion.physics.ballistic import (
    GENERIC_DRAG_CURVE,
    Boost,
    DragCurve,
    integrate_to_ground,
    propagate,
    trajectory_to_ground,
)


def _shots(speeds, elevations_deg, azimuth_deg=30.0):
    th = np.radians(np.asarray(elevations_deg, dtype=float))
    az = math.radians(azimuth_deg)
    v = np.asarray(speeds, dtype=float)
    ce = np.cos(th)
    return np.stack([v * ce * math.sin(az), v * ce * math.cos(az), v * np.sin(th)], axis=1)


def test_vacuum_range_time_apex_match_closed_form():
    speeds = np.array([80.0, 150.0, 225.0, 318.0, 318.0, 500.0])
    elev = np.array([10.0, 30.0, 45.0, 60.0, 80.0, 45.0])
    vel = _shots(speeds, elev)
    pos = np.zeros_like(vel)
    t, p, v = integrate_to_ground(pos, vel, np.inf, dt=0.1)
    th = np.radians(elev)
    np.testing.assert_allclose(np.hypot(p[:, 0], p[:, 1]), speeds**2 * np.sin(2 * th) / G0, rtol=1e-9)
    np.testing.assert_allclose(t, 2 * speeds * np.sin(th) / G0, rtol=1e-9)
    np.testing.assert_allclose(p[:, 2], 0.0, atol=1e-9)
    # Impact speed equals launch speed and the vertical velocity is reversed.
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), speeds, rtol=1e-9)
    # Apex: propagate to half the flight time.
    pa, _ = propagate(pos, vel, np.inf, 0.0, dt=0.1)
    np.testing.assert_allclose(pa, pos)
    apex = np.array([propagate(pos[i:i + 1], vel[i:i + 1], np.inf, t[i] / 2, dt=0.1)[0][0, 2]
                     for i in range(len(t))])
    np.testing.assert_allclose(apex, (speeds * np.sin(th)) ** 2 / (2 * G0), rtol=1e-9)


def test_vacuum_from_a_height_and_drag_off_flag():
    h, v0, th = 120.0, 200.0, math.radians(35.0)
    vel = _shots([v0], [35.0], azimuth_deg=0.0)
    t, p, _ = integrate_to_ground([[0.0, 0.0, h]], vel, 5.0, drag=False)
    vx, vz = v0 * math.cos(th), v0 * math.sin(th)
    t_ref = (vz + math.sqrt(vz**2 + 2 * G0 * h)) / G0
    assert t[0] == pytest.approx(t_ref, rel=1e-10)
    assert p[0, 1] == pytest.approx(vx * t_ref, rel=1e-10)


def test_ground_height_per_round():
    vel = _shots([200.0, 200.0], [45.0, 45.0], azimuth_deg=0.0)
    t, p, _ = integrate_to_ground(np.zeros((2, 3)), vel, np.inf, ground_up=[0.0, 300.0])
    np.testing.assert_allclose(p[:, 2], [0.0, 300.0], atol=1e-9)
    vz = 200.0 * math.sin(math.pi / 4)
    assert t[1] == pytest.approx((vz + math.sqrt(vz**2 - 2 * G0 * 300.0)) / G0, rel=1e-10)


def test_convergence_with_drag_and_mach_curve():
    vel = _shots([300.0, 250.0], [45.0, 70.0])
    pos = np.zeros_like(vel)
    kw = dict(wind=(4.0, -3.0, 0.0), drag_curve=GENERIC_DRAG_CURVE)
    _, p1, _ = integrate_to_ground(pos, vel, 900.0, dt=0.1, **kw)
    _, p2, _ = integrate_to_ground(pos, vel, 900.0, dt=0.05, **kw)
    _, p3, _ = integrate_to_ground(pos, vel, 900.0, dt=0.025, **kw)
    assert np.max(np.linalg.norm(p1 - p2, axis=1)) < 0.05
    assert np.max(np.linalg.norm(p2 - p3, axis=1)) < 0.01


def test_fourth_order_on_a_smooth_problem():
    # Without the piecewise-linear Mach table (whose kinks cost RK4 its order locally) the impact error
    # shrinks about 16-fold per halving of the step.
    vel = _shots([300.0], [45.0])
    pos = np.zeros_like(vel)
    p = [integrate_to_ground(pos, vel, 300.0, dt=dt)[1][0] for dt in (0.4, 0.2, 0.1)]
    ratio = np.linalg.norm(p[0] - p[1]) / np.linalg.norm(p[1] - p[2])
    assert 10.0 < ratio < 24.0


def test_crossing_does_not_depend_on_the_step_grid():
    vel = _shots([220.0], [50.0])
    pos = np.zeros_like(vel)
    hits = [integrate_to_ground(pos, vel, 1500.0, dt=dt)[1][0] for dt in (0.05, 0.0503, 0.0571)]
    for h in hits[1:]:
        assert np.linalg.norm(h - hits[0]) < 0.01


def test_backwards_from_impact_returns_to_launch():
    vel = _shots([180.0, 260.0, 318.0], [45.0, 60.0, 75.0])
    pos = np.array([[100.0, -50.0, 0.0], [0.0, 0.0, 0.0], [-2000.0, 500.0, 0.0]])
    kw = dict(wind=(6.0, 2.0, 0.0), drag_curve=GENERIC_DRAG_CURVE)
    t, p, v = integrate_to_ground(pos, vel, 1200.0, **kw)
    tb, pb, vb = integrate_to_ground(p, v, 1200.0, backwards=True, **kw)
    np.testing.assert_allclose(pb, pos, atol=1e-3)
    np.testing.assert_allclose(vb, vel, atol=1e-2)
    np.testing.assert_allclose(tb, -t, rtol=1e-6)


def test_propagate_agrees_with_integrate_and_reverses():
    vel = _shots([250.0], [40.0])
    pos = np.zeros_like(vel)
    t, p, v = integrate_to_ground(pos, vel, 800.0, drag_curve=GENERIC_DRAG_CURVE)
    pp, vv = propagate(pos, vel, 800.0, float(t[0]), drag_curve=GENERIC_DRAG_CURVE)
    np.testing.assert_allclose(pp, p, atol=1e-3)
    back, vback = propagate(pp, vv, 800.0, -float(t[0]), drag_curve=GENERIC_DRAG_CURVE)
    np.testing.assert_allclose(back, pos, atol=1e-3)


def test_terminal_velocity():
    # A round falling at its terminal speed sqrt(2 beta g / rho) keeps it (rho taken mid-drop).
    beta = 500.0
    z0, dur = 100.0, 1.0
    rho = float(density(z0 - 0.5 * dur * math.sqrt(2 * beta * G0 / density(z0))))
    vt = math.sqrt(2 * beta * G0 / rho)
    _, v = propagate([[0.0, 0.0, z0]], [[0.0, 0.0, -vt]], beta, dur, dt=0.01)
    assert -v[0, 2] == pytest.approx(vt, rel=2e-4)


def test_drag_and_wind_directions():
    vel = _shots([250.0], [45.0], azimuth_deg=0.0)  # fired due north
    pos = np.zeros_like(vel)
    _, vac, _ = integrate_to_ground(pos, vel, np.inf)
    _, calm, _ = integrate_to_ground(pos, vel, 1000.0)
    _, tail, _ = integrate_to_ground(pos, vel, 1000.0, wind=(0.0, 10.0, 0.0))
    _, head, _ = integrate_to_ground(pos, vel, 1000.0, wind=(0.0, -10.0, 0.0))
    _, cross, _ = integrate_to_ground(pos, vel, 1000.0, wind=(10.0, 0.0, 0.0))
    assert calm[0, 1] < vac[0, 1]
    assert head[0, 1] < calm[0, 1] < tail[0, 1]
    assert cross[0, 0] > 1.0 and abs(calm[0, 0]) < 1e-9  # drifts downwind (east)
    # With drag switched off, wind does nothing.
    _, nowind, _ = integrate_to_ground(pos, vel, 1000.0, wind=(10.0, 0.0, 0.0), drag=False)
    np.testing.assert_allclose(nowind, vac, atol=1e-9)


def test_mach_curve_adds_drag_above_the_drag_rise():
    vel = _shots([500.0], [45.0])
    pos = np.zeros_like(vel)
    _, flat, _ = integrate_to_ground(pos, vel, 2000.0)
    _, curved, _ = integrate_to_ground(pos, vel, 2000.0, drag_curve=GENERIC_DRAG_CURVE)
    assert np.linalg.norm(curved[0]) < np.linalg.norm(flat[0])
    assert GENERIC_DRAG_CURVE(0.3) == 1.0 and GENERIC_DRAG_CURVE(1.2) > 1.5
    with pytest.raises(ValueError):
        DragCurve(mach=(0.0, 0.0), factor=(1.0, 1.0))


def test_rocket_equation_in_vacuum():
    # Vertical burn, thrust along the velocity: v(tb) = v0 + Isp g0 ln(m0/m1) - g tb (exact).
    isp, m0, mp, tb, v0 = 200.0, 20.0, 4.0, 1.0, 20.0
    boost = Boost(thrust_n=isp * 9.80665 * mp / tb, burn_time_s=tb, mass_kg=m0, propellant_kg=mp, cda_m2=0.0)
    _, v = propagate([[0.0, 0.0, 0.0]], [[0.0, 0.0, v0]], np.inf, tb, boost=boost, drag=False, dt=0.01)
    expected = v0 + isp * 9.80665 * math.log(m0 / (m0 - mp)) - G0 * tb
    assert v[0, 2] == pytest.approx(expected, rel=1e-8)
    # After burnout the round coasts: apex height from the burnout state.
    t, p, v2 = integrate_to_ground([[0.0, 0.0, 0.0]], [[0.0, 0.0, v0]], np.inf, boost=boost, drag=False)
    assert np.isfinite(t[0]) and p[0, 2] == pytest.approx(0.0, abs=1e-9)


def test_boost_grid_does_not_straddle_burnout():
    boost = Boost(thrust_n=8000.0, burn_time_s=0.8, mass_kg=18.8, propellant_kg=3.0, cda_m2=0.0019)
    vel = _shots([25.0], [20.0])
    pos = np.zeros_like(vel)
    beta = boost.burnout_mass_kg / boost.cda_m2
    hits = [integrate_to_ground(pos, vel, beta, boost=boost, dt=dt)[1][0] for dt in (0.07, 0.05, 0.03)]
    assert np.linalg.norm(hits[0] - hits[2]) < 0.05
    assert np.linalg.norm(hits[1] - hits[2]) < 0.05


def test_trajectory_samples_on_fixed_grid():
    vel = _shots([200.0], [45.0])
    t, pos, vel_s, t_hit, p_hit, _ = trajectory_to_ground(np.zeros((1, 3)), vel, 1000.0, dt=0.1)
    np.testing.assert_allclose(np.diff(t), 0.1, atol=1e-9)
    assert t[-1] >= t_hit[0] > t[-2] - 1e-9
    assert pos.shape == (len(t), 1, 3) and vel_s.shape == pos.shape


def test_time_limit_and_bad_input():
    vel = _shots([300.0], [80.0])
    t, p, _ = integrate_to_ground(np.zeros((1, 3)), vel, np.inf, t_max=5.0)
    assert np.isnan(t[0]) and np.all(np.isnan(p))
    with pytest.raises(ValueError):
        integrate_to_ground(np.zeros((2, 3)), np.zeros((3, 3)), 1.0)
    with pytest.raises(ValueError):
        integrate_to_ground(np.zeros((1, 3)), vel, -1.0)
    boost = Boost(1.0, 1.0, 1.0, 0.1, 0.0)
    with pytest.raises(ValueError):
        integrate_to_ground(np.zeros((1, 3)), vel, 1.0, boost=boost, backwards=True)


def test_round_below_ground_and_not_rising_is_nan_at_once():
    t, p, _ = integrate_to_ground([[0.0, 0.0, -5.0], [0.0, 0.0, 0.0]], [[10.0, 0.0, -1.0], [10.0, 0.0, 30.0]],
                                  np.inf, t_max=1e6)
    assert np.isnan(t[0]) and np.isfinite(t[1])


def test_vertical_shot_with_quadratic_drag_matches_closed_form():
    # Constant-density closed form for a vertical shot: apex h = vt^2/(2g) ln(1 + v0^2/vt^2), reached at
    # t = (vt/g) atan(v0/vt), with vt = sqrt(2 beta g / rho). A low shot keeps rho within 0.3 %.
    beta, v0 = 20.0, 40.0
    rho = float(density(15.0))  # about mid-height of the ~30 m climb
    vt = math.sqrt(2 * beta * G0 / rho)
    t_apex = vt / G0 * math.atan(v0 / vt)
    h_apex = vt**2 / (2 * G0) * math.log(1 + (v0 / vt) ** 2)
    p, v = propagate([[0.0, 0.0, 0.0]], [[0.0, 0.0, v0]], beta, t_apex, dt=0.001)
    assert abs(v[0, 2]) < 0.02
    assert p[0, 2] == pytest.approx(h_apex, rel=1e-3)
