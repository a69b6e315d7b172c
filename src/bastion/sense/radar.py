"""Radar detection model: Swerling 1 detection from a reference point, noise in range/azimuth/elevation
(and range rate), field-of-view limits (range, azimuth sector, elevation) and Poisson false alarms.

A radar is characterised by one reference point: a target of cross-section ``ref_rcs`` at ``ref_range``
is detected with probability ``ref_pd`` at false-alarm probability ``pfa``. For a Swerling 1 target the
probability of detection at mean signal-to-noise ratio S is Pd = Pfa^(1/(1+S)) (Skolnik, Introduction to
Radar Systems, 3rd ed., sec. 2.8), and S scales as cross-section / range^4 (the radar equation). The
range at which a given Pd is reached therefore scales as cross-section^(1/4): 16 times the cross-section
is seen twice as far.

False alarms: a Poisson number with mean ``false_alarms_per_scan`` per scan, spread uniformly over the
surveyed resolution cells, i.e. uniform in range, in azimuth over the sector and in elevation between the
elevation limits (a CFAR detector has the same false-alarm probability in every cell, and the cells
have constant extent in range, azimuth and elevation).

Presets (figures and sources in docs/models.md, "Sensors"): :func:`counter_mortar_radar` and
:func:`drone_surveillance_radar`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.geo import enu_to_rae, wrap_angle
from bastion.sense.detections import DetectionBatch, other_label

# Spread of a single-look cross-section estimate about the mean (natural-log sigma): the reported RCS
# is a noisy cue, not a measurement to trust alone. Assumed, bounded by published-model figures: 0.86
# (3GPP TR 38.901 V19 small-UAV RCS fluctuation, 3.74 dB) and 1.28 (log of a Swerling 1 exponential echo);
# see docs/models.md.
RCS_ESTIMATE_LN_SIGMA = 0.7
# Range-rate spread (m/s) of false alarms from a Doppler radar (assumed: clutter residue near zero Doppler;
# it depends on each radar's clutter filter, which is not published).
FALSE_ALARM_RANGE_RATE_SIGMA = 5.0
FULL_CIRCLE = 2.0 * np.pi
# A micro-Doppler classifier's likeliest confusion for each class it names (assumed): small slow targets'
# rotors and wings (the published accuracy is for drone against bird), a helicopter's rotor and a small
# multirotor's, a propeller and a jet engine's blades.
MICRO_DOPPLER_CONFUSER = {"quadcopter": "bird", "bird": "quadcopter", "helicopter": "quadcopter",
                          "owa_drone": "aircraft", "aircraft": "owa_drone"}


def in_sector(az, center: float, width: float) -> np.ndarray:
    """True where compass azimuths ``az`` (rad) lie within the sector of ``width`` (rad) centred on
    ``center`` (rad); a width of 2 pi or more is the full circle."""
    az = np.asarray(az, float)
    if width >= FULL_CIRCLE:
        return np.ones(az.shape, bool)
    return np.abs(wrap_angle(az - center)) <= 0.5 * width


def swerling1_pd(snr, pfa: float) -> np.ndarray:
    """Probability of detection of a Swerling 1 target at mean SNR ``snr`` (linear)."""
    return np.power(pfa, 1.0 / (1.0 + np.asarray(snr, float)))


def snr_for_pd(pd: float, pfa: float) -> float:
    """The mean SNR (linear) at which a Swerling 1 target is detected with probability ``pd``."""
    return float(np.log(pfa) / np.log(pd) - 1.0)


@dataclass(frozen=True)
class RadarModel:
    """One radar (all fields SI: metres, seconds, radians, m^2).

    Attributes:
        name: the sensor's name; position: (3,) ENU metres.
        range_max, range_min: instrumented range limits (m); revisit: scan period (s).
        ref_range, ref_rcs, ref_pd, pfa: the reference point (m, m^2, -, -): ``ref_rcs`` at ``ref_range``
            is detected with probability ``ref_pd`` at false-alarm probability ``pfa`` (Swerling 1).
        false_alarms_per_scan: mean number of false plots per scan (Poisson).
        sigma_range (m), sigma_az, sigma_el (rad): measurement noise standard deviations.
        el_min, el_max: elevation limits (rad).
        sigma_range_rate: range-rate noise (m/s); None for a radar without Doppler.
        az_center, az_width: azimuth sector (rad, compass): centre and full width; 2 pi = all round.
        micro_doppler_snr: the mean SNR (linear) from which the radar's micro-Doppler classifier names a
            target with moving parts (rotors, wings, propellers); None for a radar without one.
        micro_doppler_accuracy: the share of those names that are right (the others name the class's
            likeliest confusion, ``MICRO_DOPPLER_CONFUSER``).
    """

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
    az_center: float = 0.0
    az_width: float = FULL_CIRCLE
    micro_doppler_snr: float | None = None
    micro_doppler_accuracy: float = 0.96

    @property
    def kind(self) -> str:
        return "radar" if self.sigma_range_rate is None else "radar_doppler"

    def snr(self, rcs, rng_m) -> np.ndarray:
        """Mean SNR (linear) of targets of cross-section ``rcs`` (m^2) at range ``rng_m`` (m)."""
        snr_ref = snr_for_pd(self.ref_pd, self.pfa)
        return snr_ref * (np.asarray(rcs) / self.ref_rcs) * (self.ref_range / np.asarray(rng_m)) ** 4

    def pd(self, rcs, rng_m) -> np.ndarray:
        """Single-scan probability of detection of targets of mean cross-section ``rcs`` (m^2) at range
        ``rng_m`` (m), ignoring the field of view."""
        return swerling1_pd(self.snr(rcs, rng_m), self.pfa)

    def range_for_pd(self, pd: float, rcs: float) -> float:
        """The range (m) at which a target of cross-section ``rcs`` (m^2) is detected with probability
        ``pd`` (closed form: R = R_ref (sigma/sigma_ref)^(1/4) (S_ref/S(pd))^(1/4))."""
        s_ref = snr_for_pd(self.ref_pd, self.pfa)
        return float(self.ref_range * ((rcs / self.ref_rcs) * s_ref / snr_for_pd(pd, self.pfa)) ** 0.25)

    def in_view(self, rae: np.ndarray) -> np.ndarray:
        """(n,) True where range/azimuth/elevation rows ``rae`` (m, rad, rad) lie in the surveyed volume."""
        r, az, el = rae[:, 0], rae[:, 1], rae[:, 2]
        return ((r >= self.range_min) & (r <= self.range_max) & (el >= self.el_min) & (el <= self.el_max)
                & in_sector(az, self.az_center, self.az_width))

    def false_alarm_rae(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """(n, 3) false-alarm range/azimuth/elevation, uniform over the surveyed resolution cells."""
        full = self.az_width >= FULL_CIRCLE
        az_lo = 0.0 if full else self.az_center - 0.5 * self.az_width
        az_hi = FULL_CIRCLE if full else self.az_center + 0.5 * self.az_width
        return np.column_stack([
            rng.uniform(self.range_min, self.range_max, n),
            rng.uniform(az_lo, az_hi, n),
            rng.uniform(self.el_min, self.el_max, n),
        ])

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
        fa = self.false_alarm_rae(n_fa, rng)
        if m == 4:
            fa = np.column_stack([fa, rng.normal(0.0, FALSE_ALARM_RANGE_RATE_SIGMA, n_fa)])
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

    def micro_doppler_labels(
        self, truth: np.ndarray, pos: np.ndarray, rcs: np.ndarray, signature: np.ndarray,
        label_set: tuple[str, ...], rng: np.random.Generator,
    ) -> np.ndarray:
        """What the micro-Doppler classifier names each detection of a scan: ``truth`` (D,) the object
        index behind each detection (-1: a false alarm), objects at ``pos`` (n,3) ENU m with mean
        cross-sections ``rcs`` (n,) m^2 and micro-Doppler signatures ``signature`` (n,) (the class name
        their moving parts give, ``""`` for none: a round). A detection is named when its object has a
        signature and its mean SNR reaches ``micro_doppler_snr``; the name is right with probability
        ``micro_doppler_accuracy``, else the class's confusion (``MICRO_DOPPLER_CONFUSER``; one of the other
        classes of ``label_set`` at random for a class without one). Returns (D,)
        names, ``""`` where none. ``rng`` is the classifier's own stream, so that the detections are the
        same with and without it."""
        truth = np.asarray(truth, np.int64)
        out = np.full(truth.size, "", dtype=object)
        if self.micro_doppler_snr is None:
            return out
        u, other = rng.random(truth.size), rng.integers(0, max(len(label_set) - 1, 1), truth.size)
        obj = truth[truth >= 0]
        rng_m = np.linalg.norm(np.asarray(pos, float)[obj] - self.position, axis=1)
        sig = np.asarray(signature, dtype=object)[obj]
        named = (sig != "") & (self.snr(np.asarray(rcs, float)[obj], rng_m) >= self.micro_doppler_snr)
        rows = np.flatnonzero(truth >= 0)[named]
        for j, true in zip(rows.tolist(), sig[named].tolist(), strict=True):
            if u[j] < self.micro_doppler_accuracy and true in label_set:
                out[j] = true
            elif MICRO_DOPPLER_CONFUSER.get(true) in label_set:
                out[j] = MICRO_DOPPLER_CONFUSER[true]
            else:
                out[j] = other_label(true, label_set, int(other[j]))
        return out


# --- Presets -----------------------------------------------------------------------------------------
# Figures are public where a source is named; "assumed" marks our choice where no verified public figure
# was found (docs/models.md, "Sensors", has the full table). Overrides go through keyword arguments.

#: Counter-mortar radar in the spirit of the AN/TPQ-48 LCMR / AN/TPQ-50: all-round (360 deg) coverage,
#: mortar bombs located out to about 7 km (StrategyPage, "Lightweight Counter Mortar Radar", 2004-01-19:
#: "can detect the firing location of mortars up to seven kilometers away", "all round (360 degree)").
COUNTER_MORTAR_RADAR = dict(
    range_max=10_000.0,  # assumed instrumented range (AN/TPQ-50 class is quoted at ~10 km; no public page found)
    range_min=300.0,  # assumed (blind zone of a compact pulse-Doppler radar plus mast clutter)
    revisit=0.5,  # assumed: 0.5 s so a 300 m/s rocket moves 150 m between looks
    ref_range=7_000.0,  # StrategyPage 2004 (LCMR): mortars detected out to 7 km
    ref_rcs=0.01,  # the 81 mm mortar bomb preset's RCS (bastion.world.munitions, assumed there)
    ref_pd=0.9,  # assumed: "detects at 7 km" read as a 0.9 single-scan Pd
    pfa=1e-6,  # typical value: Richards, Fundamentals of Radar Signal Processing, sec. 6.1.1 (1e-8 to 1e-4 common)
    false_alarms_per_scan=2.0,  # assumed plot-level rate (the LCMR's "1 false alarm per 5-6 h" is after tracking)
    sigma_range=8.0,  # assumed
    sigma_az=np.radians(0.25),  # assumed
    sigma_el=np.radians(0.25),  # assumed
    el_min=np.radians(1.0),  # assumed: above the mask of nearby ground clutter
    el_max=np.radians(70.0),  # assumed
    sigma_range_rate=1.0,  # assumed (pulse-Doppler)
)

#: 3-D surveillance radar for small drones (X-band class, electronically scanned or rotating panels).
#: An X-band FMCW demonstrator detected a DJI Phantom 4 (RCS ~0.01 m^2) out to 2 km (Duque de Quevedo et al.,
#: "Drone Detection and RCS Measurements with Ubiquitous Radar", Universidad Politecnica de Madrid, 2018);
#: fielded counter-drone radars are more powerful, so the reference point is put at 3 km (assumed).
DRONE_SURVEILLANCE_RADAR = dict(
    range_max=8_000.0,  # assumed
    range_min=50.0,  # assumed (FMCW: short blind range)
    revisit=1.0,  # assumed
    ref_range=3_000.0,  # assumed: 1.5 x the 2 km of the low-power demonstrator above
    ref_rcs=0.01,  # small drones ~0.01 m^2 (Di Vincenzo et al. 2025; bastion.world.signatures)
    ref_pd=0.9,  # assumed
    pfa=1e-6,  # typical value (Richards, sec. 6.1.1)
    false_alarms_per_scan=4.0,  # assumed (low-elevation clutter residue, birds removed by tracking)
    sigma_range=5.0,  # assumed
    sigma_az=np.radians(0.5),  # assumed: about a third of a 1.5 deg beam
    sigma_el=np.radians(0.5),  # assumed
    el_min=np.radians(-2.0),  # assumed
    el_max=np.radians(60.0),  # assumed
    sigma_range_rate=0.5,  # assumed
)


def counter_mortar_radar(name: str = "counter-mortar-radar", position=(0.0, 0.0, 0.0), **overrides) -> RadarModel:
    """A counter-mortar radar (LCMR / AN/TPQ-50 class): 360 deg, 0.01 m^2 mortar bombs seen at 7 km with
    Pd 0.9 per 0.5 s scan. ``overrides`` replace any :data:`COUNTER_MORTAR_RADAR` field (SI units)."""
    params = {**COUNTER_MORTAR_RADAR, **overrides}
    return RadarModel(name=name, position=np.asarray(position, float), **params)


def drone_surveillance_radar(name: str = "drone-radar", position=(0.0, 0.0, 0.0), **overrides) -> RadarModel:
    """A 3-D surveillance radar for small drones: 360 deg (give ``az_center``/``az_width`` for a sector
    panel), 0.01 m^2 seen at 3 km with Pd 0.9 per 1 s scan. ``overrides`` replace any
    :data:`DRONE_SURVEILLANCE_RADAR` field (SI units)."""
    params = {**DRONE_SURVEILLANCE_RADAR, **overrides}
    return RadarModel(name=name, position=np.asarray(position, float), **params)
