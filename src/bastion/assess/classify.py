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

from bastion.physics.ballistic import energy_speed
from bastion.scenario.schema import TRACK_CLASSES

CLASSES = TRACK_CLASSES
G0 = 9.80665  # standard gravity (m/s^2)
BALLISTIC_CLASSES = ("rocket", "mortar", "artillery")
UNKNOWN = "unknown"

# Per class: speed mean and sd (m/s); log10 RCS mean and sd (m^2); max typical flight-path angle
# (deg, |gamma| beyond it is unlikely for powered level flyers); whether it flies ballistically; the
# vacuum launch angle gamma0 of ballistic rounds (deg, mean and sd: rockets are laid low, mortars high;
# measured on the presets' flights at 2-8 km, docs/assessment.md); log prior (how common the class is
# near a base: birds are far more common than hostile quadcopters, so a bird-like track needs real
# evidence to be one).
_PROFILE = {
    #               speed  sd     lrcs  sd   gamma  ballistic  gamma0 sd   log prior
    "rocket":     (350.0, 160.0, -1.6, 0.6, 90.0, True, 20.0, 12.0, 0.0),
    "mortar":     (150.0, 60.0, -2.0, 0.6, 90.0, True, 70.0, 9.0, 0.0),
    "artillery":  (256.0, 40.0, -1.8, 0.6, 90.0, True, 23.0, 6.0, -4.0),
    "owa_drone":  (50.0, 12.0, -1.0, 0.7, 45.0, False, 0.0, 0.0, 0.0),
    "quadcopter": (14.0, 7.0, -2.0, 0.6, 60.0, False, 0.0, 0.0, -3.0),
    "bird":       (11.0, 4.0, -2.6, 0.6, 40.0, False, 0.0, 0.0, 0.0),
    "aircraft":   (120.0, 60.0, 1.5, 0.6, 12.0, False, 0.0, 0.0, 0.0),
    "helicopter": (40.0, 20.0, 0.7, 0.6, 20.0, False, 0.0, 0.0, 0.0),
}


# Per class: the chance that a track of the class is taken to carry a drone's radio link in a decision
# cycle (``bastion.assess.rf_cue``: bearings of two direction finders crossing on it). Not being linked
# is no evidence (the finders may not reach the track; fibre-optic and autonomous drones are silent), so
# only a link counts. Measured on 6 dense runs with two finders (seeds 3100-3105, 20 quadcopters per run,
# three quarters on a radio link; docs/assessment.md "RF link"): piloted quadcopters linked in 64 % of their
# cycles, birds 1.0 %, helicopters 0.6 %, airliners 0.5 %, silent drones 0.8 %, rounds under 0.5 %.
# The quadcopter figure is over all quadcopters (0.75 x 0.64); one-way attack drones are assumed to fly
# on a link in 3 of 10 cases (most are autonomous), the simulator's all fly silent.
_RF_LINKED = {"rocket": 0.005, "mortar": 0.005, "artillery": 0.005, "owa_drone": 0.3, "quadcopter": 0.48,
              "bird": 0.01, "aircraft": 0.005, "helicopter": 0.006}
# Per class: the lowest speed (m/s) at which it stays in the air (0 for hoverers): a small bird's minimum
# flight speed, a small fixed-wing drone's and a light aircraft's stall speeds (docs/assessment.md).
_MIN_SPEED = {"rocket": 0.0, "mortar": 0.0, "artillery": 0.0, "owa_drone": 20.0, "quadcopter": 0.0,
              "bird": 5.0, "aircraft": 25.0, "helicopter": 0.0}
MIN_SPEED_SD_MPS = 1.5
# Per class: the rms of its true horizontal turn rate in slow flight (deg/s), the spread of the tracker's
# coordinated-turn estimate beyond the estimate's own sd. Birds wander (their heading follows a random
# walk in the simulator); drones fly straight legs between waypoints and turn while hovering. Fitted by
# maximum likelihood on 4 dense runs (seeds 7000-7003, not the benchmark's) with
# ``benchmarks/turn_rate_fit.py``: birds 13.7, rounds near their apex 10.8, quadcopters, one-way attack
# drones and helicopters 0 (their estimates' own sd covers them; 3 is kept so that a real turn is not
# ruled out). Aircraft are rarely this slow: assumed as helicopters. Trajectory smoothness and
# turning are what separate drones from birds on tracks alone (Nesteruk et al., "Distinguishing a Drone
# from Birds Based on Trajectory Movement and Deep Learning", PubMed Central PMC12899335).
TURN_RATE_DEG_S = {"rocket": 10.0, "mortar": 10.0, "artillery": 10.0, "owa_drone": 3.0, "quadcopter": 3.0,
                    "bird": 14.0, "aircraft": 3.0, "helicopter": 3.0}
