"""Identity: friend (IFF), neutral (ADS-B civil aircraft), hostile, unknown, with the reason recorded.

Cooperative reports are matched to tracks by position and velocity (a global nearest-neighbour
assignment within a gate). A match is sticky for the life of the track, because a friend that stops
answering for a moment must not become a target, and a reply stays with the track that holds it while
that track lives: a drone flying past a helicopter must never take the helicopter's reply over. Hostile
needs a confident threat class and no cooperative report that could be the same object: a track inside
the gate of a reply held by another track, moving with that track (a split track on a friend), stays
unknown; one moving differently (a drone passing by) is judged on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from bastion.sense.cooperative import CooperativeReport

FRIEND, NEUTRAL, HOSTILE, UNKNOWN = "friend", "neutral", "hostile", "unknown"
THREAT_CLASSES = ("rocket", "mortar", "artillery", "owa_drone", "quadcopter")
NO_GATE = 1e9


@dataclass(frozen=True)
class IdentityConfig:
    """Matching of cooperative reports to tracks (m, s, m/s)."""

    max_report_age_s: float = 3.0
    gate_sigmas: float = 4.0
    gate_extra_m: float = 150.0  # allowance for track error and report latency
    # Velocity test: |v_track - v_other| <= gate_sigmas * hypot(sigmas) + velocity_extra_mps. The extra
    # allows for a friend's manoeuvre (a helicopter's turn) between the estimates.
    velocity_extra_mps: float = 15.0
    # IFF replies carry no velocity: it is fitted to the replies of the last ``velocity_window_s``
    # (at least three, spanning ``velocity_min_span_s``).
    velocity_window_s: float = 8.0
    velocity_min_span_s: float = 2.0
    adsb_velocity_sigma_mps: float = 3.0  # reported ground velocity, NACv class 1-2


def _fitted_velocity(hist: list[tuple[float, np.ndarray, float]], min_span: float):
    """Least-squares velocity (3,) m/s and its standard deviation (m/s) from reports (t, position,
    sigma); NaN velocity and infinite sigma when the reports are too few or too close in time."""
    if len(hist) < 3:
        return np.full(3, np.nan), np.inf
    t = np.array([h[0] for h in hist])
    if t[-1] - t[0] < min_span:
        return np.full(3, np.nan), np.inf
    p = np.array([h[1] for h in hist])
    dt = t - t.mean()
    sxx = float(dt @ dt)
    v = (dt @ (p - p.mean(axis=0))) / sxx
    return v, float(max(h[2] for h in hist)) / np.sqrt(sxx)


class IdentityAssessor:
    def __init__(self, config: IdentityConfig | None = None) -> None:
        self.config = config or IdentityConfig()
        # Per cooperative object (kind, identity): its recent reports (t, position, velocity, sigma).
        self._reports: dict[tuple[str, str], list[tuple[float, np.ndarray, np.ndarray, float]]] = {}
        self._holder: dict[tuple[str, str], int] = {}  # cooperative object -> track holding its reply
        self._fits: dict[tuple[str, str], tuple[float, np.ndarray, float]] = {}  # key -> (last t, v, sigma)
        self.identity: dict[int, tuple[str, str]] = {}  # track id -> (identity, reason)
        # The last _reports_at answer, (t, result): a decision cycle asks twice (update, then heard for the
        # interlocks) with no report in between. Dropped on every ingest.
        self._at_cache: tuple[float, tuple] | None = None

    def ingest(self, report: CooperativeReport) -> None:
        self._at_cache = None
        for i, who in enumerate(report.identity):
            hist = self._reports.setdefault((report.kind, who), [])
            if hist and report.time <= hist[-1][0]:
                hist.clear()  # out of order or a restart: start the fit again
            hist.append((report.time, report.position[i], report.velocity[i], float(report.sigma_m[i])))
            t_old = report.time - max(self.config.velocity_window_s, self.config.max_report_age_s)
            while hist and hist[0][0] < t_old:
                hist.pop(0)

    def _reports_at(self, t: float):
        """The cooperative objects heard recently: keys, positions (R,3) and sigmas (R,) at ``t``,
        velocities (R,3) (NaN: unknown) and velocity sigmas (R,). Callers must not modify them (cached)."""
        if self._at_cache is not None and self._at_cache[0] == t:
            return self._at_cache[1]
        cfg = self.config
        keys, pos, sig, vel, vsig = [], [], [], [], []
        for key, hist in sorted(self._reports.items()):
            tr, p, v, s = hist[-1]
            age = t - tr
            if not 0.0 <= age <= cfg.max_report_age_s:
                continue
            if np.all(np.isfinite(v)):
                sv = cfg.adsb_velocity_sigma_mps
            else:
                fit = self._fits.get(key)
                if fit is None or fit[0] != tr:  # refitted only when a new reply has come
                    recent = [(h[0], h[1], h[3]) for h in hist if h[0] >= tr - cfg.velocity_window_s]
                    fit = self._fits[key] = (tr, *_fitted_velocity(recent, cfg.velocity_min_span_s))
                v, sv = fit[1], fit[2]
            keys.append(key)
            known = np.all(np.isfinite(v))
            pos.append(p + (v * age if known else 0.0))
            # Unknown velocity: the report may have moved up to 60 m/s since it was made.
            sig.append(s + (sv * age if known else 60.0 * age))
            vel.append(v)
            vsig.append(sv)
        out = (keys, np.array(pos).reshape(-1, 3), np.array(sig), np.array(vel).reshape(-1, 3), np.array(vsig))
        self._at_cache = (t, out)
        return out

    def heard(self, t: float) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
        """The cooperative objects heard in the last ``max_report_age_s`` at ``t`` (s), whatever track they
        are matched to: positions (R,3) m brought to ``t``, identities (``friend`` for IFF replies,
        ``neutral`` for ADS-B) and velocities (R,3) m/s (zero where unknown). The safety interlocks protect
        them directly, so that a friend whose track broke, or whose reply went to no track, is never
        fired on however its new track is classified."""
        keys, pos, _, vel, _ = self._reports_at(t)
        ident = tuple(FRIEND if kind == "iff" else NEUTRAL for kind, _ in keys)
        return pos, ident, np.where(np.isfinite(vel), vel, 0.0)

    def update(
        self, t: float, ids: np.ndarray, pos: np.ndarray, pos_sigma: np.ndarray, classes: list[str],
        vel: np.ndarray | None = None, vel_sigma: np.ndarray | None = None,
    ) -> list[tuple[int, str, str]]:
        """Assess identities of tracks ``ids`` at positions ``pos`` (N,3) m predicted to ``t`` (s) with
        position sigma ``pos_sigma`` (N,) m and declared ``classes``; velocities ``vel`` (N,3) m/s with
        sigma ``vel_sigma`` (N,) m/s (None: position alone decides). Returns the changes as
        (track id, identity, reason)."""
        cfg = self.config
        n = len(ids)
        ids_list = [int(i) for i in np.asarray(ids).tolist()]
        row_of = {tid: k for k, tid in enumerate(ids_list)}
        if vel is None:
            vel, vel_sigma = np.full((n, 3), np.nan), np.zeros(n)
        keys, rpos, rsig, rvel, rvsig = self._reports_at(t)
        # A reply stays with its live holder; replies whose holder is gone are free again.
        self._holder = {key: tid for key, tid in self._holder.items() if tid in row_of}
        matched: dict[int, tuple[str, str]] = {}
        near_reply: dict[int, str] = {}  # tracks that could be a friend's second track -> that reply
        if keys and n:
            d = np.linalg.norm(pos[:, None, :] - rpos[None, :, :], axis=2)
            inside = d <= cfg.gate_sigmas * np.hypot(pos_sigma[:, None], rsig[None, :]) + cfg.gate_extra_m
            # The velocity each reply is compared with: its holder track's (the best estimate of the
            # friend's motion), else its own (ADS-B, or fitted to IFF replies).
            ref_v, ref_s = rvel.copy(), rvsig.copy()
            for c, key in enumerate(keys):
                h = self._holder.get(key)
                if h is not None and np.all(np.isfinite(vel[row_of[h]])):
                    ref_v[c], ref_s[c] = vel[row_of[h]], vel_sigma[row_of[h]]
            dv = np.linalg.norm(vel[:, None, :] - ref_v[None, :, :], axis=2)
            v_gate = cfg.gate_sigmas * np.hypot(vel_sigma[:, None], ref_s[None, :]) + cfg.velocity_extra_mps
            # Unknown velocity on either side: position alone (the conservative choice both ways).
            same_motion = ~(dv > v_gate)
            could_be = inside & same_motion
            free = np.array([key not in self._holder for key in keys], bool)
            taken = np.array([self.identity.get(tid, (UNKNOWN,))[0] in (FRIEND, NEUTRAL) for tid in ids_list])
            cost = np.where(could_be & free[None, :] & ~taken[:, None], d, NO_GATE)
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                if cost[r, c] < NO_GATE:
                    kind, who = keys[c]
                    self._holder[keys[c]] = ids_list[r]
                    matched[ids_list[r]] = (
                        (FRIEND, f"IFF mode 5 reply {who}") if kind == "iff" else (NEUTRAL, f"ADS-B {who}"))
            for r in np.flatnonzero(could_be.any(axis=1)):
                near_reply[ids_list[r]] = keys[int(np.argmin(np.where(could_be[r], d[r], np.inf)))][1]
        changes = []
        for k, tid in enumerate(ids_list):
            old = self.identity.get(tid)
            if old and old[0] in (FRIEND, NEUTRAL):
                new = old  # sticky
            elif tid in matched:
                new = matched[tid]
            elif classes[k] in THREAT_CLASSES and tid in near_reply:
                # Another track holds the reply (the assignment is one to one) and this one moves with it:
                # a second track on the same friend, split at a turn, must not become a target.
                new = (UNKNOWN, f"class {classes[k]} within the gate of cooperative reply {near_reply[tid]}")
            elif classes[k] in THREAT_CLASSES:
                new = (HOSTILE, f"class {classes[k]} with no cooperative reply")
            else:
                new = (UNKNOWN, "no cooperative reply" if classes[k] == "unknown" else f"class {classes[k]}")
            if old is None or old[0] != new[0]:
                changes.append((tid, new[0], new[1]))
            self.identity[tid] = new
        for tid in [k for k in self.identity if k not in row_of]:
            del self.identity[tid]
        return changes

    def is_cooperative(self, track_id: int) -> bool:
        return self.identity.get(track_id, (UNKNOWN, ""))[0] in (FRIEND, NEUTRAL)
