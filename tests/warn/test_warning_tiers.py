"""Warning tiers (early warning, warning, all clear), the deadline rule and drone path zones."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bastion.events import Alert
from bastion.warn.warning import ThreatImpact, WarningConfig, WarningController

# Three 1 km zones in a row along east, shelter 10 s, 15 s, 15 s.
ZONES = [
    (name, np.array([[x0, 0.0], [x0 + 1000.0, 0.0], [x0 + 1000.0, 1000.0], [x0, 1000.0]]), ts)
    for name, x0, ts in (("a", 0.0, 10.0), ("b", 1000.0, 15.0), ("c", 2000.0, 15.0))
]


def _tiers(evs):
    return sorted((e.zone, e.tier) for e in evs if isinstance(e, Alert))


def test_wide_ellipse_gives_early_warning_then_warning_at_the_deadline():
    wc = WarningController(ZONES, WarningConfig(max_ellipse_m=60.0, shelter_margin_s=5.0, margin_m=50.0))
    th = lambda sd: ThreatImpact(1, np.array([500.0, 500.0]), np.eye(2) * sd**2, 40.0)  # noqa: E731
    assert _tiers(wc.update(10.0, [th(100.0)], {1}, set())) == [("a", "early_warning")]
    assert _tiers(wc.update(20.0, [th(100.0)], {1}, set())) == []  # one alert per tier per episode
    # 15 s to go: the zone's 10 s shelter plus the 5 s margin -> warn now, whatever the ellipse.
    assert _tiers(wc.update(25.0, [th(100.0)], {1}, set())) == [("a", "warning")]
    assert _tiers(wc.update(30.0, [], set(), {1})) == []  # defeated: all clear after the delay
    assert _tiers(wc.update(35.0, [], set(), {1})) == [("a", "all_clear")]


def test_rounds_and_drones_each_keep_their_own_deadline_margin():
    """A wide ellipse is warned once the zone's time to shelter plus the margin is all that is left: for a
    round the 3.5 s default (``shelter_margin_s``), for a drone's asset the 5 s default (``drone_margin_s``):
    the drone's arrival is predicted at constant speed."""
    cfg = WarningConfig(max_ellipse_m=60.0, margin_m=50.0, early_warning=False)
    assert (cfg.shelter_margin_s, cfg.drone_margin_s) == (3.5, 5.0)
    round_ = lambda: ThreatImpact(1, np.array([500.0, 500.0]), np.eye(2) * 100.0**2, 40.0)  # noqa: E731
    drone = lambda: ThreatImpact(2, np.array([500.0, 500.0]), np.eye(2) * 100.0**2, 40.0,  # noqa: E731
                                 path_from_en=np.array([-1000.0, 500.0]), path_to_en=np.array([500.0, 500.0]),
                                 ground_speed_mps=50.0)
    # Zone a: 10 s shelter, impact at 40 s. The drone's path starts 1 km west of zone a (20 s at 50 m/s,
    # held there), so only its asset's ellipse can warn it.
    for make, due in ((round_, 26.5), (drone, 25.0)):
        wc = WarningController(ZONES, cfg)
        first = next(t for t in np.arange(20.0, 40.0, 0.5) if _tiers(wc.update(float(t), [make()], {1, 2}, set())))
        assert first == due


def test_tight_ellipse_warns_at_once_and_only_its_zone():
    wc = WarningController(ZONES, WarningConfig(max_ellipse_m=60.0, margin_m=50.0))
    th = ThreatImpact(1, np.array([1500.0, 500.0]), np.eye(2) * 10.0**2, 60.0)  # 99 %: 30 m
    assert _tiers(wc.update(0.0, [th], {1}, set())) == [("b", "warning")]


