"""Tracks owning no object in the run summary: a second track on an object and a track on clutter are told
apart, and what they were declared, warned and drew fire for is reported."""

from __future__ import annotations

import numpy as np

from bastion.evaluate.summary import MATCH_GATE_M, build_summary, match_tracks, unowned_tracks
from bastion.events import Alert, ClassChanged, FireOrder, IdentityChanged, TrackConfirmed, TrackPicture

from ..conftest import simulated


def test_second_tracks_and_clutter_tracks_are_told_apart_and_reported():
    scenario, result, _ = simulated("compound-salvo", 1)
    world, events = result.world, list(result.events)
    owner = match_tracks(world, events)
    before = unowned_tracks(world, events, owner)
    # Two tracks added by hand: one confirmed 50 m from a live object (a second track on it), one 5 km
    # above the site where nothing flies (clutter). The clutter one is declared a rocket, made hostile,
    # warned a zone and drew a fire order.
    t = 30.0
    alive, pos, _ = world.state(t)
    j = int(np.flatnonzero(alive)[0])
    dup, ghost = 900001, 900002
    far = np.array([0.0, 0.0, 5000.0])
    assert np.min(np.linalg.norm(pos[alive] - far, axis=1)) > MATCH_GATE_M
    zone = scenario.warning_zones[0].name
    events += [
        TrackConfirmed(t, dup, tuple(float(v) for v in pos[j] + [50.0, 0.0, 0.0])),
        TrackConfirmed(t, ghost, tuple(float(v) for v in far)),
        ClassChanged(t + 1.0, ghost, "rocket", 1.0),
        IdentityChanged(t + 1.0, ghost, "hostile", "class rocket"),
        Alert(t + 1.5, zone, "warning", (ghost,), t + 20.0),
        FireOrder(t + 2.0, 77, ghost, "gun", tuple(float(v) for v in far), t + 4.0, 20, "operator:test"),
    ]
    got = {u["track_id"]: u for u in unowned_tracks(world, events, match_tracks(world, events))}
    assert len(got) == len(before) + 2
    assert got[dup]["near"] == world.objects[j].name
    assert got[dup]["classes"] == [] and not got[dup]["hostile"] and got[dup]["fire_orders"] == 0
    assert got[ghost]["near"] is None
    assert got[ghost]["classes"] == ["rocket"] and got[ghost]["hostile"]
    assert got[ghost]["warned_zones"] == [zone] and got[ghost]["fire_orders"] == 1
    base = build_summary(scenario, world, list(result.events), result.first_detection, 1)["totals"]
    s = build_summary(scenario, world, events, result.first_detection, 1)["totals"]
    assert s["unowned_tracks"] == base["unowned_tracks"] + 2 == len(before) + 2
    # The shot at the clutter track counts: one more engagement and its 20 rounds.
    assert s["engagements_on_unowned_tracks"] == base["engagements_on_unowned_tracks"] + 1
    assert s["engagements"] == base["engagements"] + 1 and s["rounds_fired"] == base["rounds_fired"] + 20


def test_a_track_confirmed_in_a_rounds_last_moments_belongs_to_that_round():
    """A track that meets its round once, just before the impact, and coasts on after it owns the round;
    a track that meets an object once and then leaves it while the object still flies does not."""
    _, result, _ = simulated("compound-salvo", 1)
    world = result.world
    rounds = [o for o in world.objects if o.kind in ("rocket", "mortar") and o.natural_end == "impact"]
    assert rounds
    late, leaving = 900011, 900012
    rnd = rounds[0]
    t_vote = float(rnd.t_end) - 0.2
    _, pos, _ = world.state(t_vote)
    on_round = pos[rnd.index] + [20.0, 0.0, 0.0]
    high = np.array([0.0, 0.0, 6000.0])  # nothing flies there
    # An object alive for at least another second after the vote.
    t2 = 30.0
    alive2, pos2, _ = world.state(t2)
    k = next(i for i in np.flatnonzero(alive2) if world.t_end[i] > t2 + 1.0)
    assert np.min(np.linalg.norm(world.state(t2 + 0.5)[1][world.alive(t2 + 0.5)] - high, axis=1)) > MATCH_GATE_M

    def picture(t, tid, p):
        return TrackPicture(t, (tid,), (tuple(float(v) for v in p) + (0.0, 0.0, 0.0),), ("unknown",), ("unknown",))

    events = [
        picture(t_vote, late, on_round), picture(t_vote + 0.5, late, high),  # coasting on, near nothing
        picture(t2, leaving, pos2[k]), picture(t2 + 0.5, leaving, high),
    ]
    owner = match_tracks(world, events)
    assert owner.get(late) == rnd.index
    assert leaving not in owner
    # The same single vote for the first track, but the round still in the air at the track's next
    # picture: one vote is not enough.
    events[1] = picture(t_vote + 0.1, late, high)
    assert late not in match_tracks(world, events)
    # Confirmed 50 ms before the impact, first pictured after it: its confirmation is its vote.
    last = 900013
    t_c = float(rnd.t_end) - 0.05
    p_c = world.state(t_c)[1][rnd.index] + [0.0, 30.0, 0.0]
    events = [TrackConfirmed(t_c, last, tuple(float(v) for v in p_c)), picture(t_c + 0.4, last, high)]
    assert match_tracks(world, events).get(last) == rnd.index
    # ... but not when it is pictured, far off, while the round still flies.
    events[1] = picture(t_c + 0.01, last, high)
    assert last not in match_tracks(world, events)
