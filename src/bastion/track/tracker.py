"""The multi-sensor IMM tracker: gating, association, update, initiation and track management.

Tracks are predicted lazily: each row of the table holds its estimate at the time of its last update
(``t_state``); a batch predicts all tracks to the batch time for gating, then runs the IMM step only for
the tracks that got a detection, each to its own detection's time. Sensors may report asynchronously at
any rate: process noise and model switching depend on the elapsed time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import chdtri

from bastion.sense.detections import MEAS_DIM, DetectionBatch
from bastion.track import imm
from bastion.track.associate import candidate_pairs, gnn, jpda_weights
from bastion.track.config import TrackerConfig
from bastion.track.linalg import inv_logdet
from bastion.track.measure import innovation, predict_measurement, to_cartesian, unit_direction
from bastion.track.models import KDRAG, OMEGA, ballistic_energy_loglik, state_dim
from bastion.track.plots import PlotHistory, Plots
from bastion.track.table import COASTING, CONFIRMED, TENTATIVE, TrackTable


@dataclass(frozen=True, eq=False)
class ScanUpdate:
    """What one call of :meth:`Tracker.process` changed.

    Attributes:
        time: the batch time (s): its latest detection time; for an empty batch the ``time`` given
            to ``process``, else the previous batch time (-inf before any).
        confirmed: ids of tracks confirmed by this batch.
        deleted: ids of tracks deleted by this batch.
        updated: ids of tracks updated by a detection of this batch.
        det_track: (n,) the track id each detection updated, -1 if none (unused or sent to initiation).
        landed: ids among ``deleted`` deleted because they were predicted below ground.
    """

    time: float
    confirmed: np.ndarray
    deleted: np.ndarray
    updated: np.ndarray
    det_track: np.ndarray
    landed: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


_EMPTY_IDS = np.zeros(0, np.int64)


def _still_fast(candidate: np.ndarray, vel: np.ndarray, cfg: TrackerConfig) -> np.ndarray:
    """(K,) True for tracks started by a pair surely faster than ``boost_min_speed`` (``candidate`` (K,))
    and still that fast (velocities ``vel`` (K, 3) m/s)."""
    return candidate & (np.linalg.norm(vel, axis=1) >= cfg.boost_min_speed)


def _boosting(status: np.ndarray, vel: np.ndarray, age: np.ndarray, candidate: np.ndarray,
              cfg: TrackerConfig) -> np.ndarray:
    """(K,) True for the tracks the boost allowance is for: tentative, :func:`_still_fast` and at most
    ``boost_max_age`` s from their first plot (``age`` (K,))."""
    return _still_fast(candidate, vel, cfg) & (status == TENTATIVE) & (age <= cfg.boost_max_age)


def _boost_shape(vel: np.ndarray, vel_cov: np.ndarray, cross_k: float) -> np.ndarray:
    """(K, 3, 3) shape of a boost's acceleration covariance for tracks of velocity ``vel`` (K, 3) m/s with
    covariance ``vel_cov`` (K, 3, 3): 1 along the velocity; across it, the square of ``cross_k`` times the
    standard deviation (rad) of the velocity's direction. The thrust is along the true velocity, which a
    young track knows only to that angle: the along-track push lands off the predicted line by about the
    push times the angle."""
    speed = np.maximum(np.linalg.norm(vel, axis=1), 1e-9)
    u = vel / speed[:, None]
    uu = u[:, :, None] * u[:, None, :]
    across = np.trace(vel_cov, axis1=1, axis2=2) - np.einsum("ki,kij,kj->k", u, vel_cov, u)
    cross2 = np.minimum(cross_k**2 * np.clip(across, 0.0, None) / 2.0 / speed**2, 1.0)
    return uu + cross2[:, None, None] * (np.eye(3) - uu)


class Tracker:
    """Vectorised multi-sensor IMM tracker (see ``docs/tracking.md``).

    Feed :class:`DetectionBatch` objects in time order to :meth:`process`; read live tracks from
    :attr:`table`; predict them to any time with :meth:`predict`.
    """

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        self.config.check()
        self.model_names: tuple[str, ...] = tuple(self.config.models)
        self._sojourn = np.asarray(self.config.sojourns(), dtype=float)
        self._prior = np.asarray(self.config.priors(), dtype=float)
        self._dim = state_dim(self.model_names)
        self.table = TrackTable(len(self.model_names), self._dim)
        self.plots = PlotHistory(self.config.plot_history)  # each track's latest position plots
        self._next_id = 1
        self._sensor_bits: dict[str, int] = {}
        self._gate = {m: float(chdtri(m, 1.0 - self.config.gate_prob)) for m in sorted(set(MEAS_DIM.values()))}
        self._pend_pos = np.zeros((0, 3))
        self._pend_cov = np.zeros((0, 3, 3))
        self._pend_t = np.zeros(0)
        self._pend_bits = np.zeros(0, np.int64)
        self._pend_rcs = np.zeros(0)
        self._pend_rr = np.zeros(0)  # a Doppler plot's range rate (m/s), NaN without
        self._pend_rr_var = np.zeros(0)
        self._pend_sensor = np.zeros((0, 3))
        self.time = -np.inf
        self._cartesian_of: tuple | None = None  # (batch, positions, covariances) of the last batch converted
        nwin = self.config.confirm_n
        self._win_mask = np.uint64((1 << nwin) - 1)
        self._popcount = None
        if nwin <= 16:
            table = np.arange(1 << nwin)
            self._popcount = np.array([bin(v).count("1") for v in table], dtype=np.int64)

    # ------------------------------------------------------------------ public API
    def predict(self, t: float, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """States of all live tracks (or of the table rows selected by ``rows``, a boolean mask or
        indices) predicted to time t (s), without changing the table.

        Each IMM model is predicted from its own estimate, weighted by the current model
        probabilities (no model switching over the horizon: a ballistic track stays ballistic).
        Returns ids (N,), x (N, 6) [e, n, u, ve, vn, vu] (m, m/s) and P (N, 6, 6).
        """
        tab = self.table
        if len(tab) == 0:
            return _EMPTY_IDS.copy(), np.zeros((0, 6)), np.zeros((0, 6, 6))
        sel = self._selected(rows)
        if sel.size == 0:
            return _EMPTY_IDS.copy(), np.zeros((0, 6)), np.zeros((0, 6, 6))
        xp, Pp, c = self._predict_rows(sel, float(t) - tab.t_state[sel], switching=False)
        x, P = imm.combine(xp, Pp, c)
        return tab.id[sel].copy(), x, P

    def turn_rates(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The coordinated-turn model's horizontal turn-rate estimate (rad/s, counter-clockwise) and its
        standard deviation for the table rows ``rows`` (a boolean mask or indices), at each track's last
        update; NaN for both when the IMM has no "ct" model."""
        tab = self.table
        sel = self._selected(rows)
        if "ct" not in self.model_names or sel.size == 0:
            return np.full(sel.size, np.nan), np.full(sel.size, np.nan)
        m = self.model_names.index("ct")
        return tab.xm[m, sel, OMEGA].copy(), np.sqrt(np.clip(tab.Pm[m, sel, OMEGA, OMEGA], 0.0, None))

    def _selected(self, rows: np.ndarray | None) -> np.ndarray:
        """Table row indices of ``rows`` (a boolean mask or indices; None: every row)."""
        if rows is None:
            return np.arange(len(self.table))
        rows = np.asarray(rows)
        return np.flatnonzero(rows) if rows.dtype == bool else rows.astype(np.int64)

    def loose_plots(self, t_from: float = -np.inf) -> Plots:
        """Position plots from ``t_from`` (s) on that no live track holds: those of deleted tracks and
        single plots that never started one (``Tracker.plots``), and the single plots still waiting to pair."""
        loose = self.plots.loose(t_from)
        if self.plots.capacity == 0:
            return loose
        return Plots.concat([loose, self._pending_plots(self._pend_t >= t_from)])

    def _pending_plots(self, sel) -> Plots:
        """The waiting single plots selected by ``sel`` (a mask or indices)."""
        return Plots(self._pend_t[sel], self._pend_pos[sel], self._pend_cov[sel], self._pend_rr[sel],
                     self._pend_rr_var[sel], self._pend_sensor[sel])

    def delete(self, track_ids) -> None:
        """Remove tracks by id (e.g. after an assessed kill); unknown ids are ignored."""
        ids = np.asarray(track_ids, dtype=np.int64).reshape(-1)
        if len(ids) and len(self.table):
            self.table.keep(~np.isin(self.table.id, ids))
        self.plots.drop(ids)

    def process(self, batch: DetectionBatch, time: float | None = None) -> ScanUpdate:
        """Run one detection batch (one sensor dwell) through gating, association, update,
        initiation and track management. Batches must come in time order.

        ``time`` (s) is the dwell's time; it matters only for an empty batch, which has no detection
        times of its own (without it, an empty batch counts misses but does not advance the clock
        that ``max_coast_s`` is measured on)."""
        cfg = self.config
        tab = self.table
        n = len(batch)
        kind = batch.kind
        bit = np.int64(1) << np.int64(self._sensor_bit(batch.sensor_id))
        if n:
            t_ref = float(batch.time.max())
        else:
            t_ref = self.time if time is None else float(time)
        self.time = max(self.time, t_ref)
        det_track = np.full(n, -1, np.int64)
        N = len(tab)
        at = ad = _EMPTY_IDS
        blocked = np.zeros(n, bool)
        underground = np.zeros(N, bool)
        pos_sigma = np.sqrt(np.trace(tab.P[:, :3, :3], axis1=1, axis2=2) / 3.0) if N else np.zeros(0)

        if N and n:
            # Predict (with model mixing) to the batch's earliest detection time; each track that gets
            # a detection is then carried forward to that detection's own time (no second mixing).
            t_gate = float(batch.time.min())
            xp, Pp, c = self._predict_rows(slice(None), t_gate - tab.t_state)
            # Gating needs the combined position covariance only (plus velocity for range rate).
            x6, P6 = imm.combine(xp, Pp, c, 6, 6 if kind == "radar_doppler" else 3)
            pos_sigma = np.sqrt(np.trace(P6[:, :3, :3], axis1=1, axis2=2) / 3.0)
            underground = self._below_ground(x6, P6)
            broken = ~(np.isfinite(x6).all(axis=1) & np.isfinite(pos_sigma))
            if np.any(broken):
                # A diverged track (numerically) is parked far away for gating and deleted below.
                x6[broken] = 0.0
                x6[broken, :3] = 1e12
                P6[broken] = np.eye(P6.shape[1])
                pos_sigma[broken] = np.inf
            ti, dj, d2, S, nu, logdet = self._gate_pairs(batch, x6, P6, t_gate)
            if cfg.association == "jpda" and len(ti):
                at, ad = self._jpda_update(batch, ti, dj, d2, logdet, nu, xp, Pp, c, t_gate)
            else:
                at, ad = self._gnn_update(batch, ti, dj, d2, logdet, xp, Pp, c, t_gate)
            if cfg.block_init_in_gate and len(ti):
                firm = tab.status[ti] != TENTATIVE
                blocked[dj[firm]] = True
            det_track[ad] = tab.id[at]
            if len(ad) and kind != "bearing" and self.plots.capacity:
                self.plots.add(tab.id[at], _plots_of(batch, ad, self._cartesian(batch)))
            pos_sigma[at] = np.sqrt(np.trace(tab.P[at, :3, :3], axis1=1, axis2=2) / 3.0)
        elif N:
            # An empty batch: the tracks' predicted heights, for the landed test only.
            xp, Pp, c = self._predict_rows(slice(None), t_ref - tab.t_state)
            x6, P6 = imm.combine(xp, Pp, c, 6, 3)
            underground = self._below_ground(x6, P6)

        confirmed, deleted, alive, landed = self._manage(batch, bit, at, ad, pos_sigma, underground, t_ref)
        if deleted.size:
            self.plots.retire(deleted)
        updated = np.unique(det_track[det_track >= 0])

        new_rows = None
        if n and kind != "bearing":
            free = np.ones(n, bool)
            free[ad] = False
            free &= ~blocked
            new_rows = self._initiate(batch, np.flatnonzero(free), bit)
            if new_rows is not None:
                confirmed = np.concatenate([confirmed, new_rows["id"][new_rows["status"] == CONFIRMED]])
        # Deletions and new tracks in one pass over the table's arrays.
        tab.keep_append(alive, new_rows)
        return ScanUpdate(t_ref, confirmed, deleted, updated, det_track, landed)

    # ------------------------------------------------------------------ internals
    def _below_ground(self, x: np.ndarray, P: np.ndarray) -> np.ndarray:
        """Rows predicted below -``below_ground_m`` and 2 height standard deviations below the ground
        (under 2.3 % that what they follow is still in the air): landed."""
        u = x[:, 2]
        return (u < -self.config.below_ground_m) & (u + 2.0 * np.sqrt(np.clip(P[:, 2, 2], 0.0, None)) < 0.0)

    def _cartesian(self, batch: DetectionBatch) -> tuple[np.ndarray, np.ndarray]:
        """The positions (n, 3) and covariances (n, 3, 3) of a position-giving batch's detections
        (:func:`to_cartesian`), converted once per batch: gating, the plot store and initiation each
        use them."""
        cached = self._cartesian_of
        if cached is None or cached[0] is not batch:
            cached = self._cartesian_of = (batch, *to_cartesian(batch.kind, batch.z, batch.R, batch.sensor_pos))
        return cached[1], cached[2]

    def _sensor_bit(self, sensor_id: str) -> int:
        if sensor_id not in self._sensor_bits:
            if len(self._sensor_bits) >= 63:
                raise ValueError("at most 63 distinct sensors are supported")
            self._sensor_bits[sensor_id] = len(self._sensor_bits)
        return self._sensor_bits[sensor_id]

    def _predict_rows(self, rows, dt: np.ndarray, switching: bool = True):
        tab = self.table
        xp, Pp, c = imm.predict(tab.xm[:, rows], tab.Pm[:, rows], tab.mode_prob[rows], dt, self.model_names,
                                self._sojourn, self.config, switching)
        self._add_boost_noise(Pp, tab.status[rows], tab.x[rows, 3:6], tab.P[rows, 3:6, 3:6], dt,
                              tab.t_state[rows] - tab.t_first[rows], tab.boost_candidate[rows])
        return xp, Pp, c

    def _add_boost_noise(self, Pp: np.ndarray, status: np.ndarray, vel: np.ndarray, vel_cov: np.ndarray,
                         dt: np.ndarray, age: np.ndarray, candidate: np.ndarray) -> None:
        """Widen, in place, the predicted covariances Pp (M, K, D, D) of tentative tracks faster than
        ``boost_min_speed`` and younger (``age``, s from their first plot to their state) than
        ``boost_max_age`` by a random constant along-track acceleration of sd ``boost_accel_sd`` (m/s^2)
        over dt (K,) s, at most ``boost_max_dt``: a rocket in boost outruns any model of the IMM (none has
        thrust), and its young track would otherwise miss each plot and die until the motor burns out."""
        cfg = self.config
        if cfg.boost_accel_sd <= 0.0 or len(status) == 0:
            return
        rows = np.flatnonzero(_boosting(status, vel, age, candidate, cfg))
        if rows.size == 0:
            return
        A = _boost_shape(vel[rows], vel_cov[rows], cfg.boost_cross_k)
        d = np.minimum(np.abs(np.broadcast_to(dt, status.shape)[rows]), cfg.boost_max_dt)[:, None, None]
        q = cfg.boost_accel_sd**2
        # Position a d^2/2, velocity a d for a constant acceleration a of covariance q A.
        Pp[:, rows, :3, :3] += q * d**4 / 4.0 * A
        Pp[:, rows, :3, 3:6] += q * d**3 / 2.0 * A
        Pp[:, rows, 3:6, :3] += q * d**3 / 2.0 * A
        Pp[:, rows, 3:6, 3:6] += q * d**2 * A

    def _gate_pairs(self, batch: DetectionBatch, x6, P6, t_gate):
        """kd-tree pre-gate then exact chi-square gate; returns pairs with d2, S and innovations.
        Tracks are at ``t_gate``, the batch's earliest detection time."""
        cfg = self.config
        kind = batch.kind
        spread = float(batch.time.max() - t_gate)
        speed = np.linalg.norm(x6[:, 3:6], axis=1)
        track_sig = np.sqrt(np.max(np.diagonal(P6[:, :3, :3], axis1=1, axis2=2), axis=1))
        if kind == "bearing":
            los = x6[:, :3] - batch.sensor_pos
            rng = np.maximum(np.linalg.norm(los, axis=1), 1.0)
            track_pts = los / rng[:, None]
            det_pts = unit_direction(kind, batch.z)
            meas_sig = float(np.sqrt(np.max(np.diagonal(batch.R, axis1=1, axis2=2))))
            radius = cfg.gate_sigmas * np.hypot(track_sig / rng, meas_sig) + speed * spread / rng
            radius = np.minimum(radius, 2.0)
        else:
            det_pts, det_cov = self._cartesian(batch)
            meas_sig = float(np.sqrt(np.max(np.diagonal(det_cov, axis1=1, axis2=2))))
            radius = cfg.gate_sigmas * np.hypot(track_sig, meas_sig) + speed * spread
            track_pts = x6[:, :3]
        ti, dj = candidate_pairs(track_pts, radius, det_pts)
        m = batch.dim
        if len(ti) == 0:
            return ti, dj, np.zeros(0), np.zeros((0, m, m)), np.zeros((0, m)), np.zeros(0)
        xpair = x6[ti]
        shift = batch.time[dj] - t_gate
        if spread > 0.0:
            # First-order shift to each detection's own time (for gating only).
            xpair = xpair.copy()
            xpair[:, :3] += xpair[:, 3:6] * shift[:, None]
        Pt = P6[ti]
        if kind == "cartesian":
            S = Pt[:, :3, :3] + batch.R[dj]
            nu = batch.z[dj] - xpair[:, :3]
        else:
            zhat, H = predict_measurement(kind, xpair, batch.sensor_pos)
            H = H[:, :, :Pt.shape[1]]  # P6 holds the position block only unless range rate is measured
            S = H @ Pt @ H.transpose(0, 2, 1) + batch.R[dj]
            if kind == "radar_doppler":  # the range rate's manoeuvre allowance (TrackerConfig)
                S[:, 3, 3] += cfg.range_rate_gate_extra_mps**2
            nu = innovation(kind, batch.z[dj], zhat)
        Sinv, logdet = inv_logdet(S)
        d2 = np.einsum("ki,kij,kj->k", nu, Sinv, nu)
        ok = d2 <= self._gate[m]
        if kind != "bearing" and cfg.boost_accel_sd > 0.0 and cfg.boost_min_advance > 0.0:
            ok &= self._not_behind(ti, dj, det_pts, det_cov, t_gate)
        return ti[ok], dj[ok], d2[ok], S[ok], nu[ok], logdet[ok]

    def _not_behind(self, ti, dj, det_pts, det_cov, t_gate) -> np.ndarray:
        """(pairs,) False where a track given the boost allowance would take a detection that is not at
        least ``boost_min_advance`` of its speed times the interval ahead of its last position along its
        velocity (less 3 standard deviations of that position's and the detection's noise): thrust only
        pushes forward (drag slows a round by a few per cent a second), and the gate the allowance widens
        both ways let chains of plots through a bird flock become fast tracks."""
        cfg = self.config
        tab = self.table
        out = np.ones(len(ti), bool)
        boost = _boosting(tab.status[ti], tab.x[ti, 3:6], tab.t_state[ti] - tab.t_first[ti],
                          tab.boost_candidate[ti], cfg)
        if not boost.any():
            return out
        k = np.flatnonzero(boost)
        rows = ti[k]
        vel = tab.x[rows, 3:6]
        speed = np.maximum(np.linalg.norm(vel, axis=1), 1e-9)
        u = vel / speed[:, None]
        advance = np.einsum("ki,ki->k", det_pts[dj[k]] - tab.x[rows, :3], u)
        noise = np.einsum("ki,kij,kj->k", u, tab.P[rows, :3, :3] + det_cov[dj[k]], u)
        dt = np.abs(t_gate - tab.t_state[rows])
        out[k] = advance >= cfg.boost_min_advance * speed * dt - 3.0 * np.sqrt(np.clip(noise, 0.0, None))
        return out

    def _gnn_update(self, batch, ti, dj, d2, logdet, xp, Pp, c, t_gate):
        tab = self.table
        N, n = len(tab), len(batch)
        if len(ti) == 0:
            return _EMPTY_IDS, _EMPTY_IDS
        # Negative log-likelihood (up to a constant): a well-localised track beats a vague one.
        cost = d2 + logdet
        min_logdet = np.full(N, np.inf)
        np.minimum.at(min_logdet, ti, logdet)
        miss_cost = self._gate[batch.dim] + min_logdet
        at, ad = gnn(ti, dj, cost, miss_cost, N, n)
        self._imm_update(batch, at, ad, xp, Pp, c, t_gate, batch.z[ad], batch.R[ad])
        return at, ad

    def _jpda_update(self, batch, ti, dj, d2, logdet, nu, xp, Pp, c, t_gate):
        """JPDA: each gated track is updated with the probability-weighted combined innovation, and its
        covariance inflated by the spread of the innovations (the standard PDA form), per model. Tracks
        are updated at ``t_gate`` (the batch's earliest time): JPDA ignores a batch's time spread."""
        cfg = self.config
        tab = self.table
        N, n = len(tab), len(batch)
        m = batch.dim
        lik = np.exp(-0.5 * (d2 + logdet + m * np.log(2.0 * np.pi)))
        beta, beta0 = jpda_weights(ti, dj, lik, N, n, cfg.pd, cfg.clutter_density)
        rows = np.unique(ti)
        # Combined innovation per track, in measurement space of the combined prediction.
        nu_bar = np.zeros((N, m))
        np.add.at(nu_bar, ti, beta[:, None] * nu)
        spread = np.zeros((N, m, m))
        np.add.at(spread, ti, beta[:, None, None] * nu[:, :, None] * nu[:, None, :])
        spread -= nu_bar[:, :, None] * nu_bar[:, None, :]
        # A pseudo-measurement at zhat + nu_bar (zhat of the combined prediction) through the IMM EKF,
        # then the PDA covariance terms: no-detection weight and spread of the innovations.
        xr, Pr, cr = xp[:, rows], Pp[:, rows], c[rows]
        M, K, D = xr.shape
        xc, _ = imm.combine(xr, Pr, cr, dims=D)
        zhat_c, _ = predict_measurement(batch.kind, xc, batch.sensor_pos)
        first_pair = np.unique(ti, return_index=True)[1]
        R_rows = batch.R[dj[first_pair]]
        xu, Pu, mu, _ = imm.update(xr, Pr, cr, batch.kind, zhat_c + nu_bar[rows], R_rows, batch.sensor_pos)
        _, H = predict_measurement(batch.kind, xr.reshape(M * K, D), batch.sensor_pos)
        Pf = Pr.reshape(M * K, D, D)
        PHt = Pf @ H.transpose(0, 2, 1)
        gain = PHt @ np.linalg.inv(H @ PHt + np.tile(R_rows, (M, 1, 1)))
        b0 = np.tile(beta0[rows], M)[:, None, None]
        Pc = b0 * Pf + (1.0 - b0) * Pu.reshape(M * K, D, D)
        Pc += gain @ np.tile(spread[rows], (M, 1, 1)) @ gain.transpose(0, 2, 1)
        Pu = Pc.reshape(M, K, D, D)
        self._write_rows(rows, xu, Pu, mu, t_gate)
        # For bookkeeping, the detection each track is most likely to have produced.
        best = np.lexsort((-beta, ti))
        first = np.ones(len(best), bool)
        first[1:] = ti[best][1:] != ti[best][:-1]
        at, ad = ti[best[first]], dj[best[first]]
        keep = beta[best[first]] > beta0[at]
        return at[keep], ad[keep]

    def _imm_update(self, batch, at, ad, xp, Pp, c, t_gate, z, R):
        if len(at) == 0:
            return
        t_det = batch.time[ad]
        xa, Pa, ca = xp[:, at], Pp[:, at], c[at]
        if not np.all(t_det == t_gate):
            # Forward from the gating time to each detection's time: for white-noise dynamics the two
            # steps compose exactly into one; model switching over this short span is neglected.
            xa, Pa = imm.predict_models(xa, Pa, t_det - t_gate, self.model_names, self.config)
        xu, Pu, mu, _ = imm.update(xa, Pa, ca, batch.kind, z, R, batch.sensor_pos, self.config.update_iterations)
        self._write_rows(at, xu, Pu, mu, t_det)

    def _energy_rule(self, xu: np.ndarray, mu: np.ndarray) -> np.ndarray:
        """Model probabilities (K, M) with the ballistic model's scaled down by the track's energy
        shortfall (TrackerConfig.ballistic_min_energy_speed): a track too slow and low to be a round in
        flight cannot hold that model. The energy is that of the other models' estimate: the ballistic
        model's own state of a bird falls at g between plots, which would make it look energetic."""
        names = self.model_names
        if "ballistic" not in names or len(names) == 1 or self.config.ballistic_min_energy_speed <= 0.0:
            return mu
        j = names.index("ballistic")
        others = [i for i in range(len(names)) if i != j]
        w = mu[:, others] / mu[:, others].sum(axis=1, keepdims=True)
        x_other = np.einsum("km,mkd->kd", w, xu[others, :, :6])
        mu = mu.copy()
        mu[:, j] *= np.exp(ballistic_energy_loglik(x_other, self.config))
        mu = np.maximum(mu / mu.sum(axis=1, keepdims=True), 1e-6)  # the IMM's floor: every model stays alive
        return mu / mu.sum(axis=1, keepdims=True)

    def _write_rows(self, rows, xu, Pu, mu, t):
        tab = self.table
        mu = self._energy_rule(xu, mu)
        tab.xm[:, rows] = xu
        tab.Pm[:, rows] = Pu
        tab.mode_prob[rows] = mu
        x6, P6 = imm.combine(xu, Pu, mu)
        tab.x[rows] = x6
        tab.P[rows] = P6
        tab.t_state[rows] = t
        if "ballistic" in self.model_names:
            j = self.model_names.index("ballistic")
            k = xu[j, :, KDRAG]
            var = Pu[j, :, KDRAG, KDRAG]
            learnt = (var < 0.25 * self.config.drag_sigma0**2) & (k > 0.0)
            tab.ballistic_coef[rows] = np.where(learnt, 1.0 / np.where(k > 0, k, 1.0), np.nan)

    def _manage(self, batch, bit, at, ad, pos_sigma, underground, t_ref):
        """Hit/miss bookkeeping, confirmation, coasting and deletion: returns the confirmed and deleted
        ids, the mask of rows that stay (the caller drops the others) and the ids deleted as landed
        (``underground``: rows predicted below ground)."""
        cfg = self.config
        tab = self.table
        N = len(tab)
        if N == 0:
            return _EMPTY_IDS, _EMPTY_IDS, None, _EMPTY_IDS
        hit = np.zeros(N, bool)
        hit[at] = True
        # Only the sensor that made a track's last two updates can miss it: a counter-mortar radar
        # that once saw a drone must not wear the drone's track down with every batch that (rightly)
        # lacks it.
        opp = hit | ((tab.last_sensor == bit) & (tab.prev_sensor == bit))
        # A tentative track, though, is missed by every sensor that has contributed to it: a pair of a
        # counter-mortar radar's clutter plots chained to two birds of a flock on the surveillance radar
        # was confirmed as a 200 m/s track (then declared a rocket) while the counter-mortar radar, which
        # would have seen a real round every 0.5 s, never saw it again.
        opp |= (tab.status == TENTATIVE) & ((tab.sensors & bit) != 0)
        hu = hit.astype(np.uint64)
        tab.history[opp] = (tab.history[opp] << np.uint64(1)) | hu[opp]
        tab.opportunities[opp] += 1
        tab.misses[hit] = 0
        tab.misses[opp & ~hit] += 1
        tab.quality[opp] += cfg.quality_alpha * (hit[opp] - tab.quality[opp])
        tab.hits[hit] += 1
        tab.t_last_update[at] = batch.time[ad]
        tab.sensors[hit] |= bit
        tab.prev_sensor[hit] = tab.last_sensor[hit]
        tab.last_sensor[hit] = bit
        rcs = batch.rcs_m2[ad]
        good = np.isfinite(rcs)
        if np.any(good):
            r_at = at[good]
            prev = np.where(np.isfinite(tab.rcs_m2[r_at]), tab.rcs_m2[r_at], 0.0)
            cnt = tab.rcs_count[r_at]
            tab.rcs_m2[r_at] = (prev * cnt + rcs[good]) / (cnt + 1)
            tab.rcs_count[r_at] = cnt + 1

        window = self._window_hits(tab.history)
        tent = tab.status == TENTATIVE
        newly = tent & (window >= cfg.confirm_m)
        if cfg.fast_confirm_m:
            fast = _still_fast(tab.boost_candidate, tab.x[:, 3:6], cfg)
            newly |= tent & fast & (window >= cfg.fast_confirm_m)
        tab.status[newly] = CONFIRMED
        tab.t_confirmed[newly] = tab.t_last_update[newly]
        firm = ~tent
        tab.status[firm & opp & ~hit] = COASTING
        tab.status[firm & hit] = CONFIRMED
        seen = np.minimum(tab.opportunities, cfg.confirm_n)
        dead = tent & ~newly & (seen - window > cfg.confirm_n - cfg.confirm_m)
        dead |= firm & (tab.misses >= cfg.max_misses)
        dead |= (t_ref - tab.t_last_update) > cfg.max_coast_s
        dead |= pos_sigma > cfg.max_pos_sigma
        landed = underground & ~hit
        dead |= landed
        return tab.id[newly].copy(), tab.id[dead].copy(), ~dead, tab.id[landed].copy()

    def _window_hits(self, history: np.ndarray) -> np.ndarray:
        """Hits among the last ``confirm_n`` opportunities (a popcount by table lookup)."""
        h = history & self._win_mask
        if self._popcount is not None:
            return self._popcount[h.astype(np.int64)]
        count = np.zeros(h.shape, np.int64)
        for k in range(self.config.confirm_n):
            count += ((h >> np.uint64(k)) & np.uint64(1)).astype(np.int64)
        return count

    def _initiate(self, batch: DetectionBatch, idx: np.ndarray, bit) -> dict[str, np.ndarray] | None:
        """Two-point initiation with a velocity gate; unpaired detections wait as single points.
        Returns the table rows of the new tracks (None if none)."""
        cfg = self.config
        now = self.time
        keep = (now - self._pend_t) <= cfg.init_max_dt
        if not np.all(keep):
            gone = ~keep
            self.plots.add_loose(self._pending_plots(gone))
            self._keep_pending(keep)
        if len(idx) == 0:
            return None
        new = _plots_of(batch, idx, self._cartesian(batch))
        pos, cov = new.pos, new.cov
        t_new = batch.time[idx]
        rcs_new = batch.rcs_m2[idx]
        P_n = len(self._pend_t)
        pi = pj = _EMPTY_IDS
        if P_n:
            noise = 3.0 * np.sqrt(np.trace(cov, axis1=1, axis2=2))
            pend_noise = 3.0 * np.sqrt(np.trace(self._pend_cov, axis1=1, axis2=2))
            radius = cfg.v_max * cfg.init_max_dt + noise.max() + pend_noise.max()
            # Pre-gate with one generous radius, then the exact velocity gate per pair.
            # The tree holds the (older, more numerous) waiting points; the new detections query it.
            cj, ci = candidate_pairs(pos, np.full(len(pos), radius), self._pend_pos)
            dt = t_new[cj] - self._pend_t[ci]
            dist = np.linalg.norm(pos[cj] - self._pend_pos[ci], axis=1)
            lim = cfg.v_max * dt + np.hypot(noise[cj], pend_noise[ci])
            ok = (dt >= max(cfg.init_min_dt, 1e-6)) & (dist <= lim)
            ci, cj, dist, lim = ci[ok], cj[ok], dist[ok], lim[ok]
            if len(ci):
                pi, pj = gnn(ci, cj, (dist / lim) ** 2, np.full(P_n, 2.0), P_n, len(idx))
        paired = np.zeros(len(idx), bool)
        paired[pj] = True
        new_rows = None
        if len(pi):
            new_rows = self._new_tracks(pos[pj], cov[pj], t_new[pj], rcs_new[pj], self._pend_pos[pi],
                                        self._pend_cov[pi], self._pend_t[pi], self._pend_rcs[pi],
                                        self._pend_bits[pi], bit)
            ids = new_rows["id"]
            self.plots.add(ids, self._pending_plots(pi))
            self.plots.add(ids, new.take(pj))
            used = np.ones(P_n, bool)
            used[pi] = False
            self._keep_pending(used)
        rest = ~paired
        self._pend_pos = np.concatenate([self._pend_pos, pos[rest]])
        self._pend_cov = np.concatenate([self._pend_cov, cov[rest]])
        self._pend_t = np.concatenate([self._pend_t, t_new[rest]])
        self._pend_bits = np.concatenate([self._pend_bits, np.full(int(rest.sum()), bit, np.int64)])
        self._pend_rcs = np.concatenate([self._pend_rcs, rcs_new[rest]])
        self._pend_rr = np.concatenate([self._pend_rr, new.rr[rest]])
        self._pend_rr_var = np.concatenate([self._pend_rr_var, new.rr_var[rest]])
        self._pend_sensor = np.concatenate([self._pend_sensor, new.sensor[rest]])
        return new_rows

    def _keep_pending(self, keep: np.ndarray) -> None:
        """Keep only the waiting single plots selected by the mask ``keep``."""
        self._pend_pos, self._pend_cov, self._pend_t = self._pend_pos[keep], self._pend_cov[keep], self._pend_t[keep]
        self._pend_bits, self._pend_rcs = self._pend_bits[keep], self._pend_rcs[keep]
        self._pend_rr, self._pend_rr_var = self._pend_rr[keep], self._pend_rr_var[keep]
        self._pend_sensor = self._pend_sensor[keep]

    def _new_tracks(self, p2, C2, t2, rcs2, p1, C1, t1, rcs1, first_bits, last_bit) -> dict[str, np.ndarray]:
        """Table rows of new tracks from detection pairs (1: older, 2: newer)."""
        cfg = self.config
        k = len(t2)
        M = len(self.model_names)
        dt = (t2 - t1)[:, None]
        v = (p2 - p1) / dt
        # Noise can make the difference faster than any target; the gate allowed it within 3 sigma,
        # so start from the fastest plausible speed (the covariance below keeps the uncertainty).
        speed = np.linalg.norm(v, axis=1, keepdims=True)
        v *= np.minimum(1.0, cfg.v_max / np.maximum(speed, 1e-9))
        D = self._dim
        x = np.zeros((k, D))
        x[:, :3], x[:, 3:6] = p2, v
        P = np.zeros((k, D, D))
        P[:, :3, :3] = C2
        P[:, :3, 3:6] = C2 / dt[:, :, None]
        P[:, 3:6, :3] = C2 / dt[:, :, None]
        # Velocity from a difference: both noises, plus the speed change an acceleration of about
        # sqrt(q_cv * dt) can cause over the interval.
        q_term = (cfg.q_cv * dt[:, 0] / 3.0)[:, None, None] * np.eye(3)
        P[:, 3:6, 3:6] = (C1 + C2) / (dt**2)[:, :, None] + q_term
        # A pair surely fast (its speed less 2 standard deviations of the plots' noise along its velocity
        # still above boost_min_speed: a drone 7 km out can look 260 m/s fast from two plots) may be a
        # rocket in boost: its mean velocity lags the velocity at its end by a dt / 2.
        u_pair = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        speed_sd = np.sqrt(np.einsum("ki,kij,kj->k", u_pair, C1 + C2, u_pair)) / dt[:, 0]
        fast = ((speed[:, 0] - 2.0 * speed_sd >= cfg.boost_min_speed) & (dt[:, 0] <= cfg.boost_max_dt)
                & (cfg.boost_accel_sd > 0.0))
        if np.any(fast):
            A = _boost_shape(v[fast], P[fast, 3:6, 3:6], cfg.boost_cross_k)
            lag = cfg.boost_accel_sd * dt[fast, 0] / 2.0
            P[fast, 3:6, 3:6] += (lag**2)[:, None, None] * A
        P[:, OMEGA, OMEGA] = cfg.omega_sigma0**2
        if D > KDRAG:
            x[:, KDRAG] = cfg.drag_k0
            P[:, KDRAG, KDRAG] = cfg.drag_sigma0**2
        xm = np.repeat(x[None], M, axis=0)
        if "ballistic" in self.model_names:
            # Two points give the mean velocity over the interval; at its end gravity has added g dt/2.
            xm[self.model_names.index("ballistic"), :, 5] -= cfg.gravity * dt[:, 0] / 2.0
        Pm = np.repeat(P[None], M, axis=0)
        mu = np.broadcast_to(self._prior, (k, M)).copy()
        x6, P6 = imm.combine(xm, Pm, mu)
        ids = np.arange(self._next_id, self._next_id + k, dtype=np.int64)
        self._next_id += k
        rcs_stack = np.stack([rcs1, rcs2], axis=1)
        rcs_count = np.isfinite(rcs_stack).sum(axis=1)
        rcs_mean = np.where(rcs_count > 0, np.nansum(np.nan_to_num(rcs_stack, nan=0.0), axis=1)
                            / np.maximum(rcs_count, 1), np.nan)
        two_confirm = (cfg.confirm_m <= 2) | ((0 < cfg.fast_confirm_m <= 2) & _still_fast(fast, x6[:, 3:6], cfg))
        status = np.where(two_confirm, CONFIRMED, TENTATIVE).astype(np.int8)
        bits = first_bits | last_bit
        rows = {
            "id": ids, "x": x6, "P": P6, "t_state": t2.copy(), "status": status, "t_first": t1.copy(),
            "t_confirmed": np.where(status == CONFIRMED, t2, np.nan), "t_last_update": t2.copy(),
            "hits": np.full(k, 2, np.int64), "misses": np.zeros(k, np.int64),
            "history": np.full(k, 3, np.uint64), "opportunities": np.full(k, 2, np.int64),
            "quality": np.full(k, 0.5 + 0.5 * cfg.quality_alpha), "mode_prob": mu,
            "ballistic_coef": np.full(k, np.nan), "rcs_m2": rcs_mean, "rcs_count": rcs_count,
            "sensors": bits.astype(np.int64), "last_sensor": np.full(k, last_bit, np.int64),
            "prev_sensor": first_bits.astype(np.int64), "boost_candidate": fast,
            "xm": xm, "Pm": Pm,
        }
        return rows


def _plots_of(batch: DetectionBatch, idx: np.ndarray, cartesian: tuple[np.ndarray, np.ndarray]) -> Plots:
    """The position plots of ``batch``'s detections ``idx`` (not bearings), given the batch's positions and
    covariances ``cartesian`` (:meth:`Tracker._cartesian`), with a Doppler radar's range rate and its
    variance (the measurement's last component)."""
    pos, cov = cartesian[0][idx], cartesian[1][idx]
    if batch.kind == "radar_doppler":
        return Plots.of(batch.time[idx], pos, cov, batch.z[idx, 3], batch.R[idx, 3, 3], batch.sensor_pos)
    return Plots.of(batch.time[idx], pos, cov, sensor=batch.sensor_pos)
