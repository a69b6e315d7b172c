"""A known wind in the assessment: the flight tables' wind slopes against the world's integrator, the fit
in a wind, the tracker's drag through the air, and the engine told the wind by its met report (the
Monte Carlo benchmark measures what that is worth: benchmarks/README.md)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from pydantic import ValidationError

from bastion.assess.launch_fit import _model, fit_round, flight_table
from bastion.engine import Engine
from bastion.evaluate.montecarlo import Mix, base_scenario, build_scenario, met_report, run_wind
from bastion.physics.rounds import munition
from bastion.scenario.schema import Scenario
from bastion.track.config import TrackerConfig
from bastion.track.models import ballistic_accel
from bastion.track.plots import Plots
from bastion.world.munitions import fly
from tests.assess.flight_plots import doppler_plots

CHI2_2DOF_999 = 13.815510557964274
SENSOR = np.array([0.0, 0.0, 5.0])


def _doppler_plots(flight, times, rng=None) -> Plots:
    """Plots of ``flight`` at ``times`` (s after launch), 30 / 30 / 20 m and 1 m/s of Gaussian noise (none
    without ``rng``), with range rates seen from ``SENSOR``."""
    return doppler_plots(flight, times, rng=rng, sensor=SENSOR)


# (round, elevation deg, bound m): the guns' transonic drag makes their range less linear in a head wind.
@pytest.mark.parametrize(("name", "el_deg", "bound_m"),
                         [("rocket_107mm", 17.13, 3.0), ("rocket_122mm", 40.3, 3.0), ("howitzer_105mm/4", 21.6, 10.0)])
def test_the_tables_wind_slopes_fly_a_round_in_a_10_mps_wind(name, el_deg, bound_m):
    """A round flown by the world's integrator in a 10 m/s wind from three sides of its line of fire lies
    where the table's first-order wind terms put it, over the whole flight and at its impact (within
    ``bound_m`` and 0.05 s), where the still-air table is 30 m off or more."""
    table = flight_table(name)
    az, el = math.radians(30.0), math.radians(el_deg)
    for toward_deg in (120.0, 210.0, 345.0):  # a crosswind, a head wind, a quartering tail wind
        b = math.radians(toward_deg)
        wind = np.array([10.0 * math.sin(b), 10.0 * math.cos(b), 0.0])
        flight = fly(munition(name), np.zeros(3), az, el, dt=0.01, wind=wind)
        t = flight.t[:-1:25]
        theta = np.array([0.0, 0.0, az, el, 0.0, 0.0])
        f_wind, _ = _model(table, theta, t, wind=wind[:2])
        f_still, _ = _model(table, theta, t)
        assert np.max(np.linalg.norm(f_wind - flight.pos[:-1:25], axis=1)) < bound_m, toward_deg
        assert np.max(np.linalg.norm(f_still - flight.pos[:-1:25], axis=1)) > 30.0, toward_deg
        x_imp, t_imp, _, _ = table.impact(el)
        x_w, t_w, y_w = table.impact_wind_slopes(el)
        w_along = wind[0] * math.sin(az) + wind[1] * math.cos(az)
        w_right = wind[0] * math.cos(az) - wind[1] * math.sin(az)
        down, right = x_imp + w_along * x_w, w_right * y_w
        impact = np.array([down * math.sin(az) + right * math.cos(az), down * math.cos(az) - right * math.sin(az)])
        assert np.linalg.norm(impact - flight.pos[-1, :2]) < bound_m, toward_deg
        assert abs(t_imp + w_along * t_w - flight.t[-1]) < 0.05, toward_deg


def test_the_model_in_a_wind_and_its_jacobian():
    """In a wind the model's positions and range rates at the true parameters are the flight's, and
    their derivatives in the six parameters (the azimuth turns the wind's along and cross components
    too) match central differences."""
    launch, az, el = np.array([800.0, 6000.0, 0.0]), math.radians(185.0), math.radians(20.1)
    wind = np.array([7.0, -4.0, 0.0])
    table = flight_table("rocket_122mm")
    flight = fly("rocket_122mm", launch, az, el, dt=0.01, wind=wind)
    plots = _doppler_plots(flight, (np.arange(2, 48, 4) + 0.5) * table.dt)
    theta = np.array([launch[0], launch[1], az, el, 0.0, 0.0])
    f, jac = _model(table, theta, plots.t, plots.sensor, wind[:2])
    assert np.max(np.linalg.norm(f[:, :3] - plots.pos, axis=1)) < 3.0
    assert np.max(np.abs(f[:, 3] - plots.rr)) < 0.5
    for a, h in enumerate((1.0, 1.0, 1e-5, 1e-5, 1e-4, 1e-4)):
        step = np.zeros(6)
        step[a] = h
        hi, _ = _model(table, theta + step, plots.t, plots.sensor, wind[:2])
        lo, _ = _model(table, theta - step, plots.t, plots.sensor, wind[:2])
        numeric = (hi - lo) / (2.0 * h)
        assert np.allclose(jac[:, :, a], numeric, rtol=1e-4, atol=1e-4 * np.abs(numeric).max()), a


def test_a_rocket_in_a_known_wind_is_fitted_and_in_still_air_it_is_not():
    """A 122 mm rocket flown in an 8 m/s crosswind, seen over its whole flight with range rates: fitted in
    the known wind it is consistent, its launcher and impact within their 99.9 % ellipses; fitted as if
    in still air the same plots still pass the consistency test (30 m of plot noise hides the drift: the
    fit turns its azimuth), but its impact is off by more than twice as much and outside that ellipse.
    (Measured on five noise draws at 20 and 45 deg: 3-21 m off, squared Mahalanobis distance 0.1-5.4,
    in the wind; 20-47 m and 13-131 as if in still air.)"""
    rng = np.random.default_rng(3)
    launch, az = np.array([2000.0, -3000.0, 0.0]), 0.7
    wind = np.array([8.0 * math.cos(az), -8.0 * math.sin(az), 0.0])  # toward the line of fire's right
    flight = fly("rocket_122mm", launch, az, math.radians(20.0), dt=0.01, wind=wind)
    plots = _doppler_plots(flight, np.arange(0.5, flight.t[-1] - 0.5, 0.5), rng=rng)
    table = flight_table("rocket_122mm")
    known = fit_round(table, plots, wind=wind[:2])
    assert known is not None and known.consistent
    d = known.impact - flight.pos[-1, :2]
    assert d @ np.linalg.solve(known.impact_cov, d) <= CHI2_2DOF_999
    d = known.theta[:2] - launch[:2]
    assert d @ np.linalg.solve(known.cov[:2, :2], d) <= CHI2_2DOF_999
    still = fit_round(table, plots)
    assert still is not None
    d_still = still.impact - flight.pos[-1, :2]
    assert d_still @ np.linalg.solve(still.impact_cov, d_still) > CHI2_2DOF_999
    assert np.linalg.norm(d_still) > 2.0 * np.linalg.norm(known.impact - flight.pos[-1, :2])


def test_the_wind_errors_columns_of_the_jacobian():
    """With the wind's error from the met report free (8 parameters), the model at the met wind plus that
    error is the model at the true wind, and all eight columns match central differences."""
    launch, az, el = np.array([800.0, 6000.0, 0.0]), math.radians(185.0), math.radians(20.1)
    table = flight_table("rocket_122mm")
    flight = fly("rocket_122mm", launch, az, el, dt=0.01, wind=(7.0, -4.0, 0.0))
    plots = _doppler_plots(flight, (np.arange(2, 48, 4) + 0.5) * table.dt)
    met = np.array([5.5, -1.0])
    theta = np.array([launch[0], launch[1], az, el, 0.0, 0.0, 1.5, -3.0])
    f, jac = _model(table, theta, plots.t, plots.sensor, met)
    f_true, _ = _model(table, theta[:6], plots.t, plots.sensor, np.array([7.0, -4.0]))
    assert np.allclose(f, f_true, atol=1e-9)
    for a, h in enumerate((1.0, 1.0, 1e-5, 1e-5, 1e-4, 1e-4, 1e-3, 1e-3)):
        step = np.zeros(8)
        step[a] = h
        hi, _ = _model(table, theta + step, plots.t, plots.sensor, met)
        lo, _ = _model(table, theta - step, plots.t, plots.sensor, met)
        numeric = (hi - lo) / (2.0 * h)
        assert np.allclose(jac[:, :, a], numeric, rtol=1e-4, atol=1e-4 * np.abs(numeric).max()), a


def test_a_met_report_3_mps_off_is_corrected_by_the_fit_within_its_stated_error():
    """A 122 mm rocket at 45 deg in a (6, -5) m/s wind, the met report (9, -7) m/s: taken as exact, the
    fit still passes its consistency test but its impact is outside the 99.9 % ellipse; with the report's
    stated error (2.5 m/s per component) the fit frees the wind, finds the error within 3 of its sd, and
    holds the impact and the launcher in their ellipses. (Six noise draws at 25 and 45 deg: the impact's
    squared Mahalanobis distance 9-44 with the report as exact, 0.2-5.6 freed.)"""
    rng = np.random.default_rng(1)
    launch, az = np.array([2000.0, -3000.0, 0.0]), 0.7
    wind = np.array([6.0, -5.0, 0.0])
    met = wind[:2] + np.array([3.0, -2.0])
    flight = fly("rocket_122mm", launch, az, math.radians(45.0), dt=0.01, wind=wind)
    plots = _doppler_plots(flight, np.arange(0.5, flight.t[-1] - 0.5, 0.5), rng=rng)
    table = flight_table("rocket_122mm")
    exact = fit_round(table, plots, wind=met)
    assert exact is not None and exact.consistent and exact.theta.size == 6
    d = exact.impact - flight.pos[-1, :2]
    assert d @ np.linalg.solve(exact.impact_cov, d) > CHI2_2DOF_999
    free = fit_round(table, plots, wind=met, wind_sd=2.5)
    assert free is not None and free.consistent and free.theta.size == 8
    assert np.all(np.abs(free.theta[6:8] - (wind[:2] - met)) < 3.0 * np.sqrt(np.diag(free.cov)[6:8]))
    d = free.impact - flight.pos[-1, :2]
    assert d @ np.linalg.solve(free.impact_cov, d) <= CHI2_2DOF_999
    d = free.theta[:2] - launch[:2]
    assert d @ np.linalg.solve(free.cov[:2, :2], d) <= CHI2_2DOF_999
    assert free.dof == exact.dof  # each freed component is observed by its prior


def test_the_trackers_drag_acts_on_the_speed_through_the_air():
    """A round moving with the air feels no drag (gravity alone), and in a wind its acceleration is the
    still-air one at its velocity through the air; the velocity Jacobian is that of the air velocity."""
    wind = (6.0, -3.0, 0.0)
    cfg_wind, cfg_still = TrackerConfig(wind_mps=wind), TrackerConfig()
    p = np.array([[0.0, 0.0, 1500.0], [100.0, 50.0, 800.0]])
    k = np.array([1.0 / 8000.0, 1.0 / 8000.0])
    a, *_ = ballistic_accel(p, np.array([wind, wind]), k, cfg_wind)
    assert np.allclose(a, [[0.0, 0.0, -cfg_wind.gravity]] * 2, atol=1e-12)
    v = np.array([[150.0, 220.0, 40.0], [-80.0, 300.0, -60.0]])
    got = ballistic_accel(p, v, k, cfg_wind)
    ref = ballistic_accel(p, v - np.asarray(wind), k, cfg_still)
    for g, r in zip(got, ref, strict=True):
        assert np.allclose(g, r, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="wind_mps"):
        TrackerConfig(wind_mps=(1.0, float("nan"), 0.0)).check()


def test_a_runs_wind_is_drawn_from_its_seed_at_the_speed_asked():
    """The Monte Carlo wind blows at the speed asked, from the same direction for a seed whatever the
    speed, from different directions across seeds, and moves no other draw of the run."""
    w5, w10 = np.array(run_wind(11, 5.0)), np.array(run_wind(11, 10.0))
    assert math.isclose(np.linalg.norm(w5), 5.0) and w5[2] == 0.0
    assert np.allclose(w10, 2.0 * w5)
    bearings = {round(math.atan2(*run_wind(s, 5.0)[:2]), 6) for s in range(20)}
    assert len(bearings) == 20
    assert run_wind(11, 0.0) == (0.0, 0.0, 0.0)
    still, windy = build_scenario(3, Mix()), build_scenario(3, Mix(wind_mps=7.0))
    assert windy.objects == still.objects
    assert math.isclose(np.linalg.norm(windy.environment.wind_mps), 7.0)
    assert windy.environment.met_wind_mps is None and windy.environment.met_wind_sd_mps == 0.0
    # The met report's error: Gaussian per component at the stated deviation, drawn per run.
    errors = np.array([np.subtract(met_report(s, (4.0, 1.0, 0.0), 2.0)[:2], (4.0, 1.0)) for s in range(400)])
    assert np.all(np.abs(errors.std(axis=0) - 2.0) < 4 * 2.0 / math.sqrt(2 * 400))  # 4 sd of the sample sd
    assert np.all(np.abs(errors.mean(axis=0)) < 4 * 2.0 / math.sqrt(400))
    reported = build_scenario(3, Mix(wind_mps=7.0, met_error_mps=2.0)).environment
    assert reported.met_wind_sd_mps == 2.0 and reported.met_wind_mps != reported.wind_mps
    misstated = build_scenario(3, Mix(wind_mps=7.0, met_error_mps=2.0, met_sd_mps=0.0)).environment
    assert misstated.met_wind_sd_mps == 0.0 and misstated.met_wind_mps == reported.met_wind_mps
    told_nothing = build_scenario(3, Mix(wind_mps=7.0, met_error_mps=2.0, met_report=False)).environment
    assert told_nothing.met_wind_mps == [0.0, 0.0, 0.0] and told_nothing.met_wind_sd_mps == 0.0


def test_the_engine_flies_rounds_in_the_met_reports_wind():
    """The engine's tracker, impact and origin predictions and library fit take the met report's wind: the
    scenario's ``met_wind_mps``, or its true wind when the report is not given; [0, 0, 0] is an engine
    told nothing. A bad met wind is refused naming the field."""
    base = base_scenario("met", 1, 10.0, [], wind_mps=(6.0, -2.0, 0.0), met_wind_sd_mps=1.5)
    data = base.model_dump()
    cases = ((None, (6.0, -2.0, 0.0)), ([0.0, 0.0, 0.0], (0.0, 0.0, 0.0)), ([3.0, 1.0, 0.0], (3.0, 1.0, 0.0)))
    for met, expect in cases:
        data["environment"]["met_wind_mps"] = met
        engine = Engine(Scenario.model_validate(data))
        assert engine.wind == expect
        assert engine.tracker.config.wind_mps == expect
        assert np.array_equal(engine.launch_fits.wind, expect[:2])
        assert engine.launch_fits.wind_sd == 1.5
    data["environment"]["met_wind_mps"] = [3.0, 1.0]
    with pytest.raises(ValidationError, match="met_wind_mps"):
        Scenario.model_validate(data)
    data["environment"]["met_wind_mps"] = None
    data["environment"]["met_wind_sd_mps"] = -1.0
    with pytest.raises(ValidationError, match="met_wind_sd_mps"):
        Scenario.model_validate(data)


def test_a_sheared_wind_the_world_flies_its_rounds_in_and_the_engine_is_told_at_the_surface():
    """A Monte Carlo run with ``wind_shear``: the profile is the power law through the 10 m wind (hand
    computed: 8 m/s x (300 / 10) ^ (1/7) = 13.0 m/s at the 300 m top, the same above), the world's mortar
    bomb, laid for that profile, lands on its aim point, and an engine told nothing else flies rounds in
    that profile (a met report that is right); the Monte Carlo mix tells it the 10 m wind, or with
    ``met_by_height`` the profile, off by the run's one error."""
    from bastion.evaluate.montecarlo import shear_profile
    from bastion.world.truth import World

    rows = np.asarray(shear_profile((8.0, 0.0, 0.0), 1.0 / 7.0, 300.0))
    top = 8.0 * 30.0 ** (1.0 / 7.0)
    assert rows[0].tolist() == [0.0, 8.0, 0.0] and np.interp(10.0, rows[:, 0], rows[:, 1]) == pytest.approx(8.0)
    assert rows[-1, 0] == 300.0 and rows[-1, 1] == pytest.approx(top) and top == pytest.approx(13.0, abs=0.05)
    assert np.all(np.diff(rows[:, 1]) >= 0.0) and np.all(rows[:, 2] == 0.0)
    mortar = {"kind": "mortar", "name": "m", "preset": "mortar_120mm", "launch": [0.0, 6000.0, 0.0],
              "target": [200.0, 0.0, 0.0], "t_launch_s": 5.0, "aim_error_m": 0.0}
    sheared = base_scenario("shear", 1, 60.0, [mortar], wind_profile=rows.tolist())
    impact = np.asarray(World(sheared, 1).objects[0].meta["impact_point"], float)
    assert math.hypot(impact[0] - 200.0, impact[1]) < 1.0
    engine = Engine(sheared)
    assert engine.wind == (8.0, 0.0, 0.0) and engine.met_profile is not None
    assert np.allclose(engine.met_profile.at([300.0])[0], [top, 0.0, 0.0])
    assert engine.tracker.config.wind_profile[-1] == (300.0, rows[-1, 1], 0.0)
    with pytest.raises(ValidationError, match="not both"):
        Scenario.model_validate({**sheared.model_dump(), "environment": {"wind_mps": [1.0, 0.0, 0.0],
                                                                          "wind_profile": rows.tolist()}})
    with pytest.raises(ValidationError, match="must increase"):
        Scenario.model_validate({**sheared.model_dump(), "environment": {"wind_profile": [[0.0, 1.0, 0.0],
                                                                                          [0.0, 2.0, 0.0]]}})
    # The Monte Carlo mix: the scenario carries the profile and a surface met report.
    built = build_scenario(7000, dataclasses.replace(Mix(), wind_mps=8.0, wind_shear=1.0 / 7.0))
    assert built.environment.wind_profile is not None and built.environment.wind_mps == [0.0, 0.0, 0.0]
    speed_10m = math.hypot(*built.environment.met_wind_mps[:2])
    assert speed_10m == pytest.approx(8.0)
    message = build_scenario(7000, dataclasses.replace(Mix(), wind_mps=8.0, wind_shear=1.0 / 7.0, met_error_mps=1.5,
                                                       met_by_height=True)).environment
    off = np.asarray(message.met_wind_profile) - np.asarray(message.wind_profile)
    assert message.met_wind_mps is None and message.met_wind_sd_mps == 1.5
    assert np.all(off[:, 0] == 0.0) and np.allclose(off[:, 1:], off[0, 1:]) and np.any(off[0, 1:] != 0.0)


