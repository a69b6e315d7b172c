"""The winds by height a round meets, as the constant winds that move it alike (ballistic winds).

A round's flight moves with the wind it meets; how much a wind felt at one instant moves it later differs
along the flight and differs between the range (a wind along the line of fire) and the deflection (a wind
across it). Artillery firing tables give this as "weighting factors" per height zone of the ballistic met
message, and the met's ballistic wind is the zones' winds weighted by them, one set for range and one for
deflection (FM 6-40, *Tactics, Techniques, and Procedures for Field Artillery Manual Cannon Gunnery*,
ch. 11; the factors come from the linearised equations of motion).

Here the same comes from the linearised equations of motion about the round's nominal still-air flight
(its flight table): the perturbation of the flight by a wind w(t) obeys d(ds)/dt = A(t) ds + B(t) w(t),
A the Jacobian of the equations of motion and B the drag acceleration's derivative with the air
velocity, integrated forward along the flight once for a wind of 1 m/s at every height and once for the
profile's east and north components. At each instant the ratio of the profile's displacement to the unit
wind's is the constant wind that puts the round where the profile does (to first order): the range and
deflection ballistic winds of the position then, of its velocity, and of the impact (the ground crossing
included). The unit wind's displacements are the flight table's constant-wind slopes, which the tests
check over the whole flight. Units: SI (m, s, m/s, rad).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bastion.physics.atmosphere import density_and_sound_speed
from bastion.physics.rounds import munition

#: RK4 steps of the perturbation equations over a whole flight, shared out between the boost and the
#: coast in proportion to their durations (at least 8 in a boost).
FLIGHT_STEPS = 400
#: Where a wind of 1 m/s at every height moves a round's position by less than this (m; its first instants,
#: and the instant in a rocket's boost where a tail wind's effect changes sign), or its velocity by less
#: than ``MIN_VELOCITY_SLOPE`` (m/s), the ballistic wind there is the local wind: the profile moves the
#: round by less than this times the winds' spread, and the ratio of two small numbers is noise.
MIN_POSITION_SLOPE = 0.05
MIN_VELOCITY_SLOPE = 0.005
#: Height step (m) of the central differences of the air density and speed of sound.
_DZ_M = 1.0


def _grid(t_flight: float, burn_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Step ends (S + 1,) over [0, ``t_flight``] with the burnout on a step end, and each step's burning
    flag (S,)."""
    if 0.0 < burn_s < t_flight:
        n_burn = max(8, int(round(FLIGHT_STEPS * burn_s / t_flight)))
        n_coast = max(8, FLIGHT_STEPS - n_burn)
        t = np.concatenate([np.linspace(0.0, burn_s, n_burn + 1), np.linspace(burn_s, t_flight, n_coast + 1)[1:]])
        burning = np.arange(t.size - 1) < n_burn
    else:
        t = np.linspace(0.0, t_flight, FLIGHT_STEPS + 1)
        burning = np.full(FLIGHT_STEPS, burn_s >= t_flight)
    return t, burning