def test_ellipse_moving_away_cancels_the_warning():
    wc = WarningController(ZONES, WarningConfig(clear_delay_s=2.0, margin_m=50.0))
    near_edge = ThreatImpact(1, np.array([990.0, 500.0]), np.eye(2) * 10.0**2, 30.0)
    assert _tiers(wc.update(20.0, [near_edge], {1}, set())) == [("a", "warning"), ("b", "warning")]
    moved = ThreatImpact(1, np.array([1500.0, 500.0]), np.eye(2) * 10.0**2, 30.0)
    wc.update(21.0, [moved], {1}, set())
    assert _tiers(wc.update(23.0, [moved], {1}, set())) == [("a", "all_clear")]


def test_drone_warns_the_zones_on_its_path_when_due_over_them():
    wc = WarningController(ZONES, WarningConfig(margin_m=50.0, drone_margin_s=5.0))
    # A drone at x = -1000 flying east at 50 m/s to an asset at x = 2500 (zone c): 70 s to go.
    asset = np.array([2500.0, 500.0])
    drone = lambda t, x: ThreatImpact(  # noqa: E731
        9, asset, np.eye(2) * 50.0**2, t + (2500.0 - x) / 50.0, path_from_en=np.array([x, 500.0]))
    warned = lambda evs: [z for z, tier in _tiers(evs) if tier == "warning"]  # noqa: E731
    # Zone a is 20 s ahead (> its 10 s shelter + 5 s): not yet; zone c, the asset's, only early warning.
    assert _tiers(wc.update(0.0, [drone(0.0, -1000.0)], {9}, set())) == [("c", "early_warning")]
    # 14 s from zone a: warned; zone b (34 s) and c (54 s) not yet.
    assert warned(wc.update(6.0, [drone(6.0, -700.0)], {9}, set())) == ["a"]
    assert warned(wc.update(26.0, [drone(26.0, 300.0)], {9}, set())) == ["b"]  # b 14 s ahead
    assert warned(wc.update(46.0, [drone(46.0, 1300.0)], {9}, set())) == ["c"]


@settings(max_examples=60, deadline=None)
@given(x=st.floats(0.0, 3000.0), y=st.floats(-3000.0, 4000.0), sd=st.floats(2.0, 300.0),
       t_go=st.floats(1.0, 100.0))
def test_a_zone_outside_the_grown_99_percent_ellipse_is_never_warned(x, y, sd, t_go):
    cfg = WarningConfig(margin_m=50.0)
    wc = WarningController(ZONES, cfg)
    th = ThreatImpact(1, np.array([x, y]), np.eye(2) * sd**2, t_go)
    reach = cfg.ellipse_k * sd + cfg.margin_m
    for name, poly, _ in ZONES:
        lo, hi = poly.min(axis=0), poly.max(axis=0)
        gap = np.hypot(max(lo[0] - x, 0.0, x - hi[0]), max(lo[1] - y, 0.0, y - hi[1]))
        if gap > reach + 1e-6:
            assert name not in wc.zones_touched(th, 0.0)
            assert name not in wc.zones_touched(th)


def test_a_threat_lost_before_its_deadline_is_warned_at_once_on_its_last_ellipse():
    wc = WarningController(ZONES, WarningConfig(max_ellipse_m=60.0, shelter_margin_s=5.0, margin_m=50.0))
    th = ThreatImpact(5, np.array([500.0, 500.0]), np.eye(2) * 40.0**2, 50.0)  # 99 %: 121 m, 40 s to go
    assert _tiers(wc.update(10.0, [th], {5}, set())) == [("a", "early_warning")]
    # The track is lost at 12 s (not defeated): warned now, 38 s before the predicted impact.
    assert _tiers(wc.update(12.0, [], set(), set())) == [("a", "warning")]
    # A defeated threat is not warned.
    wc2 = WarningController(ZONES, WarningConfig(max_ellipse_m=60.0))
    wc2.update(10.0, [th], {5}, set())
    assert [z for z, tier in _tiers(wc2.update(12.0, [], set(), {5})) if tier == "warning"] == []


