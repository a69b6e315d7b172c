"""The tracking benchmark exchange files (``c2-scenario-jsonl`` and ``c2-tracks-jsonl``, version 1).

See ``shared/formats/tracking-benchmark-jsonl.md``. Units: metres, seconds, local ENU. Readers validate
every line and raise :class:`bastion.errors.UserError` naming the file and line of each problem (wrong
header, missing or malformed fields, NaN or infinite numbers, time going backwards). Writers emit floats
with Python's shortest round-trip repr, so values read back are bit-identical.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bastion.errors import UserError

SCENARIO_FORMAT = "c2-scenario-jsonl"
TRACKS_FORMAT = "c2-tracks-jsonl"
VERSION = 1
STATE_ORDER = ["x", "y", "z", "vx", "vy", "vz"]
TRUTH_ROW = ["target_id", "x", "y", "z", "vx", "vy", "vz"]
DETECTION_ROW = ["x", "y", "z"]
TRACK_ROW = ["track_id", "x", "y", "z", "vx", "vy", "vz"]
_MAX_PROBLEMS = 20


@dataclass(frozen=True, eq=False)
class Scan:
    """One scan of a scenario file.

    Attributes:
        scan: index from 0; t: seconds from the scenario start.
        truth: (k, 7) rows [target_id, x, y, z, vx, vy, vz] (m, m/s).
        detections: (n, 3) positions (m).
        det_origin: (n,) int64 target id of each detection, -1 for clutter (scoring only).
    """

    scan: int
    t: float
    truth: np.ndarray
    detections: np.ndarray
    det_origin: np.ndarray


@dataclass(frozen=True, eq=False)
class Scenario:
    """A whole scenario file: its header, its scans and the SHA-256 of its bytes."""

    header: dict
    scans: list[Scan]
    sha256: str = ""

    @property
    def sigma(self) -> float:
        """Per-axis measurement noise standard deviation (m) from the header."""
        return float(self.header["measurement_noise"]["sigma"])


@dataclass(frozen=True, eq=False)
class TrackScan:
    """One scan of a tracks file: confirmed tracks (k, 7) [track_id, x, y, z, vx, vy, vz]."""

    scan: int
    t: float
    tracks: np.ndarray = field(default_factory=lambda: np.zeros((0, 7)))


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _reject_constant(name: str):
    raise ValueError(f"non-finite number {name}")


class _Problems:
    """Collects one line per problem, each naming file and line; raises them together."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.lines: list[str] = []

    def add(self, lineno: int, msg: str) -> None:
        if len(self.lines) < _MAX_PROBLEMS:
            self.lines.append(f"{self.path}, line {lineno}: {msg}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise UserError(self.lines)


def _load_lines(path: str | Path, problems: _Problems):
    """(line number, parsed object) for each non-blank line; JSON errors and NaN are problems."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise UserError(f"{path}: cannot read ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a UTF-8 text file") from None
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_constant=_reject_constant)
        except ValueError as err:
            problems.add(lineno, f"not valid JSON ({err})")
            continue
        if not isinstance(obj, dict):
            problems.add(lineno, "expected a JSON object")
            continue
        out.append((lineno, obj))
    if not out and not problems.lines:
        problems.add(1, "empty file (expected a header line)")
    return out


def _number_rows(value, width: int, what: str, lineno: int, problems: _Problems) -> np.ndarray | None:
    """A list of numeric rows of ``width`` as a float array, or None after recording the problem."""
    if not isinstance(value, list):
        problems.add(lineno, f"'{what}' must be a list of rows")
        return None
    if not value:
        return np.zeros((0, width))
    try:
        arr = np.asarray(value, dtype=float)
    except (ValueError, TypeError):
        arr = None
    if arr is None or arr.ndim != 2 or arr.shape[1] != width:
        for i, row in enumerate(value):
            if not isinstance(row, list) or len(row) != width:
                problems.add(lineno, f"'{what}' row {i} must be a list of {width} numbers")
                return None
            bad = [v for v in row if isinstance(v, bool) or not isinstance(v, int | float)]
            if bad:
                problems.add(lineno, f"'{what}' row {i} has a non-number {bad[0]!r}")
                return None
        problems.add(lineno, f"'{what}' must be rows of {width} numbers")
        return None
    if not np.all(np.isfinite(arr)):
        i = int(np.flatnonzero(~np.all(np.isfinite(arr), axis=1))[0])
        problems.add(lineno, f"'{what}' row {i} has a non-finite number")
        return None
    return arr


def _check_header(obj: dict, fmt: str, required: list[str], lineno: int, problems: _Problems) -> bool:
    if obj.get("format") != fmt:
        problems.add(lineno, f"wrong header: 'format' must be {fmt!r}, got {obj.get('format')!r}")
        return False
    if obj.get("version") != VERSION:
        problems.add(lineno, f"unsupported version {obj.get('version')!r} (expected {VERSION})")
        return False
    missing = [k for k in required if k not in obj]
    if missing:
        problems.add(lineno, f"header is missing field(s): {', '.join(missing)}")
        return False
    if obj.get("state_order") != STATE_ORDER:
        problems.add(lineno, f"'state_order' must be {STATE_ORDER}")
        return False
    return True


def _check_scan_head(obj: dict, lineno: int, prev_t: float, expect_scan: int, problems: _Problems):
    """Validated (scan, t), or None after recording the problem."""
    scan, t = obj.get("scan"), obj.get("t")
    if not isinstance(scan, int) or isinstance(scan, bool):
        problems.add(lineno, "missing or non-integer field 'scan'")
        return None
    if scan != expect_scan:
        problems.add(lineno, f"'scan' is {scan}, expected {expect_scan}")
        return None
    if isinstance(t, bool) or not isinstance(t, int | float) or not math.isfinite(t):
        problems.add(lineno, "missing or non-numeric field 't'")
        return None
    if t <= prev_t:
        problems.add(lineno, f"time is not increasing: t = {t!r} after {prev_t!r}")
        return None
    return scan, float(t)


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate a ``c2-scenario-jsonl`` file; raises UserError naming file and line."""
    problems = _Problems(path)
    lines = _load_lines(path, problems)
    problems.raise_if_any()
    lineno, header = lines[0]
    required = ["units", "state_order", "truth_row", "detection_row", "measurement_noise", "gospa", "config"]
    if _check_header(header, SCENARIO_FORMAT, required, lineno, problems):
        noise = header["measurement_noise"]
        if not (isinstance(noise, dict) and noise.get("type") == "gaussian-iid-cartesian"
                and isinstance(noise.get("sigma"), int | float) and math.isfinite(noise["sigma"])
                and noise["sigma"] > 0):
            problems.add(lineno, "'measurement_noise' must be {\"type\": \"gaussian-iid-cartesian\", "
                                 "\"sigma\": S} with S > 0")
    problems.raise_if_any()
    scans: list[Scan] = []
    prev_t = -math.inf
    for lineno, obj in lines[1:]:
        head = _check_scan_head(obj, lineno, prev_t, len(scans), problems)
        if head is None:
            break
        missing = [k for k in ("truth", "detections", "det_origin") if k not in obj]
        if missing:
            problems.add(lineno, f"scan is missing field(s): {', '.join(missing)}")
            break
        truth = _number_rows(obj["truth"], 7, "truth", lineno, problems)
        dets = _number_rows(obj["detections"], 3, "detections", lineno, problems)
        origin = obj["det_origin"]
        if truth is None or dets is None:
            break
        if (not isinstance(origin, list) or len(origin) != len(dets)
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in origin)):
            problems.add(lineno, "'det_origin' must be a list of integers, one per detection")
            break
        prev_t = head[1]
        scans.append(Scan(head[0], head[1], truth, dets, np.asarray(origin, dtype=np.int64)))
    problems.raise_if_any()
    return Scenario(header, scans, sha256_file(path))


