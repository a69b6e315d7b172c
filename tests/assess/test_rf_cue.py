"""The RF-link cue: direction-finder bearings crossing on a track make it a drone's; the classifier uses it."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assess.classify import CLASSES, Classifier
from bastion.assess.rf_cue import RfCueConfig, RfEvidence
from bastion.evaluate.montecarlo import Mix, build_scenario
from bastion.evaluate.summary import match_tracks
from bastion.events import ClassChanged, IdentityChanged
from bastion.geo import enu_to_rae
from bastion.sim import Simulation

SIGMA = np.radians(3.0)
FINDER_A = np.array([-1400.0, -900.0, 15.0])
FINDER_B = np.array([1400.0, 900.0, 15.0])


def _bearing(finder: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.array([enu_to_rae(target, finder)[1] + SIGMA * rng.normal()])


def test_log_likelihood_ratio_per_bearing_is_the_gaussian_against_the_uniform_window():
    ev = RfEvidence()
    w = ev.config.window_sigmas
    pos = np.array([[0.0, 2000.0, 60.0], [0.0, 2000.0, 60.0], [0.0, 2000.0, 60.0]])
    # Rotate the three tracks about finder A to 0, 1 and 4 sigma off the bearing.
    az0 = enu_to_rae(pos[0], FINDER_A)[1]
    rng_h = np.hypot(*(pos[0, :2] - FINDER_A[:2]))
    for k, off in enumerate((0.0, 1.0, 4.0)):
        a = az0 + off * SIGMA
        pos[k, :2] = FINDER_A[:2] + rng_h * np.array([np.sin(a), np.cos(a)])
    ev.ingest(10.0, "a", np.array([az0]), np.array([SIGMA]), FINDER_A, np.array([1, 2, 3]), pos)
    got = {tid: rows[0][1] for tid, rows in ev._llr.items()}
    base = np.log(2.0 * w / np.sqrt(2.0 * np.pi))  # 1.3836 for w = 5
    assert got[1] == pytest.approx(base, abs=1e-9)
    assert got[2] == pytest.approx(base - 0.5, abs=1e-9)
    assert got[3] == pytest.approx(max(base - 8.0, ev.config.llr_floor), abs=1e-9)


def test_crossing_bearings_link_the_emitter_and_not_a_bird_on_one_finders_line():
    rng = np.random.default_rng(3)
    drone = np.array([200.0, 1500.0, 60.0])
    # A bird on finder A's line to the drone, 600 m further out: the same bearing from A, not from B.
    u = (drone - FINDER_A) / np.linalg.norm(drone - FINDER_A)
    bird = drone + 600.0 * u
    assert abs(enu_to_rae(bird, FINDER_A)[1] - enu_to_rae(drone, FINDER_A)[1]) < 1e-9
    assert abs(enu_to_rae(bird, FINDER_B)[1] - enu_to_rae(drone, FINDER_B)[1]) > 5 * SIGMA
    ids, pos = np.array([7, 8]), np.vstack([drone, bird])
    one, two = RfEvidence(), RfEvidence()
    for k in range(8):
        t = 20.0 + k
        za = _bearing(FINDER_A, drone, rng)
        zb = _bearing(FINDER_B, drone, rng)
        for ev in (one, two):
            ev.ingest(t, "a", za, np.array([SIGMA]), FINDER_A, ids, pos)
        two.ingest(t + 0.1, "b", zb, np.array([SIGMA]), FINDER_B, ids, pos)
    # One finder cannot tell the two apart; two finders link the drone only.
    assert one.linked(27.5, ids, sites=1).tolist() == [True, True]
    assert two.linked(27.5, ids, sites=2).tolist() == [True, False]
    # One finder's evidence never satisfies a two-finder deployment.
    assert one.linked(27.5, ids, sites=2).tolist() == [False, False]


def test_evidence_fades_after_the_window_and_with_the_track():
    rng = np.random.default_rng(4)
    drone = np.array([-300.0, 1200.0, 40.0])
    ev = RfEvidence(RfCueConfig(window_s=10.0))
    for k in range(6):
        for name, finder in (("a", FINDER_A), ("b", FINDER_B)):
            ev.ingest(float(k), name, _bearing(finder, drone, rng), np.array([SIGMA]), finder, np.array([5]),
                      drone[None])
    assert ev.linked(5.5, np.array([5]))[0]
    assert not ev.linked(16.0, np.array([5]))[0]  # the last bearing was 11 s ago (10 s window)
    ev.ingest(20.0, "a", _bearing(FINDER_A, drone, rng), np.array([SIGMA]), FINDER_A, np.array([5]), drone[None])
    ev.forget(np.array([6]))
    assert ev._llr == {}


def test_a_link_adds_the_tie_rate_ratio_to_the_log_likelihoods():
    clf = Classifier()
    x = np.array([[0.0, 0.0, 60.0, 9.0, 7.0, 0.3]])  # 11.4 m/s at 60 m: a bird or a quadcopter
    args = (x, np.array([0.01]), np.array([0.05]), np.array([1.0]))
    plain = clf.log_likelihood(*args)
    linked = clf.log_likelihood(*args, rf_linked=np.array([True]))
    q, b = CLASSES.index("quadcopter"), CLASSES.index("bird")
    assert (linked - plain)[0, q] - (linked - plain)[0, b] == pytest.approx(np.log(0.48 / 0.01))
    assert np.array_equal(clf.log_likelihood(*args, rf_linked=np.array([False])), plain)


def test_a_hovering_track_is_no_bird():
    clf = Classifier()
    b, q = CLASSES.index("bird"), CLASSES.index("quadcopter")
    hover = np.array([[0.0, 0.0, 60.0, 0.5, 0.0, 0.0]])
    cruise = np.array([[0.0, 0.0, 60.0, 11.0, 0.0, 0.0]])
    ll_h = clf.log_likelihood(hover, np.array([0.01]), np.array([0.05]), np.array([0.5]))
    ll_c = clf.log_likelihood(cruise, np.array([0.01]), np.array([0.05]), np.array([0.5]))
    # The bird's speed Gaussian (11 +- 4 m/s, sd widened by 0.5) and the 5 m/s minimum flight speed
    # (sd hypot(1.5, 0.5)), by hand:
    sd = np.hypot(4.0, 0.5)
    expect = -0.5 * (10.5 / sd) ** 2 - 0.5 * (4.5 / np.hypot(1.5, 0.5)) ** 2
    assert ll_h[0, b] - ll_c[0, b] == pytest.approx(expect)
    assert ll_h[0, q] - ll_h[0, b] > ll_c[0, q] - ll_c[0, b] + 5.0


def _quad_classes(rf_link: bool) -> list[str]:
    mix = Mix(ballistic=0, drones=0, quadcopters=2, bird_flocks=0, aircraft=0, helicopters=0, duration_s=90.0)
    scenario = build_scenario(3100, mix)
    objects = [o.model_copy(update={"rf_link": rf_link}) for o in scenario.objects]
    scenario = scenario.model_copy(update={"objects": objects})
    result = Simulation(scenario, 3100).run()
    owner = match_tracks(result.world, result.events)
    linked_obj = next(o.index for o in result.world.objects if o.name == "quadcopter-1")
    mine = {tid for tid, obj in owner.items() if obj == linked_obj}
    classes = [e.track_class for e in result.events if isinstance(e, ClassChanged) and e.track_id in mine]
    hostile = [e.reason for e in result.events
               if isinstance(e, IdentityChanged) and e.track_id in mine and e.identity == "hostile"]
    return classes + (["hostile"] if hostile else []) + (["link in reason"] if any(
        "radio link" in r for r in hostile) else [])


def test_end_to_end_a_piloted_quadcopter_is_named_by_its_link_and_a_silent_one_is_not():
    # The test base's two direction finders hear quadcopter-1 (seed 3100, 2.7 km out, loitering at 80 m);
    # without its link the same flight is taken for a bird.
    with_link = _quad_classes(True)
    assert "quadcopter" in with_link and "hostile" in with_link
    assert "link in reason" in with_link  # the after-action record says why
    without = _quad_classes(False)
    assert "quadcopter" not in without and "bird" in without and "link in reason" not in without
