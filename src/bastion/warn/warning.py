"""The warning decision: sound only the zones under a threat's predicted impact, all-clear after.

Tiers: ``early_warning`` (a threat's grown 99 % ellipse touches the zone, but is still too wide to
warrant sending people to shelter), ``warning`` (the ellipse touches the zone and is tight enough and the
predicted point, grown by the margin, lies in the zone; or the zone's deadline has come: its time to
shelter plus a margin of one decision cycle and three standard deviations of the predicted impact time,
at most 3.5 s; for a zone whose time to shelter has already run out, when only the seconds to get down
are left) and ``all_clear``. A zone is warned when the 99 % impact ellipse of
a threat (grown by a margin) touches it and the threat is due within the horizon. One alert per zone per
episode: further threats join the episode silently. The zone stays warned while any threat touches it; a
threat whose track is lost is held until its predicted impact time has passed; a defeated threat, or one
whose ellipse moves away, is dropped at once. All-clear is sounded once no threat remains for
``clear_delay_s``. A threat whose track is lost before its warning was due is warned at once on its last
ellipse, unless a live round predicts the same impact at least as tightly (a second track on it). A drone
threat (``path_from_en`` set) also warns the zones its straight path to the asset (on to the last asset
on the same line: it may be going for any of them) crosses, each once the drone is due over it within the
zone's time to shelter plus the margin.
See docs/assessment.md for every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bastion.events import Alert, AlertJoined
from bastion.geometry import PolygonSet, ellipse_touches_polygons

CHI2_2DOF_99 = 9.210340371976184  # chi-square 0.99 quantile, 2 degrees of freedom

# Why a zone is warned for a threat (``Alert.reason``, ``AlertJoined.reason``; :meth:`zone_reasons`).
TIGHT_ELLIPSE = "tight_ellipse"
DEADLINE = "deadline"
LAST_SECONDS = "last_seconds"
HELD = "held"
DRONE_PATH = "drone_path"
TRACK_LOST = "track_lost"
TOUCHED = "touched"


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
    max_ellipse_m: float = 100.0
    # How much sooner than its time to shelter plus the round's impact time a zone is warned: one decision
    # cycle (``cycle_s``) plus ``late_time_sd_k`` standard deviations of the predicted impact time, at most
    # ``shelter_margin_s``, which a round without that deviation gets. 3.5 s: a round's predicted impact
    # time is late by at most 0.8-2.8 s for rockets 10-20 s out and 0.3-0.5 s for mortars (99.5th
    # percentiles, dense runs; docs/assessment.md), plus one 0.5 s decision cycle. 5 s until 2026-11-25;
    # fixed (whatever the deviation) until 2026-12-03.
    shelter_margin_s: float = 3.5
    # The time to the next decision cycle: at least this (the simulation's tick), or the last interval
    # between two cycles if longer (a live engine ticked more slowly).
    cycle_s: float = 0.5
    # A zone whose time to shelter has surely run out when a round is predicted to land in it (a short
    # flight, or a round seen late; see ``late_time_sd_k``) can no longer be sent to shelter; what a
    # warning still buys its people is the seconds to get down. Under a wide ellipse such a zone is warned
    # when this lead plus the round's margin is all that is left (or when the ellipse is tight), not at
    # once: warning every zone a young rocket's ellipse touches cannot save the lead (it is already
    # missed) and sends most of the base under cover for a round that lands in one zone. The zone gets
    # the early-warning tier at once. 2 s: a planning figure for dropping prone, for zones that do not set
    # their own (``WarningZone.time_to_get_down_s``). None: warn such zones at once.
    late_lead_s: float | None = 2.0
    # A zone is past its time to shelter only if it is so even were the round to land this many standard
    # deviations of its predicted impact time later (and at least ``shelter_margin_s`` later); a threat
    # without that deviation is never taken as past. A young rocket's first prediction can be 4 s early.
    late_time_sd_k: float = 3.0
    # The last seconds come when the zone's time to get down plus the round's margin (one cycle plus
    # ``late_time_sd_k`` standard deviations of its impact time, at most ``shelter_margin_s``: the deadline's)
    # is all that is left. True: plus the full ``shelter_margin_s`` whatever the deviation (until 2026-12-07),
    # which warns a young rocket's zones up to 2.4 s sooner on an ellipse up to three times as wide.
    late_full_margin: bool = False
    # A drone's arrival is predicted at constant speed along a straight path to the asset: a wider margin.
    drone_margin_s: float = 5.0
    # Under a tight ellipse, warn at once only the zones the predicted point (grown by the margin) lies in;
    # the others the ellipse touches wait for their deadline. False: warn every zone it touches at once.
    tail_waits: bool = True
    early_warning: bool = True  # sound the early-warning tier for zones under a still-wide ellipse
    path_step_m: float = 25.0  # sampling of a drone's path to its asset


@dataclass(frozen=True)
class ThreatImpact:
    """A threat's predicted impact: east-north mean (2,) and covariance (2,2) in m, time in s."""

    track_id: int
    mean_en: np.ndarray
    cov_en: np.ndarray
    t_impact: float
    path_from_en: np.ndarray | None = None  # drones: current ground position (2,), flying to mean_en
    # Drones: where the path ends (2,) m, beyond mean_en when more assets lie on the same line (None:
    # at mean_en), and the ground speed (m/s) along it.
    path_to_en: np.ndarray | None = None
    ground_speed_mps: float | None = None
    # Rounds: the impact time's standard deviation (s; None: unknown), which decides whether a zone's time
    # to shelter is surely past.
    t_impact_sd: float | None = None


