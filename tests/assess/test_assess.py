"""Assessment on cases with known answers: impact of a known flight, classes of textbook tracks,
identity from cooperative reports."""

from __future__ import annotations

import numpy as np

from bastion.assess.classify import CLASSES, Classifier, ClassifierConfig
from bastion.assess.identity import IdentityAssessor
from bastion.assess.impact import drone_target_assets, predict_ballistic_impact
from bastion.sense.cooperative import CooperativeReport
from bastion.world.munitions import PRESETS, fly


def test_impact_of_a_noise_free_rocket_state_is_where_it_lands():
    preset = PRESETS["mortar_81mm"]  # no boost: after launch the flight is pure drag and gravity
    flight = fly(preset, [0.0, 0.0, 0.0], np.radians(30.0), np.radians(50.0), dt=0.01)
    k = len(flight.t) // 3
    x = np.concatenate([flight.pos[k], flight.vel[k]])[None]
    pred = predict_ballistic_impact(float(flight.t[k]), x, np.eye(6)[None] * 1e-6, np.array([preset.beta]))
    assert np.linalg.norm(pred.impact[0, :2] - flight.pos[-1, :2]) < 5.0
    assert abs(pred.t_impact[0] - flight.t[-1]) < 0.1
    # The ellipse grows with the state's uncertainty, and contains the truth.
    pred2 = predict_ballistic_impact(float(flight.t[k]), x, np.diag([25.0] * 3 + [4.0] * 3)[None],
                                     np.array([preset.beta]))
    assert np.trace(pred2.cov_en[0]) > 100.0 * np.trace(pred.cov_en[0])


def test_vacuum_impact_matches_the_closed_form():
    v, el = 200.0, np.radians(45.0)
    x = np.array([[0.0, 0.0, 1e-6, 0.0, v * np.cos(el), v * np.sin(el)]])
    pred = predict_ballistic_impact(0.0, x, np.eye(6)[None] * 1e-8, np.array([np.inf]))
    g = 9.80665
    assert abs(pred.impact[0, 1] - v**2 * np.sin(2 * el) / g) < 0.5
    assert abs(pred.t_impact[0] - 2 * v * np.sin(el) / g) < 0.01


def test_drone_heading_for_an_asset():
    centres = np.array([[0.0, 0.0], [2000.0, 0.0]])
    radii = np.array([50.0, 50.0])
    x = np.array([[-3000.0, 10.0, 100.0, 45.0, 0.0, 0.0], [-3000.0, 900.0, 100.0, 45.0, 0.0, 0.0]])
    idx, t = drone_target_assets(x, centres, radii, margin_m=150.0)
    assert idx.tolist() == [0, -1]
    assert abs(t[0] - 3000.0 / 45.0) < 1e-6


def _run(classifier, x, rcs, cycles, bp=np.nan):
    for _ in range(cycles):
        _, declared = classifier.update(np.array([1]), x[None], np.array([rcs]), np.array([bp]),
                                        np.array([2.0]))
    return CLASSES[declared[0]] if declared[0] >= 0 else "unknown"


def test_textbook_tracks_get_their_classes_after_three_cycles():
    rocket = np.array([0.0, 0.0, 800.0, 200.0, 150.0, 80.0])  # 262 m/s, climbing at 17 deg
    drone = np.array([0.0, 0.0, 120.0, 30.0, -35.0, 0.0])  # 46 m/s, level
    bird = np.array([0.0, 0.0, 60.0, 8.0, 6.0, 0.5])  # 10 m/s
    slow = ClassifierConfig(decisive=1.01)  # the decisive shortcut off: three confident cycles
    assert _run(Classifier(slow), rocket, 0.02, 2, bp=0.9) == "unknown"  # not yet: three cycles are needed
    assert _run(Classifier(slow), rocket, 0.02, 3, bp=0.9) == "rocket"
    assert _run(Classifier(), rocket, 0.02, 4, bp=0.9) == "rocket"
    assert _run(Classifier(), drone, 0.1, 4, bp=0.05) == "owa_drone"
    assert _run(Classifier(), bird, 0.003, 4, bp=0.05) == "bird"


def test_overwhelming_evidence_is_declared_after_two_cycles_and_weak_evidence_after_three():
    rocket = np.array([0.0, 0.0, 800.0, 200.0, 150.0, 80.0])
    clf = Classifier()
    probs = []
    for _ in range(3):
        p, declared = clf.update(np.array([1]), rocket[None], np.array([0.02]), np.array([0.9]), np.array([2.0]))
        probs.append((p[0, CLASSES.index("rocket")], declared[0]))
    # Decisive (>= 0.995) on the first two cycles here, so declared on the second, never on the first.
    assert probs[0][0] >= 0.995 and probs[1][0] >= 0.995
    assert probs[0][1] == -1 and CLASSES[probs[1][1]] == "rocket"
    # A drone track short of decisive on its first cycle (0.989 here) is not declared on its second.
    drone = np.array([0.0, 0.0, 120.0, 30.0, -35.0, 0.0])
    clf = Classifier()
    seen = []
    for _ in range(3):
        p, declared = clf.update(np.array([7]), drone[None], np.array([0.1]), np.array([0.05]), np.array([2.0]))
        seen.append((p[0].max(), declared[0]))
    assert seen[0][0] < 0.995
    assert seen[1][1] == -1 and CLASSES[seen[2][1]] == "owa_drone"


