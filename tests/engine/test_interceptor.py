"""An interceptor battery is assigned, launches one missile per shot, and its outcome is drawn."""

from __future__ import annotations

from bastion.evaluate.summary import build_summary
from bastion.events import FireOrder
from bastion.scenario import builtin_text, parse_scenario
from bastion.sim import Simulation


def test_long_range_rocket_is_engaged_by_the_interceptor_battery():
    text = builtin_text("night-raid")
    text = text.replace('preset = "rocket_107mm"\nlaunch = [-3900.0, 4500.0, 0.0]',
                        'preset = "rocket_122mm"\nlaunch = [-9000.0, 12000.0, 0.0]')
    text = text.replace("[roe]", """[[effectors]]
name = "battery-1"
type = "interceptor"
position = [-300.0, -200.0, 0.0]
min_range_m = 2000.0
cost_per_shot = 20.0

[roe]""")
    scenario = parse_scenario(text, "interceptor.toml")
    result = Simulation(scenario, 1).run()
    fires = [e for e in result.events if isinstance(e, FireOrder)]
    missiles = [f for f in fires if f.effector == "battery-1"]
    assert missiles and all(f.rounds == 1 for f in missiles)
    s = build_summary(scenario, result.world, result.events, result.first_detection, 1)
    assert s["totals"]["interceptors_fired"] == len(missiles)
    assert s["totals"]["rounds_fired"] == sum(f.rounds for f in fires if f.effector == "gun-1")
    rocket = next(o for o in s["objects"] if o["id"] == "rocket-1")
    shots = [e for e in rocket["engagements"] if e["effector"] == "battery-1"]
    assert shots and all(e["authorised_by"] == "roe:pre-authorised" for e in shots)
    assert s["totals"]["fratricide_engagements"] == 0
