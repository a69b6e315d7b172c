"""ICAO standard atmosphere (identical to the U.S. Standard Atmosphere 1976 below 32 km).

Sources (see docs/models.md): ICAO Doc 7488/3 "Manual of the ICAO Standard Atmosphere" and
U.S. Standard Atmosphere 1976 (NOAA/NASA/USAF, NOAA-S/T 76-1562): sea-level temperature 288.15 K,
pressure 101 325 Pa, lapse rate -6.5 K/km to 11 km geopotential, isothermal 216.65 K to 20 km,
+1.0 K/km to 32 km, +2.8 K/km to 47 km; air gas constant R = 287.05287 J/(kg K); ratio of specific heats
1.4; effective Earth radius for geopotential altitude 6 356 766 m; g0 = 9.80665 m/s^2.

All functions take altitudes in metres (scalars or arrays, any shape) and are vectorised. ``geometric``
selects whether the altitude is geometric (height above mean sea level, the default: what the site frame
gives) or geopotential. Below -5 km and above 47 km the nearest layer is extrapolated; nothing a rocket or
mortar reaches gets close to either limit.
"""

from __future__ import annotations

import numpy as np

#: Standard gravity (m/s^2), CGPM 1901 / ICAO Doc 7488.
G0 = 9.80665
#: Specific gas constant of dry air (J/(kg K)), U.S. Standard Atmosphere 1976 (R*/M0).
R_AIR = 287.05287
#: Ratio of specific heats of air (dimensionless), ICAO Doc 7488.
GAMMA = 1.4
#: Effective Earth radius for the geopotential altitude (m), U.S. Standard Atmosphere 1976.
R_EARTH_GEOPOTENTIAL = 6_356_766.0
#: Sea-level standard temperature (K), pressure (Pa) and density (kg/m^3), ICAO Doc 7488.
T0 = 288.15
P0 = 101_325.0
RHO0 = P0 / (R_AIR * T0)  # 1.2250 kg/m^3

# Layer bases (geopotential m) and lapse rates (K/m): troposphere, tropopause, two stratosphere layers.
_H_BASE = np.array([0.0, 11_000.0, 20_000.0, 32_000.0])
_LAPSE = np.array([-0.0065, 0.0, 0.0010, 0.0028])


def _layer_bases() -> tuple[np.ndarray, np.ndarray]:
    """Base temperature (K) and pressure (Pa) of each layer, integrated from sea level."""
    t_base = np.empty_like(_H_BASE)
    p_base = np.empty_like(_H_BASE)
    t_base[0], p_base[0] = T0, P0
    for i in range(1, len(_H_BASE)):
        dh = _H_BASE[i] - _H_BASE[i - 1]
        t_base[i], p_base[i] = _layer_tp(dh, t_base[i - 1], p_base[i - 1], _LAPSE[i - 1])
    return t_base, p_base


def _layer_tp(dh, t_b, p_b, lapse):
    """Temperature and pressure ``dh`` geopotential metres above a layer base (hydrostatic, ideal gas)."""
    dh = np.asarray(dh, dtype=float)
    lapse = np.asarray(lapse, dtype=float)
    t = t_b + lapse * dh
    iso = lapse == 0.0
    safe_lapse = np.where(iso, 1.0, lapse)
    p_grad = p_b * (t_b / t) ** (G0 / (R_AIR * safe_lapse))
    p_iso = p_b * np.exp(-G0 * dh / (R_AIR * t_b))
    return t, np.where(iso, p_iso, p_grad)


_T_BASE, _P_BASE = _layer_bases()


def geopotential_altitude(z_m) -> np.ndarray:
    """Geopotential altitude (m) of a geometric altitude ``z_m`` (m): H = r0 z / (r0 + z)."""
    z = np.asarray(z_m, dtype=float)
    return R_EARTH_GEOPOTENTIAL * z / (R_EARTH_GEOPOTENTIAL + z)


def geometric_altitude(h_m) -> np.ndarray:
    """Geometric altitude (m) of a geopotential altitude ``h_m`` (m): z = r0 H / (r0 - H)."""
    h = np.asarray(h_m, dtype=float)
    return R_EARTH_GEOPOTENTIAL * h / (R_EARTH_GEOPOTENTIAL - h)


def temperature_pressure(alt_m, *, geometric: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Static temperature (K) and pressure (Pa) at altitude ``alt_m`` (m)."""
    h = geopotential_altitude(alt_m) if geometric else np.asarray(alt_m, dtype=float)
    i = np.clip(np.searchsorted(_H_BASE, h, side="right") - 1, 0, len(_H_BASE) - 1)
    return _layer_tp(h - _H_BASE[i], _T_BASE[i], _P_BASE[i], _LAPSE[i])


def temperature(alt_m, *, geometric: bool = True) -> np.ndarray:
    """Static air temperature (K) at altitude ``alt_m`` (m)."""
    return temperature_pressure(alt_m, geometric=geometric)[0]


def pressure(alt_m, *, geometric: bool = True) -> np.ndarray:
    """Static air pressure (Pa) at altitude ``alt_m`` (m)."""
    return temperature_pressure(alt_m, geometric=geometric)[1]


def density(alt_m, *, geometric: bool = True) -> np.ndarray:
    """Air density (kg/m^3) at altitude ``alt_m`` (m): rho = p / (R T)."""
    t, p = temperature_pressure(alt_m, geometric=geometric)
    return p / (R_AIR * t)


def speed_of_sound(alt_m, *, geometric: bool = True) -> np.ndarray:
    """Speed of sound (m/s) at altitude ``alt_m`` (m): a = sqrt(gamma R T)."""
    return np.sqrt(GAMMA * R_AIR * temperature(alt_m, geometric=geometric))


def density_and_sound_speed(alt_m, *, geometric: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Density (kg/m^3) and speed of sound (m/s) at ``alt_m`` (m) in one pass (the integrator's hot path)."""
    t, p = temperature_pressure(alt_m, geometric=geometric)
    return p / (R_AIR * t), np.sqrt(GAMMA * R_AIR * t)


# Tabulated log-density and speed of sound on a 5 m grid of geometric altitude from -2 km to 47 km (plus
# the layer boundaries, where the lapse rate kinks), for the integrator's hot path: linear interpolation
# of ln(rho) on this grid is exact to ~1e-7 relative (tests/physics/test_atmosphere.py checks it).
TABLE_Z_M = np.union1d(np.arange(-2_000.0, 47_000.0 + 5.0, 5.0), geometric_altitude(_H_BASE))
TABLE_LN_RHO = np.log(density(TABLE_Z_M))
TABLE_SOUND_SPEED = speed_of_sound(TABLE_Z_M)


def density_and_sound_speed_table(z_m) -> tuple[np.ndarray, np.ndarray]:
    """Density (kg/m^3) and speed of sound (m/s) at geometric altitude ``z_m`` (m), from a fine table.

    Held constant beyond the table (-2 km to 47 km).
    """
    z = np.asarray(z_m, dtype=float)
    return np.exp(np.interp(z, TABLE_Z_M, TABLE_LN_RHO)), np.interp(z, TABLE_Z_M, TABLE_SOUND_SPEED)
