"""Replay: feed a recorded run's inputs to a fresh engine and check it makes the very same decisions."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from bastion.engine import Engine
from bastion.errors import UserError
from bastion.record.eventlog import read_events
from bastion.record.messages import decode_input
from bastion.scenario.load import validation_problems
from bastion.scenario.schema import Scenario


@dataclass
class ReplayResult:
    inputs: int
    recorded: list[tuple[float, str, str]]
    replayed: list[tuple[float, str, str]]

    @property
    def identical(self) -> bool:
        return self.recorded == self.replayed

    def first_difference(self) -> int | None:
        for k, (a, b) in enumerate(zip(self.recorded, self.replayed, strict=False)):
            if a != b:
                return k
        return None if len(self.recorded) == len(self.replayed) else min(len(self.recorded), len(self.replayed))


def _canon(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def replay(log_path: str | Path) -> ReplayResult:
    """Re-run the engine on the inputs recorded in ``log_path`` (an ``events.sqlite``)."""
    path = Path(log_path)
    if not path.exists():
        raise UserError(f"{path}: no such event log")
    try:
        rows = list(read_events(path))
    except (sqlite3.Error, json.JSONDecodeError) as err:
        raise UserError(f"{path}: not a readable Bastion event log ({type(err).__name__}: {err})") from None
    head = [r for r in rows if r[2] == "run.scenario"]
    if not head:
        raise UserError(f"{path}: no run.scenario record; not a Bastion run log")
    try:
        scenario = Scenario.model_validate(head[0][3]["scenario"])
    except (KeyError, TypeError):
        raise UserError(f"{path}: record {head[0][0]} (run.scenario) holds no scenario") from None
    except ValidationError as err:
        raise UserError(validation_problems(f"{path}: record {head[0][0]} (run.scenario)", err)) from None
    engine = Engine(scenario)
    recorded, replayed, inputs = [], [], 0
    for seq, t, kind, payload in rows:
        if kind.startswith("input."):
            inputs += 1
            try:
                msg = decode_input(kind, payload)
            except (KeyError, TypeError, ValueError, IndexError) as err:
                # A damaged input record: the engine's decisions after it cannot be reproduced.
                raise UserError(f"{path}: record {seq} ({kind}) cannot be read: {type(err).__name__}: {err}") from None
            for ev in engine.handle(msg):
                replayed.append((ev.t, ev.KIND, _canon(ev.to_payload())))
        elif not kind.startswith(("run.", "sim.")):
            recorded.append((t, kind, _canon(payload)))
    return ReplayResult(inputs, recorded, replayed)