@dataclass
class _ZoneState:
    warned: bool = False
    early: bool = False
    threats: dict[int, float] = field(default_factory=dict)  # track id -> predicted impact time
    empty_since: float | None = None


class WarningController:
    def __init__(self, zones: list[tuple], config: WarningConfig | None = None) -> None:
        """``zones``: (name, polygon (V,2) east-north m, time to shelter s[, time to get down s]); a zone
        without its own time to get down takes ``config.late_lead_s``."""
        self.config = config or WarningConfig()
        self.zones = [(z[0], np.asarray(z[1], float)) for z in zones]
        self.shelter = {z[0]: float(z[2]) for z in zones}
        self._pset = PolygonSet([poly for _, poly in self.zones])
        self._shelter = np.array([float(z[2]) for z in zones], float)
        late = self.config.late_lead_s
        self._get_down = np.array([float(z[3]) if len(z) > 3 and z[3] is not None else (late or 0.0)
                                   for z in zones], float)
        self.state = {name: _ZoneState() for name, _ in self.zones}
        self._last: dict[int, ThreatImpact] = {}  # the latest prediction of every threat not yet due
        self._last_t: float | None = None  # the previous decision cycle (s)
        self._cycle = self.config.cycle_s  # expected time to the next cycle (s)

    def _touch(self, threat: ThreatImpact) -> np.ndarray:
        """(zones,) True where the threat's grown 99 % ellipse touches the zone."""
        cfg = self.config
        return np.asarray(
            ellipse_touches_polygons(threat.mean_en, threat.cov_en, cfg.ellipse_k, cfg.margin_m, self._pset), bool)

    def _core(self, threat: ThreatImpact) -> np.ndarray:
        """(zones,) True where the threat's predicted point, grown by the margin, lies."""
        return np.asarray(ellipse_touches_polygons(
            threat.mean_en, np.zeros((2, 2)), 0.0, self.config.margin_m, self._pset), bool)

    def zones_touched(self, threat: ThreatImpact, t: float | None = None, touch: np.ndarray | None = None) -> list[str]:
        """Zones the threat's grown 99 % ellipse touches; with ``t``, only those where a warning is
        warranted now (:meth:`zone_reasons`). ``touch``: the ellipse test already made (:meth:`_touch`)."""
        return list(self.zone_reasons(threat, t, touch))

    def zone_reasons(self, threat: ThreatImpact, t: float | None = None,
                     touch: np.ndarray | None = None) -> dict[str, str]:
        """Zone -> why it is warned for this threat. Without ``t``: every zone the grown 99 % ellipse
        touches (``TOUCHED``). With ``t``, only those where a warning is warranted now: ``TIGHT_ELLIPSE``
        (the ellipse is tight and the predicted point, grown by the margin, lies in the zone), ``DEADLINE``
        (the zone's time to shelter plus the margin is all that is left), ``LAST_SECONDS`` (the zone's time
        to shelter has surely run out and only its time to get down plus the margin is left), ``HELD`` (the
        zone already warns for this threat and the ellipse still touches it), ``DRONE_PATH`` (a drone is
        due over the zone on its way). ``touch``: the ellipse test already made (:meth:`_touch`)."""
        cfg = self.config
        touch = self._touch(threat) if touch is None else touch
        if t is None:
            return {name: TOUCHED for (name, _), hit in zip(self.zones, touch, strict=True) if hit}
        semi_major = cfg.ellipse_k * float(np.sqrt(max(np.linalg.eigvalsh(threat.cov_en)[-1], 0.0)))
        # A wide ellipse is warned on only where the zone's time to shelter is running out. A tight one is
        # warned at once where the predicted point (with the margin) lies; a zone only the ellipse's tail
        # reaches waits for its own deadline like any other, by when the ellipse has shrunk (a round
        # predicted near where zones meet would otherwise send all of them to shelter).
        sd = threat.t_impact_sd
        known_sd = sd is not None and np.isfinite(sd)
        if threat.path_from_en is not None:
            margin = cfg.drone_margin_s
        elif known_sd:
            margin = min(cfg.shelter_margin_s, self._cycle + cfg.late_time_sd_k * sd)
        else:
            margin = cfg.shelter_margin_s
        t_go = threat.t_impact - t
        deadline = t_go <= self._shelter + margin
        last_seconds = np.zeros_like(deadline)
        if threat.path_from_en is None and cfg.late_lead_s is not None:
            # Past the time to shelter even if the round lands late_time_sd_k standard deviations (at least
            # the margin) later than predicted: wait for the ellipse, or for the last seconds to get down.
            slip = max(margin, cfg.late_time_sd_k * sd) if known_sd else np.inf
            past = t_go + slip < self._shelter
            late_margin = cfg.shelter_margin_s if cfg.late_full_margin else margin
            last_seconds = past & (t_go <= self._get_down + late_margin)
            deadline &= ~past
        tight = np.zeros_like(deadline)
        if semi_major <= cfg.max_ellipse_m:
            tight = self._core(threat) if cfg.tail_waits else np.ones_like(deadline)
        # A zone already warned for this threat stays warned while the ellipse touches it (no all-clear
        # under a live round because its prediction was revised).
        held = np.array([threat.track_id in self.state[name].threats for name, _ in self.zones], bool)
        why = np.select([tight, deadline, last_seconds, held], [TIGHT_ELLIPSE, DEADLINE, LAST_SECONDS, HELD], "")
        out = {name: str(w) for (name, _), hit, w in zip(self.zones, touch, why, strict=True) if hit and w}
        if threat.path_from_en is not None:
            for z in self.zones_on_path(threat, t):
                out.setdefault(z, DRONE_PATH)
        return out

    def zones_on_path(self, threat: ThreatImpact, t: float) -> list[str]:
        """Zones a drone's straight path from ``path_from_en`` to its asset (or on to ``path_to_en``)
        crosses, where the drone is due within the zone's time to shelter plus the margin."""
        cfg = self.config
        a, b = np.asarray(threat.path_from_en, float)[:2], np.asarray(threat.mean_en, float)[:2]
        t_go = max(threat.t_impact - t, 1e-6)
        speed = float(np.linalg.norm(b - a)) / t_go  # constant speed along the path
        if threat.path_to_en is not None:
            b = np.asarray(threat.path_to_en, float)[:2]
            speed = threat.ground_speed_mps if threat.ground_speed_mps is not None else speed
        length = float(np.linalg.norm(b - a))
        s = np.linspace(0.0, 1.0, max(int(length / cfg.path_step_m), 1) + 1)
        pts = a + s[:, None] * (b - a)
        due = s * length / max(speed, 1e-6)
        inside = self._pset.contains(pts)  # (points, zones)
        first_due = np.where(inside, due[:, None], np.inf).min(axis=0, initial=np.inf)
        hit = first_due <= self._shelter + cfg.drone_margin_s
        return [name for (name, _), h in zip(self.zones, hit, strict=True) if h]

    def _vouches_for(self, live: ThreatImpact, lost: ThreatImpact) -> bool:
        """Whether a live round's prediction can stand for a lost one's: the points within the 99 % gate
        of their summed covariances, the times within one decision cycle plus ``late_time_sd_k`` standard
        deviations of their difference (``shelter_margin_s`` where a deviation is unknown), and the live
        ellipse no larger than the lost one (a young track's wide ellipse over another round's impact is
        no such evidence: on 53 dense runs it silenced three lost mortars' warnings)."""
        cov_lost, cov_live = np.asarray(lost.cov_en, float), np.asarray(live.cov_en, float)
        if not np.linalg.det(cov_live) <= np.linalg.det(cov_lost):
            return False
        d = np.asarray(lost.mean_en, float)[:2] - np.asarray(live.mean_en, float)[:2]
        try:
            d2 = float(d @ np.linalg.solve(cov_lost + cov_live, d))
        except np.linalg.LinAlgError:
            return False
        sds = (lost.t_impact_sd, live.t_impact_sd)
        if all(sd is not None and np.isfinite(sd) for sd in sds):
            tol = self._cycle + self.config.late_time_sd_k * float(np.hypot(*sds))
        else:
            tol = self.config.shelter_margin_s
        return d2 <= CHI2_2DOF_99 and abs(lost.t_impact - live.t_impact) <= tol

    def update(
        self, t: float, threats: list[ThreatImpact], live_track_ids: set[int], defeated: set[int]
    ) -> list[Alert | AlertJoined]:
        """One decision cycle at ``t`` (s). Returns the alerts to sound (and threats joining a warning)."""
        cfg = self.config
        touching: dict[str, dict[int, float]] = {name: {} for name, _ in self.zones}
        reasons: dict[str, dict[int, str]] = {name: {} for name, _ in self.zones}
        early: dict[str, dict[int, float]] = {name: {} for name, _ in self.zones}
        # A threat whose track is lost before its warning was due is warned at once on its last ellipse:
        # there will be no better estimate, and waiting for the deadline would wait for ever (a mortar bomb
        # diving steeply onto the base leaves the radars' elevation cover).
        now = {th.track_id for th in threats}
        if self._last_t is not None and t > self._last_t:
            self._cycle = max(cfg.cycle_s, t - self._last_t)
        self._last_t = t
        lost = [th for tid, th in self._last.items()
                if tid not in now and tid not in live_track_ids and tid not in defeated and th.t_impact >= t]
        # ... unless a live round predicts the same impact at least as tightly: then it was a second track
        # on that round (a young track that lost the round's plots to a better one), and the live track
        # warns on its own. Warning at once on the lost track's last, wide ellipse sent most of a base to
        # shelter for a round whose own track was about to warn one zone (docs/assessment.md, "Warning").
        lost = [th for th in lost if th.path_from_en is not None
                or not any(live.path_from_en is None and self._vouches_for(live, th) for live in threats)]
        self._last = {th.track_id: th for th in threats} | {th.track_id: th for th in lost}
        for th in lost:
            for name in self.zone_reasons(th):
                touching[name][th.track_id] = th.t_impact
                reasons[name][th.track_id] = TRACK_LOST
        for th in threats:
            if th.t_impact - t > cfg.horizon_s or th.t_impact < t:
                continue
            touch = self._touch(th)  # one ellipse test for both tiers
            for name, reason in self.zone_reasons(th, t, touch).items():
                touching[name][th.track_id] = th.t_impact
                reasons[name][th.track_id] = reason
            if cfg.early_warning:
                for (name, _), hit in zip(self.zones, touch, strict=True):
                    if hit:
                        early[name][th.track_id] = th.t_impact
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
                    first = min(kept.values())
                    action = "shelter" if first - t >= self.shelter[name] else "get_down"
                    # Why: the reason of the first threat due among those warning it now.
                    lead = min(kept, key=lambda tid: (kept[tid], tid))
                    ids = tuple(sorted(kept))
                    alerts.append(Alert(t, name, "warning", ids, first, action, reasons[name].get(lead),
                                        tuple(reasons[name].get(tid) for tid in ids)))
                else:
                    alerts += [AlertJoined(t, name, tid, reasons[name].get(tid)) for tid in joined]
            elif early[name] and not st.warned:
                st.empty_since = None
                if not st.early:
                    st.early = True
                    alerts.append(Alert(t, name, "early_warning", tuple(sorted(early[name])),
                                        min(early[name].values())))
            elif st.warned or st.early:
                if st.empty_since is None:
                    st.empty_since = t
                if t - st.empty_since >= cfg.clear_delay_s:
                    st.warned = st.early = False
                    st.empty_since = None
                    alerts.append(Alert(t, name, "all_clear", (), None))
        return alerts
