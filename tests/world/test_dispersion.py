"""Round-to-round velocity dispersion (a round spec's ``velocity_sd``): the world draws each round's velocity
factor from the round's own stream, lays the tube for the nominal round, and flies the dispersed one; the
spread of the impacts along the line of fire is the one the range's sensitivity to velocity predicts."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.errors import UserError
from bastion.evaluate.montecarlo import base_scenario
from bastion.world.munitions import aim, dispersed, fly
from bastion.world.truth import World

LAUNCH = np.array([0.0, -4000.0, 0.0])
TARGET = np.array([0.0, 0.0, 0.0])


def _rounds(kind: str, preset: str, n: int, velocity_sd: float) -> list[dict]:
    return [{"kind": kind, "name": f"r{k}", "preset": preset, "launch": LAUNCH.tolist(), "target": TARGET.tolist(),
             "t_launch_s": 1.0, "aim_error_m": 0.0, "velocity_sd": velocity_sd} for k in range(n)]


def _impacts(objects: list[dict], seed: int = 5) -> np.ndarray:
    world = World(base_scenario("dispersion", seed, 90.0, objects), seed)
    return np.array([o.meta["impact_point"][:2] for o in world.objects])


@pytest.mark.parametrize(("kind", "preset"), [("mortar", "mortar_81mm"), ("rocket", "rocket_107mm")])
def test_the_impacts_spread_along_the_line_of_fire_as_the_range_sensitivity_says(kind, preset):
    """40 rounds laid alike at 4 km, 1 % velocity sd: the downrange (north) spread's sd is within 35 % of
    |R(1.01) - R(0.99)| / 2 (two flights at the nominal laying with the velocity changed by hand; the
    sample sd of 40 draws is within 35 % with probability > 0.999), the mean within 3 standard errors of
    the nominal range, and the cross-range spread under a metre (velocity moves a round along its line)."""
    impacts = _impacts(_rounds(kind, preset, 40, 0.01))
    az, el = aim(preset, LAUNCH, TARGET)
    nominal = fly(preset, LAUNCH, az, el).impact_pos[1]
    ranges = [fly(dispersed(preset, f), LAUNCH, az, el).impact_pos[1] for f in (0.99, 1.01)]
    expected_sd = abs(ranges[1] - ranges[0]) / 2.0
    assert expected_sd > 10.0  # the test has something to measure
    sd = float(np.std(impacts[:, 1], ddof=1))
    assert 0.65 * expected_sd < sd < 1.35 * expected_sd
    assert abs(np.mean(impacts[:, 1]) - nominal) < 3.0 * expected_sd / np.sqrt(len(impacts))
    assert np.std(impacts[:, 0]) < 1.0


def test_without_dispersion_every_round_flies_its_nominal_flight_and_one_rounds_draw_moves_no_other():
    """velocity_sd 0 lands where the nominal laying's flight does (centimetres: the world's 0.1 s step);
    giving the first round dispersion moves it and leaves the second exactly where it was."""
    objects = _rounds("mortar", "mortar_81mm", 2, 0.0)
    plain = _impacts(objects)
    az, el = aim("mortar_81mm", LAUNCH, TARGET)
    assert np.allclose(plain, fly("mortar_81mm", LAUNCH, az, el).impact_pos[:2], atol=0.05)
    objects[0]["velocity_sd"] = 0.01
    moved = _impacts(objects)
    assert abs(moved[0, 1] - plain[0, 1]) > 0.01
    assert np.array_equal(moved[1], plain[1])


@pytest.mark.parametrize("value", [-0.01, 0.5])
def test_a_velocity_dispersion_out_of_range_is_refused_naming_the_field(value):
    objects = _rounds("rocket", "rocket_107mm", 1, value)
    with pytest.raises(UserError, match="velocity_sd"):
        base_scenario("dispersion", 1, 90.0, objects)
