"""An airliner given as an approach flies down its glide path onto the runway threshold; a bad aircraft
spec is refused with the field named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.errors import UserError
from bastion.scenario.load import parse_scenario
from bastion.world.truth import World
from tests.scenario_text import FIELD_WITH_ONE_RADAR

BASE = 'name = "approach"\nduration_s = 200.0\n' + FIELD_WITH_ONE_RADAR


def _world(aircraft: str) -> World:
    return World(parse_scenario(BASE + aircraft, "approach.toml"))


@pytest.mark.parametrize("course_deg, glide_deg", [(270.0, 3.0), (45.0, 3.0), (160.0, 4.5)])
def test_approach_is_flown_down_the_glide_path_to_the_threshold(course_deg, glide_deg):
    w = _world(f"""
[[objects]]
kind = "aircraft"
name = "arrival"
callsign = "ABC123"
icao = "70ABCD"
speed_mps = 70.0
[objects.approach]
threshold = [1500.0, -200.0, 12.0]
course_deg = {course_deg}
glide_deg = {glide_deg}
distance_m = 8000.0
""")
    obj = w.objects[0]
    # 8 km along the slope at 70 m/s.
    assert obj.t_end == pytest.approx(8000.0 / math.cos(math.radians(glide_deg)) / 70.0, rel=1e-9)
    _, pos_end, _ = w.state(obj.t_end)
    np.testing.assert_allclose(pos_end[0], [1500.0, -200.0, 12.0], atol=70.0 * w.dt)  # truth on its time grid
    # 8 km out, tan(glide) x 8 km above the threshold, on the reciprocal of the course.
    c = math.radians(course_deg)
    _, pos0, vel0 = w.state(0.0)
    np.testing.assert_allclose(pos0[0], [1500.0 - 8000.0 * math.sin(c), -200.0 - 8000.0 * math.cos(c),
                                         12.0 + 8000.0 * math.tan(math.radians(glide_deg))], atol=1e-6)
    v = vel0[0]
    assert math.degrees(math.atan2(-v[2], math.hypot(v[0], v[1]))) == pytest.approx(glide_deg, abs=1e-9)
    assert math.degrees(math.atan2(v[0], v[1])) % 360.0 == pytest.approx(course_deg, abs=1e-9)
    assert np.linalg.norm(v) == pytest.approx(70.0)


@pytest.mark.parametrize("body, words", [
    ('start = [0.0, 0.0, 500.0]\nend = [1000.0, 0.0, 0.0]\n'
     'approach = { threshold = [0.0, 0.0, 0.0], course_deg = 90.0 }', "not both"),
    ('start = [0.0, 0.0, 500.0]', "give start and end"),
    ('approach = { threshold = [0.0, 0.0, 0.0], course_deg = 90.0, glide_deg = 20.0 }', "glide_deg"),
])
def test_bad_aircraft_path_is_refused_naming_the_object(body, words):
    with pytest.raises(UserError) as err:
        _world(f'[[objects]]\nkind = "aircraft"\nname = "a"\ncallsign = "X"\nicao = "1"\n{body}\n')
    assert "approach.toml" in str(err.value) and "objects[0]" in str(err.value) and words in str(err.value)