def test_drone_flying_over_one_asset_towards_another_warns_the_zones_up_to_the_last_one():
    """A drone at x = 300 flies east at 50 m/s over an asset at x = 700 (zone a, 8 s away) towards a
    second asset at x = 1500 on the same line (zone b). Zone b's edge is 14 s away, within its 15 s to
    shelter plus 5 s: warned, though the first asset's 99 % ellipse (60 m, +50 m) is far from it. With the
    path ending at the first asset, zone b would wait until the drone had passed it."""
    first = np.array([700.0, 500.0])
    for path_to, expected in ((np.array([1550.0, 500.0]), ["a", "b"]), (None, ["a"])):
        wc = WarningController(ZONES, WarningConfig(margin_m=50.0, shelter_margin_s=5.0))
        th = ThreatImpact(9, first, np.eye(2) * 20.0**2, 10.0 + 8.0, path_from_en=np.array([300.0, 500.0]),
                          path_to_en=path_to, ground_speed_mps=50.0)
        assert [z for z, tier in _tiers(wc.update(10.0, [th], {9}, set())) if tier == "warning"] == expected


def test_a_zone_past_its_time_to_shelter_is_warned_for_the_last_seconds_under_a_wide_ellipse():
    """A round seen 10 s before impact under a wide ellipse (sd 300 m: 99 % 910 m, over all three zones).
    Zone a (10 s to shelter) can still make it: warned at once. Zones b and c (15 s) cannot, even if the
    round lands 3 sd (1.5 s) or the 3.5 s margin later than predicted: early warning at once, warning once
    the default 2 s to get down plus the round's margin, 0.5 s + 3 x 0.5 s = 2 s, is all that is left (4 s
    before impact, at 106 s). With ``late_full_margin`` the full 3.5 s margin (5.5 s before impact, at
    104.5 s). With ``late_lead_s=None`` all three are warned at once."""
    wide = lambda: ThreatImpact(1, np.array([1500.0, 500.0]), np.eye(2) * 300.0**2, 110.0,  # noqa: E731
                                t_impact_sd=0.5)
    for full, expected in ((False, 106.0), (True, 104.5)):
        wc = WarningController(ZONES, WarningConfig(margin_m=50.0, late_full_margin=full))
        assert _tiers(wc.update(100.0, [wide()], {1}, set())) == [
            ("a", "warning"), ("b", "early_warning"), ("c", "early_warning")]
        warned_at = {}
        for t in np.arange(100.5, 110.0, 0.5):
            for zone, tier in _tiers(wc.update(float(t), [wide()], {1}, set())):
                assert tier == "warning"
                warned_at[zone] = float(t)
        assert warned_at == {"b": expected, "c": expected}
    at_once = WarningController(ZONES, WarningConfig(margin_m=50.0, late_lead_s=None))
    assert _tiers(at_once.update(100.0, [wide()], {1}, set())) == [("a", "warning"), ("b", "warning"),
                                                                    ("c", "warning")]


def test_a_zone_within_the_margin_of_its_time_to_shelter_is_warned_at_once():
    """12 s before the predicted impact, zones b and c (15 s) could still make it if the round lands the
    margin late: with an impact time sd of 1 s the margin is min(3.5, 0.5 + 3 x 1) = 3.5 s and 12 + 3.5 >= 15:
    warned at once. With an sd of 0.5 s the margin is 0.5 + 1.5 = 2 s, 12 + 2 < 15: they are surely past
    their time to shelter, and get the early warning."""
    wide = lambda sd: ThreatImpact(1, np.array([1500.0, 500.0]), np.eye(2) * 300.0**2, 112.0,  # noqa: E731
                                   t_impact_sd=sd)
    wc = WarningController(ZONES, WarningConfig(margin_m=50.0))
    assert _tiers(wc.update(100.0, [wide(1.0)], {1}, set())) == [("a", "warning"), ("b", "warning"),
                                                                 ("c", "warning")]
    wc = WarningController(ZONES, WarningConfig(margin_m=50.0))
    assert _tiers(wc.update(100.0, [wide(0.5)], {1}, set())) == [("a", "warning"), ("b", "early_warning"),
                                                                 ("c", "early_warning")]


