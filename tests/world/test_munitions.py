"""Munition presets: vacuum closed forms, calibration against published ranges, aiming."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.errors import UserError
from bastion.physics.atmosphere import G0
from bastion.world import munitions as mu

MORTARS = [name for name, m in mu.PRESETS.items() if m.kind == "mortar"]
ROCKETS = [name for name, m in mu.PRESETS.items() if m.kind == "rocket"]


@pytest.fixture(scope="module")
def best():
    """Best elevation and range of every preset with drag (computed once: it is the costly part)."""
    return {name: mu.best_elevation(name) for name in mu.PRESETS}


def test_presets_are_complete():
    assert set(MORTARS) == {"mortar_60mm", "mortar_81mm", "mortar_120mm"}
    assert {"rocket_107mm", "rocket_122mm"} <= set(ROCKETS)
    for m in mu.PRESETS.values():
        assert m.rcs_m2 > 0 and m.max_range_m > 0 and m.beta > 0
        assert "max_range_m" in m.sources and m.sources["max_range_m"]
        assert (m.boost is not None) == (m.kind == "rocket")


@pytest.mark.parametrize("name", MORTARS)
def test_mortar_in_vacuum_matches_closed_form(name):
    m = mu.PRESETS[name]
    v = m.launch_speed_mps
    el, rng = mu.best_elevation(name, drag=False, dt=0.1)
    assert math.degrees(el) == pytest.approx(45.0, abs=0.05)
    assert rng == pytest.approx(v**2 / G0, rel=1e-6)
    th = math.radians(60.0)
    tr = mu.fly(name, (10.0, 20.0, 5.0), math.radians(120.0), th, drag=False, dt=0.1)
    assert tr.ground_range == pytest.approx(v**2 * math.sin(2 * th) / G0, rel=1e-9)
    assert tr.impact_time == pytest.approx(2 * v * math.sin(th) / G0, rel=1e-9)
    assert tr.apex - 5.0 == pytest.approx((v * math.sin(th)) ** 2 / (2 * G0), rel=1e-6)
    # Fired on bearing 120 deg: the impact lies on that bearing.
    d = tr.impact_pos - tr.pos[0]
    assert math.degrees(math.atan2(d[0], d[1])) == pytest.approx(120.0, abs=1e-9)


@pytest.mark.parametrize("name", list(mu.PRESETS))
def test_reaches_published_range_within_5_percent(best, name):
    el, rng = best[name]
    published = mu.PRESETS[name].max_range_m
    assert abs(rng - published) / published < 0.05
    assert 30.0 < math.degrees(el) < 60.0


@pytest.mark.parametrize("name", ROCKETS)
def test_rocket_peak_speed_matches_published(best, name):
    m = mu.PRESETS[name]
    tr = mu.fly(name, (0.0, 0.0, 0.0), 0.0, best[name][0])
    peak = float(np.linalg.norm(tr.vel, axis=1).max())
    assert abs(peak - m.max_speed_mps) / m.max_speed_mps < 0.05


def test_trajectory_is_sampled_at_fixed_dt_and_ends_on_the_ground():
    tr = mu.fly("mortar_81mm", (0.0, 0.0, 12.0), 0.3, math.radians(50.0), dt=0.1)
    np.testing.assert_allclose(np.diff(tr.t[:-1]), 0.1, atol=1e-9)
    assert 0.0 < tr.t[-1] - tr.t[-2] <= 0.1 + 1e-9
    assert tr.impact_pos[2] == pytest.approx(12.0, abs=1e-6)
    assert np.all(tr.pos[:-1, 2] > 12.0 - 1e-9)


def test_fly_many_matches_fly_and_perturbations_move_the_impact():
    az, el = 1.0, math.radians(55.0)
    tr = mu.fly("mortar_120mm", (0.0, 0.0, 0.0), az, el)
    t, p, _ = mu.fly_many("mortar_120mm", (0.0, 0.0, 0.0), [az, az, az], [el, el, el],
                          speed_scale=[1.0, 1.01, 1.0], beta_scale=[1.0, 1.0, 0.9])
    assert t[0] == pytest.approx(tr.impact_time, rel=1e-12)
    np.testing.assert_allclose(p[0], tr.impact_pos, atol=1e-9)
    r = np.hypot(p[:, 0], p[:, 1])
    assert r[1] > r[0] > r[2]


def test_rocket_vacuum_flight_is_longer_and_motor_still_burns():
    el = math.radians(45.0)
    drag = mu.fly("rocket_107mm", (0.0, 0.0, 0.0), 0.0, el)
    vac = mu.fly("rocket_107mm", (0.0, 0.0, 0.0), 0.0, el, drag=False)
    assert vac.ground_range > drag.ground_range
    assert np.linalg.norm(vac.vel, axis=1).max() > 300.0


@pytest.mark.parametrize(
    "name, target, wind",
    [
        ("mortar_81mm", (2500.0, 3000.0, 40.0), (0.0, 0.0, 0.0)),
        ("mortar_60mm", (-1500.0, -1200.0, 0.0), (5.0, -3.0, 0.0)),
        ("rocket_107mm", (6000.0, -1000.0, -20.0), (3.0, 4.0, 0.0)),
    ],
)
def test_aim_lands_on_target(name, target, wind):
    launch = np.array([100.0, -200.0, 0.0])
    az, el = mu.aim(name, launch, target, wind=wind)
    m = mu.PRESETS[name]
    el_best, _ = mu.best_elevation(name)
    assert (el > el_best) == m.high_angle_default
    tr = mu.fly(name, launch, az, el, wind=wind, ground_up=target[2])
    assert np.linalg.norm(tr.impact_pos[:2] - np.asarray(target[:2])) < 2.0


def test_aim_bracketing_fallback_agrees_with_newton_path(monkeypatch):
    """The Newton fast path and the bracketing search it falls back on lay the same round within the
    tolerance (both land within 0.5 m of the target's range and bearing)."""
    launch, target, wind = np.array([0.0, 0.0, 0.0]), np.array([5200.0, 2600.0, 0.0]), (4.0, -3.0, 0.0)
    fast = mu.aim("rocket_107mm", launch, target, wind=wind)
    monkeypatch.setattr(mu, "_aim_newton", lambda *a, **k: None)
    slow = mu.aim("rocket_107mm", launch, target, wind=wind)
    for az, el in (fast, slow):
        tr = mu.fly("rocket_107mm", launch, az, el, wind=wind, dt=0.05)
        assert np.linalg.norm(tr.impact_pos[:2] - target[:2]) < 1.0
    assert abs(fast[1] - slow[1]) < 1e-3 and abs(fast[0] - slow[0]) < 1e-3


def test_aim_angle_override_and_out_of_range():
    az, el = mu.aim("rocket_107mm", (0.0, 0.0, 0.0), (0.0, 8000.0, 0.0), high_angle=True)
    tr = mu.fly("rocket_107mm", (0.0, 0.0, 0.0), az, el)
    assert el > mu.best_elevation("rocket_107mm")[0] and abs(tr.impact_pos[1] - 8000.0) < 2.0
    with pytest.raises(UserError, match="low-angle"):  # a mortar cannot be laid below 45 degrees
        mu.aim("mortar_120mm", (0.0, 0.0, 0.0), (0.0, 4000.0, 0.0), high_angle=False)
    with pytest.raises(UserError, match="out of range"):
        mu.aim("mortar_60mm", (0.0, 0.0, 0.0), (0.0, 5000.0, 0.0))
    with pytest.raises(UserError, match="closer than"):
        mu.aim("mortar_60mm", (0.0, 0.0, 0.0), (0.0, 50.0, 0.0))
    with pytest.raises(UserError, match="unknown"):
        mu.get_preset("mortar_99mm")


def test_state_at_interpolates_between_samples():
    tr = mu.fly("mortar_81mm", (0.0, 0.0, 0.0), 0.0, math.radians(60.0), drag=False, dt=0.5)
    v = mu.PRESETS["mortar_81mm"].launch_speed_mps
    t = np.array([0.0, 0.26, 7.77, tr.impact_time - 0.1])
    pos, vel = tr.state_at(t)
    vz0, vy0 = v * math.sin(math.radians(60.0)), v * math.cos(math.radians(60.0))
    np.testing.assert_allclose(pos[:, 1], vy0 * t, atol=1e-9)
    np.testing.assert_allclose(pos[:, 2], vz0 * t - 0.5 * G0 * t**2, atol=1e-9)  # cubic is exact here
    np.testing.assert_allclose(vel[:, 2], vz0 - G0 * t, atol=1e-9)


def test_rounds_aimed_and_flown_together_match_each_alone(monkeypatch):
    """``aim_many`` and ``fly_paths`` (a world's rounds of one preset, laid and flown as one batch) give
    exactly, bit for bit, what ``aim`` and ``fly`` give for each round alone: different launch points,
    target heights and ranges, in a wind. One round's batched Newton search is made to fail, so that it
    goes the way of a round that does not converge (aimed alone by ``aim``)."""
    batched = mu._aim_newton_many

    def one_fails(*args, **kwargs):
        out = batched(*args, **kwargs)
        return [None if j == 2 and len(out) > 1 else sol for j, sol in enumerate(out)]

    monkeypatch.setattr(mu, "_aim_newton_many", one_fails)
    rng = np.random.default_rng(11)
    wind = np.array([4.0, -3.0, 0.0])
    launches = np.column_stack([rng.uniform(-500, 500, 6), rng.uniform(-500, 500, 6), [0, 0, 10, -60, 0, 5]])
    rng_m = rng.uniform(2000.0, 7500.0, 6)
    bearing = rng.uniform(0.0, 2.0 * np.pi, 6)
    targets = launches + np.column_stack([rng_m * np.sin(bearing), rng_m * np.cos(bearing), [0, 20, -10, 0, 0, 0]])
    az, el = mu.aim_many("rocket_107mm", launches, targets, wind=wind, dt=0.2)
    paths = mu.fly_paths("rocket_107mm", launches, az, el, wind=wind, dt=0.1)
    for j in range(6):
        az1, el1 = mu.aim("rocket_107mm", launches[j], targets[j], wind=wind, dt=0.2)
        assert (az[j], el[j]) == (az1, el1)
        one = mu.fly("rocket_107mm", launches[j], az1, el1, wind=wind, dt=0.1)
        for a, b in ((paths[j].t, one.t), (paths[j].pos, one.pos), (paths[j].vel, one.vel)):
            assert a.shape == b.shape and np.array_equal(a, b)
        # ... and land where they were aimed (0.5 m tolerance; on the 0.1 s flight to the target's height, 2 m).
        hit = mu.fly("rocket_107mm", launches[j], az1, el1, wind=wind, dt=0.1, ground_up=targets[j, 2]).impact_pos
        assert np.linalg.norm(hit[:2] - targets[j, :2]) < 2.0
    with pytest.raises(UserError, match="out of range"):
        mu.aim_many("mortar_60mm", [(0.0, 0.0, 0.0)] * 2, [(0.0, 3000.0, 0.0), (0.0, 9000.0, 0.0)])