def test_a_veering_wind_turns_clockwise_with_log_height_and_a_mortar_laid_for_it_lands_on_aim():
    """``veer_deg``: a wind blowing toward the north at 10 m (0, 8) m/s veering 30 deg by the 1 km top
    blows toward 30 deg east of north there, at the power law's speed (hand computed: 8 x 100 ^ 0.2 =
    20.1 m/s, so (20.1 sin 30, 20.1 cos 30) = (10.05, 17.4)); half-way in log height (100 m) it has turned
    15 deg; the speed at each height is the unturned profile's. A mortar bomb laid for the profile lands
    on its aim point, and the Monte Carlo mix builds the profile from ``wind_veer_deg`` even in a wind
    of one speed (``wind_shear`` 0)."""
    from bastion.evaluate.montecarlo import shear_profile
    from bastion.world.truth import World

    rows = np.asarray(shear_profile((0.0, 8.0, 0.0), 0.2, 1000.0, veer_deg=30.0))
    plain = np.asarray(shear_profile((0.0, 8.0, 0.0), 0.2, 1000.0))
    top = 8.0 * 100.0 ** 0.2
    assert rows[-1, 0] == 1000.0 and rows[-1, 1:] == pytest.approx([top * 0.5, top * math.sqrt(3.0) / 2.0])
    assert rows[0].tolist() == [0.0, 0.0, 8.0]
    np.testing.assert_allclose(np.hypot(rows[:, 1], rows[:, 2]), np.hypot(plain[:, 1], plain[:, 2]), rtol=1e-12)
    compass = np.degrees(np.arctan2(rows[:, 1], rows[:, 2]))
    assert np.interp(100.0, rows[:, 0], compass) == pytest.approx(15.0, abs=0.5)
    assert np.all(np.diff(compass) >= 0.0)  # clockwise seen from above, never back
    assert np.all(np.asarray(shear_profile((0.0, 8.0, 0.0), 0.2, 1000.0, veer_deg=-30.0))[-1, 1] < 0.0)
    mortar = {"kind": "mortar", "name": "m", "preset": "mortar_120mm", "launch": [0.0, 6000.0, 0.0],
              "target": [200.0, 0.0, 0.0], "t_launch_s": 5.0, "aim_error_m": 0.0}
    veering = base_scenario("veer", 1, 60.0, [mortar], wind_profile=rows.tolist())
    impact = np.asarray(World(veering, 1).objects[0].meta["impact_point"], float)
    assert math.hypot(impact[0] - 200.0, impact[1]) < 1.0
    built = build_scenario(7000, dataclasses.replace(Mix(), wind_mps=8.0, wind_veer_deg=30.0)).environment
    table = np.asarray(built.wind_profile)
    turned = np.degrees(np.arctan2(table[-1, 1], table[-1, 2]) - np.arctan2(table[1, 1], table[1, 2]))
    assert (turned + 180.0) % 360.0 - 180.0 == pytest.approx(30.0)
    assert np.hypot(table[:, 1], table[:, 2]) == pytest.approx(8.0)


