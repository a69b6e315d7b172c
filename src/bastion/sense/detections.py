"""The detection batch: what every sensor model and every live adapter hands to the tracker.

One batch is one dwell (or one scan) of one sensor, struct-of-arrays. Measurement kinds:

- ``radar``: z = [range (m), azimuth (rad, compass), elevation (rad)]
- ``radar_doppler``: z = [range (m), azimuth (rad), elevation (rad), range rate (m/s, + = opening)]
- ``cartesian``: z = [east, north, up] (m, site ENU)
- ``bearing``: z = [azimuth (rad), elevation (rad)] (angle-only: EO/IR, RF detector)

Angles in ``z`` are not wrapped specially; consumers must wrap azimuth innovations to [-pi, pi).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MEAS_DIM = {"radar": 3, "radar_doppler": 4, "cartesian": 3, "bearing": 2}


@dataclass(frozen=True, eq=False)
class DetectionBatch:
    """Detections from one sensor dwell.

    Attributes:
        sensor_id: the sensor's name in the scenario.
        kind: measurement kind (a key of ``MEAS_DIM``).
        sensor_pos: (3,) sensor position, ENU metres.
        time: (n,) detection times, seconds from the scenario epoch (non-decreasing).
        z: (n, m) measurements, units as in the module docstring.
        R: (n, m, m) measurement noise covariances, same units squared.
        rcs_m2: (n,) the sensor's estimate of radar cross-section (m^2), NaN where it has none.
        rf_link: (n,) True where an RF detector attributes the detection to a control link.
        label: (n,) the sensor's own recognition of what it detected (a track class name, e.g. a camera's
            ``"quadcopter"``), ``""`` where it recognised nothing.
    """

    sensor_id: str
    kind: str
    sensor_pos: np.ndarray
    time: np.ndarray
    z: np.ndarray
    R: np.ndarray
    rcs_m2: np.ndarray = field(default=None)  # type: ignore[assignment]
    rf_link: np.ndarray = field(default=None)  # type: ignore[assignment]
    label: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.kind not in MEAS_DIM:
            raise ValueError(f"detection batch from {self.sensor_id!r}: unknown kind {self.kind!r}")
        m = MEAS_DIM[self.kind]
        z = np.asarray(self.z, dtype=float).reshape(-1, m)
        n = z.shape[0]
        t = np.broadcast_to(np.asarray(self.time, dtype=float), (n,)).copy()
        R = np.asarray(self.R, dtype=float)
        R = np.broadcast_to(R, (n, m, m)).copy() if R.ndim == 2 else R.reshape(n, m, m)
        rcs = np.full(n, np.nan) if self.rcs_m2 is None else np.asarray(self.rcs_m2, float).reshape(n)
        rf = np.zeros(n, bool) if self.rf_link is None else np.asarray(self.rf_link, bool).reshape(n)
        object.__setattr__(self, "z", z)
        object.__setattr__(self, "time", t)
        object.__setattr__(self, "R", R)
        object.__setattr__(self, "rcs_m2", rcs)
        object.__setattr__(self, "rf_link", rf)
        labels = np.full(n, "", dtype=object) if self.label is None else np.asarray(self.label, object).reshape(-1)
        if labels.size != n:
            raise ValueError(f"detection batch from {self.sensor_id!r}: {labels.size} labels for {n} detections")
        object.__setattr__(self, "label", labels)
        object.__setattr__(self, "sensor_pos", np.asarray(self.sensor_pos, dtype=float).reshape(3))
        if not (np.all(np.isfinite(z)) and np.all(np.isfinite(t)) and np.all(np.isfinite(R))):
            raise ValueError(f"detection batch from {self.sensor_id!r}: non-finite time, z or R")
        if n:
            try:  # a covariance must be one: a negative or zero variance would poison the tracker's gates
                np.linalg.cholesky(R)
            except np.linalg.LinAlgError:
                sym = 0.5 * (R + np.swapaxes(R, 1, 2))
                bad = np.flatnonzero(np.linalg.eigvalsh(sym).min(axis=1) <= 0.0)
                which = f"detection {int(bad[0])}" if bad.size else "a detection"
                raise ValueError(f"detection batch from {self.sensor_id!r}: R of {which} is not a "
                                 "positive-definite covariance") from None

    def __len__(self) -> int:
        return self.z.shape[0]

    @property
    def dim(self) -> int:
        return MEAS_DIM[self.kind]

    def subset(self, index) -> DetectionBatch:
        """The detections selected by ``index`` (a boolean mask or integer indices)."""
        return DetectionBatch(
            self.sensor_id,
            self.kind,
            self.sensor_pos,
            self.time[index],
            self.z[index],
            self.R[index],
            self.rcs_m2[index],
            self.rf_link[index],
            self.label[index],
        )


def other_label(true: str, label_set: tuple[str, ...], k: int) -> str:
    """The ``k``-th (modulo their number) of the names in ``label_set`` other than ``true``: a sensor's wrong
    name, ``k`` a uniform random integer."""
    others = [c for c in label_set if c != true]
    return others[k % len(others)]
