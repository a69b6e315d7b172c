"""The engine takes bad commands without crashing: it changes nothing and says why."""

from __future__ import annotations

from bastion.engine import Engine
from bastion.events import CommandRejected, OperatorCommand, RoeChanged, Tick
from bastion.scenario import load_scenario


def test_bad_commands_are_rejected_with_a_reason_and_roe_starts_in_hold():
    eng = Engine(load_scenario("night-raid"))
    assert set(eng.roe.state.values()) == {"HOLD"}  # the state after any start
    out = eng.handle(OperatorCommand(0.0, "operator:x", "set_roe", sector="nowhere", state="FREE"))
    assert isinstance(out[0], CommandRejected) and "unknown sector" in out[0].reason
    out = eng.handle(OperatorCommand(0.0, "operator:x", "set_roe", sector="base", state="WILD"))
    assert isinstance(out[0], CommandRejected) and "unknown ROE state" in out[0].reason
    assert set(eng.roe.state.values()) == {"HOLD"}
    out = eng.handle(OperatorCommand(0.0, "operator:x", "approve", engagement_id=99))
    assert isinstance(out[0], CommandRejected)
    out = eng.handle(OperatorCommand(0.0, "operator:x", "launch_everything"))
    assert isinstance(out[0], CommandRejected)
    out = eng.handle(OperatorCommand(0.0, "operator:x", "set_roe", sector="base", state="TIGHT"))
    assert out == [RoeChanged(0.0, "base", "TIGHT", "operator:x")]
    assert eng.handle(Tick(0.5))  # still running: the picture comes out
