"""EO/IR camera model: angle-only detections (kind ``bearing``) with a Johnson-criteria detection range.

A target of critical dimension d (m) at range R (m) spans d / (R IFOV) pixels of angular size IFOV (rad);
two pixels make one resolvable cycle (line pair), so it presents N = d / (2 R IFOV) cycles. Detection
needs N50 cycles for a 50 % probability: Johnson's criterion for detection is 1.0 +/- 0.25 line pairs
(J. Johnson, "Analysis of Image Forming Systems", Image Intensifier Symposium, Fort Belvoir, 1958). The
probability at other N follows the target transfer probability function (TTPF) of the NVESD acquisition
models, P(N) = (N/N50)^E / (1 + (N/N50)^E) with E = 2.7 + 0.7 N/N50 (J. A. Ratches et al., "Night Vision
Laboratory Static Performance Model for Thermal Viewing Systems", ECOM-7043, 1975; also Vollmerhausen &
Jacobs, NVESD, 2004). The range at Pd = 0.5 is therefore R50 = d / (2 IFOV N50).

Night: a visible (daylight) channel loses contrast and signal-to-noise in low light, which acts as a loss
of effective resolution: its cycle count is multiplied by ``night_factor`` (assumed 0.1 for the visible
band, i.e. a tenth of the daytime detection range; see docs/models.md). A thermal infrared channel sees
emitted heat and is unchanged by night (factor 1).

Recognition (telling what the target is: a bird from a quadcopter) needs more cycles than detection:
Johnson's criterion is 4.0 +/- 0.8 line pairs (Johnson 1958), through the same TTPF. A staring camera
(:class:`EoirModel`) covers a wide sector with coarse pixels and reports bearings only; a slew-to-cue
camera (:class:`CuedCamera`) turns a narrow view of fine pixels to one cued track at a time and reports
what it recognised there.

Not modelled: atmospheric extinction, clutter backgrounds, line-of-sight masking, a staring camera's own
slewing (:class:`EoirModel` stares at its whole sector every frame).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from bastion.geo import enu_to_rae, wrap_angle
from bastion.sense.detections import DetectionBatch, other_label
from bastion.sense.radar import FULL_CIRCLE, in_sector

JOHNSON_N50_DETECTION = 1.0  # line pairs across the critical dimension for 50 % detection (Johnson 1958)
JOHNSON_N50_RECOGNITION = 4.0  # ... for 50 % recognition (Johnson 1958: 4.0 +/- 0.8)
VISIBLE_NIGHT_FACTOR = 0.1  # assumed: a daylight camera at night keeps a tenth of its effective resolution
INFRARED_NIGHT_FACTOR = 1.0  # thermal IR sees emitted radiation: unchanged at night
BANDS = ("visible", "infrared")


def illumination_factor(band: str, night_factor: float | None, night: bool) -> float:
    """Factor on a camera's effective resolution: 1 by day; at night ``night_factor`` if given, else the
    band's (visible 0.1, infrared 1)."""
    if not night:
        return 1.0
    if night_factor is not None:
        return float(night_factor)
    return VISIBLE_NIGHT_FACTOR if band == "visible" else INFRARED_NIGHT_FACTOR


def ttpf(n_cycles, n50: float) -> np.ndarray:
    """Target transfer probability function: probability of the task (here detection) given ``n_cycles``
    resolvable cycles across the target and the task's ``n50`` (both in cycles)."""
    x = np.maximum(np.asarray(n_cycles, float), 0.0) / n50
    with np.errstate(divide="ignore"):
        log_x = np.log(x)  # -inf at x = 0 -> P = 0
    # x^E / (1 + x^E) = expit(E ln x): no overflow for very many cycles (a target close in).
    return expit((2.7 + 0.7 * x) * log_x)


