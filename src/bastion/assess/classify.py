"""Classification: class probabilities per track from kinematic features and sensor cues.

A transparent likelihood model. For each class c and each feature f, p(f | c) is a Gaussian (on speed,
log10 cross-section and flight-path angle) or a simple profile (height above ground, and the tracker's
ballistic-model probability when it has one). Each decision cycle multiplies the feature likelihoods
into a running log-posterior that forgets old evidence at rate ``forget`` (so a track can change class
when it changes behaviour, e.g. a drone starting its dive). A track is ``unknown`` until one class
exceeds ``confident`` probability. Cooperative identity (ADS-B) overrides kinematics in ``identity``.

Feature figures are engineering estimates from public descriptions of each class (docs/assessment.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.scenario.schema import TRACK_CLASSES

CLASSES = TRACK_CLASSES
BALLISTIC_CLASSES = ("rocket", "mortar", "artillery")
UNKNOWN = "unknown"

# Per class: speed mean and sd (m/s); log10 RCS mean and sd (m^2); max typical flight-path angle
# (deg, |gamma| beyond it is unlikely for powered level flyers); whether it flies ballistically.
_PROFILE = {
    #               speed  sd   lrcs  sd   gamma  ballistic
    "rocket":     (330.0, 90.0, -1.6, 0.6, 90.0, True),
    "mortar":     (200.0, 60.0, -2.0, 0.6, 90.0, True),
    "artillery":  (550.0, 150.0, -1.5, 0.6, 90.0, True),
    "owa_drone":  (50.0, 12.0, -1.0, 0.7, 45.0, False),
    "quadcopter": (14.0, 7.0, -2.0, 0.6, 60.0, False),
    "bird":       (11.0, 4.0, -2.6, 0.6, 40.0, False),
    "aircraft":   (120.0, 60.0, 1.5, 0.6, 12.0, False),
    "helicopter": (40.0, 20.0, 0.7, 0.6, 20.0, False),
}


@dataclass(frozen=True)
class ClassifierConfig:
    forget: float = 0.85  # weight of the previous log-posterior per cycle
    confident: float = 0.85  # probability at which a class is declared
    floor_loglik: float = -12.0  # cap on one feature's evidence, so one wild value cannot decide


class Classifier:
    """Running class posteriors for a changing set of tracks (keyed by track id)."""

    def __init__(self, config: ClassifierConfig | None = None) -> None:
        self.config = config or ClassifierConfig()
        prof = np.array([_PROFILE[c][:5] for c in CLASSES])
        self._speed_mu, self._speed_sd = prof[:, 0], prof[:, 1]
        self._lrcs_mu, self._lrcs_sd = prof[:, 2], prof[:, 3]
        self._gamma_max = np.radians(prof[:, 4])
        self._ballistic = np.array([_PROFILE[c][5] for c in CLASSES])
        self._ids = np.empty(0, np.int64)
        self._logpost = np.empty((0, len(CLASSES)))

    def log_likelihood(self, x: np.ndarray, rcs: np.ndarray, ballistic_prob: np.ndarray) -> np.ndarray:
        """(N, C) log-likelihoods of the current features of N tracks (states x (N,6), RCS m^2, the
        tracker's ballistic-model probability or NaN)."""
        cfg = self.config
        v = x[:, 3:6]
        speed = np.linalg.norm(v, axis=1)
        gamma = np.arctan2(v[:, 2], np.hypot(v[:, 0], v[:, 1]))
        ll = -0.5 * ((speed[:, None] - self._speed_mu) / self._speed_sd) ** 2 - np.log(self._speed_sd)
        lrcs = np.log10(np.clip(rcs, 1e-6, None))
        ll_rcs = -0.5 * ((lrcs[:, None] - self._lrcs_mu) / self._lrcs_sd) ** 2
        ll += np.where(np.isfinite(rcs)[:, None], ll_rcs, 0.0)
        # Powered flyers seldom climb or dive steeper than their gamma_max; soft penalty beyond it.
        excess = np.clip(np.abs(gamma)[:, None] - self._gamma_max, 0.0, None)
        ll += -0.5 * (excess / np.radians(8.0)) ** 2
        # Height: ballistic rounds and aircraft go high; birds and small drones stay low.
        height = x[:, 2]
        low_flyer = np.array([c in ("owa_drone", "quadcopter", "bird", "helicopter") for c in CLASSES])
        ll += np.where(low_flyer, -0.5 * (np.clip(height[:, None] - 800.0, 0, None) / 300.0) ** 2, 0.0)
        bp = np.where(np.isfinite(ballistic_prob), np.clip(ballistic_prob, 0.02, 0.98), 0.5)
        ll += np.where(self._ballistic, np.log(bp)[:, None], np.log1p(-bp)[:, None])
        return np.maximum(ll, cfg.floor_loglik * 3)

    def update(
        self, ids: np.ndarray, x: np.ndarray, rcs: np.ndarray, ballistic_prob: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fold in one cycle of evidence for tracks ``ids``; forget tracks not listed.

        Returns (probabilities (N, C), declared class index (N,), -1 where unknown).
        """
        ids = np.asarray(ids, np.int64)
        if ballistic_prob is None:
            ballistic_prob = np.full(ids.size, np.nan)
        prior = np.zeros((ids.size, len(CLASSES)))
        if self._ids.size:
            pos = np.clip(np.searchsorted(self._ids, ids), 0, self._ids.size - 1)
            known = self._ids[pos] == ids
            prior[known] = self._logpost[pos[known]]
        logpost = self.config.forget * prior + self.log_likelihood(x, rcs, ballistic_prob)
        logpost -= logpost.max(axis=1, keepdims=True)
        order = np.argsort(ids)
        self._ids, self._logpost = ids[order], logpost[order]
        prob = np.exp(logpost)
        prob /= prob.sum(axis=1, keepdims=True)
        best = prob.argmax(axis=1)
        declared = np.where(prob[np.arange(ids.size), best] >= self.config.confident, best, -1)
        return prob, declared
