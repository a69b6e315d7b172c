"""Replay: feed a recorded run's inputs to a fresh engine and check it makes the very same decisions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bastion.engine import Engine
from bastion.errors import UserError
from bastion.record.eventlog import read_events
from bastion.record.messages import decode_input
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
    rows = list(read_events(path))
    head = [r for r in rows if r[2] == "run.scenario"]
    if not head:
        raise UserError(f"{path}: no run.scenario record; not a Bastion run log")
    scenario = Scenario.model_validate(head[0][3]["scenario"])
    engine = Engine(scenario)
    recorded, replayed, inputs = [], [], 0
    for _seq, t, kind, payload in rows:
        if kind.startswith("input."):
            inputs += 1
            for ev in engine.handle(decode_input(kind, payload)):
                replayed.append((ev.t, ev.KIND, _canon(ev.to_payload())))
        elif not kind.startswith(("run.", "sim.")):
            recorded.append((t, kind, _canon(payload)))
    return ReplayResult(inputs, recorded, replayed)