@dataclass(frozen=True)
class EoirModel:
    """One EO (visible) or IR camera staring at a sector (SI units: metres, radians, seconds).

    Attributes:
        name: the sensor's name; position: (3,) ENU metres.
        band: ``"visible"`` or ``"infrared"``.
        ifov: instantaneous field of view of one pixel (rad).
        az_center, az_width: azimuth sector (rad, compass): centre and full width (2 pi = all round).
        el_min, el_max: elevation limits of the field of view (rad).
        sigma_angle: measurement noise of azimuth and elevation (rad, each).
        revisit: frame period (s).
        n50: cycles across the critical dimension for Pd 0.5 (Johnson: 1.0 for detection).
        night_factor: multiplies the cycle count at night; None = the band's default (visible 0.1, IR 1).
        range_min, range_max: range limits (m) (range_max e.g. the horizon or an atmospheric cut-off).
        false_alarms_per_scan: mean number of false detections per frame (Poisson, uniform over the field
            of view).
    """

    name: str
    position: np.ndarray
    band: str
    ifov: float
    az_center: float = 0.0
    az_width: float = FULL_CIRCLE
    el_min: float = np.radians(-5.0)
    el_max: float = np.radians(60.0)
    sigma_angle: float = 2e-4
    revisit: float = 0.2
    n50: float = JOHNSON_N50_DETECTION
    night_factor: float | None = None
    range_min: float = 0.0
    range_max: float = 20_000.0
    false_alarms_per_scan: float = 0.0

    def __post_init__(self) -> None:
        if self.band not in BANDS:
            raise ValueError(f"EO/IR sensor {self.name!r}: band must be one of {BANDS}, not {self.band!r}")
        if not (self.ifov > 0.0 and self.n50 > 0.0 and self.sigma_angle > 0.0):
            raise ValueError(f"EO/IR sensor {self.name!r}: ifov, n50 and sigma_angle must be positive")
        object.__setattr__(self, "position", np.asarray(self.position, float).reshape(3))

    kind = "bearing"

    def illumination_factor(self, night: bool) -> float:
        """Factor on the effective resolution: 1 by day; at night the band's (or the given) factor."""
        return illumination_factor(self.band, self.night_factor, night)

    def cycles(self, size_m, rng_m, night: bool = False) -> np.ndarray:
        """Resolvable cycles across targets of critical dimension ``size_m`` (m) at range ``rng_m`` (m)."""
        return self.illumination_factor(night) * np.asarray(size_m, float) / (2.0 * np.asarray(rng_m) * self.ifov)

    def pd(self, size_m, rng_m, night: bool = False) -> np.ndarray:
        """Single-frame probability of detection (TTPF of the cycle count), ignoring the field of view."""
        return ttpf(self.cycles(size_m, rng_m, night), self.n50)

    def range_50(self, size_m: float, night: bool = False) -> float:
        """Range (m) at which a target of critical dimension ``size_m`` (m) is detected with Pd 0.5."""
        return float(self.illumination_factor(night) * size_m / (2.0 * self.ifov * self.n50))

    def in_view(self, rae: np.ndarray) -> np.ndarray:
        """(n,) True where range/azimuth/elevation rows lie in the field of view and range limits."""
        r, az, el = rae[:, 0], rae[:, 1], rae[:, 2]
        return ((r >= self.range_min) & (r <= self.range_max) & (el >= self.el_min) & (el <= self.el_max)
                & in_sector(az, self.az_center, self.az_width))

    def scan(
        self, t: float, pos: np.ndarray, vel: np.ndarray, size_m: np.ndarray, exists: np.ndarray,
        rng: np.random.Generator, night: bool = False,
    ) -> tuple[DetectionBatch, np.ndarray]:
        """One frame at time ``t`` (s) over objects at ``pos`` (n,3) ENU m with velocities ``vel`` (n,3)
        (unused: a camera measures no rate), critical dimensions ``size_m`` (n,) m and existence ``exists``
        (n,). Returns a ``bearing`` batch (z = [azimuth, elevation] rad) and, for analysis only, the object
        index behind each detection (-1 for a false alarm)."""
        pos = np.asarray(pos, float).reshape(-1, 3)
        n = pos.shape[0]
        rae = enu_to_rae(pos, self.position)
        # One draw per object per frame whatever happens, so one object never shifts another's stream.
        u = rng.random(n)
        noise = rng.normal(size=(n, 2))
        cand = np.flatnonzero(np.asarray(exists, bool) & (pos[:, 2] > 0.0) & self.in_view(rae))
        det = cand[u[cand] < self.pd(np.asarray(size_m, float)[cand], rae[cand, 0], night)]
        z = rae[det, 1:3] + self.sigma_angle * noise[det]
        n_fa = rng.poisson(self.false_alarms_per_scan)
        full = self.az_width >= FULL_CIRCLE
        az_lo = 0.0 if full else self.az_center - 0.5 * self.az_width
        fa = np.column_stack([
            rng.uniform(az_lo, az_lo + min(self.az_width, FULL_CIRCLE), n_fa),
            rng.uniform(self.el_min, self.el_max, n_fa),
        ])
        z_all = np.vstack([z, fa])
        z_all[:, 0] = np.mod(z_all[:, 0], FULL_CIRCLE)
        truth = np.concatenate([det, np.full(n_fa, -1)])
        order = rng.permutation(truth.size)
        batch = DetectionBatch(
            sensor_id=self.name, kind="bearing", sensor_pos=self.position, time=np.full(truth.size, t),
            z=z_all[order], R=np.diag([self.sigma_angle**2, self.sigma_angle**2]),
        )
        return batch, truth[order]


