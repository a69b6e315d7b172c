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

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bastion.physics.atmosphere import density_and_sound_speed
from bastion.physics.ballistic import WindProfile
from bastion.physics.rounds import munition

if TYPE_CHECKING:  # the flight table's module imports this one
    from bastion.assess.launch_fit import FlightTable

#: RK4 steps of the perturbation equations over a whole flight, of which a rocket's burn takes
#: ``BOOST_STEPS`` (its thrust and mass change fastest there; a 122 mm rocket's 1.8 s in 40 steps).
FLIGHT_STEPS = 400
BOOST_STEPS = 40
#: Where a wind of 1 m/s at every height moves a round's position by less than this (m; its first instants,
#: and the instant in a rocket's boost where a tail wind's effect changes sign), or its velocity by less
#: than ``MIN_VELOCITY_SLOPE`` (m/s), the ballistic wind there is the local wind: the profile moves the
#: round by less than this times the winds' spread, and the ratio of two small numbers is noise.
MIN_POSITION_SLOPE = 0.05
MIN_VELOCITY_SLOPE = 0.005
#: Ballistic winds are computed at every this many flight-table elevations (0.5 deg: a 0.25 deg change of a
#: flight's elevation changes them by at most 0.02 of the winds' spread over height, measured on rockets
#: and shells in the deep veering shear of the assessment benchmark) and blended between them.
ROW_STRIDE = 2
#: Height step (m) of the central differences of the air density and speed of sound.
_DZ_M = 1.0


