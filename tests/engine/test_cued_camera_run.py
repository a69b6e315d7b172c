"""A slew-to-cue camera in a run: the engine cues it, its recognitions name a silent quadcopter that radar
kinematics take for a bird, every cue and recognition is on record, and a replay makes the same decisions."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.cli import main
from bastion.errors import UserError
from bastion.evaluate.summary import build_summary, match_tracks
from bastion.events import CameraCue, CameraRecognition, ClassChanged, IdentityChanged
from bastion.scenario.load import parse_scenario
from bastion.sim import Simulation
from tests.scenario_text import FIELD_WITH_ONE_RADAR, silent_quad_and_flock

CAMERA = """
[[sensors]]
name = "turret"
type = "cued_ir_camera"
position = [0.0, 0.0, 15.0]
range_m = 2500.0
"""

OBJECTS = silent_quad_and_flock((900.0, 300.0), (-800.0, 600.0))


def _text(camera: bool) -> str:
    head = 'name = "camera"\nduration_s = 90.0\nseed = 5\n'
    return head + FIELD_WITH_ONE_RADAR + (CAMERA if camera else "") + OBJECTS


@pytest.fixture(scope="module")
def runs():
    out = {}
    for camera in (True, False):
        scenario = parse_scenario(_text(camera), "camera.toml")
        res = Simulation(scenario).run()
        owner = match_tracks(res.world, res.events)
        kinds = {tid: res.world.objects[i].kind for tid, i in owner.items()}
        summary = build_summary(scenario, res.world, res.events, res.first_detection, scenario.seed)
        out[camera] = (res.events, kinds, summary)
    return out


def _classes(events, kinds, kind):
    return {e.track_class for e in events if isinstance(e, ClassChanged) and kinds.get(e.track_id) == kind}


def test_the_camera_names_a_silent_quadcopter_the_radar_alone_takes_for_a_bird(runs):
    events, kinds, _ = runs[True]
    cues = [e for e in events if isinstance(e, CameraCue)]
    recognitions = [e for e in events if isinstance(e, CameraRecognition)]
    assert cues and all(e.camera == "turret" and e.t < e.t_start < e.t_end for e in cues)
    assert {e.label for e in recognitions if kinds.get(e.track_id) == "quadcopter"} == {"quadcopter"}
    assert "quadcopter" in _classes(events, kinds, "quadcopter")
    assert any(e.identity == "hostile" for e in events
               if isinstance(e, IdentityChanged) and kinds.get(e.track_id) == "quadcopter")
    # The birds: recognised as birds, never made quadcopters.
    assert {e.label for e in recognitions if kinds.get(e.track_id) == "bird"} == {"bird"}
    assert "quadcopter" not in _classes(events, kinds, "bird")
    events, kinds, _ = runs[False]
    assert not any(isinstance(e, CameraCue | CameraRecognition) for e in events)
    assert "quadcopter" not in _classes(events, kinds, "quadcopter")


def test_the_summary_says_what_the_camera_saw_of_each_object(runs):
    events, kinds, summary = runs[True]
    quad = next(o for o in summary["objects"] if o["id"] == "silent-quad")
    recognitions = [e for e in events if isinstance(e, CameraRecognition) and e.track_id in quad["tracks"]]
    assert quad["camera_recognitions"] == [[round(e.t, 3), e.label] for e in recognitions]
    assert quad["camera_recognitions"] and {lab for _, lab in quad["camera_recognitions"]} == {"quadcopter"}
    looks = [e for e in events if isinstance(e, CameraCue) and e.track_id in quad["tracks"]]
    assert quad["camera_looks"] == len(looks) >= len(recognitions)
    _, _, without = runs[False]
    assert all(o["camera_looks"] == 0 and o["camera_recognitions"] == [] for o in without["objects"])


def test_a_run_with_a_camera_replays_to_the_same_decisions(tmp_path):
    from bastion.record.replay import replay

    path = tmp_path / "camera.toml"
    path.write_text(_text(True), encoding="utf-8")
    assert main(["run", str(path), "--quiet", "--out", str(tmp_path / "out")]) == 0
    res = replay(tmp_path / "out" / "events.sqlite")
    assert any(kind == CameraRecognition.KIND for _, kind, _ in res.recorded)
    assert res.identical, res.first_difference()


def test_a_bad_camera_setting_is_refused_naming_it():
    with pytest.raises(UserError, match=r"sensors\[1\]\.fov_deg"):
        parse_scenario(_text(True).replace('range_m = 2500.0', 'range_m = 2500.0\nfov_deg = 0.0'), "camera.toml")
    with pytest.raises(UserError, match=r"sensors\[1\]\.mislabel_share"):
        parse_scenario(_text(True).replace('range_m = 2500.0', 'range_m = 2500.0\nmislabel_share = 1.5'), "camera.toml")


def test_an_operator_cue_takes_the_cameras_next_look_and_bad_cues_are_refused():
    from bastion.engine import Engine
    from bastion.events import CommandRejected, OperatorCommand, Tick
    from bastion.track import CONFIRMED

    scenario = parse_scenario(_text(True), "camera.toml")
    inputs: list = []
    Simulation(scenario).run(on_input=inputs.append)
    # The same inputs to two engines; one gets an operator's cue at 30 s for the track the tasking would
    # look at last (the farthest from the camera).
    plain, asked_engine = Engine(scenario), Engine(scenario)
    asked, after = None, {"plain": [], "asked": []}
    for msg in inputs:
        if asked is None and isinstance(msg, Tick) and msg.t >= 30.0:
            tab = asked_engine.tracker.table
            conf = np.flatnonzero(tab.status == CONFIRMED)
            asked = int(tab.id[conf[np.argmax(np.linalg.norm(tab.x[conf, :2], axis=1))]])
            cue = OperatorCommand(msg.t, "operator:ann", "cue_camera", sensor="turret", track_id=asked)
            assert asked_engine.handle(cue) == []
            for bad, why in ((dict(sensor="nope", track_id=asked), "no slew-to-cue camera 'nope' (cameras: turret)"),
                             (dict(sensor="turret", track_id=99999), "no live track 99999")):
                (rejected,) = asked_engine.handle(OperatorCommand(msg.t, "operator:ann", "cue_camera", **bad))
                assert isinstance(rejected, CommandRejected) and rejected.reason == why
        for name, eng in (("plain", plain), ("asked", asked_engine)):
            out = eng.handle(msg)
            if asked is not None:
                after[name] += [e for e in out if isinstance(e, CameraCue)]
    first_plain, first_asked = after["plain"][0], after["asked"][0]
    assert first_asked.track_id == asked and first_asked.by == "operator:ann"
    assert first_plain.track_id != asked and first_plain.by == "assess:tasking"