@dataclass(frozen=True)
class CuedCamera:
    """A slew-to-cue EO or IR camera with a zoom (SI units: metres, radians). Cued onto a direction, it
    looks with its wide view (``fov`` across, ``pixels`` pixels: ifov ``fov / pixels``), detects what is
    there, locks its video tracker on the detection nearest the aim, zooms in to its narrow pixel ``ifov``
    and reports the bearings of what it detected and what it recognised of the locked target (a class
    name). Where and when it looks (slewing, settling, dwelling, the mount's limits) is the tasking's
    business (``bastion.assess.camera_cue``).

    Per object in the wide view at range R with critical dimension d: N = d / (2 R ifov) cycles (times
    the band's night factor); detected in the wide view with probability TTPF(N_wide, ``detection_n50``);
    the locked object is recognised with probability TTPF(N_narrow, ``recognition_n50``) (Johnson's 4 line
    pairs). A recognition names the object's true class, except in a share ``mislabel_share`` of cases,
    when it names one of the other classes of ``label_set`` at random. Each look is a fresh draw: between
    looks the target's aspect and the background change (assumed; looks seconds apart are surely
    correlated). Not modelled: false alarms, occlusion, a target leaving the view during the dwell.

    Attributes:
        name, position ((3,) ENU m), band (``"visible"`` or ``"infrared"``), ifov (rad per pixel, zoomed in),
        fov (rad, full width of the square wide view), pixels (across the wide view), sigma_angle (rad,
        bearing noise per axis), range_max (m), recognition_n50 and detection_n50 (cycles), mislabel_share
        (0-1), night_factor (None: the band's).
    """

    name: str
    position: np.ndarray
    band: str
    ifov: float
    fov: float
    pixels: int = 1280
    sigma_angle: float = 5e-5
    range_max: float = 8000.0
    recognition_n50: float = JOHNSON_N50_RECOGNITION
    detection_n50: float = JOHNSON_N50_DETECTION
    mislabel_share: float = 0.05
    night_factor: float | None = None

    kind = "bearing"

    def __post_init__(self) -> None:
        if self.band not in BANDS:
            raise ValueError(f"cued camera {self.name!r}: band must be one of {BANDS}, not {self.band!r}")
        if not (self.ifov > 0.0 and self.fov > 0.0 and self.pixels > 0 and self.sigma_angle > 0.0
                and self.recognition_n50 > 0.0 and self.detection_n50 > 0.0):
            raise ValueError(f"cued camera {self.name!r}: ifov, fov, pixels, sigma_angle and the n50s must be "
                             "positive")
        if not 0.0 <= self.mislabel_share < 1.0:
            raise ValueError(f"cued camera {self.name!r}: mislabel_share must be in [0, 1)")
        object.__setattr__(self, "position", np.asarray(self.position, float).reshape(3))

    @property
    def wide_ifov(self) -> float:
        """One pixel of the wide view (rad)."""
        return self.fov / self.pixels

    def cycles(self, size_m, rng_m, night: bool = False, ifov: float | None = None) -> np.ndarray:
        """Resolvable cycles across targets of critical dimension ``size_m`` (m) at range ``rng_m`` (m), with
        pixels of ``ifov`` (rad; None: the zoomed-in ``ifov``)."""
        factor = illumination_factor(self.band, self.night_factor, night)
        pixel = self.ifov if ifov is None else ifov
        return factor * np.asarray(size_m, float) / (2.0 * np.maximum(np.asarray(rng_m, float), 1e-9) * pixel)

    def p_recognise(self, size_m, rng_m, night: bool = False) -> np.ndarray:
        """Probability that a look locked on a target of critical dimension ``size_m`` at ``rng_m`` (m)
        recognises it."""
        return ttpf(self.cycles(size_m, rng_m, night), self.recognition_n50)

    def p_detect_wide(self, size_m, rng_m, night: bool = False) -> np.ndarray:
        """Probability that the wide view detects a target of critical dimension ``size_m`` at ``rng_m`` (m)."""
        return ttpf(self.cycles(size_m, rng_m, night, self.wide_ifov), self.detection_n50)

    def look(
        self, t: float, aim_az: float, aim_el: float, pos: np.ndarray, size_m: np.ndarray, truth_label,
        exists: np.ndarray, label_set: tuple[str, ...], rng: np.random.Generator, night: bool = False,
    ) -> tuple[DetectionBatch, np.ndarray]:
        """One look ending at ``t`` (s) with the wide view centred on (``aim_az``, ``aim_el``) (rad) over
        objects at ``pos`` (n,3) ENU m with critical dimensions ``size_m`` (n,) m, true class names
        ``truth_label`` (n,) and existence ``exists`` (n,); ``label_set``: the class names a recognition can
        give. Returns a ``bearing`` batch whose ``label`` holds the recognition of the locked target
        (``""`` for the others and when nothing was recognised) and, for analysis only, the object index
        behind each detection."""
        pos = np.asarray(pos, float).reshape(-1, 3)
        n = pos.shape[0]
        rae = enu_to_rae(pos, self.position)
        # The same draws per object whatever happens, so one object never shifts another's stream.
        u, r, v = rng.random(n), rng.random(n), rng.random(n)
        other = rng.integers(0, max(len(label_set) - 1, 1), n)
        noise = rng.normal(size=(n, 2))
        half = 0.5 * self.fov
        d_az = wrap_angle(rae[:, 1] - aim_az) * np.cos(rae[:, 2])
        d_el = rae[:, 2] - aim_el
        in_view = (np.abs(d_az) <= half) & (np.abs(d_el) <= half) & (rae[:, 0] <= self.range_max)
        cand = np.asarray(exists, bool) & (pos[:, 2] > 0.0) & in_view
        size_m = np.asarray(size_m, float)
        det = np.flatnonzero(cand & (u < self.p_detect_wide(size_m, rae[:, 0], night)))
        labels = np.full(det.size, "", dtype=object)
        if det.size:
            j = int(np.argmin(np.hypot(d_az[det], d_el[det])))  # the video tracker locks on the nearest
            k = det[j]
            if r[k] < self.p_recognise(size_m[k], rae[k, 0], night):
                true = str(np.asarray(truth_label, dtype=object)[k])
                if v[k] < self.mislabel_share or true not in label_set:
                    labels[j] = other_label(true, label_set, int(other[k]))
                else:
                    labels[j] = true
        z = rae[det, 1:3] + self.sigma_angle * noise[det]
        z[:, 0] = np.mod(z[:, 0], FULL_CIRCLE)
        batch = DetectionBatch(
            sensor_id=self.name, kind="bearing", sensor_pos=self.position, time=np.full(det.size, t), z=z,
            R=np.diag([self.sigma_angle**2, self.sigma_angle**2]), label=labels,
        )
        return batch, det


