"""A round's life across its tracks: when it has landed, and which new track carries on a lost one.

Two things the tracker cannot know, because they need the round's predicted impact (``assess``):

- **Landed.** A round that hits the ground at a grazing angle (a 122 mm rocket fired flat at 2 km lands at
  a few degrees) is never predicted below ground by the tracker, whose landed test needs the height to go
  negative: its track coasted on at the rocket's 700 m/s for the tracker's whole coast limit and took
  whatever plot lay in its widening gate (traced on dense seed 3100: a shell's plot 2 km on, then a
  quadcopter's, whose fit then put the launcher 1.5 km off with a 9 x 80 m ellipse). A round whose own
  last prediction says it landed ``LANDED_AFTER_S`` ago, with no plot since, has landed; should it fly on
  after all, it is taken as lost, so that a new track on it continues this one.
- **Continued.** A mortar bomb high over the base leaves the radars' cover and its track is lost; a new
  track forms on its last seconds of descent. That track's own point of origin, flown back 50 s from a
  few plots, is off by hundreds of metres (its ellipse mostly says so), while the lost track had the
  launcher within metres (dense seeds 3100-3107: 28 of 240 mortars' last origin more than 100 m off, all
  of them such late second tracks). A new round track is the same round when its predicted impact agrees
  with a lost round's (the impact points within the 99.9 % gate of their two ellipses, the impact times
  within 3 standard deviations plus ``TIME_GATE_S``), its ellipse is no larger than the lost track's (a
  young track's wide one agrees with anything), its own point of origin, however poor, agrees with the
  lost track's within the same gate, its ellipse taken at ``OWN_ORIGIN_INFLATION`` times its variance (two
  rounds may land together, but from one launcher only if they are one salvo's) and its first plot came
  after the lost track's last. It keeps the lost track's point of
  origin where that is the tighter: a weapon-locating radar takes the origin from the trajectory's early
  part, which the new track never saw.

Times in seconds from the scenario epoch; positions east-north metres; covariances m^2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LANDED_AFTER_S = 0.5  # how long past its predicted impact a round with no plot since is taken to have landed (s)
CONTINUITY_GATE = 13.815510557964274  # chi-square 0.999 quantile, 2 degrees of freedom
TIME_GATE_S = 1.0  # allowance added to 3 sd of the impact times' difference (the tracks' clocks, plot timing)
# Variance factor on a new track's own origin ellipse when its origin is compared with a lost round's: the
# test tells launchers kilometres apart, and a track begun in the last seconds of a bomb's descent flies
# back 30 s or more on an ellipse too small (four 60 mm bombs of the 53 dense runs in wind: squared
# distances 14-23 from their launchers, which kept them from being tied to their lost tracks).
OWN_ORIGIN_INFLATION = 4.0


@dataclass(frozen=True)
class RoundNote:
    """What the engine last knew of a round's track: its last update ``t_state``, its predicted impact
    (``impact`` (2,), ``impact_cov`` (2,2), ``t_impact``, ``t_impact_sd``) and its reported point of origin
    (``origin`` (2,), ``origin_cov`` (2,2), ``launch_t``; NaN: none)."""

    t_state: float
    impact: np.ndarray
    impact_cov: np.ndarray
    t_impact: float
    t_impact_sd: float
    origin: np.ndarray
    origin_cov: np.ndarray
    launch_t: float


def _landed_after(t_impact_sd: float) -> float:
    return max(LANDED_AFTER_S, 3.0 * t_impact_sd) if np.isfinite(t_impact_sd) else LANDED_AFTER_S


def _tighter(cov: np.ndarray, than: np.ndarray) -> bool:
    """Whether the ellipse ``cov`` is finite and smaller in area than ``than`` (NaN: none)."""
    if not np.all(np.isfinite(cov)):
        return False
    return not np.all(np.isfinite(than)) or np.linalg.det(cov) < np.linalg.det(than)


def _distance2(a: np.ndarray, cov_a: np.ndarray, b: np.ndarray, cov_b: np.ndarray) -> float:
    """The squared Mahalanobis distance between points ``a`` and ``b`` (2,) under their summed covariances
    (2,2); infinite where either is missing or the sum is singular."""
    d = np.asarray(a, float) - np.asarray(b, float)
    c = np.asarray(cov_a, float) + np.asarray(cov_b, float)
    if not (np.all(np.isfinite(d)) and np.all(np.isfinite(c))):
        return np.inf
    try:
        return float(d @ np.linalg.solve(c, d))
    except np.linalg.LinAlgError:
        return np.inf


class RoundContinuity:
    """Per round track, the last prediction (:meth:`note`); the rounds whose tracks were lost, until their
    predicted impact (:meth:`lose`); which live track continues which lost one (:meth:`link`)."""

    def __init__(self) -> None:
        self._notes: dict[int, RoundNote] = {}
        self._lost: dict[int, RoundNote] = {}  # lost track id -> its last note
        self._continues: dict[int, int] = {}  # live track id -> the lost track id it continues
        self._inherited: dict[int, RoundNote] = {}  # live track id -> the lost track's note

    def note(self, track_id: int, note: RoundNote) -> None:
        """The engine's prediction for a round track this cycle."""
        self._notes[int(track_id)] = note

    def landed(self, t: float, ids: np.ndarray, t_state: np.ndarray) -> np.ndarray:
        """Of tracks ``ids`` (N,) last updated at ``t_state`` (N,) s, the mask of those whose last noted
        prediction puts the round on the ground at least :data:`LANDED_AFTER_S` before ``t``, with no plot
        since its predicted impact. The caller ends them and hands them to :meth:`lose`: should a round fly
        on after all, a new track on it within 3 impact-time sd continues its track."""
        out = np.zeros(len(ids), bool)
        for k, (tid, ts) in enumerate(zip(np.asarray(ids).tolist(), np.asarray(t_state).tolist(), strict=True)):
            n = self._notes.get(tid)
            out[k] = n is not None and np.isfinite(n.t_impact) and ts < n.t_impact \
                and t >= n.t_impact + LANDED_AFTER_S
        return out

    def lose(self, track_id: int) -> None:
        """``track_id`` was lost (by the tracker, or ended as landed by :meth:`landed`; not below ground,
        not defeated): its round may be picked up again."""
        n = self._notes.pop(int(track_id), None)
        if n is not None and np.isfinite(n.t_impact):
            self._lost[int(track_id)] = n

    def forget(self, t: float, live_ids) -> None:
        """Drop the notes of tracks not in ``live_ids`` (landed, defeated or lost: :meth:`lose` first)
        and the lost rounds that have landed by their own prediction at ``t``."""
        live = set(np.asarray(list(live_ids)).tolist())
        for d in (self._notes, self._continues, self._inherited):
            for tid in [k for k in d if k not in live]:
                del d[tid]
        for tid in [k for k, n in self._lost.items() if t > n.t_impact + _landed_after(n.t_impact_sd)]:
            del self._lost[tid]

    def link(self, ids: np.ndarray, t_first: np.ndarray, impact: np.ndarray, impact_cov: np.ndarray,
             t_impact: np.ndarray, t_impact_sd: np.ndarray, origin: np.ndarray,
             origin_cov: np.ndarray) -> list[tuple[int, int, float]]:
        """Tie round tracks ``ids`` (N,) that do not yet continue a lost round to one, if their predicted
        impacts (``impact`` (N,2), ``impact_cov`` (N,2,2), ``t_impact`` (N,), ``t_impact_sd`` (N,)) agree,
        their own points of origin (``origin`` (N,2), ``origin_cov`` (N,2,2); NaN: none, and no tie) agree
        with the lost round's, and their first plots (``t_first`` (N,)) came after its last. Each lost round
        goes to at most one track, the nearest impact first. Returns the new ties: (track id, lost track
        id, squared Mahalanobis distance of the two impact points)."""
        if not self._lost:
            return []
        pairs = []
        for j, tid in enumerate(np.asarray(ids).tolist()):
            if tid in self._continues or not np.isfinite(t_impact[j]):
                continue
            area = np.linalg.det(np.asarray(impact_cov[j], float))
            for lid, n in self._lost.items():
                # A young track's wide ellipse would agree with any lost round: it must know the impact at
                # least as well as the lost track did before it can be told to be that round.
                if t_first[j] <= n.t_state or not area <= np.linalg.det(n.impact_cov):
                    continue
                dt = abs(float(t_impact[j]) - n.t_impact)
                sd = np.hypot(float(t_impact_sd[j]) if np.isfinite(t_impact_sd[j]) else 0.0,
                              n.t_impact_sd if np.isfinite(n.t_impact_sd) else 0.0)
                if dt > 3.0 * sd + TIME_GATE_S:
                    continue
                d2 = _distance2(impact[j], impact_cov[j], n.impact, n.impact_cov)
                if d2 <= CONTINUITY_GATE and _distance2(origin[j], OWN_ORIGIN_INFLATION * np.asarray(origin_cov[j]),
                                                        n.origin, n.origin_cov) <= CONTINUITY_GATE:
                    pairs.append((d2, tid, lid))
        out = []
        for d2, tid, lid in sorted(pairs):
            if tid in self._continues or lid not in self._lost:
                continue
            self._continues[tid] = lid
            self._inherited[tid] = self._lost.pop(lid)
            out.append((tid, lid, d2))
        return out

    def inherited_origin(self, track_id: int, origin_cov: np.ndarray) -> RoundNote | None:
        """The note of the lost track that ``track_id`` continues, if its point of origin is tighter than
        the track's own (``origin_cov`` (2,2); NaN: none); else None."""
        n = self._inherited.get(int(track_id))
        return n if n is not None and _tighter(n.origin_cov, origin_cov) else None