# The turn-rate evidence counts where the horizontal speed is in this range (m/s): below it a heading
# means little (a hover); above it no bird or small drone flies, and faster tracks' classes are settled by
# speed and ballistic flight.
TURN_SPEED_MPS = (3.0, 60.0)

V0_MIN_BALLISTIC_MPS = 100.0  # lowest vacuum-equivalent launch speed of a round aimed at a base
V0_SD_MPS = 15.0


@dataclass(frozen=True)
class ClassifierConfig:
    forget: float = 0.85  # weight of the previous log-posterior per cycle
    confident: float = 0.85  # probability at which a class is a candidate
    confirm_cycles: int = 3  # consecutive confident cycles before a class is declared (or changed)
    # Overwhelming evidence for a ballistic class is declared sooner: a rocket leaves seconds for the
    # warning, and a class held at this probability for ``decisive_cycles`` cycles is not one noisy cycle
    # (birds and drones never reach it for a ballistic class: speed and the tracker's ballistic-model
    # probability rule them out). Other classes keep ``confirm_cycles``: a split track on a helicopter was
    # once declared a drone on its second cycle, half a second before its IFF reply came in. The
    # probability is that of the likeliest class's group in ``decisive_groups`` (the class alone if in
    # none), and the class declared the likeliest: a young 107 mm rocket and a howitzer's shell fly alike
    # (docs/assessment.md, "Artillery"), both are hostile rounds warned for alike, and which one it is
    # follows from the library fits a few cycles later. Mortar bombs are told from both by their launch
    # angle and are not grouped (grouping every ballistic class, on the 53 dense runs: mortars hostile
    # 2.23 s after launch in median against 2.28 s, every other figure but one origin CEP the same).
    decisive: float = 0.995
    decisive_cycles: int = 2
    decisive_groups: tuple[tuple[str, ...], ...] = (("rocket", "artillery"),)
    floor_loglik: float = -12.0  # cap on one feature's evidence, so one wild value cannot decide
    # A young track's speed can be far off while its filter settles (a pair of plots from two birds of a
    # flock starts a 50 m/s "bird"), and its evidence is then wrong. A cycle whose speed estimate moved
    # more than this (m/s per decision cycle) since the last one does not count towards declaring one of
    # ``settle_classes``: the drone classes, which make a track hostile without a cooperative report (rounds
    # change speed fast by nature and are declared on their own evidence; a bird or helicopter declared a
    # cycle early harms no one). Measured on dense runs: mature drone and bird tracks move by at most 1.8
    # and 2.6 m/s per 0.5 s cycle in 90 % of cycles (docs/assessment.md).
    settle_mps: float = 3.0
    settle_classes: tuple[str, ...] = ("owa_drone", "quadcopter")
    # Per-class log priors per cycle that replace ``_PROFILE``'s ((class, value), ...; a scenario's
    # ``class_priors``).
    log_priors: tuple[tuple[str, float], ...] = ()


