"""The plots each live track was built from: the latest few position plots per track, kept so that the
assessment can fit a whole trajectory to them (``bastion.assess.launch_fit``) instead of relying on the
filter's recursive estimate alone, which is slow to settle on a young rocket's arc.

Beside them, the recent *loose* plots: those of tracks deleted (a tentative track that died) and single
plots that never paired into a track. A rocket's first plots, taken during its boost, often end there
(the initiation's velocity gate, or a tentative track that could not follow the acceleration), and they
are the ones that say most about its launch point: the fit may claim them back.
"""

from __future__ import annotations

import numpy as np


class PlotHistory:
    """Per track id, its latest ``capacity`` position plots: time (s), ENU position (m) and position
    covariance (m^2, the measurement's, linearised to Cartesian for a radar). Angle-only plots carry no
    position and are not kept."""

    def __init__(self, capacity: int, loose_keep_s: float = 20.0) -> None:
        if capacity < 0:
            raise ValueError("plot history capacity must be >= 0")
        self.capacity = int(capacity)
        self.loose_keep_s = float(loose_keep_s)
        self._rows: dict[int, list[tuple[float, np.ndarray, np.ndarray]]] = {}
        self._loose: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # chunks of (t, pos, cov)
        self._loose_latest = -np.inf

    def add(self, track_ids: np.ndarray, times: np.ndarray, pos: np.ndarray, cov: np.ndarray) -> None:
        """Record plots (k,) times, (k, 3) positions, (k, 3, 3) covariances for ``track_ids`` (k,)."""
        if self.capacity == 0:
            return
        for tid, t, p, c in zip(np.asarray(track_ids).tolist(), np.asarray(times, float).tolist(),
                                np.asarray(pos, float), np.asarray(cov, float), strict=True):
            rows = self._rows.setdefault(tid, [])
            rows.append((t, p.copy(), c.copy()))
            if len(rows) > self.capacity:
                del rows[0]

    def get(self, track_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The track's plots in time order: times (n,), positions (n, 3), covariances (n, 3, 3)."""
        rows = sorted(self._rows.get(int(track_id), ()), key=lambda r: r[0])
        if not rows:
            return np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3, 3))
        return (np.array([r[0] for r in rows]), np.stack([r[1] for r in rows]), np.stack([r[2] for r in rows]))

    def count(self, track_id: int) -> int:
        """How many plots the track has (at most the capacity)."""
        return len(self._rows.get(int(track_id), ()))

    def drop(self, track_ids) -> None:
        """Forget the plots of ``track_ids``."""
        for tid in np.asarray(track_ids).reshape(-1).tolist():
            self._rows.pop(int(tid), None)

    def retire(self, track_ids) -> None:
        """Move the plots of ``track_ids`` (deleted tracks) to the loose plots."""
        for tid in np.asarray(track_ids).reshape(-1).tolist():
            rows = self._rows.pop(int(tid), None)
            if rows:
                self.add_loose(np.array([r[0] for r in rows]), np.stack([r[1] for r in rows]),
                               np.stack([r[2] for r in rows]))

    def add_loose(self, times: np.ndarray, pos: np.ndarray, cov: np.ndarray) -> None:
        """Record plots (k,) s, (k, 3) m, (k, 3, 3) m^2 that belong to no track (any more); plots older
        than ``loose_keep_s`` before the latest are forgotten."""
        if self.capacity == 0 or len(times) == 0:
            return
        times = np.asarray(times, float).copy()
        self._loose.append((times, np.asarray(pos, float).copy(), np.asarray(cov, float).copy()))
        self._loose_latest = max(self._loose_latest, float(times.max()))
        cutoff = self._loose_latest - self.loose_keep_s
        if self._loose[0][0].max() < cutoff:
            self._loose = [c for c in self._loose if c[0].max() >= cutoff]

    def loose(self, t_from: float = -np.inf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The loose plots from ``t_from`` (s) on: times (m,), positions (m, 3), covariances (m, 3, 3)."""
        chunks = [c for c in self._loose if c[0].max() >= t_from]
        if not chunks:
            return np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3, 3))
        t = np.concatenate([c[0] for c in chunks])
        keep = t >= t_from
        return (t[keep], np.concatenate([c[1] for c in chunks])[keep], np.concatenate([c[2] for c in chunks])[keep])

    def __len__(self) -> int:
        return len(self._rows)
