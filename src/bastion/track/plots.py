"""The plots each live track was built from: the latest few position plots per track, kept so that the
assessment can fit a whole trajectory to them (``bastion.assess.launch_fit``) instead of relying on the
filter's recursive estimate alone, which is slow to settle on a young rocket's arc.

Beside them, the recent *loose* plots: those of tracks deleted (a tentative track that died) and single
plots that never paired into a track. A rocket's first plots, taken during its boost, often end there
(the initiation's velocity gate, or a tentative track that could not follow the acceleration), and they
are the ones that say most about its launch point: the fit may claim them back.

A Doppler radar's plot keeps its range rate too, with its variance and the sensor's position (the range
rate is along the sensor's line of sight): 3-4 s after a rocket's launch, 5-8 km out, the fit with it
misses the impact by 1.1-1.6 times less RMS than on the positions alone (``benchmarks/impact_bound.py``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Plots:
    """Position plots, one row each.

    Attributes:
        t: (n,) times (s).
        pos: (n, 3) ENU positions (m).
        cov: (n, 3, 3) position covariances (m^2; a radar's, linearised to Cartesian).
        rr: (n,) range rates (m/s, + = opening) from a Doppler radar, NaN for a plot without one.
        rr_var: (n,) their variances (m^2/s^2), NaN likewise.
        sensor: (n, 3) ENU position (m) of the sensor that made each plot (the range rate's origin).
    """

    t: np.ndarray
    pos: np.ndarray
    cov: np.ndarray
    rr: np.ndarray
    rr_var: np.ndarray
    sensor: np.ndarray

    @classmethod
    def empty(cls) -> Plots:
        """No plots."""
        return cls(np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3, 3)), np.zeros(0), np.zeros(0), np.zeros((0, 3)))

    @classmethod
    def of(cls, t: np.ndarray, pos: np.ndarray, cov: np.ndarray, rr: np.ndarray | None = None,
           rr_var: np.ndarray | None = None, sensor: np.ndarray | None = None) -> Plots:
        """Plots from arrays; without ``rr`` (and ``rr_var``) they have no range rate, without ``sensor``
        the sensors stood at the origin. ``sensor`` may be one (3,) position for all."""
        t = np.asarray(t, float).reshape(-1)
        n = t.size
        nan = np.full(n, np.nan)
        rr = nan if rr is None else np.broadcast_to(np.asarray(rr, float), (n,)).copy()
        rr_var = nan.copy() if rr_var is None else np.broadcast_to(np.asarray(rr_var, float), (n,)).copy()
        sensor = np.zeros((n, 3)) if sensor is None else np.broadcast_to(np.asarray(sensor, float), (n, 3)).copy()
        return cls(t, np.asarray(pos, float).reshape(n, 3), np.asarray(cov, float).reshape(n, 3, 3), rr, rr_var,
                   sensor)

    def __len__(self) -> int:
        return int(self.t.size)

    @property
    def has_range_rate(self) -> np.ndarray:
        """(n,) whether each plot has a usable range rate (finite, with a positive variance)."""
        return np.isfinite(self.rr) & np.isfinite(self.rr_var) & (self.rr_var > 0.0)

    def take(self, idx: np.ndarray) -> Plots:
        """The plots selected by ``idx`` (indices or a boolean mask)."""
        return Plots(self.t[idx], self.pos[idx], self.cov[idx], self.rr[idx], self.rr_var[idx], self.sensor[idx])

    def merged(self, other: Plots) -> Plots:
        """These plots and ``other``'s, in time order."""
        if len(other) == 0:
            return self
        both = Plots.concat([self, other])
        return both.take(np.argsort(both.t, kind="stable"))

    def positions_only(self) -> Plots:
        """The same plots without their range rates."""
        nan = np.full(len(self), np.nan)
        return Plots(self.t, self.pos, self.cov, nan, nan.copy(), self.sensor)

    @staticmethod
    def concat(parts: list[Plots]) -> Plots:
        """The rows of ``parts`` one after another (no sorting)."""
        if not parts:
            return Plots.empty()
        return Plots(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                       ("t", "pos", "cov", "rr", "rr_var", "sensor")))


class PlotHistory:
    """Per track id, its latest ``capacity`` position plots (:class:`Plots`). Angle-only plots carry no
    position and are not kept.

    A batch of plots is copied once and each track keeps references (batch, row) to its rows, so that
    recording a scan's plots costs a list append per plot rather than an array copy per plot (it was
    6 us per plot, a quarter of the launch fit's own cost in a dense profile); the rows are gathered when a
    track's plots are read."""

    def __init__(self, capacity: int, loose_keep_s: float = 20.0) -> None:
        if capacity < 0:
            raise ValueError("plot history capacity must be >= 0")
        self.capacity = int(capacity)
        self.loose_keep_s = float(loose_keep_s)
        self._rows: dict[int, deque[tuple[Plots, int]]] = {}  # (batch, row) per plot, in arrival order
        self._loose: list[Plots] = []  # chunks
        self._loose_latest = -np.inf

    def add(self, track_ids: np.ndarray, plots: Plots) -> None:
        """Record ``plots`` (k rows) for ``track_ids`` (k,)."""
        if self.capacity == 0 or len(plots) == 0:
            return
        batch = plots.take(np.arange(len(plots)))  # a copy: the caller's arrays may change
        rows = self._rows
        for k, tid in enumerate(np.asarray(track_ids).tolist()):
            kept = rows.get(tid)
            if kept is None:
                kept = rows[tid] = deque(maxlen=self.capacity)
            kept.append((batch, k))

    @staticmethod
    def _gather(kept) -> Plots:
        """The plots of (batch, row) references ``kept``, in their order."""
        fields = ("t", "pos", "cov", "rr", "rr_var", "sensor")
        return Plots(*(np.array([getattr(b, f)[k] for b, k in kept]) for f in fields))

    def get(self, track_id: int) -> Plots:
        """The track's plots in time order."""
        kept = self._rows.get(int(track_id))
        if not kept:
            return Plots.empty()
        out = self._gather(kept)
        return out.take(np.argsort(out.t, kind="stable"))

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
            kept = self._rows.pop(int(tid), None)
            if kept:
                self.add_loose(self._gather(kept))

    def add_loose(self, plots: Plots) -> None:
        """Record plots that belong to no track (any more); plots older than ``loose_keep_s`` before the
        latest are forgotten."""
        if self.capacity == 0 or len(plots) == 0:
            return
        self._loose.append(plots)
        self._loose_latest = max(self._loose_latest, float(plots.t.max()))
        cutoff = self._loose_latest - self.loose_keep_s
        if self._loose[0].t.max() < cutoff:
            self._loose = [c for c in self._loose if c.t.max() >= cutoff]

    def loose(self, t_from: float = -np.inf) -> Plots:
        """The loose plots from ``t_from`` (s) on."""
        chunks = Plots.concat([c for c in self._loose if c.t.max() >= t_from])
        return chunks.take(chunks.t >= t_from)

    def __len__(self) -> int:
        return len(self._rows)