def test_a_zone_warned_in_time_stays_warned_after_its_time_to_shelter_has_passed():
    """Zone b (15 s) is warned 18 s before impact under a wide ellipse; 3-12 s later its time to shelter
    has passed and the ellipse is still wide: the warning holds (no all-clear under an incoming round)."""
    wide = lambda: ThreatImpact(1, np.array([1500.0, 500.0]), np.eye(2) * 300.0**2, 118.0,  # noqa: E731
                                t_impact_sd=1.0)
    wc = WarningController(ZONES, WarningConfig(margin_m=50.0, clear_delay_s=1.0))
    assert ("b", "warning") in _tiers(wc.update(100.0, [wide()], {1}, set()))
    for t in np.arange(100.5, 118.0, 0.5):
        assert not any(tier == "all_clear" for _, tier in _tiers(wc.update(float(t), [wide()], {1}, set())))


def test_the_deadline_margin_is_one_cycle_plus_three_sd_of_the_impact_time_at_most_the_default():
    """Zone a (10 s to shelter) under a wide ellipse, impact at 40 s, decisions every 0.5 s. The margin is
    0.5 s + 3 sd, at most 3.5 s (and 3.5 s when the sd is unknown): sd 0.2 s -> 1.1 s, warned at the first
    cycle with at most 11.1 s to go (29.0 s); sd 0.5 s -> 2 s (28.0 s); sd 2 s or unknown -> 3.5 s (26.5 s).
    The time to shelter is met every time: 11, 12, 13.5 s of lead."""
    cfg = WarningConfig(max_ellipse_m=60.0, margin_m=50.0, early_warning=False)
    for sd, due in ((0.2, 29.0), (0.5, 28.0), (2.0, 26.5), (None, 26.5)):
        wc = WarningController(ZONES, cfg)
        th = ThreatImpact(1, np.array([500.0, 500.0]), np.eye(2) * 100.0**2, 40.0, t_impact_sd=sd)
        first = next(t for t in np.arange(20.0, 40.0, 0.5) if _tiers(wc.update(float(t), [th], {1}, set())))
        assert first == due
        assert 40.0 - first >= 10.0


def test_the_deadline_margin_covers_the_time_to_the_next_cycle_when_cycles_are_slower():
    """Decisions every 1 s (a live engine ticked slowly), an impact time known to 0.01 s, impact at 40.8 s,
    zone a 10 s to shelter: the margin is the last interval (1 s) plus 0.03 s, so a is warned at 30 s,
    10.8 s before impact. Taking the 0.5 s default cycle would wait until 31 s: 9.8 s, too late."""
    wc = WarningController(ZONES, WarningConfig(max_ellipse_m=60.0, margin_m=50.0, early_warning=False))
    th = ThreatImpact(1, np.array([500.0, 500.0]), np.eye(2) * 100.0**2, 40.8, t_impact_sd=0.01)
    first = next(t for t in np.arange(20.0, 40.0, 1.0) if _tiers(wc.update(float(t), [th], {1}, set())))
    assert first == 30.0
    assert 40.8 - first >= 10.0


