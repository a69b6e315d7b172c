"""A wind that varies with height: the same flights as a constant wind where the profile is one, a bound by
the winds it lies between, and the world's rounds flown and aimed in it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.physics.ballistic import WindProfile, integrate_to_ground, trajectory_to_ground
from bastion.world.munitions import aim, fly

SHOTS_VEL = np.array([[0.0, 200.0, 200.0], [150.0, 0.0, 260.0], [90.0, 90.0, 60.0]])  # m/s, ENU
BETA = np.array([900.0, 1200.0, 600.0])  # kg/m^2


def _land(wind):
    return integrate_to_ground(np.zeros_like(SHOTS_VEL), SHOTS_VEL, BETA, wind=wind, dt=0.05)


def test_a_profile_of_one_wind_flies_exactly_as_that_constant_wind():
    wind = np.array([6.0, -3.0, 0.0])
    flat = WindProfile([0.0, 500.0, 3000.0], np.tile(wind, (3, 1)))
    for a, b in zip(_land(wind), _land(flat), strict=True):
        np.testing.assert_array_equal(a, b)


def test_wind_above_the_apex_changes_nothing_and_the_drift_lies_between_the_layers_winds():
    apex = float(np.max(trajectory_to_ground(np.zeros_like(SHOTS_VEL), SHOTS_VEL, BETA, dt=0.05)[1][..., 2]))
    above = WindProfile([0.0, apex + 1.0, apex + 2.0], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [20.0, 0.0, 0.0]])
    for a, b in zip(_land((0.0, 0.0, 0.0)), _land(above), strict=True):
        np.testing.assert_array_equal(a, b)
    # A crosswind growing from 4 m/s at the ground to 12 m/s at 1 km (every shot's apex is below 3 km):
    # each round drifts east more than in 4 m/s everywhere and less than in 12 m/s everywhere.
    sheared = WindProfile([0.0, 1000.0], [[4.0, 0.0, 0.0], [12.0, 0.0, 0.0]])
    east = _land(sheared)[1][:, 0]
    low, high = _land((4.0, 0.0, 0.0))[1][:, 0], _land((12.0, 0.0, 0.0))[1][:, 0]
    assert np.all(low < east) and np.all(east < high)


def test_a_profile_must_have_increasing_heights():
    with pytest.raises(ValueError, match="increasing"):
        WindProfile([0.0, 100.0, 100.0], np.zeros((3, 3)))


def test_a_round_aimed_in_a_sheared_wind_lands_on_its_target():
    """The crew lays for the profile (the world's rounds): the flight in it ends within the aim tolerance."""
    sheared = WindProfile([0.0, 10.0, 300.0, 5000.0], [[5.0, 2.0, 0.0], [5.0, 2.0, 0.0], [8.1, 3.3, 0.0],
                                                       [8.1, 3.3, 0.0]])
    launch, target = np.array([0.0, 6000.0, 0.0]), np.array([300.0, 0.0, 0.0])
    az, el = aim("mortar_120mm", launch, target, wind=sheared)
    impact = fly("mortar_120mm", launch, az, el, wind=sheared).pos[-1]
    assert math.hypot(*(impact - target)[:2]) < 0.5
    # ... and the same laying in a constant 10 m wind misses by the shear's drift: tens of metres.
    still_10m = fly("mortar_120mm", launch, az, el, wind=(5.0, 2.0, 0.0)).pos[-1]
    assert math.hypot(*(still_10m - target)[:2]) > 20.0
