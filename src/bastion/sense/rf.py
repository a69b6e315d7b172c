"""RF detector: a passive direction finder that hears drone control/video links.

Only objects with an active RF link (``rf_link`` True: remotely piloted drones) can be detected; an
autonomous drone (pre-programmed, GNSS/INS navigation, radio silent) or a ballistic round never is. The
detector reports a bearing (``DetectionBatch`` kind ``bearing``).

Detection: the link's received power falls as 10 n log10(R) dB (path-loss exponent n; n = 2 is free
space) and varies about that median with log-normal shadowing of ``shadow_sigma_db`` (dB). The link is
detected when the received power exceeds the receiver's sensitivity; ``range_50`` (m) is the range at which
the median power equals it. Hence

    Pd(R) = pd_max * Phi(10 n log10(range_50 / R) / shadow_sigma_db)   for R <= range_max, else 0,

with Phi the standard normal CDF (log-normal shadowing: T. S. Rappaport, *Wireless Communications*,
2nd ed., sec. 4.9.2, where sigma is typically 4-12 dB). ``pd_max`` is the chance that the link transmits
during the dwell (duty cycle).

Elevation: a single-plane direction finder measures no elevation. The batch's elevation is 0 rad with
standard deviation ``RF_NO_ELEVATION_SIGMA`` = pi/2 rad (the whole upper hemisphere within one sigma),
so a filter's update barely moves the elevation; a consumer may also drop that row (it can recognise it
by R[1, 1] >= RF_NO_ELEVATION_SIGMA ** 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from bastion.geo import enu_to_rae
from bastion.sense.detections import DetectionBatch
from bastion.sense.radar import FULL_CIRCLE, in_sector

RF_NO_ELEVATION_SIGMA = 0.5 * np.pi  # rad: "elevation unknown" (see module docstring)


@dataclass(frozen=True)
class RfDetectorModel:
    """One RF direction finder (SI units: metres, radians, seconds, dB).

    Attributes:
        name: the sensor's name; position: (3,) ENU metres.
        range_50: range (m) at which a link is detected with probability pd_max / 2.
        range_max: hard range limit (m) (radio horizon, processing cut-off).
        sigma_bearing: bearing noise standard deviation (rad).
        shadow_sigma_db: log-normal shadowing standard deviation (dB).
        path_loss_exponent: n in the 10 n log10(R) path loss (2 = free space).
        pd_max: probability that the link is on the air during one dwell.
        revisit: dwell period (s).
        az_center, az_width: azimuth sector (rad, compass) of the antenna array (2 pi = all round).
        false_alarms_per_scan: mean number of false bearings per dwell (Poisson, uniform in azimuth).
    """

    name: str
    position: np.ndarray
    range_50: float = 3_000.0  # within measured Drone-ID detection distances 1.3-3.7 km (Aouladhadj 2023)
    range_max: float = 8_000.0  # free-space bound from CRFS's 19 dBm link / -100 dBm sensitivity: 8.9 km at 2.4 GHz
    sigma_bearing: float = np.radians(3.0)  # de Oliveira 2019: mean DoA error 1.9 deg (sigma 2.4) in front
    shadow_sigma_db: float = 6.0  # Rappaport: 4-12 dB typical; 6 dB our pick
    path_loss_exponent: float = 2.0  # free space (elevated drone, line of sight)
    pd_max: float = 0.95  # assumed: control links transmit nearly continuously
    revisit: float = 1.0  # assumed
    az_center: float = 0.0
    az_width: float = FULL_CIRCLE
    false_alarms_per_scan: float = 0.0

    kind = "bearing"

    def __post_init__(self) -> None:
        object.__setattr__(self, "position", np.asarray(self.position, float).reshape(3))
        if not (self.range_50 > 0 and self.range_max > 0 and self.sigma_bearing > 0 and self.shadow_sigma_db > 0):
            raise ValueError(f"RF detector {self.name!r}: ranges and sigmas must be positive")

    def pd(self, rng_m) -> np.ndarray:
        """Single-dwell probability of detecting an active link at range ``rng_m`` (m), ignoring the sector."""
        r = np.maximum(np.asarray(rng_m, float), 1e-3)
        margin_db = 10.0 * self.path_loss_exponent * np.log10(self.range_50 / r)
        return np.where(r <= self.range_max, self.pd_max * ndtr(margin_db / self.shadow_sigma_db), 0.0)

    def scan(
        self, t: float, pos: np.ndarray, vel: np.ndarray, rf_link: np.ndarray, exists: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[DetectionBatch, np.ndarray]:
        """One dwell at time ``t`` (s) over objects at ``pos`` (n,3) ENU m (``vel`` unused), with
        ``rf_link`` (n,) True for objects with an active control link and existence ``exists`` (n,).

        Returns a ``bearing`` batch (z = [azimuth, 0] rad, see the module docstring for the elevation) with
        ``rf_link`` True on every detection, and for analysis only the object index behind each
        detection (-1 for a false alarm)."""
        pos = np.asarray(pos, float).reshape(-1, 3)
        n = pos.shape[0]
        rae = enu_to_rae(pos, self.position)
        u = rng.random(n)
        noise = rng.normal(size=n)
        ok = np.asarray(exists, bool) & np.asarray(rf_link, bool) & in_sector(rae[:, 1], self.az_center, self.az_width)
        cand = np.flatnonzero(ok)
        det = cand[u[cand] < self.pd(rae[cand, 0])]
        az = rae[det, 1] + self.sigma_bearing * noise[det]
        n_fa = rng.poisson(self.false_alarms_per_scan)
        full = self.az_width >= FULL_CIRCLE
        az_lo = 0.0 if full else self.az_center - 0.5 * self.az_width
        fa_az = rng.uniform(az_lo, az_lo + min(self.az_width, FULL_CIRCLE), n_fa)
        az_all = np.mod(np.concatenate([az, fa_az]), FULL_CIRCLE)
        truth = np.concatenate([det, np.full(n_fa, -1)])
        order = rng.permutation(truth.size)
        z = np.column_stack([az_all, np.zeros(truth.size)])[order]
        batch = DetectionBatch(
            sensor_id=self.name, kind="bearing", sensor_pos=self.position, time=np.full(truth.size, t), z=z,
            R=np.diag([self.sigma_bearing**2, RF_NO_ELEVATION_SIGMA**2]), rf_link=np.ones(truth.size, bool),
        )
        return batch, truth[order]


def rf_detector(name: str = "rf-detector", position=(0.0, 0.0, 0.0), **overrides) -> RfDetectorModel:
    """An all-round RF direction finder with the module defaults (figures and sources: docs/models.md)."""
    return RfDetectorModel(name=name, position=np.asarray(position, float), **overrides)