def test_under_a_tight_ellipse_a_zone_only_its_tail_reaches_waits_for_its_deadline():
    """A round predicted 80 m inside zone a from its border with zone b, 99 % ellipse 76 m (+50 m margin:
    reaches 46 m into b), 60 s out. The predicted point with the margin (50 m) lies in a only: a is warned
    at once; b (15 s) when 15 s plus the 3.5 s margin are left (41.5 s), while the ellipse still reaches it.
    With ``tail_waits=False`` both at once."""
    th = ThreatImpact(1, np.array([920.0, 500.0]), np.eye(2) * 25.0**2, 60.0)
    wc = WarningController(ZONES, WarningConfig(max_ellipse_m=100.0, margin_m=50.0, early_warning=False))
    warned = {}
    for t in np.arange(0.0, 60.0, 0.5):
        for zone, tier in _tiers(wc.update(float(t), [th], {1}, set())):
            warned.setdefault(zone, (float(t), tier))
    assert warned == {"a": (0.0, "warning"), "b": (41.5, "warning")}
    at_once = WarningController(ZONES, WarningConfig(max_ellipse_m=100.0, margin_m=50.0, tail_waits=False))
    assert _tiers(at_once.update(0.0, [th], {1}, set())) == [("a", "warning"), ("b", "warning")]
    # Had the ellipse shrunk by b's deadline (99 %: 15 m), b is never warned.
    wc = WarningController(ZONES, WarningConfig(max_ellipse_m=100.0, margin_m=50.0, early_warning=False))
    wc.update(0.0, [th], {1}, set())
    small = ThreatImpact(1, np.array([920.0, 500.0]), np.eye(2) * 5.0**2, 60.0)
    assert all(zone == "a" for t in np.arange(0.5, 60.0, 0.5)
               for zone, _ in _tiers(wc.update(float(t), [small], {1}, set())))


def test_a_warned_zone_stays_warned_when_the_impact_time_is_revised_later():
    """Zone a is warned at its deadline (13.5 s to go, wide ellipse); the next prediction puts the impact
    5 s later, past the deadline rule: the zone stays warned while the ellipse touches it (no all-clear
    under a live round)."""
    wc = WarningController(ZONES, WarningConfig(max_ellipse_m=60.0, margin_m=50.0, clear_delay_s=1.0,
                                                early_warning=False))
    th = lambda t_imp: ThreatImpact(1, np.array([500.0, 500.0]), np.eye(2) * 100.0**2, t_imp)  # noqa: E731
    assert _tiers(wc.update(26.5, [th(40.0)], {1}, set())) == [("a", "warning")]
    for t in np.arange(27.0, 40.0, 0.5):
        assert _tiers(wc.update(float(t), [th(45.0)], {1}, set())) == []


def test_a_zone_may_set_its_own_time_to_get_down():
    """Zones b (4 s to get down) and c (the 2 s default) past their 15 s to shelter, 10 s before impact,
    impact time sd 0.5 s (margin 0.5 + 3 x 0.5 = 2 s): b is warned 4 + 2 s before the predicted impact, c
    2 + 2 s before."""
    zones = [ZONES[0], (*ZONES[1], 4.0), ZONES[2]]
    wide = ThreatImpact(1, np.array([1500.0, 500.0]), np.eye(2) * 300.0**2, 110.0, t_impact_sd=0.5)
    wc = WarningController(zones, WarningConfig(margin_m=50.0))
    warned_at = {}
    for t in np.arange(100.0, 110.0, 0.5):
        for zone, tier in _tiers(wc.update(float(t), [wide], {1}, set())):
            if tier == "warning":
                warned_at[zone] = float(t)
    assert warned_at == {"a": 100.0, "b": 104.0, "c": 106.0}


def test_a_zone_is_past_its_time_to_shelter_only_if_an_uncertain_impact_time_leaves_it_so():
    """10 s before the predicted impact, zones b and c (15 s) are past their time to shelter if the impact
    time is known to 1 s (3 sd = 3 s, the 3.5 s margin the larger), not if it is uncertain by 2 s (3 sd =
    6 s: the round may land 16 s from now) or of unknown uncertainty: then they are warned at once."""
    for sd, expected in ((1.0, ["a"]), (2.0, ["a", "b", "c"]), (None, ["a", "b", "c"])):
        wc = WarningController(ZONES, WarningConfig(margin_m=50.0))
        th = ThreatImpact(1, np.array([1500.0, 500.0]), np.eye(2) * 300.0**2, 110.0, t_impact_sd=sd)
        assert [z for z, tier in _tiers(wc.update(100.0, [th], {1}, set())) if tier == "warning"] == expected


