"""`bastion ballistics` end to end through the CLI dispatcher."""

from __future__ import annotations

import json
import math

from bastion.cli import main
from bastion.physics.atmosphere import G0
from bastion.world.munitions import PRESETS


def test_list(capsys):
    assert main(["ballistics", "--list"]) == 0
    out = capsys.readouterr().out
    for name, m in PRESETS.items():
        assert name in out and f"{m.max_range_m:.0f}" in out


def test_vacuum_json_matches_closed_form(capsys):
    assert main(["ballistics", "mortar_81mm", "--elevation", "30", "--no-drag", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    v, th = PRESETS["mortar_81mm"].launch_speed_mps, math.radians(30.0)
    assert abs(r["range_m"] - v**2 * math.sin(2 * th) / G0) < 1e-3
    assert abs(r["flight_time_s"] - 2 * v * math.sin(th) / G0) < 1e-6
    assert abs(r["apex_m"] - (v * math.sin(th)) ** 2 / (2 * G0)) < 1e-2
    assert abs(r["impact_speed_mps"] - v) < 1e-6


def test_best_elevation_table(capsys):
    assert main(["ballistics", "mortar_60mm", "--elevation", "best"]) == 0
    out = capsys.readouterr().out
    assert "range" in out and "apex" in out and "published max 3490 m" in out


def test_bad_input_exits_2_without_traceback(capsys):
    for argv in (
        ["ballistics", "nope", "--elevation", "45"],
        ["ballistics", "mortar_60mm", "--elevation", "91"],
        ["ballistics", "mortar_60mm", "--elevation", "steep"],
        ["ballistics", "mortar_60mm"],
        ["ballistics", "--elevation", "45"],
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and "Traceback" not in err
