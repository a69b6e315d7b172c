"""Input messages to and from log payloads, so that a recorded run can be fed again (replay)."""

from __future__ import annotations

from typing import Any

import numpy as np

from bastion.events import EngagementReport, OperatorCommand, Record, Tick
from bastion.sense.cooperative import CooperativeReport
from bastion.sense.detections import DetectionBatch

INPUT_DETECTIONS = "input.detections"
INPUT_COOPERATIVE = "input.cooperative"


def encode_input(msg) -> tuple[float, str, dict[str, Any]]:
    """(time, kind, payload) of an input message."""
    if isinstance(msg, DetectionBatch):
        t = float(msg.time.max()) if len(msg) else 0.0
        return t, INPUT_DETECTIONS, {
            "sensor_id": msg.sensor_id, "kind": msg.kind, "sensor_pos": msg.sensor_pos.tolist(),
            "time": msg.time.tolist(), "z": msg.z.tolist(), "R": msg.R.tolist(),
            "rcs_m2": [None if not np.isfinite(v) else v for v in msg.rcs_m2.tolist()],
            "rf_link": msg.rf_link.tolist(), "label": [str(v) for v in msg.label.tolist()],
        }
    if isinstance(msg, CooperativeReport):
        return msg.time, INPUT_COOPERATIVE, {
            "source_id": msg.source_id, "kind": msg.kind, "time": msg.time, "position": msg.position.tolist(),
            "velocity": [[None if not np.isfinite(v) else v for v in row] for row in msg.velocity.tolist()],
            "sigma_m": msg.sigma_m.tolist(), "identity": list(msg.identity),
        }
    if isinstance(msg, Record):
        return msg.t, msg.KIND, msg.to_payload()
    raise TypeError(f"not an input message: {type(msg).__name__}")


def _floats(rows) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], float)


def decode_input(kind: str, p: dict[str, Any]):
    """The input message of a log row."""
    if kind == INPUT_DETECTIONS:
        n = len(p["time"])
        dim = len(p["z"][0]) if n else {"radar": 3, "radar_doppler": 4, "cartesian": 3, "bearing": 2}[p["kind"]]
        return DetectionBatch(
            p["sensor_id"], p["kind"], np.array(p["sensor_pos"]), np.array(p["time"], float),
            np.array(p["z"], float).reshape(n, dim), np.array(p["R"], float).reshape(n, dim, dim),
            np.array([np.nan if v is None else v for v in p["rcs_m2"]], float), np.array(p["rf_link"], bool),
            None if "label" not in p else np.array(p["label"], dtype=object),  # logs before 2026-12-07 have none
        )
    if kind == INPUT_COOPERATIVE:
        n = len(p["identity"])
        return CooperativeReport(
            p["source_id"], p["kind"], p["time"], np.array(p["position"], float).reshape(n, 3),
            _floats(p["velocity"]).reshape(n, 3), np.array(p["sigma_m"], float), tuple(p["identity"]),
        )
    if kind == Tick.KIND:
        return Tick(p["t"])
    if kind == OperatorCommand.KIND:
        return OperatorCommand(**p)
    if kind == EngagementReport.KIND:
        return EngagementReport(**p)
    raise ValueError(f"not an input kind: {kind}")