def _linearised(name: str, site_alt_m: float, t: np.ndarray, z: np.ndarray, vx: np.ndarray, vz: np.ndarray,
                burning: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """At each sample of the nominal still-air flight (times ``t``, height ``z``, downrange and up
    velocity ``vx``, ``vz``; ``burning`` whether the motor burns): the in-plane Jacobian of the acceleration
    (N, 2, 4) in (x, z, vx, vz), the acceleration's derivative with an along-range wind (N, 2), the
    cross-plane velocity's rate coefficient a (dvy/dt = -a vy + b w_cross) and b, each (N,)."""
    m = munition(name)
    speed = np.maximum(np.hypot(vx, vz), 1e-9)
    ux, uz = vx / speed, vz / speed
    alt = np.maximum(z, 0.0) + site_alt_m
    rho, sound = density_and_sound_speed(alt)
    rho_hi, sound_hi = density_and_sound_speed(alt + _DZ_M)
    rho_lo, sound_lo = density_and_sound_speed(np.maximum(alt - _DZ_M, site_alt_m - 1e3))
    rho_z, sound_z = (rho_hi - rho_lo) / (2.0 * _DZ_M), (sound_hi - sound_lo) / (2.0 * _DZ_M)
    mach = speed / sound
    f, f_m = m.drag_curve.value_and_slope(mach)
    boost = m.boost
    if boost is not None:
        mass = boost.mass(t)
        k0 = np.where(burning, 0.5 * boost.cda_m2 / mass, 0.5 / m.beta)
        thrust_acc = np.where(burning, boost.thrust_n / mass, 0.0)
    else:
        k0 = np.full(t.shape, 0.5 / m.beta)
        thrust_acc = np.zeros(t.shape)
    k = k0 * rho * f  # drag acceleration = -k |v| v
    k_speed = k0 * rho * f_m / sound  # dk/d|v|
    k_z = k0 * (rho_z * f - rho * f_m * speed * sound_z / sound**2)  # dk/dz
    # d(k |u| u)/du = k |u| I + (k |u| + |u|^2 dk/d|u|) u^ u^T: the drag's derivative with the air velocity
    iso = k * speed
    aniso = iso + speed**2 * k_speed
    jac = np.zeros((t.size, 2, 4))
    jac[:, 0, 1], jac[:, 1, 1] = -k_z * speed * vx, -k_z * speed * vz
    thrust_turn = thrust_acc / speed  # the thrust follows the ground velocity: (T/m) (I - u^ u^T) / |v|
    jac[:, 0, 2] = -(iso + aniso * ux * ux) + thrust_turn * (1.0 - ux * ux)
    jac[:, 0, 3] = -aniso * ux * uz - thrust_turn * ux * uz
    jac[:, 1, 2] = -aniso * uz * ux - thrust_turn * uz * ux
    jac[:, 1, 3] = -(iso + aniso * uz * uz) + thrust_turn * (1.0 - uz * uz)
    # a wind w moves the air velocity by -w: d(acceleration)/d(along wind) = +drag derivative . e_along
    along = np.stack([iso + aniso * ux * ux, aniso * uz * ux], axis=1)
    return jac, along, iso - thrust_turn, iso




def wind_responses(table, el: float, winds_at: Callable[[np.ndarray], np.ndarray], site_alt_m: float = 0.0):
    """How winds move the round of flight table ``table`` (a ``bastion.assess.launch_fit.FlightTable``)
    fired at elevation ``el`` (rad) from a site at ``site_alt_m`` (m above mean sea level), to first order.
    ``winds_at(z)`` gives C wind components (m/s, (len(z), C)) at heights ``z`` (m), each taken in turn as
    the wind along the line of fire and as the wind toward its right. Returns the times (K,) since launch
    (s, 0 to the time of flight), the heights (K,) there, the in-plane displacements (K, 4, C) of downrange,
    height and their rates (m, m/s) by each along-range wind, the drift and its rate (K, 2, C) by each
    wind toward the right, and the impact's range and drift (C,) each (m). None for a flight the table
    does not land."""
    _, t_flight, _, _ = table.impact(el)
    if not t_flight > 0.0:
        return None
    boost = munition(table.name).boost
    t, burning = _grid(t_flight, 0.0 if boost is None else boost.burn_time_s)
    h = np.diff(t)
    n = h.size
    # Each step's start, middle and end, with the step's own burning flag at all three (a step never
    # straddles the burnout).
    pts = np.concatenate([t[:-1], t[:-1] + 0.5 * h, t[1:]])
    _, z, vx, vz, *_ = table.at(pts, np.full(pts.shape, el))
    jac, along, cross_a, cross_b = _linearised(table.name, site_alt_m, pts, z, vx, vz, np.tile(burning, 3))
    u = np.asarray(winds_at(z), dtype=float)
    c = u.shape[1]
    jac, along, cross_a, cross_b, u = (a.reshape((3, n) + a.shape[1:]) for a in (jac, along, cross_a, cross_b, u))
    plane = np.zeros((n + 1, 4, c))
    cross = np.zeros((n + 1, 2, c))
    p, q = plane[0].copy(), cross[0].copy()

    def dp(p_now: np.ndarray, k: int, i: int) -> np.ndarray:
        # d/dt (x, z, vx, vz) = (vx, vz, A_v (x, z, vx, vz)) + (0, 0, B w)
        return np.concatenate([p_now[2:], jac[k, i] @ p_now + along[k, i][:, None] * u[k, i][None, :]])

    def dq(q_now: np.ndarray, k: int, i: int) -> np.ndarray:
        return np.stack([q_now[1], -cross_a[k, i] * q_now[1] + cross_b[k, i] * u[k, i]])

    for i in range(n):
        hh = h[i]
        k1, l1 = dp(p, 0, i), dq(q, 0, i)
        k2, l2 = dp(p + 0.5 * hh * k1, 1, i), dq(q + 0.5 * hh * l1, 1, i)
        k3, l3 = dp(p + 0.5 * hh * k2, 1, i), dq(q + 0.5 * hh * l2, 1, i)
        k4, l4 = dp(p + hh * k3, 2, i), dq(q + hh * l3, 2, i)
        p = p + hh / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        q = q + hh / 6.0 * (l1 + 2.0 * l2 + 2.0 * l3 + l4)
        plane[i + 1], cross[i + 1] = p, q
    # At the ground the impact's range moves by dx - (vx / vz) dz (the drift's rate is 0 on the nominal).
    _, _, vx_end, vz_end, *_ = table.at(np.array([t_flight]), np.array([el]))
    impact_range = p[0] - float(vx_end[0]) / min(float(vz_end[0]), -1e-6) * p[1]
    heights = np.concatenate([z.reshape(3, n)[0], z.reshape(3, n)[2, -1:]])
    return t, heights, plane, cross, impact_range, q[0].copy()


def _ratio(moved: np.ndarray, unit: np.ndarray, local: np.ndarray, floor: float, lo: np.ndarray,
           hi: np.ndarray) -> np.ndarray:
    """The constant winds (..., 2) that move a quantity as the profile's east and north components do
    (``moved`` (..., 2)) given the unit wind's ``unit`` (...); the ``local`` wind where ``unit`` is below
    ``floor``; within the profile's range of winds [``lo``, ``hi``] on the flight."""
    unit = np.asarray(unit, dtype=float)[..., None]
    big = np.abs(unit) >= floor
    ratio = np.where(big, moved / np.where(big, unit, 1.0), local)
    return np.clip(ratio, lo, hi)


def _along_across(range_wind: np.ndarray, deflection_wind: np.ndarray, sa: float, ca: float) -> np.ndarray:
    """(..., 2) east, north: the range winds' components along a line of fire of azimuth sin ``sa``, cos
    ``ca`` and the deflection winds' across it."""
    along = range_wind[..., 0] * sa + range_wind[..., 1] * ca
    right = deflection_wind[..., 0] * ca - deflection_wind[..., 1] * sa
    return np.stack([along * sa + right * ca, along * ca - right * sa], axis=-1)


@dataclass(frozen=True)
class FlightWinds:
    """The ballistic winds of one round fired at one elevation through a wind by height: at each instant
    of its flight the constant winds (east, north m/s) that put its position, and its velocity, where the
    profile does (along the line of fire the range winds, across it the deflection winds), and those of
    its impact.

    Attributes:
        t: (K,) times since launch (s).
        position_range, position_deflection, velocity_range, velocity_deflection: (K, 2) each.
        impact_range, impact_deflection: (2,) each.
    """

    t: np.ndarray
    position_range: np.ndarray
    position_deflection: np.ndarray
    velocity_range: np.ndarray
    velocity_deflection: np.ndarray
    impact_range: np.ndarray
    impact_deflection: np.ndarray

    def at(self, tau: np.ndarray, az: float) -> tuple[np.ndarray, np.ndarray]:
        """The winds (n, 2) east, north (m/s) of the positions and of the velocities at times ``tau`` (n,)
        since launch (s; held within the flight) on a line of fire of azimuth ``az`` (rad)."""
        tau = np.asarray(tau, dtype=float)
        cols = np.column_stack([self.position_range, self.position_deflection, self.velocity_range,
                                self.velocity_deflection])
        k = np.clip(np.searchsorted(self.t, tau, side="right") - 1, 0, self.t.size - 2)
        w = np.clip((tau - self.t[k]) / (self.t[k + 1] - self.t[k]), 0.0, 1.0)[:, None]
        v = (1.0 - w) * cols[k] + w * cols[k + 1]
        sa, ca = math.sin(az), math.cos(az)
        return _along_across(v[:, 0:2], v[:, 2:4], sa, ca), _along_across(v[:, 4:6], v[:, 6:8], sa, ca)

    def impact(self, az: float) -> np.ndarray:
        """The wind (2,) east, north (m/s) that moves the impact as the profile does, azimuth ``az`` (rad)."""
        return _along_across(self.impact_range, self.impact_deflection, math.sin(az), math.cos(az))


def flight_winds(table, el: float, profile, site_alt_m: float = 0.0) -> FlightWinds:
    """The :class:`FlightWinds` of the round of ``table`` fired at elevation ``el`` (rad) through the wind by
    height ``profile`` (a ``bastion.physics.ballistic.WindProfile``); for a flight the table does not land,
    the ground's wind throughout."""
    def winds_at(z: np.ndarray) -> np.ndarray:
        w = profile.at(z)
        return np.column_stack([np.ones(z.size), w[:, 0], w[:, 1]])

    out = wind_responses(table, el, winds_at, site_alt_m)
    if out is None:
        ground = np.tile(profile.at([0.0])[0, :2], (2, 1))
        return FlightWinds(np.array([0.0, 1.0]), ground, ground, ground, ground, ground[0], ground[0].copy())
    t, heights, plane, cross, impact_range, impact_drift = out
    local = profile.at(heights)[:, :2]
    lo, hi = local.min(axis=0), local.max(axis=0)
    pos_r = _ratio(plane[:, 0, 1:], plane[:, 0, 0], local, MIN_POSITION_SLOPE, lo, hi)
    vel_r = _ratio(plane[:, 2, 1:], plane[:, 2, 0], local, MIN_VELOCITY_SLOPE, lo, hi)
    pos_d = _ratio(cross[:, 0, 1:], cross[:, 0, 0], local, MIN_POSITION_SLOPE, lo, hi)
    vel_d = _ratio(cross[:, 1, 1:], cross[:, 1, 0], local, MIN_VELOCITY_SLOPE, lo, hi)
    mean = local.mean(axis=0)
    imp_r = _ratio(impact_range[1:], impact_range[0], mean, MIN_POSITION_SLOPE, lo, hi)
    imp_d = _ratio(impact_drift[1:], impact_drift[0], mean, MIN_POSITION_SLOPE, lo, hi)
    return FlightWinds(t, pos_r, pos_d, vel_r, vel_d, imp_r, imp_d)