def test_identity_from_iff_and_adsb_is_sticky():
    ia = IdentityAssessor()
    ids = np.array([1, 2, 3])
    pos = np.array([[1000.0, 0.0, 150.0], [5000.0, 5000.0, 1000.0], [-2000.0, 0.0, 100.0]])
    ia.ingest(CooperativeReport("iff", "iff", 10.0, pos[:1] + 30.0, np.full((1, 3), np.nan), [60.0], ("M5/HELO",)))
    ia.ingest(CooperativeReport("adsb", "adsb", 10.0, pos[1:2] + 10.0, np.zeros((1, 3)), [15.0], ("ABC/KAC1",)))
    changes = {tid: ident for tid, ident, _ in ia.update(10.5, ids, pos, np.full(3, 20.0),
                                                          ["helicopter", "aircraft", "owa_drone"])}
    assert changes == {1: "friend", 2: "neutral", 3: "hostile"}
    # No replies any more, and the helicopter's kinematics even look like a drone's: still a friend.
    ia.update(30.0, ids, pos, np.full(3, 20.0), ["owa_drone", "aircraft", "owa_drone"])
    assert ia.identity[1][0] == "friend" and ia.identity[2][0] == "neutral"


def test_origin_of_a_noise_free_mortar_track_is_its_launch_point():
    preset = PRESETS["mortar_81mm"]
    launch = np.array([-3000.0, 2000.0, 0.0])
    flight = fly(preset, launch, np.radians(120.0), np.radians(55.0), dt=0.01)
    from bastion.assess.impact import predict_ballistic_origin

    for k in (len(flight.t) // 4, len(flight.t) // 2):
        x = np.concatenate([flight.pos[k], flight.vel[k]])[None]
        org = predict_ballistic_origin(x, np.eye(6)[None] * 1e-6, np.array([preset.beta]))
        assert np.linalg.norm(org.impact[0, :2] - launch[:2]) < 5.0
        assert abs(org.t_impact[0] - flight.t[k]) < 0.1


def test_rocket_drag_prior_is_the_candidate_round_that_fits():
    from bastion.assess.impact import _mach_factor, drag_prior_beta

    def state(speed, beta_low, k_sd):
        x = np.array([[0.0, 0.0, 1000.0, 0.0, speed, 0.0, 0.0]])
        x[0, 6] = _mach_factor(x, 0.0)[0] / beta_low  # the tracker's constant-drag k at this Mach number
        P = np.diag([100.0, 100.0, 100.0, 25.0, 25.0, 25.0, (k_sd * x[0, 6]) ** 2])[None]
        return x, P

    # 600 m/s: no 107 mm flies that fast (385 m/s peak), whatever the drag estimate says.
    assert drag_prior_beta(["rocket"], *state(600.0, 8400.0, 0.1))[0] == 16150.0
    # At 300 m/s the tracker's drag decides when it is known to 10 %; mortars keep their single prior.
    assert drag_prior_beta(["rocket"], *state(300.0, 8400.0, 0.1))[0] == 8400.0
    assert drag_prior_beta(["rocket"], *state(300.0, 16150.0, 0.1))[0] == 16150.0
    assert drag_prior_beta(["mortar", "rocket"], *map(lambda a: np.repeat(a, 2, axis=0),
                                                      state(300.0, 16150.0, 0.1))).tolist() == [7200.0, 16150.0]


def test_second_track_on_a_friend_is_never_hostile():
    """Two tracks on one helicopter (a split track), one IFF reply: the one-to-one match gives the reply to
    one of them; the other, even if it looks like a drone, stays unknown. A drone 3 km away is hostile."""
    ia = IdentityAssessor()
    heli = np.array([1000.0, 2000.0, 300.0])
    ia.ingest(CooperativeReport("iff", "iff", 10.0, heli[None] + 20.0, np.full((1, 3), np.nan), [60.0], ("M5/HELO",)))
    ids = np.array([4, 9, 12])
    pos = np.array([heli, heli + [40.0, -30.0, 5.0], heli + [3000.0, 0.0, 0.0]])
    changes = {tid: (ident, why) for tid, ident, why in ia.update(
        10.5, ids, pos, np.full(3, 25.0), ["helicopter", "owa_drone", "owa_drone"])}
    assert changes[4][0] == "friend"
    assert changes[9][0] == "unknown" and "M5/HELO" in changes[9][1]
    assert changes[12][0] == "hostile"