def test_a_warning_says_shelter_while_the_time_to_shelter_is_left_and_get_down_after():
    """10 s before the predicted impact: zone a (10 s to shelter) is warned to shelter at once; zones b and
    c (15 s), past their time to shelter, get the early warning (no action) and, 5.5 s before the impact,
    the warning to get down."""
    th = ThreatImpact(1, np.array([1500.0, 500.0]), np.eye(2) * 300.0**2, 110.0, t_impact_sd=0.5)
    wc = WarningController(ZONES, WarningConfig(margin_m=50.0))
    actions = {}
    for t in np.arange(100.0, 110.0, 0.5):
        for ev in wc.update(float(t), [th], {1}, set()):
            if isinstance(ev, Alert):
                actions[(ev.zone, ev.tier)] = ev.action
    assert actions == {("a", "warning"): "shelter", ("b", "early_warning"): None, ("c", "early_warning"): None,
                       ("b", "warning"): "get_down", ("c", "warning"): "get_down"}


def test_every_warning_records_why_it_sounded():
    """The reason on each warning (for after-action review), one case per rule: the tight ellipse's own
    zone, a tail zone at its deadline, a zone surely past its time to shelter in its last seconds, a lost
    track, a drone's path, and a threat joining a zone already warned."""
    from bastion.events import AlertJoined

    def reasons(evs):
        return sorted((e.zone, e.reason) for e in evs if isinstance(e, Alert) and e.tier == "warning")

    cfg = WarningConfig(max_ellipse_m=100.0, margin_m=50.0, early_warning=False)
    # Tight ellipse 80 m inside a from b (test above): a at once, b at its deadline.
    wc = WarningController(ZONES, cfg)
    tight = ThreatImpact(1, np.array([920.0, 500.0]), np.eye(2) * 25.0**2, 60.0)
    assert reasons(wc.update(0.0, [tight], {1}, set())) == [("a", "tight_ellipse")]
    assert reasons(wc.update(41.5, [tight], {1}, set())) == [("b", "deadline")]
    # A wide ellipse 10 s out, sd 0.5 s: a (10 s) at its deadline; b and c (15 s) past, at 4 s to go.
    wc = WarningController(ZONES, cfg)
    wide = ThreatImpact(2, np.array([1500.0, 500.0]), np.eye(2) * 300.0**2, 110.0, t_impact_sd=0.5)
    assert reasons(wc.update(100.0, [wide], {2}, set())) == [("a", "deadline")]
    for t in np.arange(100.5, 106.0, 0.5):
        assert reasons(wc.update(float(t), [wide], {2}, set())) == []
    assert reasons(wc.update(106.0, [wide], {2}, set())) == [("b", "last_seconds"), ("c", "last_seconds")]
    # A round 40 s out under a 121 m ellipse, lost before its deadline.
    wc = WarningController(ZONES, cfg)
    lost = ThreatImpact(3, np.array([500.0, 500.0]), np.eye(2) * 40.0**2, 50.0)
    assert reasons(wc.update(10.0, [lost], {3}, set())) == []
    assert reasons(wc.update(12.0, [], set(), set())) == [("a", "track_lost")]
    # A drone 14 s from zone a on its way to an asset in zone c (test above): a by its path.
    wc = WarningController(ZONES, WarningConfig(margin_m=50.0, drone_margin_s=5.0, early_warning=False))
    drone = ThreatImpact(9, np.array([2500.0, 500.0]), np.eye(2) * 50.0**2, 6.0 + 3200.0 / 50.0,
                         path_from_en=np.array([-700.0, 500.0]))
    assert reasons(wc.update(6.0, [drone], {9}, set())) == [("a", "drone_path")]
    # A second round joins zone a's warning on its own tight ellipse.
    wc = WarningController(ZONES, cfg)
    wc.update(0.0, [tight], {1, 4}, set())
    second = ThreatImpact(4, np.array([500.0, 500.0]), np.eye(2) * 10.0**2, 70.0)
    joined = [e for e in wc.update(0.5, [tight, second], {1, 4}, set()) if isinstance(e, AlertJoined)]
    assert [(e.zone, e.track_id, e.reason) for e in joined] == [("a", 4, "tight_ellipse")]
    # Two rounds warning zone b in the same cycle: the alert's reason is the first due's (the round at its
    # deadline, 18 s out), and each keeps its own.
    wc = WarningController(ZONES, cfg)
    at_deadline = ThreatImpact(5, np.array([1500.0, 500.0]), np.eye(2) * 300.0**2, 18.0, t_impact_sd=1.0)
    tight_b = ThreatImpact(6, np.array([1500.0, 500.0]), np.eye(2) * 10.0**2, 40.0)
    (alert,) = [e for e in wc.update(0.0, [at_deadline, tight_b], {5, 6}, set())
                if isinstance(e, Alert) and e.zone == "b"]
    assert (alert.track_ids, alert.reason, alert.track_reasons) == ((5, 6), "deadline", ("deadline", "tight_ellipse"))


