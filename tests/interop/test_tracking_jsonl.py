"""Exchange files: bit-exact round trip and clear errors naming file and line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bastion.cli import main
from bastion.errors import UserError
from bastion.evaluate.trackgen import GenConfig, generate
from bastion.interop.tracking_jsonl import (
    TrackScan,
    read_scenario,
    read_tracks,
    write_scenario,
    write_tracks,
)


@pytest.fixture()
def scenario_file(tmp_path):
    scen = generate(GenConfig(n_targets=5, n_scans=6, clutter_per_scan=3.0), seed=3)
    path = tmp_path / "s.jsonl"
    write_scenario(path, scen.header, scen.scans)
    return path, scen


def test_round_trip_is_bit_identical(scenario_file, tmp_path):
    path, scen = scenario_file
    back = read_scenario(path)
    assert back.header == scen.header
    for a, b in zip(scen.scans, back.scans, strict=True):
        assert a.t == b.t and a.scan == b.scan
        assert np.array_equal(a.detections, b.detections)
        assert np.array_equal(a.truth, b.truth)
        assert np.array_equal(a.det_origin, b.det_origin)
    tracks = [TrackScan(s.scan, s.t, np.array([[7.0, 0.1, 1 / 3, 2e-17, 1.0, 2.0, 3.0]])) for s in back.scans]
    out = tmp_path / "t.jsonl"
    write_tracks(out, {"name": "x"}, back.sha256, tracks)
    header, got = read_tracks(out)
    assert header["scenario_sha256"] == back.sha256
    assert all(np.array_equal(g.tracks, t.tracks) for g, t in zip(got, tracks, strict=True))


def _lines(path):
    return path.read_text().splitlines()


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n")


def _expect_error(path, lineno, words):
    with pytest.raises(UserError) as err:
        read_scenario(path)
    msg = str(err.value)
    assert f"{path}, line {lineno}:" in msg, msg
    for w in words:
        assert w in msg, msg


def test_wrong_header(scenario_file):
    path, _ = scenario_file
    lines = _lines(path)
    head = json.loads(lines[0])
    head["format"] = "c2-tracks-jsonl"
    _write(path, [json.dumps(head), *lines[1:]])
    _expect_error(path, 1, ["wrong header", "c2-scenario-jsonl"])


def test_missing_field_names_line(scenario_file):
    path, _ = scenario_file
    lines = _lines(path)
    obj = json.loads(lines[2])
    del obj["detections"]
    lines[2] = json.dumps(obj)
    _write(path, lines)
    _expect_error(path, 3, ["missing", "detections"])


def test_nan_names_line(scenario_file):
    path, _ = scenario_file
    lines = _lines(path)
    obj = json.loads(lines[3])
    obj["detections"][0][1] = float("nan")
    lines[3] = json.dumps(obj)  # json.dumps writes NaN, which strict JSON forbids
    _write(path, lines)
    _expect_error(path, 4, ["non-finite"])


def test_time_going_backwards_names_line(scenario_file):
    path, _ = scenario_file
    lines = _lines(path)
    obj = json.loads(lines[4])
    obj["t"] = 0.5
    lines[4] = json.dumps(obj)
    _write(path, lines)
    _expect_error(path, 5, ["not increasing"])


def test_bad_detection_row_width(scenario_file):
    path, _ = scenario_file
    lines = _lines(path)
    obj = json.loads(lines[2])
    obj["detections"].append([1.0, 2.0])
    obj["det_origin"].append(-1)
    lines[2] = json.dumps(obj)
    _write(path, lines)
    _expect_error(path, 3, ["detections", "3 numbers"])


def test_cli_reports_bad_file_without_traceback(scenario_file, tmp_path, capsys):
    path, _ = scenario_file
    lines = _lines(path)
    lines[1] = "{not json"
    _write(path, lines)
    status = main(["track", str(path), "-o", str(tmp_path / "out.jsonl")])
    assert status == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "not valid JSON" in err


def test_cli_track_writes_valid_tracks(scenario_file, tmp_path):
    path, scen = scenario_file
    out = tmp_path / "out.jsonl"
    assert main(["track", str(path), "-o", str(out), "-q"]) == 0
    header, scans = read_tracks(out)
    assert header["scenario_sha256"] == read_scenario(path).sha256
    assert [s.scan for s in scans] == [s.scan for s in scen.scans]