def _grids(t_flight: np.ndarray, burn_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Step ends (E, S + 1) over [0, ``t_flight``] (E,) of each flight, with the burnout on a step end
    (``BOOST_STEPS`` steps over the burn, the rest over the coast), and each step's burning flag (E, S)."""
    n = FLIGHT_STEPS
    frac = np.linspace(0.0, 1.0, n + 1)
    t = t_flight[:, None] * frac[None, :]
    burning = np.zeros((t_flight.size, n), bool)
    if burn_s > 0.0:
        long = t_flight > burn_s
        nb = BOOST_STEPS
        t[long, :nb + 1] = burn_s * np.linspace(0.0, 1.0, nb + 1)[None, :]
        t[long, nb:] = burn_s + (t_flight[long, None] - burn_s) * np.linspace(0.0, 1.0, n - nb + 1)[None, :]
        burning[long, :nb] = True
        burning[~long] = True  # a flight that ends in its burn
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
    rho_lo, sound_lo = density_and_sound_speed(alt - _DZ_M)
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


def wind_responses(table: FlightTable, el: np.ndarray, winds_at: Callable[[np.ndarray], np.ndarray],
                   site_alt_m: float = 0.0) -> tuple[np.ndarray, ...]:
    """How winds move the round of flight table ``table`` fired at elevations ``el`` (E,) (rad) from a site at
    ``site_alt_m`` (m above mean sea level), to first order, all elevations in one batch. ``winds_at(z)`` gives C
    wind components (m/s, (len(z), C)) at heights ``z`` (m), each taken in turn as the wind along the line of fire
    and as the wind toward its right. Returns, per elevation, the times (E, K) since launch (s, 0 to the time of
    flight), the heights (E, K) there, the in-plane displacements (E, K, 4, C) of downrange, height and their rates
    (m, m/s) by each along-range wind, the drift and its rate (E, K, 2, C) by each wind toward the right, the
    impact's range and drift (E, C) each (m), and whether the table lands the flight (E,); a flight it does not land
    is given a 1 s flight (its values are not to be used)."""
    el = np.atleast_1d(np.asarray(el, dtype=float))
    n_el = el.size
    t_flight = np.array([table.impact(float(e))[1] for e in el])
    lands = t_flight > 0.0
    t_flight = np.where(lands, t_flight, 1.0)
    boost = munition(table.name).boost
    t, burning = _grids(t_flight, 0.0 if boost is None else boost.burn_time_s)
    h = np.diff(t, axis=1)  # (E, n)
    n = h.shape[1]
    # Each step's start, middle and end, with the step's own burning flag at all three (a step never
    # straddles the burnout): (3, E, n).
    pts = np.stack([t[:, :-1], t[:, :-1] + 0.5 * h, t[:, 1:]])
    z, vx, vz = (a.ravel() for a in table.height_and_velocity(pts, el[None, :, None]))
    jac, along, cross_a, cross_b = _linearised(table.name, site_alt_m, pts.ravel(), z, vx, vz,
                                               np.broadcast_to(burning[None], pts.shape).ravel())
    u = np.asarray(winds_at(z), dtype=float)
    c = u.shape[1]

    # Per step i and stage k (start, middle, end), contiguous: the Jacobian (E, 2, 4), the winds' forcing
    # B w of the in-plane rates (E, 2, C), the drift rate's damping (E, 1) and forcing (E, C).
    def per_step(a: np.ndarray) -> np.ndarray:
        a = a.reshape((3, n_el, n) + a.shape[1:])
        return np.ascontiguousarray(np.moveaxis(a, 2, 0))

    jac = per_step(jac)
    forcing = per_step(along[:, :, None] * u[:, None, :])
    damping = per_step(cross_a)[..., None]
    drift_forcing = per_step(cross_b[:, None] * u)
    plane = np.zeros((n_el, n + 1, 4, c))
    cross = np.zeros((n_el, n + 1, 2, c))
    p, q = plane[:, 0].copy(), cross[:, 0].copy()

    def dp(p_now: np.ndarray, i: int, k: int) -> np.ndarray:
        # d/dt (x, z, vx, vz) = (vx, vz, A_v (x, z, vx, vz) + B w)
        return np.concatenate([p_now[:, 2:], jac[i, k] @ p_now + forcing[i, k]], axis=1)

    def dq(q_now: np.ndarray, i: int, k: int) -> np.ndarray:
        # d/dt (y, vy) = (vy, -a vy + b w)
        return np.stack([q_now[:, 1], drift_forcing[i, k] - damping[i, k] * q_now[:, 1]], axis=1)

    for i in range(n):
        hh = h[:, i][:, None, None]
        k1, l1 = dp(p, i, 0), dq(q, i, 0)
        k2, l2 = dp(p + 0.5 * hh * k1, i, 1), dq(q + 0.5 * hh * l1, i, 1)
        k3, l3 = dp(p + 0.5 * hh * k2, i, 1), dq(q + 0.5 * hh * l2, i, 1)
        k4, l4 = dp(p + hh * k3, i, 2), dq(q + hh * l3, i, 2)
        p = p + hh / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        q = q + hh / 6.0 * (l1 + 2.0 * l2 + 2.0 * l3 + l4)
        plane[:, i + 1], cross[:, i + 1] = p, q
    # At the ground the impact's range moves by dx - (vx / vz) dz (the drift's rate is 0 on the nominal).
    _, vx_end, vz_end = table.height_and_velocity(t_flight, el)
    impact_range = p[:, 0] - (vx_end / np.minimum(vz_end, -1e-6))[:, None] * p[:, 1]
    z = z.reshape(3, n_el, n)
    heights = np.concatenate([z[0], z[2][:, -1:]], axis=1)
    return t, heights, plane, cross, impact_range, q[:, 0].copy(), lands


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
        cols = self._columns
        k = np.clip(np.searchsorted(self.t, tau, side="right") - 1, 0, self.t.size - 2)
        w = np.clip((tau - self.t[k]) / (self.t[k + 1] - self.t[k]), 0.0, 1.0)[:, None]
        v = (1.0 - w) * cols[k] + w * cols[k + 1]
        sa, ca = math.sin(az), math.cos(az)
        return _along_across(v[:, 0:2], v[:, 2:4], sa, ca), _along_across(v[:, 4:6], v[:, 6:8], sa, ca)

    @functools.cached_property
    def _columns(self) -> np.ndarray:
        """(K, 8) the four winds side by side: :meth:`at` runs in every model evaluation of a fit."""
        return np.column_stack([self.position_range, self.position_deflection, self.velocity_range,
                                self.velocity_deflection])

    def impact(self, az: float) -> np.ndarray:
        """The wind (2,) east, north (m/s) that moves the impact as the profile does, azimuth ``az`` (rad)."""
        return _along_across(self.impact_range, self.impact_deflection, math.sin(az), math.cos(az))


def flight_winds(table: FlightTable, el: np.ndarray, profile: WindProfile,
                 site_alt_m: float = 0.0) -> list[FlightWinds]:
    """The :class:`FlightWinds` of the round of ``table`` fired at each of elevations ``el`` (E,) (rad)
    through the wind by height ``profile``, in one batch;
    for a flight the table does not land, the ground's wind throughout."""
    def winds_at(z: np.ndarray) -> np.ndarray:
        w = profile.at(z)
        return np.column_stack([np.ones(z.size), w[:, 0], w[:, 1]])

    t, heights, plane, cross, impact_range, impact_drift, lands = wind_responses(table, el, winds_at, site_alt_m)
    n_el, k = heights.shape
    local = profile.at(heights.ravel())[:, :2].reshape(n_el, k, 2)
    lo, hi = local.min(axis=1, keepdims=True), local.max(axis=1, keepdims=True)
    pos_r = _ratio(plane[:, :, 0, 1:], plane[:, :, 0, 0], local, MIN_POSITION_SLOPE, lo, hi)
    pos_d = _ratio(cross[:, :, 0, 1:], cross[:, :, 0, 0], local, MIN_POSITION_SLOPE, lo, hi)
    vel_r = _ratio(plane[:, :, 2, 1:], plane[:, :, 2, 0], local, MIN_VELOCITY_SLOPE, lo, hi)
    vel_d = _ratio(cross[:, :, 1, 1:], cross[:, :, 1, 0], local, MIN_VELOCITY_SLOPE, lo, hi)
    mean, lo, hi = local.mean(axis=1), lo[:, 0], hi[:, 0]
    imp_r = _ratio(impact_range[:, 1:], impact_range[:, 0], mean, MIN_POSITION_SLOPE, lo, hi)
    imp_d = _ratio(impact_drift[:, 1:], impact_drift[:, 0], mean, MIN_POSITION_SLOPE, lo, hi)
    ground = profile.at([0.0])[0, :2]
    still = np.tile(ground, (2, 1))
    return [FlightWinds(t[j], pos_r[j], pos_d[j], vel_r[j], vel_d[j], imp_r[j], imp_d[j]) if lands[j] else
            FlightWinds(np.array([0.0, 1.0]), still, still, still, still, ground.copy(), ground.copy())
            for j in range(n_el)]


@dataclass(frozen=True)
class BallisticWinds:
    """A round's :class:`FlightWinds` at evenly spaced elevations ``el`` (E,) (rad), blended linearly between
    the two nearest for any elevation (held within the grid; a non-finite one takes the middle), so that
    a fit's winds follow its elevation as it moves."""

    el: np.ndarray
    rows: tuple[FlightWinds, ...]

    def _pair(self, el: float) -> tuple[int, float]:
        n = len(self.rows)
        if n == 1:
            return 0, 0.0
        u = (el - self.el[0]) / (self.el[1] - self.el[0]) if math.isfinite(el) else 0.5 * (n - 1)
        u = min(max(u, 0.0), n - 1 - 1e-9)
        return int(u), u - int(u)

    def at(self, tau: np.ndarray, az: float, el: float) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`FlightWinds.at` for a flight at elevation ``el`` (rad)."""
        i, w = self._pair(el)
        pos, vel = self.rows[i].at(tau, az)
        if w == 0.0:
            return pos, vel
        pos_b, vel_b = self.rows[i + 1].at(tau, az)
        return (1.0 - w) * pos + w * pos_b, (1.0 - w) * vel + w * vel_b

    def impact(self, az: float, el: float) -> np.ndarray:
        """:meth:`FlightWinds.impact` for a flight at elevation ``el`` (rad)."""
        i, w = self._pair(el)
        out = self.rows[i].impact(az)
        return out if w == 0.0 else (1.0 - w) * out + w * self.rows[i + 1].impact(az)


def ballistic_winds(table: FlightTable, profile: WindProfile, site_alt_m: float = 0.0) -> BallisticWinds:
    """The :class:`BallisticWinds` of the round of ``table`` through the wind by height ``profile`` at every
    ``ROW_STRIDE``-th elevation of its table, in one batch."""
    el = table.el[::ROW_STRIDE]
    return BallisticWinds(el, tuple(flight_winds(table, el, profile, site_alt_m)))
