"""The warning decision: sound only the zones under a threat's predicted impact, all-clear after.

A zone is warned when the 99 % impact ellipse of a threat (grown by a margin) touches it and the threat
is due within the horizon. One alert per zone per episode: further threats join the episode silently.
The zone stays warned while any threat touches it; a threat whose track is lost is held until its
predicted impact time has passed; a defeated threat, or one whose ellipse moves away, is dropped at once.
All-clear is sounded once no threat remains for ``clear_delay_s``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bastion.events import Alert, AlertJoined
from bastion.geometry import ellipse_touches_polygon

CHI2_2DOF_99 = 9.210340371976184  # chi-square 0.99 quantile, 2 degrees of freedom


@dataclass(frozen=True)
class WarningConfig:
    ellipse_k: float = float(np.sqrt(CHI2_2DOF_99))
    margin_m: float = 50.0  # added around the ellipse: shelters are not at the zone's edge
    horizon_s: float = 120.0
    clear_delay_s: float = 5.0
    lost_track_hold_s: float = 2.0
    # A young track's ellipse can cover the whole base; warning everyone is as bad as warning no one.
    # Wait for the ellipse to shrink below this semi-major axis (m), unless waiting longer would leave
    # the zone less than its time to shelter plus ``shelter_margin_s``.
    max_ellipse_m: float = 700.0
    shelter_margin_s: float = 5.0


@dataclass(frozen=True)
class ThreatImpact:
    """A threat's predicted impact: east-north mean (2,) and covariance (2,2) in m, time in s."""

    track_id: int
    mean_en: np.ndarray
    cov_en: np.ndarray
    t_impact: float


@dataclass
class _ZoneState:
    warned: bool = False
    threats: dict[int, float] = field(default_factory=dict)  # track id -> predicted impact time
    empty_since: float | None = None


class WarningController:
    def __init__(self, zones: list[tuple[str, np.ndarray, float]], config: WarningConfig | None = None) -> None:
        """``zones``: (name, polygon (V,2) east-north m, time to shelter s)."""
        self.config = config or WarningConfig()
        self.zones = [(name, np.asarray(poly, float)) for name, poly, _ in zones]
        self.shelter = {name: float(ts) for name, _, ts in zones}
        self.state = {name: _ZoneState() for name, _ in self.zones}

    def zones_touched(self, threat: ThreatImpact, t: float | None = None) -> list[str]:
        """Zones the threat's grown 99 % ellipse touches; with ``t``, only those where a warning is
        warranted now (ellipse small enough, or the zone's time to shelter running out)."""
        cfg = self.config
        semi_major = cfg.ellipse_k * float(np.sqrt(max(np.linalg.eigvalsh(threat.cov_en)[-1], 0.0)))
        out = []
        for name, poly in self.zones:
            if t is not None and semi_major > cfg.max_ellipse_m:
                if threat.t_impact - t > self.shelter[name] + cfg.shelter_margin_s:
                    continue
            if ellipse_touches_polygon(threat.mean_en, threat.cov_en, cfg.ellipse_k, cfg.margin_m, poly):
                out.append(name)
        return out

    def update(
        self, t: float, threats: list[ThreatImpact], live_track_ids: set[int], defeated: set[int]
    ) -> list[Alert | AlertJoined]:
        """One decision cycle at ``t`` (s). Returns the alerts to sound (and threats joining a warning)."""
        cfg = self.config
        touching: dict[str, dict[int, float]] = {name: {} for name, _ in self.zones}
        for th in threats:
            if th.t_impact - t > cfg.horizon_s or th.t_impact < t:
                continue
            for name in self.zones_touched(th, t):
                touching[name][th.track_id] = th.t_impact
        alerts: list[Alert | AlertJoined] = []
        for name, _ in self.zones:
            st = self.state[name]
            # Keep lost tracks until their predicted impact; drop defeated ones and live ones that moved.
            kept = {
                tid: ti for tid, ti in st.threats.items()
                if tid not in live_track_ids and tid not in defeated and t <= ti + cfg.lost_track_hold_s
            }
            kept.update(touching[name])
            joined = sorted(set(kept) - set(st.threats))
            st.threats = kept
            if kept:
                st.empty_since = None
                if not st.warned:
                    st.warned = True
                    alerts.append(Alert(t, name, "warning", tuple(sorted(kept)), min(kept.values())))
                else:
                    alerts += [AlertJoined(t, name, tid) for tid in joined]
            elif st.warned:
                if st.empty_since is None:
                    st.empty_since = t
                if t - st.empty_since >= cfg.clear_delay_s:
                    st.warned = False
                    st.empty_since = None
                    alerts.append(Alert(t, name, "all_clear", (), None))
        return alerts
