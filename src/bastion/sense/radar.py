"""Radar detection model: Swerling 1 detection from a reference point, noise in range/azimuth/elevation
(and range rate), field-of-view limits and Poisson false alarms.

A radar is characterised by one reference point: a target of cross-section ``ref_rcs`` at ``ref_range``
is detected with probability ``ref_pd`` at false-alarm probability ``pfa``. For a Swerling 1 target the
probability of detection at mean signal-to-noise ratio S is Pd = Pfa^(1/(1+S)) (Skolnik, Introduction to
Radar Systems, 3rd ed., sec. 2.8), and S scales as cross-section / range^4 (the radar equation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.geo import enu_to_rae
from bastion.sense.detections import DetectionBatch

# Spread of a single-look cross-section estimate about the mean (natural-log sigma): the reported RCS
# is a noisy cue, not a measurement to trust alone.
RCS_ESTIMATE_LN_SIGMA = 0.7


def swerling1_pd(snr, pfa: float) -> np.ndarray:
    """Probability of detection of a Swerling 1 target at mean SNR ``snr`` (linear)."""
    return np.power(pfa, 1.0 / (1.0 + np.asarray(snr, float)))


def snr_for_pd(pd: float, pfa: float) -> float:
    """The mean SNR (linear) at which a Swerling 1 target is detected with probability ``pd``."""
    return float(np.log(pfa) / np.log(pd) - 1.0)


@dataclass(frozen=True)
class RadarModel:
    """One radar (all fields SI: metres, seconds, radians, m^2)."""

    name: str
    position: np.ndarray
    range_max: float
    range_min: float
    revisit: float
    ref_range: float
    ref_rcs: float
    ref_pd: float
    pfa: float
    false_alarms_per_scan: float
    sigma_range: float
    sigma_az: float
    sigma_el: float
    el_min: float
    el_max: float
    sigma_range_rate: float | None = None

    @property
    def kind(self) -> str:
        return "radar" if self.sigma_range_rate is None else "radar_doppler"

    def snr(self, rcs, rng_m) -> np.ndarray:
        """Mean SNR (linear) of targets of cross-section ``rcs`` (m^2) at range ``rng_m`` (m)."""
        snr_ref = snr_for_pd(self.ref_pd, self.pfa)
        return snr_ref * (np.asarray(rcs) / self.ref_rcs) * (self.ref_range / np.asarray(rng_m)) ** 4

    def pd(self, rcs, rng_m) -> np.ndarray:
        return swerling1_pd(self.snr(rcs, rng_m), self.pfa)

    def in_view(self, rae: np.ndarray) -> np.ndarray:
        r, el = rae[:, 0], rae[:, 2]
        return (r >= self.range_min) & (r <= self.range_max) & (el >= self.el_min) & (el <= self.el_max)

    def scan(
        self, t: float, pos: np.ndarray, vel: np.ndarray, rcs: np.ndarray, exists: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[DetectionBatch, np.ndarray]:
        """One scan at time ``t`` over objects with positions ``pos`` (n,3), velocities ``vel`` (n,3),
        mean cross-sections ``rcs`` (n,) and existence mask ``exists`` (n,).

        Returns the detection batch and, for analysis only, the index of the object behind each
        detection (-1 for a false alarm).
        """
        m = 3 if self.sigma_range_rate is None else 4
        rae = enu_to_rae(pos, self.position)
        candidates = exists & (pos[:, 2] > 0.0) & self.in_view(rae)
        idx = np.flatnonzero(candidates)
        # Draws are taken for every object every scan so that one object's presence never shifts
        # another's random stream.
        u_detect = rng.random(pos.shape[0])
        noise = rng.normal(size=(pos.shape[0], m))
        rcs_noise = rng.normal(size=pos.shape[0])
        detected = idx[u_detect[idx] < self.pd(rcs[idx], rae[idx, 0])]
        sig = np.array([self.sigma_range, self.sigma_az, self.sigma_el, self.sigma_range_rate or 0.0])[:m]
        z = np.empty((detected.size, m))
        z[:, :3] = rae[detected]
        if m == 4:
            los = (pos[detected] - self.position) / rae[detected, :1]
            z[:, 3] = np.einsum("ij,ij->i", los, vel[detected])
        z += noise[detected] * sig
        rcs_est = rcs[detected] * np.exp(RCS_ESTIMATE_LN_SIGMA * rcs_noise[detected])

        # False alarms: Poisson count, uniform over the surveyed range/azimuth/elevation cells.
        n_fa = rng.poisson(self.false_alarms_per_scan)
        fa = np.column_stack([
            rng.uniform(self.range_min, self.range_max, n_fa),
            rng.uniform(0.0, 2.0 * np.pi, n_fa),
            rng.uniform(self.el_min, min(self.el_max, self.el_min + np.radians(10.0)), n_fa),
        ])
        if m == 4:
            fa = np.column_stack([fa, rng.normal(0.0, 5.0, n_fa)])
        fa_rcs = self.ref_rcs * np.exp(rng.normal(0.0, 1.0, n_fa)) * (fa[:, 0] / self.ref_range) ** 4 * 0.5
        z_all = np.vstack([z, fa])
        z_all[:, 1] = np.mod(z_all[:, 1], 2.0 * np.pi)
        truth = np.concatenate([detected, np.full(n_fa, -1)])
        order = rng.permutation(truth.size)  # a real plot extractor reports in no particular order
        batch = DetectionBatch(
            sensor_id=self.name, kind=self.kind, sensor_pos=self.position,
            time=np.full(truth.size, t), z=z_all[order], R=np.diag(sig**2),
            rcs_m2=np.concatenate([rcs_est, fa_rcs])[order],
        )
        return batch, truth[order]