# --- Presets -----------------------------------------------------------------------------------------
# Illustrative cameras (within the range of commercial surveillance turrets; no single product; sources in
# docs/models.md). Each stares at a 90 deg sector: a real turret covers it by slewing a narrower view.


def infrared_camera(name: str = "ir-camera", position=(0.0, 0.0, 0.0), **overrides) -> EoirModel:
    """A cooled mid-wave IR camera: IFOV 0.1 mrad (a published 15 um pitch behind an assumed 150 mm lens:
    640 px across a 3.7 deg narrow view), angle
    noise 0.1 mrad; a 0.2 m quadcopter has R50 = 0.2 / (2e-4) = 1 km by day and by night."""
    params = dict(band="infrared", ifov=1.0e-4, az_width=np.radians(90.0), sigma_angle=1.0e-4, revisit=0.2)
    return EoirModel(name=name, position=np.asarray(position, float), **{**params, **overrides})


def visible_camera(name: str = "eo-camera", position=(0.0, 0.0, 0.0), **overrides) -> EoirModel:
    """A daylight HD camera: IFOV 0.05 mrad (assumed: 1280 px across a 3.7 deg view), angle noise
    0.05 mrad; a 0.2 m quadcopter has R50 = 2 km by day and 200 m at night (night factor 0.1)."""
    params = dict(band="visible", ifov=5.0e-5, az_width=np.radians(90.0), sigma_angle=5.0e-5, revisit=0.2)
    return EoirModel(name=name, position=np.asarray(position, float), **{**params, **overrides})