@pytest.mark.parametrize(("name", "el_deg"), [("rocket_122mm", 20.0), ("howitzer_105mm/7", 30.0)])
def test_a_round_in_a_sheared_crosswind_is_fitted_in_its_ballistic_wind_from_a_report_by_height(name, el_deg):
    """A crosswind of 2 m/s at the ground growing to 16 m/s at 1.5 km (the rounds climb to 1.3-1.8 km), plots
    over the first 60 % of the flight: fitted in the report by height (each round in its ballistic wind)
    the impact lies in its 99.9 % ellipse; fitted in the ground's wind it does not. (Measured on noise
    draws 0-4: 12-48 m off, squared Mahalanobis distance 1.4-9.9 by height; 50-92 m and 37-70 in the
    ground's wind.) A report of one wind at every height gives that wind as every round's ballistic wind."""
    from bastion.assess.launch_fit import LaunchFitter
    from bastion.physics.ballistic import WindProfile

    launch, az = np.array([2000.0, -3000.0, 0.0]), 0.7
    right = np.array([math.cos(az), -math.sin(az), 0.0])
    profile = WindProfile([0.0, 10.0, 1500.0], np.array([2.0, 2.0, 16.0])[:, None] * right)
    flight = fly(name, launch, az, math.radians(el_deg), dt=0.01, wind=profile)
    table = flight_table(name)
    for seed in range(3):
        plots = _doppler_plots(flight, np.arange(0.5, 0.6 * flight.t[-1], 0.5), rng=np.random.default_rng(seed))
        by_height = LaunchFitter((name,), profile=profile)._fit(table, plots, None)
        ground = fit_round(table, plots, wind=profile.at([0.0])[0, :2])
        assert by_height is not None and by_height.consistent and ground is not None
        d = by_height.impact - flight.pos[-1, :2]
        assert d @ np.linalg.solve(by_height.impact_cov, d) <= CHI2_2DOF_999
        d = ground.impact - flight.pos[-1, :2]
        assert d @ np.linalg.solve(ground.impact_cov, d) > CHI2_2DOF_999
    flat = WindProfile([0.0, 3000.0], [[5.0, -4.0, 0.0], [5.0, -4.0, 0.0]])
    winds = LaunchFitter((name,), profile=flat).wind_for(table)
    assert np.allclose(winds.impact(0.7, math.radians(el_deg)), [5.0, -4.0], rtol=0, atol=1e-9)