class Classifier:
    """Running class posteriors for a changing set of tracks (keyed by track id)."""

    def __init__(self, config: ClassifierConfig | None = None) -> None:
        self.config = config or ClassifierConfig()
        prof = np.array([_PROFILE[c][:5] for c in CLASSES])
        self._speed_mu, self._speed_sd = prof[:, 0], prof[:, 1]
        self._lrcs_mu, self._lrcs_sd = prof[:, 2], prof[:, 3]
        self._gamma_max = np.radians(prof[:, 4])
        self._ballistic = np.array([_PROFILE[c][5] for c in CLASSES])
        self._bgamma_mu = np.radians([_PROFILE[c][6] for c in CLASSES])
        self._bgamma_sd = np.radians([max(_PROFILE[c][7], 1.0) for c in CLASSES])
        priors = {c: _PROFILE[c][8] for c in CLASSES}
        for name, value in self.config.log_priors:
            if name not in priors:
                raise ValueError(f"class prior for {name!r}: no such class (classes: {', '.join(CLASSES)})")
            priors[name] = float(value)
        self._log_prior = np.array([priors[c] for c in CLASSES])
        self._settle = np.array([c in self.config.settle_classes for c in CLASSES])
        # (C, C): row c marks the classes whose probabilities count with c's towards ``decisive``.
        self._group = np.eye(len(CLASSES), dtype=bool)
        for group in self.config.decisive_groups:
            idx = [CLASSES.index(c) for c in group]
            self._group[np.ix_(idx, idx)] = True
        self._log_rf_linked = np.log([_RF_LINKED[c] for c in CLASSES])
        self._min_speed = np.array([_MIN_SPEED[c] for c in CLASSES])
        self._turn_var = np.radians([TURN_RATE_DEG_S[c] for c in CLASSES]) ** 2
        self._ids = np.empty(0, np.int64)
        self._logpost = np.empty((0, len(CLASSES)))
        self._cand = np.empty(0, np.int64)  # confident class of the current streak (-1: none)
        self._streak = np.empty(0, np.int64)
        self._declared = np.empty(0, np.int64)
        self._dec_streak = np.empty(0, np.int64)  # consecutive cycles at ``decisive`` probability
        self._speed = np.empty(0)  # the speed estimate (m/s) of the last cycle
        self._standing = np.empty((0, len(CLASSES)))  # the last cycle's weighted standing evidence

    def log_likelihood(
        self, x: np.ndarray, rcs: np.ndarray, ballistic_prob: np.ndarray, vel_sigma: np.ndarray | None = None,
        rf_linked: np.ndarray | None = None, turn_rate: np.ndarray | None = None,
        turn_rate_sigma: np.ndarray | None = None,
    ) -> np.ndarray:
        """(N, C) log-likelihoods of the current features of N tracks: states x (N,6), RCS (m^2, NaN if
        none), the tracker's ballistic-model probability (NaN if none), the velocity standard
        deviation (m/s) of each track, which widens the speed likelihoods of young tracks, whether
        direction finders take the track to carry a drone's radio link (None: no one knows), and the
        tracker's horizontal turn-rate estimate and its sd (rad/s; None or NaN: none)."""
        cfg = self.config
        n = x.shape[0]
        v = x[:, 3:6]
        speed = np.linalg.norm(v, axis=1)
        gamma = np.arctan2(v[:, 2], np.hypot(v[:, 0], v[:, 1]))
        vs = np.zeros(n) if vel_sigma is None else np.asarray(vel_sigma, float)
        sd = np.sqrt(self._speed_sd[None, :] ** 2 + vs[:, None] ** 2)
        ll = -0.5 * ((speed[:, None] - self._speed_mu) / sd) ** 2 - np.log(sd)
        # Below its minimum flight speed a bird or a fixed-wing flyer falls: a hovering track is a
        # quadcopter or a helicopter (soft, widened by the velocity's sd).
        slow = np.clip(self._min_speed[None, :] - speed[:, None], 0.0, None) / np.hypot(MIN_SPEED_SD_MPS, vs)[:, None]
        ll -= 0.5 * slow**2
        if turn_rate is not None and turn_rate_sigma is not None:
            ll += self.turn_loglik(np.hypot(v[:, 0], v[:, 1]), np.asarray(turn_rate, float),
                                    np.asarray(turn_rate_sigma, float))
        if rf_linked is not None:
            ll += np.where(np.asarray(rf_linked, bool)[:, None], self._log_rf_linked[None, :], 0.0)
        lrcs = np.log10(np.clip(rcs, 1e-6, None))
        ll_rcs = -0.5 * ((lrcs[:, None] - self._lrcs_mu) / self._lrcs_sd) ** 2
        ll += np.where(np.isfinite(rcs)[:, None], ll_rcs, 0.0)
        # Flight-path angle, only where the velocity is well enough known for it to mean something.
        angle_ok = (speed > 30.0) & (vs < 0.3 * np.maximum(speed, 1e-9))
        # Powered flyers seldom climb or dive steeper than their gamma_max; soft penalty beyond it.
        excess = np.clip(np.abs(gamma)[:, None] - self._gamma_max, 0.0, None)
        ll += np.where(angle_ok[:, None], -0.5 * (excess / np.radians(8.0)) ** 2, 0.0)
        # Ballistic rounds: rockets are laid low, mortars high. The feature is the vacuum launch angle
        # implied by the current state, gamma0 = atan(sqrt(vu^2 + 2 g h) / v_horizontal) (h the height
        # above the site's ground): constant along a vacuum arc, so unlike the flight-path angle it does not
        # pass through zero at the apex, where a mortar bomb would otherwise look like a flat rocket.
        vh = np.hypot(v[:, 0], v[:, 1])
        gamma0 = np.arctan2(np.sqrt(v[:, 2] ** 2 + 2.0 * G0 * np.clip(x[:, 2], 0.0, None)), vh)
        ll_bg = -0.5 * ((gamma0[:, None] - self._bgamma_mu) / self._bgamma_sd) ** 2
        ll += np.where(angle_ok[:, None] & self._ballistic[None, :], ll_bg, 0.0)
        # Ballistic rounds carry their launch energy: the vacuum-equivalent launch speed
        # v0 = sqrt(v^2 + 2 g h) is at least that of a mortar's lowest useful charge (about 100 m/s for
        # ranges beyond a base's perimeter; docs/assessment.md). A slow, low track (a bird whose young
        # track climbs steeply on elevation noise) cannot be a round in flight, however steep it looks.
        v0 = energy_speed(speed**2, x[:, 2], G0)
        short = np.clip(V0_MIN_BALLISTIC_MPS - v0, 0.0, None) / V0_SD_MPS
        ll += np.where(self._ballistic[None, :], -0.5 * short[:, None] ** 2, 0.0)
        # Height: birds and small drones stay low.
        height = x[:, 2]
        low_flyer = np.array([c in ("owa_drone", "quadcopter", "bird", "helicopter") for c in CLASSES])
        ll += np.where(low_flyer, -0.5 * (np.clip(height[:, None] - 800.0, 0, None) / 300.0) ** 2, 0.0)
        bp = np.where(np.isfinite(ballistic_prob), np.clip(ballistic_prob, 0.02, 0.98), 0.5)
        ll += np.where(self._ballistic, np.log(bp)[:, None], np.log1p(-bp)[:, None])
        ll = np.maximum(ll, cfg.floor_loglik * 3)
        return ll + self._log_prior

    def turn_loglik(self, speed_h: np.ndarray, omega: np.ndarray, omega_sd: np.ndarray) -> np.ndarray:
        """(N, C) log-likelihood of the turn-rate estimates ``omega`` (rad/s, sd ``omega_sd``) of tracks
        flying at horizontal speeds ``speed_h`` (m/s): the estimate is the class's true turn rate (zero-mean
        Gaussian, rms ``TURN_RATE_DEG_S``) plus the estimate's own error. Relative to the likeliest
        class and floored at ``floor_loglik`` (one feature's cap); zero outside ``TURN_SPEED_MPS`` or
        without an estimate."""
        var = omega_sd[:, None] ** 2 + self._turn_var[None, :]
        ll = -0.5 * omega[:, None] ** 2 / var - 0.5 * np.log(var)
        ok = (speed_h >= TURN_SPEED_MPS[0]) & (speed_h <= TURN_SPEED_MPS[1])
        ok &= np.isfinite(omega) & np.isfinite(omega_sd)
        ll = np.where(ok[:, None], ll, 0.0)
        return np.maximum(ll - ll.max(axis=1, keepdims=True), self.config.floor_loglik)

    def update(
        self, ids: np.ndarray, x: np.ndarray, rcs: np.ndarray, ballistic_prob: np.ndarray | None = None,
        vel_sigma: np.ndarray | None = None, missed: np.ndarray | None = None, rf_linked: np.ndarray | None = None,
        turn_rate: np.ndarray | None = None, turn_rate_sigma: np.ndarray | None = None,
        standing_loglik: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fold in one cycle of evidence for tracks ``ids``; forget tracks not listed.

        Returns (probabilities (N, C), declared class index (N,), -1 where unknown). A class is
        declared, or a declared class changed, only after ``confirm_cycles`` consecutive confident
        cycles, so that one noisy cycle cannot turn a bird into a target. ``missed`` (N,) marks tracks whose
        last look by their sensors found nothing (coasting): their state is a prediction, not new evidence,
        so such a cycle does not count towards declaring a drone class either. ``rf_linked``, ``turn_rate``
        and ``turn_rate_sigma`` (N,): see :meth:`log_likelihood`. ``standing_loglik`` (N, C): evidence that
        stands until a new report changes it (a camera's recognitions, summed over its looks:
        ``bastion.assess.camera_cue``), floored at ``floor_loglik``. A feature seen in every cycle weighs
        1 / (1 - forget) times its own log-likelihood once its history is long (6.7 for forget 0.85; so does a
        class's log prior); standing evidence enters at that weight at once and keeps it while it stands
        (each cycle adds its change and gives back what forgetting took), so that a recognition weighs as
        much as the kinematic evidence it must overturn, from the cycle it arrives.
        """
        ids = np.asarray(ids, np.int64)
        n = ids.size
        if ballistic_prob is None:
            ballistic_prob = np.full(n, np.nan)
        prior = np.zeros((n, len(CLASSES)))
        cand, streak, declared = np.full(n, -1), np.zeros(n, np.int64), np.full(n, -1)
        dec_streak = np.zeros(n, np.int64)
        prev_speed = np.full(n, np.nan)
        weight = 1.0 / (1.0 - self.config.forget)
        standing = np.zeros((n, len(CLASSES))) if standing_loglik is None else weight * np.maximum(
            np.asarray(standing_loglik, float), self.config.floor_loglik)
        prev_standing = np.zeros((n, len(CLASSES)))
        if self._ids.size:
            pos = np.clip(np.searchsorted(self._ids, ids), 0, self._ids.size - 1)
            known = self._ids[pos] == ids
            prior[known] = self._logpost[pos[known]]
            cand[known], streak[known] = self._cand[pos[known]], self._streak[pos[known]]
            declared[known] = self._declared[pos[known]]
            dec_streak[known] = self._dec_streak[pos[known]]
            prev_speed[known] = self._speed[pos[known]]
            prev_standing[known] = self._standing[pos[known]]
        logpost = self.config.forget * (prior - prev_standing) + standing + self.log_likelihood(
            x, rcs, ballistic_prob, vel_sigma, rf_linked, turn_rate, turn_rate_sigma)
        logpost -= logpost.max(axis=1, keepdims=True)
        prob = np.exp(logpost)
        prob /= prob.sum(axis=1, keepdims=True)
        best = prob.argmax(axis=1)
        p_best = prob[np.arange(n), best]
        now = np.where(p_best >= self.config.confident, best, -1)
        decisive_now = self._ballistic[best] & (np.einsum("nc,nc->n", prob, self._group[best]) >= self.config.decisive)
        dec_streak = np.where(decisive_now, dec_streak + 1, 0)
        # A confident cycle counts unless it is for a drone class and the speed has not yet settled (then
        # the streak holds: a further cycle is needed, but one jumpy cycle does not start it over).
        speed = np.linalg.norm(np.asarray(x, float)[:, 3:6], axis=1)
        settled = np.abs(speed - prev_speed) <= self.config.settle_mps  # False on a track's first cycle
        if missed is not None:
            # A coasting track's predicted speed is constant, so it looks settled; it is only old news (a
            # bird's track that took a wrong plot coasts at the wrong speed until it is dropped).
            settled &= ~np.asarray(missed, bool)
        counts = settled | ~self._settle[np.maximum(now, 0)]
        streak = np.where(now >= 0, np.where(now == cand, streak + counts, counts.astype(np.int64)), 0)
        cand = now
        declared = np.where(streak >= self.config.confirm_cycles, cand, declared)
        # The shortcut declares a round; a change from one ballistic class to another takes the confident
        # cycles (so that a class near even odds does not flicker).
        first = (declared < 0) | ~self._ballistic[np.maximum(declared, 0)]
        declared = np.where((dec_streak >= self.config.decisive_cycles) & first, best, declared)
        order = np.argsort(ids)
        self._ids, self._logpost = ids[order], logpost[order]
        self._cand, self._streak, self._declared = cand[order], streak[order], declared[order]
        self._dec_streak = dec_streak[order]
        self._speed = speed[order]
        self._standing = standing[order]
        return prob, declared
