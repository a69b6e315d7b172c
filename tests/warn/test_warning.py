"""The warning decision on hand-made threats: only zones under the ellipse, one alert, all-clear after."""

from __future__ import annotations

import numpy as np

from bastion.events import Alert
from bastion.warn.warning import ThreatImpact, WarningConfig, WarningController

ZONES = [
    ("west", np.array([[-1000.0, -500.0], [0.0, -500.0], [0.0, 500.0], [-1000.0, 500.0]]), 10.0),
    ("east", np.array([[0.0, -500.0], [1000.0, -500.0], [1000.0, 500.0], [0.0, 500.0]]), 10.0),
]


def _alerts(evs, tier="warning"):
    return [(e.zone, e.tier) for e in evs if isinstance(e, Alert) and e.tier == tier]


def test_only_the_zone_under_the_ellipse_is_warned_then_cleared():
    wc = WarningController(ZONES, WarningConfig(margin_m=50.0, clear_delay_s=5.0, max_ellipse_m=700.0))
    threat = ThreatImpact(7, np.array([-500.0, 0.0]), np.eye(2) * 30.0**2, 40.0)  # 99 %: 91 m + 50 m
    out = wc.update(10.0, [threat], {7}, set())
    assert _alerts(out) == [("west", "warning")]
    assert wc.update(10.5, [threat], {7}, set()) == []  # one alert per episode
    out = wc.update(11.0, [], set(), {7})  # defeated: dropped at once, all-clear after the delay
    assert _alerts(out, "all_clear") == []
    out = wc.update(16.0, [], set(), {7})
    assert _alerts(out, "all_clear") == [("west", "all_clear")]


def test_zone_outside_the_ellipse_and_margin_is_never_warned():
    rng = np.random.default_rng(3)
    cfg = WarningConfig(margin_m=50.0, max_ellipse_m=700.0)  # geometry only: every ellipse warrants a warning
    for _ in range(200):
        sigma = rng.uniform(5.0, 60.0)
        k = cfg.ellipse_k
        # A centre far enough east that the 99 % ellipse plus margin cannot reach x = 0.
        x = rng.uniform(k * sigma + cfg.margin_m + 1.0, 900.0)
        wc = WarningController(ZONES, cfg)
        out = wc.update(0.0, [ThreatImpact(1, np.array([x, 0.0]), np.eye(2) * sigma**2, 30.0)], {1}, set())
        assert ("west", "warning") not in _alerts(out)
        assert ("east", "warning") in _alerts(out)


def test_big_early_ellipse_waits_until_shelter_time_runs_out():
    wc = WarningController(ZONES, WarningConfig(max_ellipse_m=500.0, shelter_margin_s=5.0))
    wide = ThreatImpact(1, np.array([-500.0, 0.0]), np.eye(2) * 1000.0**2, 60.0)
    out = wc.update(10.0, [wide], {1}, set())  # 50 s to go: wait for a better estimate
    assert _alerts(out) == []  # (only the early-warning tier sounds)
    out = wc.update(46.0, [wide], {1}, set())  # 14 s to go < 10 s shelter + 5 s: warn both
    assert sorted(_alerts(out)) == [("east", "warning"), ("west", "warning")]


def test_lost_track_is_held_until_its_predicted_impact():
    wc = WarningController(ZONES, WarningConfig(clear_delay_s=1.0, lost_track_hold_s=2.0))
    th = ThreatImpact(3, np.array([500.0, 0.0]), np.eye(2) * 20.0**2, 30.0)
    wc.update(20.0, [th], {3}, set())
    assert wc.update(25.0, [], set(), set()) == []  # lost, impact still due at 30 s
    assert wc.update(32.5, [], set(), set()) == []  # past 30 + 2 s hold: empty since now
    assert _alerts(wc.update(33.5, [], set(), set()), "all_clear") == [("east", "all_clear")]
