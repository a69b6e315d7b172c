"""Identity: friend (IFF), neutral (ADS-B civil aircraft), hostile, unknown, with the reason recorded.

Cooperative reports are matched to tracks by position (a global nearest-neighbour assignment within a
gate); a match is sticky for the life of the track, because a friend that stops answering for a moment
must not become a target. Hostile needs a confident threat class and no cooperative report within the
track's gate (matched to it or not: a duplicate track on a friend is not a target).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from bastion.sense.cooperative import CooperativeReport

FRIEND, NEUTRAL, HOSTILE, UNKNOWN = "friend", "neutral", "hostile", "unknown"
THREAT_CLASSES = ("rocket", "mortar", "artillery", "owa_drone", "quadcopter")


@dataclass(frozen=True)
class IdentityConfig:
    max_report_age_s: float = 3.0
    gate_sigmas: float = 4.0
    gate_extra_m: float = 150.0  # allowance for track error and report latency


class IdentityAssessor:
    def __init__(self, config: IdentityConfig | None = None) -> None:
        self.config = config or IdentityConfig()
        self._latest: dict[tuple[str, str], tuple[float, np.ndarray, np.ndarray, float]] = {}
        self.identity: dict[int, tuple[str, str]] = {}  # track id -> (identity, reason)

    def ingest(self, report: CooperativeReport) -> None:
        for i, who in enumerate(report.identity):
            self._latest[(report.kind, who)] = (
                report.time, report.position[i], report.velocity[i], float(report.sigma_m[i])
            )

    def _reports_at(self, t: float) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
        keys, pos, sig = [], [], []
        for key, (tr, p, v, s) in sorted(self._latest.items()):
            age = t - tr
            if 0.0 <= age <= self.config.max_report_age_s:
                keys.append(key)
                pos.append(p + (np.nan_to_num(v) * age))
                sig.append(s + (0.0 if np.all(np.isfinite(v)) else 60.0 * age))
        return keys, np.array(pos).reshape(-1, 3), np.array(sig)

    def update(
        self, t: float, ids: np.ndarray, pos: np.ndarray, pos_sigma: np.ndarray, classes: list[str]
    ) -> list[tuple[int, str, str]]:
        """Assess identities of tracks ``ids`` at positions ``pos`` (N,3) predicted to ``t`` with
        position sigma ``pos_sigma`` (N,) and declared ``classes``. Returns the changes as
        (track id, identity, reason)."""
        cfg = self.config
        keys, rpos, rsig = self._reports_at(t)
        matched: dict[int, tuple[str, str]] = {}
        near_reply: dict[int, str] = {}  # unmatched tracks inside some report's gate -> that report
        if keys and len(ids):
            d = np.linalg.norm(pos[:, None, :] - rpos[None, :, :], axis=2)
            gate = cfg.gate_sigmas * np.hypot(pos_sigma[:, None], rsig[None, :]) + cfg.gate_extra_m
            cost = np.where(d <= gate, d, 1e9)
            inside = d <= gate
            for r in np.flatnonzero(inside.any(axis=1)):
                near_reply[int(ids[r])] = keys[int(np.argmin(np.where(inside[r], d[r], np.inf)))][1]
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                if cost[r, c] < 1e9:
                    kind, who = keys[c]
                    if kind == "iff":
                        matched[int(ids[r])] = (FRIEND, f"IFF mode 5 reply {who}")
                    else:
                        matched[int(ids[r])] = (NEUTRAL, f"ADS-B {who}")
        changes = []
        live = set()
        for k, tid in enumerate(ids.tolist()):
            live.add(tid)
            old = self.identity.get(tid)
            if old and old[0] in (FRIEND, NEUTRAL):
                new = old  # sticky
            elif tid in matched:
                new = matched[tid]
            elif classes[k] in THREAT_CLASSES and tid in near_reply:
                # Another track holds the reply (the assignment is one to one): a second track on the same
                # friend, split at a turn, must not become a target. A threat this close to a friend stays
                # unknown; the interlocks' friendly clearance would hold fire on it anyway.
                new = (UNKNOWN, f"class {classes[k]} within the gate of cooperative reply {near_reply[tid]}")
            elif classes[k] in THREAT_CLASSES:
                new = (HOSTILE, f"class {classes[k]} with no cooperative reply")
            else:
                new = (UNKNOWN, "no cooperative reply" if classes[k] == "unknown" else f"class {classes[k]}")
            if old is None or old[0] != new[0]:
                changes.append((tid, new[0], new[1]))
            self.identity[tid] = new
        for tid in [k for k in self.identity if k not in live]:
            del self.identity[tid]
        return changes

    def is_cooperative(self, track_id: int) -> bool:
        return self.identity.get(track_id, (UNKNOWN, ""))[0] in (FRIEND, NEUTRAL)
