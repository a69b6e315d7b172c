"""Range and deflection weighting of a wind by height along a round's flight (the ballistic wind).

A round's impact moves with the wind it meets; how much a wind felt at one instant of the flight moves it
differs along the flight and differs between the range (a wind along the line of fire) and the deflection
(a wind across it). Artillery firing tables give these as "weighting factors" per height zone of the
ballistic met message, and the met's ballistic wind is the zones' winds weighted by them, one set for
range and one for deflection (FM 6-40, *Tactics, Techniques, and Procedures for Field Artillery Manual
Cannon Gunnery*, ch. 11, "ballistic wind"; the factors come from the linearised equations of motion).

Here they are computed the same way, from the linearised equations of motion about the round's nominal
still-air flight (its flight table): the adjoint of the perturbation equations, integrated backwards from
the impact, gives the impact's sensitivity to a velocity change at each instant, and a wind w acting for
dt changes the velocity by D w dt, D the drag acceleration's derivative with the air velocity. So the
along-range weight g_r(t) = lambda_v(t) . D(t) e_along (m of range per m/s of tail wind per s) and the
deflection weight g_d(t) = mu(t) K(t) |v(t)| (m of drift per m/s of crosswind per s); their integrals over
the flight are the table's constant-wind slopes (``FlightTable.x_impact_w``, ``y_impact_w``), which the
tests check. Units: SI (m, s, m/s, rad).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.physics.atmosphere import density_and_sound_speed
from bastion.physics.rounds import munition

#: RK4 steps of the backward (adjoint) integration over a whole flight, shared out between the boost and
#: the coast in proportion to their durations (at least 8 in a boost).
ADJOINT_STEPS = 400
#: Height step (m) of the central differences of the air density and speed of sound.
_DZ_M = 1.0


@dataclass(frozen=True)
class WindWeights:
    """A round's wind weighting along its nominal flight at one elevation.

    Attributes:
        t: (K,) times since launch (s), 0 to the time of flight.
        height: (K,) the round's height above the launch site (m) at each.
        range: (K,) metres of impact range per m/s of tail wind felt for one second at each time.
        deflection: (K,) metres of drift to the right per m/s of wind toward the right, per second.
        quad: (K,) trapezoid weights (s) of the samples, so that ``quad @ f`` integrates f over the flight.
    """

    t: np.ndarray
    height: np.ndarray
    range: np.ndarray
    deflection: np.ndarray
    quad: np.ndarray

    def range_slope(self) -> float:
        """Metres of range per m/s of a tail wind at every height (the flight table's ``x_impact_w``)."""
        return float(self.quad @ self.range)

    def deflection_slope(self) -> float:
        """Metres of drift per m/s of a crosswind at every height (the flight table's ``y_impact_w``)."""
        return float(self.quad @ self.deflection)


def _grid(t_flight: float, burn_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Step ends (S + 1,) over [0, ``t_flight``] with the burnout on a step end, and each step's burning
    flag (S,)."""
    if 0.0 < burn_s < t_flight:
        n_burn = max(8, int(round(ADJOINT_STEPS * burn_s / t_flight)))
        n_coast = max(8, ADJOINT_STEPS - n_burn)
        t = np.concatenate([np.linspace(0.0, burn_s, n_burn + 1), np.linspace(burn_s, t_flight, n_coast + 1)[1:]])
        burning = np.arange(t.size - 1) < n_burn
    else:
        t = np.linspace(0.0, t_flight, ADJOINT_STEPS + 1)
        burning = np.full(ADJOINT_STEPS, burn_s >= t_flight)
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


def wind_weights(table, el: float, site_alt_m: float = 0.0) -> WindWeights | None:
    """The range and deflection weights of the round of flight table ``table`` (a
    ``bastion.assess.launch_fit.FlightTable``) fired at elevation ``el`` (rad) from a site at ``site_alt_m``
    (m above mean sea level); None for a flight the table does not land."""
    _, t_flight, _, _ = table.impact(el)
    if not t_flight > 0.0:
        return None
    boost = munition(table.name).boost
    t, burning = _grid(t_flight, 0.0 if boost is None else boost.burn_time_s)
    h = np.diff(t)
    # Each step's start, middle and end; the step's own burning flag at all three (a step never straddles
    # the burnout).
    pts = np.concatenate([t[:-1], t[:-1] + 0.5 * h, t[1:]])
    burn3 = np.tile(burning, 3)
    _, z, vx, vz, *_ = table.at(pts, np.full(pts.shape, el))
    jac, along, cross_a, cross_b = _linearised(table.name, site_alt_m, pts, z, vx, vz, burn3)
    n = h.size
    jac = jac.reshape(3, n, 2, 4)
    # Backwards from the impact: lam = d(impact range)/d(x, z, vx, vz), dlam/dt = -lam A with A's rows
    # (vx, vz, ax, az); at the ground the impact range moves by dx - (vx / vz) dz. mu = d(drift)/d(vy):
    # dmu/dt = -1 + a mu, 0 at the impact.
    _, _, vx_end, vz_end, *_ = table.at(np.array([t_flight]), np.array([el]))
    lam = np.array([1.0, -float(vx_end[0]) / min(float(vz_end[0]), -1e-6), 0.0, 0.0])
    mu = 0.0
    lam_v = np.empty((n + 1, 2))
    mus = np.empty(n + 1)
    lam_v[n], mus[n] = lam[2:], mu
    a = cross_a.reshape(3, n)

    def dlam(lam_now: np.ndarray, j: np.ndarray) -> np.ndarray:
        return -np.array([0.0, lam_now[2:] @ j[:, 1], lam_now[0] + lam_now[2:] @ j[:, 2],
                          lam_now[1] + lam_now[2:] @ j[:, 3]])

    for i in range(n - 1, -1, -1):
        hh = -h[i]  # a step back in time
        j_end, j_mid, j_start = jac[2, i], jac[1, i], jac[0, i]
        k1 = dlam(lam, j_end)
        k2 = dlam(lam + 0.5 * hh * k1, j_mid)
        k3 = dlam(lam + 0.5 * hh * k2, j_mid)
        k4 = dlam(lam + hh * k3, j_start)
        lam = lam + hh / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        a_end, a_mid, a_start = a[2, i], a[1, i], a[0, i]
        m1 = -1.0 + a_end * mu
        m2 = -1.0 + a_mid * (mu + 0.5 * hh * m1)
        m3 = -1.0 + a_mid * (mu + 0.5 * hh * m2)
        m4 = -1.0 + a_start * (mu + hh * m3)
        mu = mu + hh / 6.0 * (m1 + 2.0 * m2 + 2.0 * m3 + m4)
        lam_v[i], mus[i] = lam[2:], mu
    # Weights at the step ends: the coefficients at each step's start (and the last step's end); at the
    # burnout the coast's (the sample starts the coasting step), which the trapezoid rule spreads evenly.
    along_s = np.concatenate([along.reshape(3, n, 2)[0], along.reshape(3, n, 2)[2, -1:]])
    b_s = np.concatenate([cross_b.reshape(3, n)[0], cross_b.reshape(3, n)[2, -1:]])
    z_s = np.concatenate([z.reshape(3, n)[0], z.reshape(3, n)[2, -1:]])
    quad = np.zeros(n + 1)
    quad[:-1] += 0.5 * h
    quad[1:] += 0.5 * h
    return WindWeights(t=t, height=z_s, range=np.einsum("ki,ki->k", lam_v, along_s), deflection=mus * b_s,
                       quad=quad)
