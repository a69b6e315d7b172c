"""The goals of benchmarks/assess_warn.py checked on one small Monte Carlo run (so the suite stays fast).

The thresholds are the benchmark's goals, loosened only where a sample of a dozen rounds cannot resolve
them (a 95 % rate needs hundreds of cases): the tables in benchmarks/README.md hold the full measurement.
"""

from __future__ import annotations

import numpy as np
import pytest

from bastion.evaluate.montecarlo import (
    CHI2_2DOF_95,
    DUPLICATE_TRACK,
    FALSE_TRACK,
    REQUIRED_LEAD_S,
    Mix,
    build_scenario,
    run_seed,
)

SMALL = Mix(ballistic=15, artillery=3, drones=2, bird_flocks=1, birds_per_flock=4, aircraft=2, helicopters=2,
            duration_s=130.0)


@pytest.fixture(scope="module")
def outcomes():
    return run_seed(11, SMALL)


def test_every_kind_is_present(outcomes):
    kinds = {o.kind for o in outcomes} - {DUPLICATE_TRACK, FALSE_TRACK}
    assert kinds == {"rocket", "mortar", "artillery", "owa_drone", "bird", "aircraft", "helicopter"}
    assert sum(o.flight_time_s is not None for o in outcomes) >= 12  # rounds that landed in the run


def test_no_airliner_or_helicopter_is_ever_hostile_and_classes_are_right_early(outcomes):
    assert not any(o.ever_hostile for o in outcomes if o.kind in ("aircraft", "helicopter"))
    conf = [o for o in outcomes if o.confirmed_t is not None]
    ok = [o.first_correct_s is not None and o.first_correct_s <= 5.0 for o in conf]
    assert len(conf) >= 20
    assert np.mean(ok) >= 0.9


def test_impact_error_at_10_s_and_ellipse(outcomes):
    err = [o.impact_err_m[10] for o in outcomes if o.impact_err_m.get(10) is not None]
    m2 = [o.impact_m2[10] for o in outcomes if o.impact_m2.get(10) is not None]
    assert len(err) >= 5
    assert np.median(err) <= 50.0
    assert np.mean(np.array(m2) <= CHI2_2DOF_95) >= 0.8


def test_warnings_in_time_and_not_too_wide(outcomes):
    hits = [o for o in outcomes if o.hostile and o.impact_zone is not None and o.flight_time_s is not None]
    need = [min(REQUIRED_LEAD_S, o.zone_shelter_s) for o in hits]
    feasible = [(o, r) for o, r in zip(hits, need, strict=True) if o.flight_time_s >= r + 5.0]
    assert len(feasible) >= 5
    # No missed warning on a round whose flight leaves time to warn.
    assert all(o.warn_lead_s is not None and o.warn_lead_s >= r for o, r in feasible)
    ratio = [o.warned_area_m2 / o.footprint_m2 for o in hits]
    assert np.median(ratio) <= 3.0


def test_clutter_makes_no_hostile_track(outcomes):
    # The radars' false alarms (2 and 3 per scan) are far too sparse for 4 of 5 plots to line up
    # (docs/tracking.md, false confirmation rates): no confirmed track on clutter, so none hostile.
    assert not [o for o in outcomes if o.kind == FALSE_TRACK]


def test_the_chain_runs_forward_in_time_for_every_round(outcomes):
    # Causality: a round is seen after its launch, confirmed after it is seen, declared hostile once
    # confirmed, and its zone's warning (if any) comes after that and before the impact.
    rounds = [o for o in outcomes if o.kind in ("rocket", "mortar") and o.flight_time_s is not None]
    assert rounds and all(o.t_start is not None and o.first_plot_t is not None for o in rounds)
    for o in rounds:
        assert o.t_start <= o.first_plot_t <= o.impact_t
        if o.confirmed_t is not None:
            assert o.first_plot_t < o.confirmed_t
        if o.hostile_t is not None:
            assert o.confirmed_t is not None and o.confirmed_t <= o.hostile_t
        if o.warn_lead_s is not None:
            assert o.hostile_t is not None and o.hostile_t <= o.impact_t - o.warn_lead_s <= o.impact_t
    # Birds and airliners are never hostile, so they have no hostile time.
    assert all(o.hostile_t is None for o in outcomes if o.kind in ("bird", "aircraft", "helicopter"))


def test_sensor_what_if_changes_only_that_sensor_and_bad_names_are_refused():
    from bastion.errors import UserError

    base = build_scenario(5, SMALL)
    what_if = build_scenario(5, Mix(**{**SMALL.__dict__, "sensor_overrides": (
        ("counter-mortar-radar", "sigma_az_deg", 0.1),)}))
    cmr = [s.name for s in base.sensors].index("counter-mortar-radar")
    assert base.sensors[cmr].sigma_az_deg == 0.25 and what_if.sensors[cmr].sigma_az_deg == 0.1
    assert what_if.objects == base.objects and what_if.sensors[:cmr] == base.sensors[:cmr]
    with pytest.raises(UserError, match="no sensor 'cmr'.*counter-mortar-radar"):
        build_scenario(5, Mix(sensor_overrides=(("cmr", "sigma_az_deg", 0.1),)))
    with pytest.raises(UserError, match=r"sensors\[1\]\.sigma_az_deg: must be > 0"):
        build_scenario(5, Mix(sensor_overrides=(("counter-mortar-radar", "sigma_az_deg", -1.0),)))


