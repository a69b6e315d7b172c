"""Scenario files: every built-in loads; bad files give one clear line per problem naming file and field."""

from __future__ import annotations

import pytest

from bastion.errors import UserError
from bastion.scenario import builtin_names, builtin_text, load_scenario, parse_scenario


def test_builtins_load_and_are_complete():
    assert {"night-raid", "airport-rocket", "compound-salvo"} <= set(builtin_names())
    for name in builtin_names():
        s = load_scenario(name)
        assert s.name == name and s.sensors and s.effectors and s.objects and s.roe.sectors


def _problems(text: str) -> list[str]:
    with pytest.raises(UserError) as err:
        parse_scenario(text, "raid.toml")
    return err.value.problems


def test_each_problem_is_one_line_with_file_and_field():
    text = builtin_text("night-raid")
    text = text.replace('kind = "birds"', 'kind = "bats"', 1)
    text = text.replace("approval_delay_s = 4.0", "approval_delay_s = -4.0")
    text = text.replace('preset = "rocket_107mm"', 'preset = "rocket_999mm"')
    text = text.replace("value = 100.0", "value = 100.0\ncolour = 'red'")
    probs = _problems(text)
    assert "raid.toml: operator.approval_delay_s: must be >= 0" in probs
    assert "raid.toml: assets[0].colour: unknown key" in probs
    assert any(p.startswith("raid.toml: objects[3]: unknown kind 'bats'") for p in probs)
    assert any(p.startswith("raid.toml: objects[2].preset: unknown munition preset 'rocket_999mm'") for p in probs)
    assert all(p.startswith("raid.toml: ") and "\n" not in p for p in probs)


def test_cross_field_checks():
    text = builtin_text("night-raid")
    probs = _problems(text.replace("min_range_m = 150.0", "min_range_m = 20000.0"))
    assert probs == ["raid.toml: sensors[0]: min_range_m must be below range_m"]
    dup = text.replace('name = "drone-2"', 'name = "drone-1"')
    assert any("objects: names must be unique" in p for p in _problems(dup))
    assert any("missing" in p for p in _problems(text.replace('name = "night-raid"\n', "")))


def test_a_zone_may_set_its_time_to_get_down_and_a_negative_one_is_refused():
    text = builtin_text("night-raid")
    first = "time_to_shelter_s = 10.0\n"
    s = parse_scenario(text.replace(first, first + "time_to_get_down_s = 3.0\n", 1), "raid.toml")
    assert [z.time_to_get_down_s for z in s.warning_zones] == [3.0, None, None, None]
    probs = _problems(text.replace(first, first + "time_to_get_down_s = -1.0\n", 1))
    assert probs == ["raid.toml: warning_zones[0].time_to_get_down_s: must be >= 0"]


def test_a_scenario_may_set_the_warning_policy_and_bad_settings_are_named():
    from bastion.engine import Engine
    from bastion.warn.warning import WarningConfig

    text = builtin_text("night-raid") + "\n[warning]\nmargin_m = 25.0\ntail_waits = false\nearly_warning = false\n"
    engine = Engine(parse_scenario(text, "raid.toml"))
    cfg, default = engine.warning.config, WarningConfig()
    assert (cfg.margin_m, cfg.tail_waits, cfg.early_warning) == (25.0, False, False)
    # What the scenario leaves unset keeps the controller's default.
    assert (cfg.max_ellipse_m, cfg.shelter_margin_s) == (default.max_ellipse_m, default.shelter_margin_s)
    assert Engine(load_scenario("night-raid")).warning.config == default
    bad = builtin_text("night-raid") + "\n[warning]\nmargin_m = -5.0\nmax_ellipse_m = 0.0\nmargin = 3.0\n"
    assert sorted(_problems(bad)) == ["raid.toml: warning.margin: unknown key",
                                      "raid.toml: warning.margin_m: must be >= 0",
                                      "raid.toml: warning.max_ellipse_m: must be > 0"]


def test_a_number_that_is_not_finite_is_named_and_refused():
    """NaN or infinity anywhere (a position, the wind, a setting) is refused at load with the field named;
    a NaN effector position used to pass validation and crash the engagement planner mid-run."""
    text = builtin_text("night-raid")
    probs = _problems(text.replace("wind_mps = [3.0, -2.0, 0.0]", "wind_mps = [nan, -2.0, 0.0]"))
    assert probs == ["raid.toml: environment.wind_mps[0]: must be a finite number, got nan"]
    probs = _problems(text.replace("duration_s = 240.0", "duration_s = inf"))
    assert probs == ["raid.toml: duration_s: must be a finite number, got inf"]


def test_sensor_noise_beyond_the_sensor_itself_is_refused():
    """A range noise beyond the radar's reach or angle noise beyond 45 deg is a typing error (a 1e9 m range
    sigma used to make the tracker's gating covariance singular mid-run)."""
    text = builtin_text("night-raid")
    probs = _problems(text.replace("sigma_range_m = 10.0", "sigma_range_m = 1e9", 1))
    assert probs == ["raid.toml: sensors[0]: sigma_range_m must be below range_m"]
    probs = _problems(text.replace("sigma_az_deg = 0.3", "sigma_az_deg = 90.0", 1))
    assert probs == ["raid.toml: sensors[0].sigma_az_deg: must be <= 45"]


def test_a_sensor_period_below_10_ms_is_refused():
    """A revisit of 1e-9 s (a typing error) asked for a billion scans a second: the run never ended."""
    text = builtin_text("night-raid")
    probs = _problems(text.replace("revisit_s = 1.0", "revisit_s = 1e-9", 1))
    assert probs == ["raid.toml: sensors[0].revisit_s: must be >= 0.01"]
