"""Measurement models, vectorised: predicted measurement and its Jacobian for K states at once.

Kinds (see ``bastion.sense.detections``): ``cartesian`` [e, n, u] (m); ``radar`` [range (m), azimuth
(rad, compass), elevation (rad)]; ``radar_doppler`` [range, azimuth, elevation, range rate (m/s,
+ = opening)]; ``bearing`` [azimuth, elevation] (angle-only). Updates are extended Kalman (EKF), iterated
where one step misjudges the plot (``bastion.track.imm.update``): the Jacobians are analytic.
"""

from __future__ import annotations

import numpy as np

from bastion.geo import rae_to_enu, wrap_angle

# Index of the azimuth component in each kind's measurement vector (wrapped in innovations).
AZIMUTH_INDEX = {"cartesian": None, "radar": 1, "radar_doppler": 1, "bearing": 0}


def predict_measurement(kind: str, x: np.ndarray, sensor_pos: np.ndarray,
                        jacobian: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Predicted measurements (K, m) and Jacobians (K, m, D) for states x (K, D>=6) seen from
    ``sensor_pos`` (3,) ENU metres; ``jacobian=False`` skips the Jacobians (returned as None)."""
    K, D = x.shape
    if kind == "cartesian":
        if not jacobian:
            return x[:, :3].copy(), None
        H = np.zeros((K, 3, D))
        H[:, [0, 1, 2], [0, 1, 2]] = 1.0
        return x[:, :3].copy(), H
    d = x[:, :3] - sensor_pos
    de, dn, du = d[:, 0], d[:, 1], d[:, 2]
    rho2 = np.maximum(de * de + dn * dn, 1e-6)
    rho = np.sqrt(rho2)
    r2 = rho2 + du * du
    r = np.sqrt(r2)
    az = np.arctan2(de, dn)
    el = np.arctan2(du, rho)
    v = x[:, 3:6]
    rr = np.einsum("ki,ki->k", d, v) / r if kind == "radar_doppler" else None
    zhat = np.stack([az, el] if kind == "bearing" else [r, az, el] if rr is None else [r, az, el, rr], axis=1)
    if not jacobian:
        return zhat, None
    daz = np.stack([dn / rho2, -de / rho2, np.zeros(K)], axis=1)
    delv = np.stack([-de * du / (rho * r2), -dn * du / (rho * r2), rho / r2], axis=1)
    if kind == "bearing":
        H = np.zeros((K, 2, D))
        H[:, 0, :3], H[:, 1, :3] = daz, delv
        return zhat, H
    H = np.zeros((K, zhat.shape[1], D))
    H[:, 0, :3] = d / r[:, None]
    H[:, 1, :3], H[:, 2, :3] = daz, delv
    if rr is not None:
        H[:, 3, :3] = (v - (rr / r)[:, None] * d) / r[:, None]
        H[:, 3, 3:6] = d / r[:, None]
    return zhat, H


def innovation(kind: str, z: np.ndarray, zhat: np.ndarray) -> np.ndarray:
    """z - zhat (K, m), with the azimuth difference wrapped to [-pi, pi)."""
    nu = z - zhat
    ia = AZIMUTH_INDEX[kind]
    if ia is not None:
        nu[:, ia] = wrap_angle(nu[:, ia])
    return nu


def to_cartesian(kind: str, z: np.ndarray, R: np.ndarray, sensor_pos: np.ndarray):
    """Positions (n, 3) and their covariances (n, 3, 3) (linearised) of position-giving detections.

    Used by initiation and by the kd-tree pre-gate; bearings give no position (raises ValueError)."""
    if kind == "cartesian":
        return z.copy(), R.copy()
    if kind == "bearing":
        raise ValueError("angle-only detections carry no position")
    r, az, el = z[:, 0], z[:, 1], z[:, 2]
    pos = rae_to_enu(z[:, :3], sensor_pos)
    ca, sa, ce, se = np.cos(az), np.sin(az), np.cos(el), np.sin(el)
    J = np.zeros((z.shape[0], 3, 3))
    J[:, 0, 0], J[:, 0, 1], J[:, 0, 2] = ce * sa, r * ce * ca, -r * se * sa
    J[:, 1, 0], J[:, 1, 1], J[:, 1, 2] = ce * ca, -r * ce * sa, -r * se * ca
    J[:, 2, 0], J[:, 2, 2] = se, r * ce
    Rp = R[:, :3, :3]
    return pos, J @ Rp @ J.transpose(0, 2, 1)


def unit_direction(kind: str, z: np.ndarray) -> np.ndarray:
    """Unit line-of-sight vectors (n, 3) ENU of angle measurements (bearing kind)."""
    az, el = z[:, 0], z[:, 1]
    ce = np.cos(el)
    return np.stack([ce * np.sin(az), ce * np.cos(az), np.sin(el)], axis=1)