def read_tracks(path: str | Path) -> tuple[dict, list[TrackScan]]:
    """Read and validate a ``c2-tracks-jsonl`` file: (header, scans)."""
    problems = _Problems(path)
    lines = _load_lines(path, problems)
    problems.raise_if_any()
    lineno, header = lines[0]
    if _check_header(header, TRACKS_FORMAT, ["tracker", "scenario_sha256", "state_order", "track_row"],
                     lineno, problems) and header.get("track_row") != TRACK_ROW:
        problems.add(lineno, f"'track_row' must be {TRACK_ROW}")
    problems.raise_if_any()
    scans: list[TrackScan] = []
    prev_t = -math.inf
    for lineno, obj in lines[1:]:
        head = _check_scan_head(obj, lineno, prev_t, len(scans), problems)
        if head is None:
            break
        if "tracks" not in obj:
            problems.add(lineno, "scan is missing field 'tracks'")
            break
        tracks = _number_rows(obj["tracks"], 7, "tracks", lineno, problems)
        if tracks is None:
            break
        prev_t = head[1]
        scans.append(TrackScan(head[0], head[1], tracks))
    problems.raise_if_any()
    return header, scans


def _dump(obj) -> str:
    # allow_nan=False: a NaN would make the file unreadable by strict JSON readers.
    return json.dumps(obj, separators=(",", ":"), allow_nan=False)


def _rows(a: np.ndarray, int_first: bool) -> list[list]:
    out = []
    for row in np.asarray(a, dtype=float).tolist():
        if int_first:
            row[0] = int(row[0])
        out.append(row)
    return out


def scenario_header(sigma: float, config: dict, gospa: dict | None = None) -> dict:
    """A scenario header with the fixed fields filled in."""
    return {
        "format": SCENARIO_FORMAT, "version": VERSION, "units": {"length": "m", "time": "s"},
        "state_order": STATE_ORDER, "truth_row": TRUTH_ROW, "detection_row": DETECTION_ROW,
        "measurement_noise": {"type": "gaussian-iid-cartesian", "sigma": float(sigma)},
        "gospa": gospa or {"c": 10.0, "p": 1, "alpha": 2}, "config": config,
    }


def write_scenario(path: str | Path, header: dict, scans: Iterable[Scan]) -> None:
    """Write a scenario file (header, then one line per scan)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(_dump(header) + "\n")
        for s in scans:
            f.write(_dump({
                "scan": int(s.scan), "t": float(s.t), "truth": _rows(s.truth, True),
                "detections": _rows(s.detections, False),
                "det_origin": [int(o) for o in np.asarray(s.det_origin).tolist()],
            }) + "\n")


def write_tracks(path: str | Path, tracker: dict, scenario_sha256: str, scans: Iterable[TrackScan]) -> None:
    """Write a tracks file; ``tracker`` is e.g. {"name": "bastion", "version": "0.1.0"}."""
    header = {
        "format": TRACKS_FORMAT, "version": VERSION, "tracker": tracker, "scenario_sha256": scenario_sha256,
        "state_order": STATE_ORDER, "track_row": TRACK_ROW,
    }
    with open(path, "w", encoding="utf-8") as f:
        f.write(_dump(header) + "\n")
        for s in scans:
            f.write(_dump({"scan": int(s.scan), "t": float(s.t), "tracks": _rows(s.tracks, True)}) + "\n")