def test_the_trackers_drag_in_a_wind_by_height_and_its_altitude_derivative():
    """With a report by height the tracker's drag acts on the velocity through the air at each body's height:
    a profile of one wind is that constant wind, and the altitude derivative (the air density's and the
    shear's) matches a central difference."""
    rows = ((0.0, 2.0, -1.0), (500.0, 10.0, 3.0), (2000.0, 14.0, 6.0))
    cfg = TrackerConfig(wind_profile=rows)
    cfg.check()
    p = np.array([[0.0, 0.0, 250.0], [100.0, 50.0, 1250.0], [0.0, 0.0, 2500.0]])
    v = np.array([[150.0, 220.0, 40.0], [-80.0, 300.0, -60.0], [10.0, 200.0, -90.0]])
    k = np.full(3, 1.0 / 3000.0)
    a, da_du, *_ = ballistic_accel(p, v, k, cfg)
    wind_at = np.array([[6.0, 1.0, 0.0], [12.0, 4.5, 0.0], [14.0, 6.0, 0.0]])  # hand-read off the rows
    ref, *_ = ballistic_accel(p, v - wind_at, k, TrackerConfig())
    assert np.allclose(a, ref, rtol=1e-12, atol=1e-12)
    h = 0.01
    up, down = p.copy(), p.copy()
    up[:, 2] += h
    down[:, 2] -= h
    numeric = (ballistic_accel(up, v, k, cfg)[0] - ballistic_accel(down, v, k, cfg)[0]) / (2.0 * h)
    assert np.allclose(da_du, numeric, rtol=1e-5, atol=1e-9)
    flat = ballistic_accel(p, v, k, TrackerConfig(wind_profile=((0.0, 6.0, -3.0), (900.0, 6.0, -3.0))))
    const = ballistic_accel(p, v, k, TrackerConfig(wind_mps=(6.0, -3.0, 0.0)))
    for f, c in zip(flat, const, strict=True):
        assert np.array_equal(f, c)
    with pytest.raises(ValueError, match="wind_profile"):
        TrackerConfig(wind_profile=((0.0, 1.0, 1.0), (0.0, 2.0, 2.0))).check()
