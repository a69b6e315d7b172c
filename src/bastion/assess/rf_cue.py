"""Which tracks carry a drone's radio link: the classifier's RF evidence, from direction-finder bearings.

A passive direction finder measures only a bearing (``sigma`` a few degrees), and in a busy sky several
tracks lie within a few sigma of any bearing: the tracker's nearest-neighbour tie goes to a bird flying in
front of the drone as readily as to the drone. Measured on a dense Monte Carlo run (seed 3100, 20
quadcopters among 100+ other tracks): 1,450 of 1,474 tied bearings had another track within 3 sigma.
So the evidence is not the tie but how well each track's bearing history fits an emitter on it.

For each dwell and each track within ``window_sigmas`` of a bearing, the log-likelihood ratio of the
nearest bearing's residual r (rad) between "the track is the emitter" (r ~ N(0, sigma^2)) and "the bearing is
unrelated" (uniform over the +-window_sigmas window) is

    llr = log(2 w / sqrt(2 pi)) - r^2 / (2 sigma^2),   w = window_sigmas,

floored at ``llr_floor``. The emitter gains log(2 w / sqrt(2 pi)) - 1/2 = +0.88 per heard dwell on average
(w = 5), a track flying delta off the emitter's line 0.88 - delta^2 / (2 sigma^2): negative beyond 1.3
sigma. A track has a radio link while the sum over the last ``window_s`` seconds is at least ``min_llr`` and at
least ``min_sites`` finders (at different places) contributed at least ``min_site_llr`` each: bearings
that cross on the track. One finder is not enough in a busy sky: on the same dense runs a bird of a flock lying on the
line from one finder to a loitering quadcopter collected as much evidence as the quadcopter for tens of
seconds (7 of 40 birds made hostile); the second finder sees the two on different lines. With a single
finder in the scenario, ``min_sites`` is 1. A dwell with no bearing near a track is no evidence (the
finder may not reach it, and a fibre-optic or autonomous drone is silent). A bearing within
``claim_sigmas`` of a linked track is that track's emitter's and no evidence for any other: with many
emitters, two quadcopters' bearings cross at "ghost" points, where a bird then collected evidence (birds
linked in 4.0 % of their cycles without the claim, 1.0 % with it; docs/assessment.md "RF link").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.geo import enu_to_rae


@dataclass(frozen=True)
class RfCueConfig:
    """The link test's figures: the residual window (bearing sigmas), the floor of one dwell's evidence,
    the evidence window (s), the link thresholds (total and per finder, nats; ``min_sites`` finders), and
    the claim radius (sigmas) within which a linked track takes a bearing for its own."""

    window_sigmas: float = 5.0
    llr_floor: float = -3.0
    window_s: float = 10.0
    min_llr: float = 3.0
    min_sites: int = 2
    min_site_llr: float = 1.0
    claim_sigmas: float = 1.5


class RfEvidence:
    """Per track, the recent bearing log-likelihood ratios (``ingest``) and whether they add up to a link."""

    def __init__(self, config: RfCueConfig | None = None) -> None:
        self.config = config or RfCueConfig()
        self._llr: dict[int, list[tuple[float, float, str]]] = {}  # track id -> [(t, llr, finder)]

    def ingest(
        self, t: float, finder: str, bearing_az: np.ndarray, sigma_az: np.ndarray, sensor_pos: np.ndarray,
        track_ids: np.ndarray, track_pos: np.ndarray,
    ) -> None:
        """One dwell of direction finder ``finder`` at ``t`` (s): bearings ``bearing_az`` (D,) rad, compass,
        standard deviations ``sigma_az`` (D,) rad, from ``sensor_pos`` (3,) ENU m; every live track
        ``track_ids`` (N,) at ``track_pos`` (N,3) m."""
        cfg = self.config
        bearing_az = np.asarray(bearing_az, float).reshape(-1)
        if bearing_az.size == 0 or len(track_ids) == 0:
            return
        sigma = np.asarray(sigma_az, float).reshape(-1, 1)
        az = enu_to_rae(np.asarray(track_pos, float).reshape(-1, 3), sensor_pos)[:, 1]
        z2_all = (((az[None, :] - bearing_az[:, None] + np.pi) % (2.0 * np.pi) - np.pi) / sigma) ** 2  # (D, N)
        # A bearing within ``claim_sigmas`` of a linked track is its emitter's: no evidence for the others
        # (a bird beside a quadcopter, or where two quadcopters' bearings cross).
        ids = np.asarray(track_ids).reshape(-1)
        held = np.array([sum(self._by_finder(int(tid), t).values()) for tid in ids.tolist()])
        claims = (held >= cfg.min_llr)[None, :] & (z2_all <= cfg.claim_sigmas**2)
        owner = np.where(claims.any(axis=1), np.argmin(np.where(claims, z2_all, np.inf), axis=1), -1)
        usable = (owner[:, None] < 0) | (owner[:, None] == np.arange(ids.size)[None, :])
        z2 = np.min(np.where(usable, z2_all, np.inf), axis=0)
        near = z2 <= cfg.window_sigmas**2
        llr = np.maximum(np.log(2.0 * cfg.window_sigmas / np.sqrt(2.0 * np.pi)) - 0.5 * z2, cfg.llr_floor)
        for tid, v in zip(ids[near].tolist(), llr[near].tolist(), strict=True):
            self._llr.setdefault(int(tid), []).append((float(t), v, finder))

    def _by_finder(self, tid: int, t: float) -> dict[str, float]:
        """A track's evidence over the ``window_s`` before ``t`` (s), summed per finder."""
        out: dict[str, float] = {}
        for tv, v, finder in self._llr.get(tid, ()):
            if tv >= t - self.config.window_s:
                out[finder] = out.get(finder, 0.0) + v
        return out

    def linked(self, t: float, track_ids: np.ndarray, sites: int | None = None) -> np.ndarray:
        """(N,) True for the tracks ``track_ids`` whose bearing evidence of the last ``window_s`` before ``t``
        (s) reaches ``min_llr`` with ``min_site_llr`` from each of ``min_sites`` finders (at most ``sites``, the number
        of finders there are, if given). Evidence older than that is dropped."""
        cfg = self.config
        for tid in list(self._llr):
            rows = [r for r in self._llr[tid] if r[0] >= t - cfg.window_s]
            if rows:
                self._llr[tid] = rows
            else:
                del self._llr[tid]
        need = cfg.min_sites if sites is None else min(cfg.min_sites, sites)
        out = np.zeros(len(track_ids), bool)
        for k, tid in enumerate(np.asarray(track_ids).tolist()):
            by_site = self._by_finder(int(tid), t)
            crossing = sum(v >= cfg.min_site_llr for v in by_site.values())
            out[k] = sum(by_site.values()) >= cfg.min_llr and crossing >= need
        return out

    def forget(self, live_ids: np.ndarray) -> None:
        """Drop the evidence of tracks not in ``live_ids`` (deleted tracks)."""
        live = set(np.asarray(live_ids).tolist())
        self._llr = {tid: rows for tid, rows in self._llr.items() if tid in live}