def test_tracker_what_if_reaches_the_engine_and_bad_settings_are_refused():
    from bastion.errors import UserError
    from bastion.evaluate.montecarlo import tracker_config_for
    from bastion.sim import Simulation
    from bastion.track import TrackerConfig

    config = tracker_config_for((("fast_confirm_m", 3.0), ("gate_sigmas", 4.5), ("block_init_in_gate", 0.0)))
    assert (config.fast_confirm_m, config.gate_sigmas, config.block_init_in_gate) == (3, 4.5, False)
    assert isinstance(config.fast_confirm_m, int) and config.confirm_m == TrackerConfig().confirm_m
    sim = Simulation(build_scenario(5, SMALL), 5, config)
    assert sim.engine.tracker.config == config  # the engine adds only the met wind (none here)
    assert tracker_config_for(()) == TrackerConfig()
    with pytest.raises(UserError, match="no numeric tracker setting 'fast_confirm'.*fast_confirm_m"):
        tracker_config_for((("fast_confirm", 3.0),))
    with pytest.raises(UserError, match="confirm_m is a count"):
        tracker_config_for((("confirm_m", 3.5),))
    with pytest.raises(UserError, match="block_init_in_gate is a switch"):
        tracker_config_for((("block_init_in_gate", 2.0),))
    with pytest.raises(UserError, match="fast_confirm_m=6.*need 0 <= fast_confirm_m <= confirm_n"):
        tracker_config_for((("fast_confirm_m", 6.0),))
    with pytest.raises(UserError, match="no numeric tracker setting 'models'"):
        tracker_config_for((("models", 1.0),))


def test_shelter_what_if_sets_every_zone_and_bad_times_are_refused():
    from bastion.errors import UserError

    base = build_scenario(5, SMALL)
    # The test base: 10 s in the centre column (zone-c*), 15 s elsewhere.
    assert {z.name: z.time_to_shelter_s for z in base.warning_zones} == {
        "zone-ws": 15.0, "zone-wn": 15.0, "zone-cs": 10.0, "zone-cn": 10.0, "zone-es": 15.0, "zone-en": 15.0}
    near = build_scenario(5, Mix(**{**SMALL.__dict__, "time_to_shelter_s": 5.0}))
    assert [z.time_to_shelter_s for z in near.warning_zones] == [5.0] * 6
    assert near.objects == base.objects and near.sensors == base.sensors
    assert [z.polygon for z in near.warning_zones] == [z.polygon for z in base.warning_zones]
    with pytest.raises(UserError, match=r"warning_zones\[0\]\.time_to_shelter_s: must be >= 0"):
        build_scenario(5, Mix(time_to_shelter_s=-1.0))


@pytest.mark.parametrize(("count", "kind"), [("quadcopters", "quadcopter"), ("artillery", "artillery")])
def test_quadcopters_and_shells_come_from_their_own_streams_and_leave_every_other_object_as_it_was(count, kind):
    plain = build_scenario(5, SMALL)
    more = build_scenario(5, Mix(**{**SMALL.__dict__, count: 40}))
    assert [o for o in more.objects if o.kind != kind] == [o for o in plain.objects if o.kind != kind]
    mine = [o for o in more.objects if o.kind == kind]
    before = [o for o in plain.objects if o.kind == kind]
    assert len(mine) == 40 and mine[:len(before)] == before  # more of them: the first ones unchanged


def test_a_quarter_of_the_quadcopters_fly_silent_and_three_quarters_dive():
    quads = [o for o in build_scenario(5, Mix(**{**SMALL.__dict__, "quadcopters": 40})).objects
             if o.kind == "quadcopter"]
    # A quarter fly without a radio link, three quarters dive onto an asset (40 draws: loose bounds).
    assert 4 <= sum(not q.rf_link for q in quads) <= 18
    assert 22 <= sum(q.target is not None for q in quads) <= 38


def test_a_sensor_left_out_is_gone_and_the_others_keep_their_places():
    from bastion.errors import UserError

    base = build_scenario(5, SMALL)
    without = build_scenario(5, Mix(**{**SMALL.__dict__, "dropped_sensors": ("cued-camera",)}))
    names = [s.name for s in base.sensors]
    assert "cued-camera" in names and names[-1] == "cued-camera"  # last: no other sensor's stream moves
    assert [s.name for s in without.sensors] == names[:-1] and without.sensors == base.sensors[:-1]
    with pytest.raises(UserError, match="no sensor 'camera'.*cued-camera"):
        build_scenario(5, Mix(dropped_sensors=("camera",)))
