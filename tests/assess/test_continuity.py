"""A round's life across its tracks (bastion.assess.continuity): a round whose own prediction has it on the
ground is landed; a new track whose impact agrees with a lost round's carries on its point of origin."""

from __future__ import annotations

import numpy as np

from bastion.assess.continuity import (
    CONTINUITY_GATE,
    LANDED_AFTER_S,
    OWN_ORIGIN_INFLATION,
    TIME_GATE_S,
    RoundContinuity,
    RoundNote,
)
from bastion.evaluate.montecarlo import base_scenario
from bastion.evaluate.summary import match_tracks
from bastion.events import OriginPredicted, TrackContinued, TrackDeleted
from bastion.sim import Simulation

NAN2 = np.full((2, 2), np.nan)


def _note(t_state=30.0, impact=(0.0, 0.0), sd=20.0, t_impact=50.0, t_sd=0.2, origin=(100.0, -4000.0),
          origin_sd=8.0, launch_t=5.0) -> RoundNote:
    return RoundNote(t_state, np.array(impact, float), np.eye(2) * sd**2, t_impact, t_sd, np.array(origin, float),
                     np.eye(2) * origin_sd**2, launch_t)


def _link(c: RoundContinuity, ids, t_first, impact, sd, t_impact, t_sd, origin=(300.0, -3500.0), origin_sd=300.0):
    # By default each track's own origin is a poor one (300 m sd) 540 m from the lost track's: they agree
    # (d2 = 540^2 / (300^2 + 8^2) = 3.2).
    n = len(ids)
    return c.link(np.array(ids), np.array(t_first, float), np.array(impact, float).reshape(n, 2),
                  np.array([np.eye(2) * s**2 for s in sd]), np.array(t_impact, float), np.array(t_sd, float),
                  np.tile(np.array(origin, float), (n, 1)), np.tile(np.eye(2) * origin_sd**2, (n, 1, 1)))


def test_a_round_is_landed_once_its_own_prediction_has_it_down_with_no_plot_since():
    c = RoundContinuity()
    c.note(7, _note(t_state=9.0, t_impact=10.0))
    c.note(8, _note(t_state=10.2, t_impact=10.0))  # a plot after its predicted impact: it flies on
    c.note(9, _note(t_state=9.0, t_impact=np.inf))  # flown back, never lands (not a round's arc)
    ids, ts = np.array([7, 8, 9, 10]), np.array([9.0, 10.2, 9.0, 9.0])  # 10: no note (not a round)
    assert not c.landed(10.0 + LANDED_AFTER_S - 0.01, ids, ts).any()
    assert c.landed(10.0 + LANDED_AFTER_S, ids, ts).tolist() == [True, False, False, False]


def test_a_new_track_whose_impact_agrees_continues_the_lost_round_and_takes_its_tighter_origin():
    c = RoundContinuity()
    c.note(1, _note())
    c.lose(1)
    # Impacts 10 m east and 5 m north of the lost one's: d2 = (10^2 + 5^2) / (20^2 + 5^2), by hand 0.294.
    ties = _link(c, [2], [48.0], [10.0, 5.0], [5.0], [50.1], [0.05])
    assert [(a, b) for a, b, _ in ties] == [(2, 1)]
    assert np.isclose(ties[0][2], 125.0 / 425.0)
    kept = c.inherited_origin(2, np.eye(2) * 300.0**2)  # its own origin, flown back 50 s: 300 m
    assert kept is not None and np.allclose(kept.origin, [100.0, -4000.0]) and kept.launch_t == 5.0
    assert c.inherited_origin(2, np.eye(2) * 3.0**2) is None  # its own is the tighter: it keeps it
    assert c.inherited_origin(2, NAN2) is kept  # no origin of its own
    assert _link(c, [3], [48.0], [10.0, 5.0], [5.0], [50.1], [0.05]) == []  # the lost round is taken


