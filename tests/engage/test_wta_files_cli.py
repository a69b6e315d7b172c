"""Instance file parsing and the `bastion wta` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from wta_reference import brute_force, net_objective

from bastion.cli import main
from bastion.engage.wta import load_instance
from bastion.errors import UserError

REPO = Path(__file__).resolve().parents[2]

GOOD = """2 3 2
10
20
30
0 0 0.5
0 1 0.25
0 2 0.0
1 0 0.1
1 1 0.9
1 2 1
"""


def write(tmp_path: Path, text: str, name: str = "inst.txt") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_good_file_is_read(tmp_path: Path) -> None:
    inst = load_instance(write(tmp_path, GOOD))
    assert (inst.m, inst.n) == (2, 3)
    assert inst.capacity.tolist() == [2, 2]
    assert inst.value.tolist() == [10.0, 20.0, 30.0]
    assert inst.pk[1, 1] == 0.9 and inst.pk[1, 2] == 1.0 and inst.pk[0, 2] == 0.0


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD.replace("0 1 0.25", "0 1 1.25"), 6, "outside [0, 1]"),
        (GOOD.replace("0 1 0.25", "0 1 -0.1"), 6, "outside [0, 1]"),
        (GOOD.replace("0 1 0.25", "0 1 abc"), 6, "not a number"),
        (GOOD.replace("20\n", "twenty\n"), 3, "not a number"),
        (GOOD.replace("2 3 2", "2 x 2"), 1, "not an integer"),
        (GOOD.replace("2 3 2", "2 3"), 1, "expected 3 numbers"),
        (GOOD.replace("1 1 0.9\n", ""), 9, "file ends early"),
        (GOOD + "1 1 0.5\n", 11, "extra line"),
        (GOOD.replace("1 2 1", "1 1 1"), 10, "duplicate pair"),
        (GOOD.replace("1 2 1", "2 2 1"), 10, "outside"),
        (GOOD.replace("0 0 0.5", "0 0 0.5 7"), 5, "expected 3 numbers"),
        ("", 1, "empty file"),
        (GOOD.replace("0 0 0.5", "0 0 nan"), 5, "not a finite number"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UserError) as err:
        load_instance(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}:{line}:"), msg
    assert words in msg


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        load_instance(tmp_path / "nope.txt")


def test_cli_json_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, GOOD)
    assert main(["wta", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    inst = load_instance(path)
    x = np.zeros((inst.m, inst.n), dtype=int)
    for shot in out["shots"]:
        assert shot["count"] >= 1
        x[shot["weapon"], shot["target"]] += shot["count"]
    assert np.all(x.sum(axis=1) <= inst.capacity)
    assert out["objective"] == pytest.approx(net_objective(inst.value, inst.pk, x), rel=1e-12)
    assert out["objective"] == pytest.approx(brute_force(inst.value, inst.pk, inst.capacity), rel=1e-9)


def test_cli_readable_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wta", str(write(tmp_path, GOOD)), "--method", "heuristic"]) == 0
    out = capsys.readouterr().out
    assert "objective" in out and "heuristic" in out and "weapon   1" in out


def test_cli_bad_file_exit_status_2_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("0 1 0.25", "0 1 2"))
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    for target in (path, tmp_path / "missing.txt"):
        proc = subprocess.run(
            [sys.executable, "-m", "bastion.cli", "wta", str(target), "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr
        assert str(target) in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("method", ["exact", "heuristic", "colgen"])
def test_cli_methods_agree_on_a_small_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str
) -> None:
    path = write(tmp_path, GOOD)
    assert main(["wta", str(path), "--json", "--method", method, "--time-limit", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    inst = load_instance(path)
    assert out["objective"] == pytest.approx(brute_force(inst.value, inst.pk, inst.capacity), rel=1e-9)


def test_cli_rejects_non_positive_time_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wta", str(write(tmp_path, GOOD)), "--time-limit", "0"]) == 2
    assert "--time-limit" in capsys.readouterr().err
