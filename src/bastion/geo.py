"""The site frame: geodetic (WGS84) <-> local east-north-up (ENU) metres about the site origin.

Angles at the edges (scenario files, wire formats) are degrees; inside they are radians. Azimuth is the
compass bearing: clockwise from north towards east, atan2(east, north). Elevation is above the local
horizontal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# WGS84 ellipsoid (NIMA TR8350.2).
WGS84_A = 6378137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)


def geodetic_to_ecef(lat_deg, lon_deg, alt_m) -> np.ndarray:
    """Geodetic latitude/longitude (degrees) and height above the ellipsoid (m) to ECEF metres (..., 3)."""
    lat = np.radians(np.asarray(lat_deg, dtype=float))
    lon = np.radians(np.asarray(lon_deg, dtype=float))
    alt = np.asarray(alt_m, dtype=float)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
    x = (n + alt) * np.cos(lat) * np.cos(lon)
    y = (n + alt) * np.cos(lat) * np.sin(lon)
    z = (n * (1.0 - WGS84_E2) + alt) * np.sin(lat)
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1)


def ecef_to_geodetic(ecef) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECEF metres (..., 3) to geodetic latitude, longitude (degrees) and height (m).

    Bowring's closed form followed by two fixed-point refinements: sub-millimetre anywhere near the
    Earth's surface.
    """
    ecef = np.asarray(ecef, dtype=float)
    x, y, z = ecef[..., 0], ecef[..., 1], ecef[..., 2]
    lon = np.arctan2(y, x)
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1.0 - WGS84_E2))
    for _ in range(3):
        n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
        alt = p / np.cos(lat) - n
        lat = np.arctan2(z, p * (1.0 - WGS84_E2 * n / (n + alt)))
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
    alt = p / np.cos(lat) - n
    return np.degrees(lat), np.degrees(lon), alt


@dataclass(frozen=True)
class SiteFrame:
    """The local tangent plane at the site origin (degrees, metres above the ellipsoid)."""

    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0

    @property
    def _rotation(self) -> np.ndarray:
        """Rows are the unit east, north and up vectors in ECEF."""
        lat, lon = np.radians(self.lat_deg), np.radians(self.lon_deg)
        sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
        return np.array([[-so, co, 0.0], [-sl * co, -sl * so, cl], [cl * co, cl * so, sl]])

    def to_enu(self, lat_deg, lon_deg, alt_m) -> np.ndarray:
        """Geodetic (degrees, metres) to ENU metres (..., 3) about the site origin."""
        origin = geodetic_to_ecef(self.lat_deg, self.lon_deg, self.alt_m)
        d = geodetic_to_ecef(lat_deg, lon_deg, alt_m) - origin
        return d @ self._rotation.T

    def to_geodetic(self, enu) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ENU metres (..., 3) to geodetic latitude, longitude (degrees) and height (m)."""
        origin = geodetic_to_ecef(self.lat_deg, self.lon_deg, self.alt_m)
        ecef = np.asarray(enu, dtype=float) @ self._rotation + origin
        return ecef_to_geodetic(ecef)


def enu_to_rae(enu, sensor_pos=(0.0, 0.0, 0.0)) -> np.ndarray:
    """ENU points (..., 3) to range (m), azimuth (rad, compass, in [0, 2pi)) and elevation (rad)."""
    d = np.asarray(enu, dtype=float) - np.asarray(sensor_pos, dtype=float)
    horiz = np.hypot(d[..., 0], d[..., 1])
    rng = np.sqrt(horiz**2 + d[..., 2] ** 2)
    az = np.mod(np.arctan2(d[..., 0], d[..., 1]), 2.0 * np.pi)
    el = np.arctan2(d[..., 2], horiz)
    return np.stack([rng, az, el], axis=-1)


def rae_to_enu(rae, sensor_pos=(0.0, 0.0, 0.0)) -> np.ndarray:
    """Range (m), azimuth (rad, compass) and elevation (rad) (..., 3) to ENU points about the site."""
    rae = np.asarray(rae, dtype=float)
    r, az, el = rae[..., 0], rae[..., 1], rae[..., 2]
    ce = np.cos(el)
    enu = np.stack([r * ce * np.sin(az), r * ce * np.cos(az), r * np.sin(el)], axis=-1)
    return enu + np.asarray(sensor_pos, dtype=float)


def wrap_angle(a):
    """Wrap angles (rad) to [-pi, pi)."""
    return (np.asarray(a) + np.pi) % (2.0 * np.pi) - np.pi
