"""`bastion run`, `scenarios`, `replay` from the command line: outputs, determinism, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bastion.cli import main
from bastion.scenario import builtin_names, builtin_text
from tests.scenario_text import FIELD_WITH_ONE_RADAR


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    outs = []
    for k in range(2):
        out = tmp_path_factory.mktemp(f"run{k}")
        assert main(["run", "night-raid", "--seed", "3", "--quiet", "--out", str(out)]) == 0
        outs.append(out)
    return outs


def test_same_seed_gives_byte_identical_summary(two_runs):
    a, b = ((o / "summary.json").read_bytes() for o in two_runs)
    assert a == b


def test_summary_has_the_documented_fields(two_runs):
    s = json.loads((two_runs[0] / "summary.json").read_text())
    per_object = {"id", "true_kind", "hostile", "detected_t", "confirmed_t", "class", "class_t", "warned_zones",
                  "warning_lead_s", "warning_reason", "engagements", "outcome", "impact_t", "impact_enu",
                  "impact_zone"}
    reasons = {"tight_ellipse", "deadline", "last_seconds", "drone_path", "track_lost"}
    for o in s["objects"]:
        assert per_object <= set(o)
        assert o["outcome"] in ("defeated", "impact", "left", "none")
        # A warned impact says what sounded its zone's warning; an unwarned one has no reason.
        assert (o["warning_reason"] in reasons) if o["warning_lead_s"] is not None else o["warning_reason"] is None
    assert {"threats", "defeated", "leaked", "fratricide_engagements", "rounds_fired", "missed_warnings",
            "false_warnings"} <= set(s["totals"])


def test_replay_reproduces_every_decision(two_runs):
    from bastion.record.replay import replay

    res = replay(two_runs[0] / "events.sqlite")
    assert res.inputs > 1000 and len(res.recorded) > 100
    assert res.identical, res.first_difference()


def test_a_damaged_or_foreign_log_is_named_not_a_traceback(two_runs, tmp_path, capsys):
    """A file that is not a database, and a log whose input record was damaged, each get one line naming
    the file (and the record) and exit status 2."""
    import shutil
    import sqlite3

    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "events.sqlite").write_bytes(b"not a database at all" * 100)
    assert main(["replay", str(tmp_path / "junk")]) == 2
    err = capsys.readouterr().err
    assert "junk/events.sqlite: not a readable Bastion event log" in err and "Traceback" not in err
    damaged = tmp_path / "damaged.sqlite"
    shutil.copy(two_runs[0] / "events.sqlite", damaged)
    db = sqlite3.connect(damaged)
    db.execute("DROP TRIGGER events_no_update")  # the copy only: what a disk error or a careless edit might do
    query = "SELECT seq FROM events WHERE kind = 'input.detections' ORDER BY seq LIMIT 1 OFFSET 5"
    seq = db.execute(query).fetchone()[0]
    db.execute("UPDATE events SET payload = '{\"sensor_id\": \"x\"}' WHERE seq = ?", (seq,))
    db.commit()
    db.close()
    assert main(["replay", str(damaged)]) == 2
    err = capsys.readouterr().err
    assert f"damaged.sqlite: record {seq} (input.detections) cannot be read" in err


def test_event_log_is_append_only(two_runs):
    import sqlite3

    db = sqlite3.connect(two_runs[0] / "events.sqlite")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM events WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE events SET kind = 'x' WHERE seq = 1")


def test_existing_log_is_not_overwritten(two_runs, capsys):
    assert main(["run", "night-raid", "--quiet", "--out", str(two_runs[0])]) == 2
    assert "already exists" in capsys.readouterr().err


def test_scenarios_lists_and_exports(tmp_path, capsys):
    assert main(["scenarios"]) == 0
    listed = capsys.readouterr().out
    for name in ("night-raid", "airport-rocket", "compound-salvo"):
        assert name in listed and name in builtin_names()
    dest = tmp_path / "raid.toml"
    assert main(["scenarios", "--export", "night-raid", "-o", str(dest)]) == 0
    assert dest.read_text() == builtin_text("night-raid")
    capsys.readouterr()
    nowhere = tmp_path / "no-such-dir" / "raid.toml"
    assert main(["scenarios", "--export", "night-raid", "-o", str(nowhere)]) == 2
    assert f"{nowhere}: cannot write" in capsys.readouterr().err


def test_bad_scenario_file_exits_2_with_one_line_per_problem(tmp_path):
    text = builtin_text("night-raid")
    text = text.replace("range_m = 15000.0", "range_m = -1.0", 1)
    text = text.replace("revisit_s = 1.0", "revisit_s = 1.0\nbogus = 1", 1)
    bad = tmp_path / "raid.toml"
    bad.write_text(text)
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "bastion.cli", "run", str(bad), "--quiet", "--out", str(tmp_path / "o")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert "error: raid.toml: sensors[0].range_m: must be > 0" in lines
    assert "error: raid.toml: sensors[0].bogus: unknown key" in lines


def test_toml_syntax_error_and_missing_file(tmp_path, capsys):
    bad = tmp_path / "broken.toml"
    bad.write_text("name = \n")
    assert main(["run", str(bad), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "broken.toml: TOML syntax" in err
    assert main(["run", str(tmp_path / "nope.toml"), "--quiet"]) == 2
    assert "no such file" in capsys.readouterr().err


SHORT_RUN = 'name = "short"\nduration_s = 20.0\n' + FIELD_WITH_ONE_RADAR + """
[[objects]]
kind = "owa_drone"
name = "a-drone-with-a-long-name"
start = [3000.0, 3000.0, 150.0]
target = [0.0, 0.0, 0.0]
t_start_s = 0.0
"""


def test_piped_output_is_not_wrapped_and_a_closed_pipe_is_no_error(tmp_path):
    scenario = tmp_path / "short.toml"
    scenario.write_text(SHORT_RUN, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    cmd = [sys.executable, "-m", "bastion", "run", str(scenario)]
    done = subprocess.run([*cmd, "--out", str(tmp_path / "a")], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    # A log file gets whole rows: the object's name and its class on one line, not wrapped at 80 columns.
    row = next(line for line in done.stdout.splitlines() if "a-drone-with-a-long-name" in line)
    assert "owa_drone" in row
    # `bastion run | head -1`: the reader leaves after one line; the run still exits 0, no traceback.
    proc = subprocess.Popen([*cmd, "--out", str(tmp_path / "b")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and "Traceback" not in err, err
    assert (tmp_path / "b" / "summary.json").exists()
