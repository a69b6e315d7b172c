"""Ballistic winds along a round's flight (bastion.assess.wind_weights) against the flight tables'
constant-wind slopes and against flights through a wind by height (the world's integrator)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.assess.launch_fit import LaunchFitter, flight_table
from bastion.assess.wind_weights import FlightWinds, ballistic_winds, flight_winds, wind_responses
from bastion.physics.ballistic import WindProfile
from bastion.world.munitions import fly
from tests.assess.flight_plots import doppler_plots

ROUNDS = [("rocket_122mm", 35.0), ("rocket_107mm", 20.0), ("mortar_81mm", 60.0), ("mortar_120mm", 80.0),
          ("howitzer_105mm/7", 45.0), ("howitzer_105mm/2", 30.0)]


@pytest.mark.parametrize(("name", "el_deg"), ROUNDS + [("rocket_122mm", 10.0), ("howitzer_105mm/7", 10.0)])
def test_a_wind_at_every_height_moves_the_flight_as_the_tables_slopes_say(name, el_deg):
    """The perturbation equations with a wind of 1 m/s at every height, along and across the line of fire,
    give the flight table's wind slopes (central differences of flights in a +-wind: an independent
    integration) at every instant and at the impact (measured: the impact's within 0.1 %). (The
    last 0.2 s are left out: past its own impact each of the table's +-wind flights goes on in a straight
    line, so its difference there is not the slope.)"""
    table = flight_table(name)
    el = math.radians(el_deg)
    t, _, plane, cross, impact_range, impact_drift, lands = (
        a[0] for a in wind_responses(table, np.array([el]), lambda z: np.ones((z.size, 1))))
    assert lands
    (_, _, _, _, _, _, _, _, _, _, x_w, z_w, y_w, vx_w, vz_w, vy_w, *_) = table.at(t, np.full(t.shape, el),
                                                                                  velocity=True, wind=True)
    flying = t < t[-1] - 0.2
    for got, want in ((plane[:, 0, 0], x_w), (plane[:, 1, 0], z_w), (plane[:, 2, 0], vx_w), (plane[:, 3, 0], vz_w),
                      (cross[:, 0, 0], y_w), (cross[:, 1, 0], vy_w)):
        assert np.max(np.abs(got - want)[flying]) <= 5e-3 * np.max(np.abs(want)) + 1e-3
    x_imp_w, _, y_imp_w = table.impact_wind_slopes(el)
    assert impact_range[0] == pytest.approx(x_imp_w, rel=5e-3)
    assert impact_drift[0] == pytest.approx(y_imp_w, rel=5e-3)
    assert t[0] == 0.0 and t[-1] == pytest.approx(table.impact(el)[1])


@pytest.mark.parametrize(("name", "el_deg"), ROUNDS)
def test_the_ballistic_winds_move_the_flight_and_the_impact_as_a_sheared_wind_does(name, el_deg):
    """A wind along or across the line of fire growing linearly from 0.2 m/s at the ground to 3 m/s at 2 km
    (small, so that the flight moves linearly with it): the table's constant-wind slopes times the ballistic
    winds of each instant put the round where it flies through the profile, along the whole flight within
    2 % of the largest displacement (measured 0.03-0.8 %), and the impact within 1.5 % of its displacement
    (0.02-0.7 %). The one
    lag-weighted mean wind of the flight that this replaced (for the impact, both components) missed the
    impact by 1.4-17 % on these rounds (the 120 mm mortar's worst)."""
    table = flight_table(name)
    el, az = math.radians(el_deg), 0.3
    sa, ca = math.sin(az), math.cos(az)
    ahead, right = np.array([sa, ca]), np.array([ca, -sa])
    still = fly(name, np.zeros(3), az, el, dt=0.01)
    x_imp_w, _, y_imp_w = table.impact_wind_slopes(el)
    for direction in (ahead, -ahead, right):  # tail, head, toward the right
        d = np.array([*direction, 0.0])
        profile = WindProfile([0.0, 2000.0], np.array([0.2 * d, 3.0 * d]))
        flown = fly(name, np.zeros(3), az, el, dt=0.01, wind=profile)
        winds = flight_winds(table, np.array([el]), profile)[0]
        # along the flight, every 0.5 s up to the earlier landing
        tau = np.arange(0.5, min(still.t[-1], flown.t[-1]) - 0.5, 0.5)
        moved = np.array([np.interp(tau, flown.t, flown.pos[:, i]) - np.interp(tau, still.t, still.pos[:, i])
                          for i in range(2)]).T
        w_pos, _ = winds.at(tau, az)
        (_, _, _, _, _, _, _, _, _, _, x_w, _, y_w, *_) = table.at(tau, np.full(tau.shape, el), velocity=True,
                                                                   wind=True)
        predicted = ((w_pos @ ahead) * x_w)[:, None] * ahead + ((w_pos @ right) * y_w)[:, None] * right
        assert np.max(np.hypot(*(predicted - moved).T)) <= 0.02 * np.max(np.hypot(*moved.T)) + 0.05
        w = winds.impact(az)
        predicted = (w @ ahead) * x_imp_w * ahead + (w @ right) * y_imp_w * right
        moved = flown.pos[-1, :2] - still.pos[-1, :2]
        assert np.hypot(*(predicted - moved)) <= 0.015 * np.hypot(*moved)


def test_the_ballistic_wind_takes_the_range_wind_along_the_line_of_fire_and_the_deflection_wind_across():
    """Hand-computed: a range wind blowing east and a deflection wind blowing north. Fired north, the range
    wind has no component along and the deflection wind none across: no wind. Fired east, the range
    wind's 1 m/s is a tail wind and the deflection wind blows 2 m/s toward the left (north): (1, 2). One
    wind for both is that wind whatever the azimuth."""
    east, north = np.array([1.0, 0.0]), np.array([0.0, 2.0])
    t = np.array([0.0, 10.0])
    winds = FlightWinds(t, np.tile(east, (2, 1)), np.tile(north, (2, 1)), np.tile(east, (2, 1)),
                        np.tile(north, (2, 1)), east, north)
    assert np.allclose(winds.impact(0.0), [0.0, 0.0], atol=1e-12)
    assert np.allclose(winds.impact(math.pi / 2), [1.0, 2.0], atol=1e-12)
    pos, vel = winds.at(np.array([0.0, 3.0, 12.0]), math.pi / 2)
    assert np.allclose(pos, [[1.0, 2.0]] * 3, atol=1e-12) and np.allclose(vel, pos)
    same = np.array([3.0, -4.0])
    flat = WindProfile([0.0, 3000.0], [[3.0, -4.0, 0.0], [3.0, -4.0, 0.0]])
    one = flight_winds(flight_table("howitzer_105mm/7"), np.array([math.radians(30.0)]), flat)[0]
    for az in (0.0, 1.0, 2.5, -2.0):
        assert np.allclose(one.impact(az), same, atol=1e-9)
        pos, vel = one.at(np.array([0.0, 5.0, 20.0]), az)
        assert np.allclose(pos, same, atol=1e-9) and np.allclose(vel, same, atol=1e-9)


def test_the_ballistic_winds_of_an_elevation_between_two_rows_are_their_blend():
    """The rows are every second table elevation (0.5 deg); a fit at a row's elevation flies in that row's
    winds, a quarter of the way to the next in 3/4 and 1/4 of each, and beyond the table in its last."""
    table = flight_table("howitzer_105mm/7")
    profile = WindProfile([0.0, 10.0, 1000.0], [[1.0, 2.0, 0.0], [1.0, 2.0, 0.0], [9.0, -4.0, 0.0]])
    winds = ballistic_winds(table, profile)
    assert np.allclose(np.diff(winds.el), 2.0 * table.el_step)
    j = 60
    a, b = winds.rows[j], winds.rows[j + 1]
    tau = np.array([1.0, 7.5, 20.0])
    for az in (0.3, 2.0):
        assert np.allclose(winds.impact(az, winds.el[j]), a.impact(az), atol=1e-12)
        el = winds.el[j] + 0.25 * (winds.el[j + 1] - winds.el[j])
        assert np.allclose(winds.impact(az, el), 0.75 * a.impact(az) + 0.25 * b.impact(az), atol=1e-12)
        pos, vel = winds.at(tau, az, el)
        (pa, va), (pb, vb) = a.at(tau, az), b.at(tau, az)
        assert np.allclose(pos, 0.75 * pa + 0.25 * pb, atol=1e-12) and np.allclose(vel, 0.75 * va + 0.25 * vb)
        assert np.allclose(winds.impact(az, 3.0), winds.rows[-1].impact(az), atol=1e-12)


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["tail", "head"])
def test_a_shell_in_a_wind_growing_with_height_along_its_line_of_fire_lands_in_its_fitted_ellipse(sign):
    """A 105 mm shell at charge 7 fired at 30 deg into a tail (head) wind of 2 m/s at the ground growing to
    16 m/s at 1.5 km, Doppler plots over the first 60 % of its flight, five noise draws: fitted in the
    report by height, its impact's squared Mahalanobis distance averages at most 4 (2 expected; measured
    2.5 on both). The one lag-weighted wind of the flight this replaced gave 12.9 (tail) and 10.5 (head)."""
    name, az, el = "howitzer_105mm/7", 0.7, math.radians(30.0)
    launch = np.array([2000.0, -3000.0, 0.0])
    ahead = np.array([math.sin(az), math.cos(az), 0.0])
    profile = WindProfile([0.0, 10.0, 1500.0], sign * np.array([2.0, 2.0, 16.0])[:, None] * ahead)
    flight = fly(name, launch, az, el, dt=0.01, wind=profile)
    table = flight_table(name)
    d2 = []
    for seed in range(5):
        plots = doppler_plots(flight, np.arange(0.5, 0.6 * flight.t[-1], 0.5), rng=np.random.default_rng(seed),
                              sensor=np.array([0.0, 0.0, 5.0]))
        fit = LaunchFitter((name,), profile=profile)._fit(table, plots, None)
        assert fit is not None and fit.consistent
        d = fit.impact - flight.pos[-1, :2]
        d2.append(float(d @ np.linalg.solve(fit.impact_cov, d)))
    assert np.mean(d2) <= 4.0
