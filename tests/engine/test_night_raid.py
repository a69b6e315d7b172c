"""End to end over 10 seeds of night-raid: the chain detects, classifies, warns and engages as it must."""

from __future__ import annotations

import numpy as np

from bastion.events import FireOrder


def _obj(summary, name):
    return next(o for o in summary["objects"] if o["id"] == name)


def test_threats_confirmed_before_impact(night_raid_runs):
    for _, result, summary in night_raid_runs:
        for name in ("drone-1", "drone-2", "rocket-1"):
            o = _obj(summary, name)
            truth = next(t for t in result.world.objects if t.name == name)
            assert o["confirmed_t"] is not None, (summary["seed"], name)
            assert o["confirmed_t"] < truth.t_natural_end, (summary["seed"], name)


def test_classes(night_raid_runs):
    for _, _, summary in night_raid_runs:
        seed = summary["seed"]
        assert _obj(summary, "rocket-1")["class"] == "rocket", seed
        assert _obj(summary, "drone-1")["class"] == "owa_drone", seed
        assert _obj(summary, "drone-2")["class"] == "owa_drone", seed
        assert _obj(summary, "airliner")["class"] == "aircraft", seed
        assert _obj(summary, "helicopter")["class"] == "helicopter", seed


def test_identities_never_hostile_for_airliner_and_friend_for_helicopter(night_raid_runs):
    from bastion.events import IdentityChanged

    for _, result, summary in night_raid_runs:
        air_tracks = set(_obj(summary, "airliner")["tracks"])
        heli_tracks = set(_obj(summary, "helicopter")["tracks"])
        assert air_tracks and heli_tracks
        ids = [e for e in result.events if isinstance(e, IdentityChanged)]
        assert not [e for e in ids if e.track_id in air_tracks and e.identity == "hostile"]
        heli_final = [e.identity for e in ids if e.track_id in heli_tracks]
        assert heli_final and heli_final[-1] == "friend" and "hostile" not in heli_final


def test_rocket_zone_warned_ten_seconds_before_impact(night_raid_runs):
    for _, _, summary in night_raid_runs:
        rocket = _obj(summary, "rocket-1")
        hit = rocket["would_have_hit"] if rocket["outcome"] == "defeated" else rocket
        assert hit["impact_zone"] is not None
        assert hit["warning_lead_s"] is not None and hit["warning_lead_s"] >= 10.0, summary["seed"]


def test_the_rockets_impact_is_predicted_in_the_scenarios_wind(night_raid_runs):
    """night-raid blows a (3, -2) m/s wind, which reaches the engine as its met report: 10 s before impact
    the rocket's predicted impact is within 40 m on every seed and 25 m at the median. Measured 2026-12-07
    on these 10 seeds: 3.0-26.0 m (median 11.1 m); the same runs with the engine told nothing of the wind
    (met_wind_mps = [0, 0, 0]) 33.0-95.8 m, median 69.6 m."""
    errors = [_obj(summary, "rocket-1")["impact_prediction_error_m"]["10"] for _, _, summary in night_raid_runs]
    assert all(e is not None for e in errors)
    assert max(errors) < 40.0 and float(np.median(errors)) < 25.0, errors


def test_no_engagement_of_neutrals_friends_or_birds(night_raid_runs):
    for _, result, summary in night_raid_runs:
        assert summary["totals"]["fratricide_engagements"] == 0
        for o in summary["objects"]:
            if o["true_kind"] in ("aircraft", "helicopter", "bird"):
                assert o["engagements"] == [], (summary["seed"], o["id"])
        # Independently of the track-to-truth matching: no burst was resolved against a non-hostile.
        hostile = {o.name for o in result.world.objects if o.hostile}
        for icp in result.intercepts:
            if icp.kill:
                assert icp.object_name in hostile


def test_outcomes_consistent_with_engagements(night_raid_runs):
    for _, result, summary in night_raid_runs:
        fires = [e for e in result.events if isinstance(e, FireOrder)]
        assert summary["totals"]["rounds_fired"] == sum(f.rounds for f in fires)
        for o in summary["objects"]:
            kills = [e for e in o["engagements"] if e["result"] == "kill"]
            if o["outcome"] == "defeated":
                assert len(kills) == 1 and o["defeated_t"] == kills[0]["intercept_t"]
                assert o["impact_t"] is None
            else:
                assert not kills
            if o["outcome"] == "impact":
                assert o["impact_t"] is not None and o["impact_enu"] is not None
            for e in o["engagements"]:
                assert e["fire_t"] < e["intercept_t"]
                assert e["authorised_by"]
        tot = summary["totals"]
        hostile = [o for o in summary["objects"] if o["hostile"]]
        assert tot["threats"] == len(hostile) == 3
        assert tot["defeated"] == sum(o["outcome"] == "defeated" for o in hostile)
        assert tot["leaked"] == sum(o["outcome"] == "impact" for o in hostile)


def test_drones_need_operator_approval(night_raid_runs):
    for _, _, summary in night_raid_runs:
        for name in ("drone-1", "drone-2"):
            for e in _obj(summary, name)["engagements"]:
                assert e["authorised_by"].startswith("operator:")
                assert e["approved_t"] is not None and e["approved_t"] <= e["fire_t"]
        for e in _obj(summary, "rocket-1")["engagements"]:
            assert e["authorised_by"] == "roe:pre-authorised"


def test_defence_works_most_of_the_time(night_raid_runs):
    defeated = np.mean([s["totals"]["defeated"] / s["totals"]["threats"] for _, _, s in night_raid_runs])
    assert defeated >= 0.7