def test_a_lost_second_track_on_a_round_still_tracked_is_not_warned_on():
    """A young second track on a round dies when the round's plots go to a better track. Its last ellipse
    agrees with the live track's prediction: the live track warns on its own (here at its deadline), the
    lost one adds nothing. A lost round whose impact no live track predicts (elsewhere, or at another
    time) is still warned at once."""
    cfg = WarningConfig(max_ellipse_m=60.0, shelter_margin_s=5.0, margin_m=50.0)
    lost = ThreatImpact(5, np.array([500.0, 500.0]), np.eye(2) * 150.0**2, 50.0, t_impact_sd=0.5)
    # The live track's prediction: 80 m and 0.3 s from the lost one's, a tighter ellipse (99 %: 121 m).
    same = ThreatImpact(6, np.array([560.0, 450.0]), np.eye(2) * 40.0**2, 50.3, t_impact_sd=0.3)
    # The lost track's 99 % ellipse (455 m, +50 m) reaches zone b; the live one's stays in zone a.
    wc = WarningController(ZONES, cfg)
    wc.update(10.0, [lost, same], {5, 6}, set())
    warned = []
    for t in np.arange(10.5, 50.0, 0.5):
        lost_now = wc.update(float(t), [same], {6}, set())
        warned += [(float(t), z) for z, tier in _tiers(lost_now) if tier == "warning"]
    # Zone a only, at the live round's deadline: its 10 s to shelter plus one cycle and 3 deviations of
    # the impact time (0.5 + 0.9 s) before the predicted 50.3 s.
    assert warned == [(39.0, "a")]
    # The live track predicts another zone (b, 1 km east), another time (8 s later), or the same impact
    # under a wider ellipse than the lost one's (a young track of another round): warned at once.
    for other in (ThreatImpact(6, np.array([1500.0, 500.0]), np.eye(2) * 40.0**2, 50.3, t_impact_sd=0.3),
                  ThreatImpact(6, np.array([560.0, 450.0]), np.eye(2) * 40.0**2, 58.0, t_impact_sd=0.3),
                  ThreatImpact(6, np.array([560.0, 450.0]), np.eye(2) * 300.0**2, 50.3, t_impact_sd=0.3)):
        wc = WarningController(ZONES, cfg)
        wc.update(10.0, [lost, other], {5, 6}, set())
        assert ("a", "warning") in _tiers(wc.update(12.0, [other], {6}, set()))