def test_tracks_that_are_not_the_lost_round_are_not_tied_to_it():
    def lost() -> RoundContinuity:
        c = RoundContinuity()
        c.note(1, _note())
        c.lose(1)
        return c

    # A young track whose wide ellipse would agree with anything.
    assert _link(lost(), [2], [48.0], [0.0, 0.0], [25.0], [50.0], [0.05]) == []
    # One that began before the lost track's last plot (a second track on another round, or a duplicate).
    assert _link(lost(), [2], [29.0], [0.0, 0.0], [5.0], [50.0], [0.05]) == []
    # Impact times further apart than 3 sd and the allowance.
    dt = 3.0 * np.hypot(0.2, 0.05) + TIME_GATE_S
    assert _link(lost(), [2], [48.0], [0.0, 0.0], [5.0], [50.0 + dt + 0.01], [0.05]) == []
    assert len(_link(lost(), [2], [48.0], [0.0, 0.0], [5.0], [50.0 + dt - 0.01], [0.05])) == 1
    # A round landing with it but fired from elsewhere: its own origin, 35 m sd, 4 km from the lost one's.
    assert _link(lost(), [2], [48.0], [0.0, 0.0], [5.0], [50.0], [0.05], (4000.0, -4000.0), 35.0) == []
    assert _link(lost(), [2], [48.0], [0.0, 0.0], [5.0], [50.0], [0.05], origin=(np.nan, np.nan)) == []
    # A late track's own origin 200 m off on a 50 m ellipse: d2 = 200^2 / (50^2 + 8^2) = 15.6 as it states
    # it, 3.97 with its variance taken 4 times (OWN_ORIGIN_INFLATION): the same round. 700 m off: 48.6, not.
    assert OWN_ORIGIN_INFLATION == 4.0
    assert len(_link(lost(), [2], [48.0], [0.0, 0.0], [5.0], [50.0], [0.05], (300.0, -4000.0), 50.0)) == 1
    assert _link(lost(), [2], [48.0], [0.0, 0.0], [5.0], [50.0], [0.05], (800.0, -4000.0), 50.0) == []
    # Impact points outside the 99.9 % gate: d2 = x^2 / 425 just over it, and just under.
    x = np.sqrt(CONTINUITY_GATE * 425.0)
    assert _link(lost(), [2], [48.0], [x + 0.1, 0.0], [5.0], [50.0], [0.05]) == []
    assert len(_link(lost(), [2], [48.0], [x - 0.1, 0.0], [5.0], [50.0], [0.05])) == 1


def test_of_two_candidates_the_nearest_impact_takes_the_lost_round_and_lost_rounds_expire():
    c = RoundContinuity()
    c.note(1, _note())
    c.lose(1)
    ties = _link(c, [2, 3], [48.0, 48.0], [[30.0, 0.0], [5.0, 0.0]], [5.0, 5.0], [50.0, 50.0], [0.05, 0.05])
    assert [(a, b) for a, b, _ in ties] == [(3, 1)]
    c.note(4, _note(t_impact=60.0, t_sd=1.0))
    c.lose(4)
    c.forget(60.0 + 3.0 * 1.0 - 0.01, [])
    assert len(_link(c, [5], [48.0], [0.0, 0.0], [5.0], [60.0], [0.05])) == 1
    c.note(6, _note(t_impact=60.0, t_sd=1.0))
    c.lose(6)
    c.forget(60.0 + 3.0 * 1.0 + 0.01, [])  # landed by its own prediction: nothing to continue
    assert _link(c, [7], [48.0], [0.0, 0.0], [5.0], [60.0], [0.05]) == []


def test_a_mortar_lost_high_over_the_base_keeps_its_launcher_when_picked_up_again():
    # End to end on the test base: a 120 mm bomb from 4.1 km lands 59 s later; its track is lost at 37 s
    # (out of the radars' cover high over the base) and a new one forms 1.6 s before impact, whose own
    # back-flown origin (from a few plots, 55 s back) was 1.5 km off on dense seed 3100. The new track is
    # tied to the lost one and reports the launcher within 20 m, inside its 99.9 % ellipse.
    launch = np.array([-740.7, -4051.2])
    bomb = {"kind": "mortar", "name": "bomb", "preset": "mortar_120mm", "launch": [*launch, 0.0],
            "target": [35.0, 400.0, 0.0], "t_launch_s": 5.0, "aim_error_m": 0.0}
    res = Simulation(base_scenario("lost-bomb", 1, 70.0, [bomb]), 1).run()
    owner = match_tracks(res.world, res.events)
    ties = [e for e in res.events if isinstance(e, TrackContinued)]
    assert ties and all(owner.get(e.track_id) == 0 and owner.get(e.previous_track_id) == 0 for e in ties)
    origins = [e for e in res.events if isinstance(e, OriginPredicted) and owner.get(e.track_id) == 0]
    last = origins[-1]
    assert last.track_id == ties[-1].track_id
    err = np.asarray(last.origin_enu[:2]) - launch
    assert np.linalg.norm(err) < 20.0
    assert err @ np.linalg.solve(np.asarray(last.cov_en), err) < CONTINUITY_GATE


def test_a_flat_rockets_track_ends_as_landed_soon_after_its_impact():
    # A 122 mm rocket fired flat (6 deg) from 2.3 km grazes the ground 4.3 s later, too flat for the
    # tracker's below-ground test. Its track coasted on at 700 m/s for the tracker's 5 s coast limit (on
    # dense seed 3100 one took a shell's plot 2 km on, then a quadcopter's). Now it ends as landed within
    # 1.5 s of the impact.
    rocket = {"kind": "rocket", "name": "rocket", "preset": "rocket_122mm", "launch": [26.5, -2900.6, 0.0],
              "target": [146.0, -655.0, 0.0], "t_launch_s": 5.0, "aim_error_m": 0.0}
    res = Simulation(base_scenario("flat-rocket", 1, 15.0, [rocket]), 1).run()
    t_hit = float(res.world.objects[0].t_natural_end)
    owner = match_tracks(res.world, res.events)
    ends = [e for e in res.events if isinstance(e, TrackDeleted) and owner.get(e.track_id) == 0]
    assert ends and all(e.reason == "landed" and 0.0 <= e.t - t_hit <= 1.5 for e in ends)
