"""A radar's micro-Doppler classifier: it names what has moving parts, above its SNR, right in the stated
share; it leaves the detections as they were; the engine credits its names to the tracks they updated."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.evaluate.summary import match_tracks
from bastion.events import ClassChanged, TrackConfirmed
from bastion.scenario.load import parse_scenario
from bastion.scenario.schema import TRACK_CLASSES
from bastion.sense.radar import RadarModel
from bastion.sim import Simulation
from tests.scenario_text import FIELD_WITH_ONE_RADAR, silent_quad_and_flock

N = 4000


def _radar(**kw) -> RadarModel:
    return RadarModel("r", np.zeros(3), 15000.0, 100.0, 1.0, 5000.0, 0.01, 0.9, 1e-6, 0.0, 10.0, 0.005, 0.005,
                      np.radians(-2.0), np.radians(70.0), **kw)


def test_names_are_right_in_the_stated_share_only_above_the_snr_and_only_for_moving_parts():
    radar = _radar(micro_doppler_snr=10.0 ** 3.0, micro_doppler_accuracy=0.9)  # 30 dB
    # 0.01 m^2 at 5 km is the reference point: SNR ln(1e-6) / ln(0.9) - 1 = 130 (21.1 dB); 30 dB is reached
    # at 5 km x (130 / 1000)^(1/4) = 3.0 km.
    r30 = 5000.0 * (radar.snr(0.01, 5000.0) / 1000.0) ** 0.25
    assert r30 == pytest.approx(3003.0, abs=1.0)
    pos = np.array([[0.0, 0.95 * r30, 0.0], [0.0, 1.05 * r30, 0.0], [0.0, 1000.0, 0.0], [0.0, 500.0, 0.0]])
    rcs = np.array([0.01, 0.01, 0.01, 0.01])
    signature = np.array(["quadcopter", "quadcopter", "", "bird"], object)
    truth = np.tile(np.array([0, 1, 2, 3, -1]), N)  # every object detected N times, and false alarms
    names = radar.micro_doppler_labels(truth, pos, rcs, signature, TRACK_CLASSES, np.random.default_rng(1))
    by_obj = {k: names[truth == k] for k in (-1, 0, 1, 2, 3)}
    assert np.all(by_obj[1] == "") and np.all(by_obj[2] == "") and np.all(by_obj[-1] == "")  # below SNR, a round, FA
    right = np.mean(by_obj[0] == "quadcopter")
    assert abs(right - 0.9) < 4 * np.sqrt(0.09 / N)
    # A wrong name is the class's likeliest confusion: a quadcopter's is a bird, a bird's a quadcopter.
    assert set(by_obj[0]) == {"quadcopter", "bird"} and set(by_obj[3]) == {"bird", "quadcopter"}
    assert abs(np.mean(by_obj[3] == "bird") - 0.9) < 4 * np.sqrt(0.09 / N)
    # A radar without the classifier names nothing.
    assert np.all(_radar().micro_doppler_labels(truth, pos, rcs, signature, TRACK_CLASSES,
                                                np.random.default_rng(1)) == "")


SCENE = ('name = "md"\nduration_s = 60.0\nseed = 4\n' + FIELD_WITH_ONE_RADAR
         + silent_quad_and_flock((1500.0, 800.0), (-1500.0, 600.0)))


def test_with_micro_doppler_a_silent_quadcopter_is_named_soon_after_confirmation_and_detections_are_unchanged():
    with_md = SCENE.replace('ref_rcs_m2 = 0.01\n', 'ref_rcs_m2 = 0.01\nmicro_doppler_snr_db = 30.0\n', 1)
    assert with_md != SCENE
    inputs, outcome, named_after = {}, {}, {}
    for name, text in (("without", SCENE), ("with", with_md)):
        seen = []
        sim = Simulation(parse_scenario(text, "md.toml"))
        res = sim.run(on_input=lambda m, seen=seen: seen.append(m))
        owner = match_tracks(res.world, res.events)
        kinds = {tid: res.world.objects[i].kind for tid, i in owner.items()}
        inputs[name] = [m for m in seen if hasattr(m, "z")]
        outcome[name] = {(kinds.get(e.track_id), e.track_class) for e in res.events if isinstance(e, ClassChanged)}
        confirmed = {e.track_id: e.t for e in res.events if isinstance(e, TrackConfirmed)}
        named = [e.t - confirmed[e.track_id] for e in res.events if isinstance(e, ClassChanged)
                 and kinds.get(e.track_id) == "quadcopter" and e.track_class == "quadcopter"]
        named_after[name] = min(named) if named else None
    # The same plots, only named.
    assert len(inputs["with"]) == len(inputs["without"])
    assert all(np.array_equal(a.z, b.z) for a, b in zip(inputs["with"], inputs["without"], strict=True))
    assert any((b.label != "").any() for b in inputs["with"]) and not any((b.label != "").any()
                                                                         for b in inputs["without"])
    assert ("quadcopter", "quadcopter") in outcome["with"] and ("quadcopter", "quadcopter") not in outcome["without"]
    assert ("bird", "quadcopter") not in outcome["with"]
    assert named_after["with"] is not None and named_after["with"] <= 5.0 and named_after["without"] is None
