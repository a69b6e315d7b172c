"""Slew-to-cue camera tasking and recognition evidence (bastion.assess.camera_cue), and how the classifier
weighs standing evidence."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assess.camera_cue import MAX_SPEED_MPS, CameraTasker, CueCamera, RecognitionEvidence, label_loglik
from bastion.assess.classify import CLASSES, Classifier
from bastion.geo import enu_to_rae

CAM_POS = np.array([0.0, 0.0, 15.0])


def _cam(**kw) -> CueCamera:
    args = dict(name="cam", position=CAM_POS, slew_rate=np.radians(60.0), settle=0.3, dwell=1.0, range_max=3000.0,
                el_min=np.radians(-5.0), el_max=np.radians(80.0), relook_s=5.0, mislabel_share=0.05)
    args.update(kw)
    return CueCamera(**args)


def test_a_recognition_costs_every_other_class_the_confusion_ratio():
    ll = label_loglik("quadcopter", CLASSES, 0.05, -12.0)
    expected = np.log(0.05 / 7 / 0.95)  # e / (K - 1) against 1 - e, K = 8 classes
    assert expected == pytest.approx(-4.89, abs=0.01)
    assert ll[CLASSES.index("quadcopter")] == 0.0
    assert np.allclose(np.delete(ll, CLASSES.index("quadcopter")), expected)
    assert np.all(label_loglik("quadcopter", CLASSES, 0.0, -12.0)[np.arange(8) != 4] == -12.0)  # a perfect camera
    assert not label_loglik("kite", CLASSES, 0.05, -12.0).any()


def test_slew_time_turns_both_axes_at_once_the_short_way_round():
    cam = _cam()
    assert cam.slew_time(0.0, 0.0, np.radians(90.0), np.radians(10.0)) == pytest.approx(1.5 + 0.3)
    assert cam.slew_time(np.radians(350.0), 0.0, np.radians(10.0), 0.0) == pytest.approx(20.0 / 60.0 + 0.3)
    assert cam.slew_time(0.0, 0.0, 0.0, np.radians(30.0)) == pytest.approx(0.5 + 0.3)


def _z(points: np.ndarray) -> np.ndarray:
    rae = enu_to_rae(np.atleast_2d(points), CAM_POS)
    return rae[:, 1:3]


def test_a_recognition_goes_to_the_track_it_lies_on_and_the_evidence_adds_up():
    ev = RecognitionEvidence(CLASSES)
    tracks = np.array([[0.0, 1500.0, 80.0], [400.0, 1500.0, 80.0]])  # 15 deg apart seen from the camera
    sd = np.array([10.0, 10.0])
    z = _z(tracks[0] + [1.0, 0.0, 0.0])  # 0.7 mrad off track 1, within its gate (10 m / 1.5 km = 6.7 mrad sd)
    got = ev.ingest(z, np.array(["quadcopter"], object), np.array([5e-5]), CAM_POS, 0.05, np.array([1, 2]), tracks, sd)
    assert got == [(1, "quadcopter")]
    one = label_loglik("quadcopter", CLASSES, 0.05, -12.0)
    assert np.allclose(ev.loglik(np.array([2, 1])), [np.zeros(8), one])
    # Two more recognitions: the sum, floored at one feature's cap.
    for _ in range(2):
        ev.ingest(z, np.array(["quadcopter"], object), np.array([5e-5]), CAM_POS, 0.05, np.array([1, 2]), tracks, sd)
    assert np.allclose(ev.loglik(np.array([1]))[0], np.maximum(3 * one, -12.0))
    assert ev.recognitions(np.array([1, 2])).tolist() == [3, 0]
    ev.forget(np.array([2]))
    assert not ev.loglik(np.array([1])).any() and ev.recognitions(np.array([1])).tolist() == [0]


def test_a_recognition_far_from_every_track_or_nearer_another_detection_counts_for_none():
    ev = RecognitionEvidence(CLASSES)
    tracks = np.array([[0.0, 1500.0, 80.0]])
    sd = np.array([10.0])
    far = _z(tracks[0] + [200.0, 0.0, 0.0])  # 130 mrad off: 20 sigma
    assert ev.ingest(far, np.array(["bird"], object), np.array([5e-5]), CAM_POS, 0.05, np.array([1]), tracks, sd) == []
    # The camera named an object 10 m off the track while an unnamed one lies right on it: the track's object
    # is likelier the unnamed one.
    z = np.vstack([_z(tracks[0] + [10.0, 0.0, 0.0]), _z(tracks[0])])
    labels = np.array(["quadcopter", ""], object)
    assert ev.ingest(z, labels, np.full(2, 5e-5), CAM_POS, 0.05, np.array([1]), tracks, sd) == []
    # Swapped: the named object is the nearer one.
    assert ev.ingest(z, labels[::-1], np.full(2, 5e-5), CAM_POS, 0.05, np.array([1]), tracks, sd) == [(1, "quadcopter")]
    # A name that is no track class says nothing.
    assert ev.ingest(_z(tracks[0]), np.array(["kite"], object), np.array([5e-5]), CAM_POS, 0.05, np.array([1]),
                     tracks, sd) == []


def _choose(tasker, t, pos, classes, recognitions=None, vel=None, eligible=None, confirmed=None, ids=None):
    n = len(pos)
    return tasker.choose(
        t, np.arange(1, n + 1) if ids is None else ids, np.asarray(pos, float),
        np.zeros((n, 3)) if vel is None else np.asarray(vel, float), classes,
        np.ones(n, bool) if eligible is None else eligible, np.ones(n, bool) if confirmed is None else confirmed,
        np.zeros(n, np.int64) if recognitions is None else np.asarray(recognitions))


def test_tasking_order_open_classes_unrecognised_and_near_first():
    pos = [[0.0, 2500.0, 50.0], [0.0, 1000.0, 50.0], [0.0, 1500.0, 50.0], [0.0, 500.0, 50.0]]
    # Track 4 is nearest but its class is settled; of the open ones 2 is the nearest.
    cue = _choose(CameraTasker([_cam()]), 0.0, pos, ["bird", "quadcopter", "unknown", "owa_drone"])
    assert [c.track_id for c in cue] == [2]
    # Recognised once comes first (a second look confirms or undoes it); recognised twice comes last.
    cue = _choose(CameraTasker([_cam()]), 0.0, pos, ["bird"] * 4, recognitions=[0, 2, 1, 0])
    assert [c.track_id for c in cue] == [3]
    cue = _choose(CameraTasker([_cam()]), 0.0, pos, ["bird"] * 4, recognitions=[0, 2, 2, 2])
    assert [c.track_id for c in cue] == [1]
    # Not beyond its range, nor too fast, nor a track the engine leaves out.
    vel = [[0.0, 0.0, 0.0], [0.0, MAX_SPEED_MPS + 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    cue = _choose(CameraTasker([_cam(range_max=2000.0)]), 0.0, pos, ["bird"] * 4, vel=vel,
                  eligible=np.array([True, True, False, False]))
    assert cue == []


def test_a_look_ends_after_slew_settle_and_dwell_aimed_where_the_track_will_be_and_the_camera_is_then_busy():
    tasker = CameraTasker([_cam()])
    pos = np.array([[1500.0, 0.0, 15.0]])  # due east, level with the camera
    vel = np.array([[0.0, 10.0, 0.0]])
    (cue,) = _choose(tasker, 10.0, pos, ["unknown"], vel=vel)
    assert cue.t_start == pytest.approx(10.0 + 1.5 + 0.3)  # 90 deg of pan at 60 deg/s, then settle
    assert cue.t_end == pytest.approx(cue.t_start + 1.0)
    there = pos[0] + vel[0] * (cue.t_end - 10.0)
    assert np.degrees(cue.aim_az) == pytest.approx(np.degrees(np.arctan2(there[0], there[1])))
    assert _choose(tasker, 11.0, pos, ["unknown"], vel=vel) == []  # still looking
    # Free again after the look, but the same track waits relook_s; another track is taken.
    two = np.vstack([pos, [[0.0, 1500.0, 15.0]]])
    (nxt,) = _choose(tasker, cue.t_end + 0.1, two, ["unknown", "unknown"], vel=np.vstack([vel, [[0, 0, 0]]]))
    assert nxt.track_id == 2
    assert nxt.t_start - (cue.t_end + 0.1) == pytest.approx(
        tasker.cameras[0].slew_time(cue.aim_az, cue.aim_el, 0.0, 0.0))


def test_two_cameras_take_two_tracks():
    tasker = CameraTasker([_cam(name="a"), _cam(name="b")])
    cues = _choose(tasker, 0.0, [[0.0, 1000.0, 50.0], [0.0, 1200.0, 50.0]], ["bird", "bird"])
    assert sorted((c.camera, c.track_id) for c in cues) == [("a", 1), ("b", 2)]


def test_standing_evidence_enters_at_the_weight_of_a_feature_seen_every_cycle_and_keeps_it():
    clf = Classifier()
    f = clf.config.forget
    x = np.array([[0.0, 1500.0, 80.0, 8.0, 0.0, 0.0]] * 2)
    rcs = np.full(2, 0.005)
    standing = np.zeros((2, len(CLASSES)))
    standing[1] = label_loglik("quadcopter", CLASSES, 0.05, -12.0)
    q, b = CLASSES.index("quadcopter"), CLASSES.index("bird")
    for k in range(12):
        prob, _ = clf.update(np.array([1, 2]), x, rcs, standing_loglik=standing if k >= 4 else None)
        lo = np.log(prob)
        # The bird-vs-quadcopter log odds differ between the two tracks by the recognition at weight
        # 1 / (1 - forget), from its first cycle on.
        diff = (lo[1, q] - lo[1, b]) - (lo[0, q] - lo[0, b])
        assert diff == pytest.approx(0.0 if k < 4 else -standing[1, b] / (1.0 - f), abs=1e-9)


def test_names_already_tied_to_tracks_add_up_with_their_sensors_confusion():
    ev = RecognitionEvidence(CLASSES)
    ev.credit(np.array([4, 4, 5]), np.array(["bird", "kite", "quadcopter"], object), 0.04)
    assert ev.recognitions(np.array([4, 5, 6])).tolist() == [1, 1, 0]
    assert np.allclose(ev.loglik(np.array([4]))[0], label_loglik("bird", CLASSES, 0.04, -12.0))
    assert label_loglik("bird", CLASSES, 0.04, -12.0)[CLASSES.index("quadcopter")] == pytest.approx(
        np.log(0.04 / 7 / 0.96))


def test_a_sensor_that_confuses_pairs_costs_the_confuser_the_pair_ratio_and_the_rest_the_floor():
    confuser = {"quadcopter": "bird", "bird": "quadcopter", "helicopter": "quadcopter"}
    ll = label_loglik("quadcopter", CLASSES, 0.04, -12.0, confuser)
    # P(name quadcopter | bird) = 0.04, | helicopter) = 0.04, | quadcopter) = 0.96, | others) = 0.
    for c, v in zip(CLASSES, ll, strict=True):
        expected = 0.0 if c == "quadcopter" else np.log(0.04 / 0.96) if c in ("bird", "helicopter") else -12.0
        assert v == pytest.approx(expected)
