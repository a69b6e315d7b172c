"""Point-mass ballistics in the site ENU frame, vectorised over N rounds at once.

Equations of motion (flat Earth, constant gravity, no Coriolis or lift)::

    dr/dt = v
    dv/dt = -g e_up - (rho(z) / (2 beta)) f(M) |v - w| (v - w) + (F / m) u

with g = 9.80665 m/s^2, rho the ICAO standard density at the round's height (z above the site origin,
taken as mean sea level plus ``site_alt_m``), beta = m / (Cd0 A) the ballistic coefficient (kg/m^2) at
low Mach, f(M) an optional Mach-dependent drag factor (1 below the drag rise), w the wind (ENU m/s):
constant, or a :class:`WindProfile` that varies with height (a met message's zones, a sheared boundary
layer), and, during a rocket's boost phase only, a thrust F along the round's velocity u (a gravity turn: the
launcher sets the initial direction). Weathercocking into a crosswind during the burn is left out: an
instantaneous turn into the relative wind at launcher exit speeds (25-30 m/s) would overstate it many times
over, and modelling it properly needs the rocket's angular dynamics. beta = inf means vacuum.

The integrator is the classical fixed-step fourth-order Runge-Kutta scheme; the ground crossing within the
last step is located by cubic Hermite interpolation of the height followed by an exact RK4 sub-step and a
Newton correction, so the impact (or origin) point does not depend on where the step grid happens to fall.

This module is pure physics: the simulated world and the assessment (impact and origin prediction) both
use it, so it imports nothing from ``bastion.world`` or the chain.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from bastion.physics.atmosphere import G0, TABLE_LN_RHO, TABLE_SOUND_SPEED, TABLE_Z_M

try:  # np.interp's compiled core, without the wrapper's per-call checks (same results: it is what np.interp calls)
    from numpy._core.multiarray import interp as _interp
except ImportError:  # pragma: no cover - other NumPy layouts
    _interp = np.interp

__all__ = [
    "DEFAULT_DT",
    "BOOST_SUBSTEPS",
    "DEFAULT_T_MAX",
    "GENERIC_DRAG_CURVE",
    "Boost",
    "DragCurve",
    "WindProfile",
    "integrate_to_ground",
    "propagate",
    "trajectory_to_ground",
]

#: Default integration step (s). RK4 at 0.05 s puts an impact within centimetres of the
#: dt -> 0 limit (tests/physics/test_ballistic.py::test_convergence).
DEFAULT_DT = 0.05
#: Default time limit (s) for ``integrate_to_ground``: longer than any rocket or mortar flight.
DEFAULT_T_MAX = 600.0
#: Number of RK4 sub-steps over a full burn (the boost phase is integrated more finely than the coast).
BOOST_SUBSTEPS = 100


@dataclass(frozen=True, eq=False)
class WindProfile:
    """A wind that varies with height: ``heights_m`` (K,) above the site origin, increasing, and the wind
    ``wind_mps`` (K, 3) ENU (m/s) at each; linear between two heights, the end value beyond either end (a
    ballistic met message gives the mean wind of each height zone; a boundary layer's shear is a table of
    a few tens of heights)."""

    heights_m: np.ndarray
    wind_mps: np.ndarray

    def __post_init__(self) -> None:
        h = np.asarray(self.heights_m, dtype=float).reshape(-1)
        w = np.asarray(self.wind_mps, dtype=float).reshape(h.size, 3)
        if h.size < 1 or not (np.all(np.isfinite(h)) and np.all(np.isfinite(w))) or np.any(np.diff(h) <= 0.0):
            raise ValueError("a wind profile needs finite, strictly increasing heights and finite winds")
        object.__setattr__(self, "heights_m", h)
        object.__setattr__(self, "wind_mps", w)
        object.__setattr__(self, "_columns", tuple(np.ascontiguousarray(w[:, i]) for i in range(3)))
        object.__setattr__(self, "_level", bool(np.all(w[:, 2] == 0.0)))
        object.__setattr__(self, "_slopes", np.diff(w, axis=0) / np.diff(h)[:, None] if h.size > 1 else None)

    @classmethod
    def from_rows(cls, rows) -> WindProfile:
        """A level wind from rows [height m, east m/s, north m/s] (a scenario's ``wind_profile``, a met
        report by height)."""
        table = np.asarray(rows, dtype=float).reshape(-1, 3)
        return cls(table[:, 0], np.column_stack([table[:, 1:3], np.zeros(len(table))]))

    def at(self, height_m) -> np.ndarray:
        """The wind (N, 3) ENU m/s at heights ``height_m`` (N,) m above the site origin."""
        # In the integrator's hot path (four calls per step): filled in place, np.stack's overhead was
        # most of the cost; a level wind (no vertical rows) needs no third lookup.
        z = np.asarray(height_m, dtype=float).reshape(-1)
        out = np.empty((z.size, 3))
        out[:, 0] = _interp(z, self.heights_m, self._columns[0])
        out[:, 1] = _interp(z, self.heights_m, self._columns[1])
        out[:, 2] = 0.0 if self._level else _interp(z, self.heights_m, self._columns[2])
        return out

    def shear(self, height_m) -> np.ndarray:
        """d(wind)/d(height) (N, 3) 1/s at heights ``height_m`` (N,): the slope of the row pair around each
        height, 0 beyond the ends (where the wind is held)."""
        z = np.asarray(height_m, dtype=float).reshape(-1)
        h = self.heights_m
        if self._slopes is None:
            return np.zeros((z.size, 3))
        seg = np.clip(np.searchsorted(h, z, side="right") - 1, 0, h.size - 2)
        inside = (z >= h[0]) & (z <= h[-1])
        return np.where(inside[:, None], self._slopes[seg], 0.0)


def _wind_rows(wind, idx):
    """The wind of rounds ``idx`` of a batch: a profile or one constant wind is every round's."""
    if isinstance(wind, WindProfile) or wind.ndim == 1:
        return wind
    return wind[idx]


@dataclass(frozen=True)
class DragCurve:
    """Drag coefficient relative to its low-Mach value, f(M), linearly interpolated in Mach number.

    ``mach`` must be increasing; f is held constant beyond both ends of the table.
    """

    mach: tuple[float, ...]
    factor: tuple[float, ...]
    name: str = "custom"

    def __post_init__(self) -> None:
        m = np.asarray(self.mach, dtype=float)
        if m.ndim != 1 or m.size != len(self.factor) or m.size < 2 or np.any(np.diff(m) <= 0):
            raise ValueError("DragCurve needs >= 2 increasing Mach numbers, one factor each")

    def __call__(self, mach) -> np.ndarray:
        """f(M) (dimensionless) at Mach number(s) ``mach``."""
        return np.interp(mach, self.mach, self.factor)

    @property
    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The table as float arrays: Mach numbers and factors (for a direct interpolation)."""
        return self._pieces[0], self._pieces[1]

    @functools.cached_property
    def _pieces(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m, f = np.asarray(self.mach, float), np.asarray(self.factor, float)
        return m, f, np.diff(f) / np.diff(m)

    def value_and_slope(self, mach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """f(M) and df/dM at Mach numbers ``mach`` (one search for both): the slope of the linear piece
        M lies on (the right-hand piece at a table point), zero where f is held beyond the table."""
        m, f, slope = self._pieces
        mc = np.minimum(np.maximum(mach, m[0]), m[-1])  # np.clip's values, without its overhead
        seg = np.minimum(np.searchsorted(m, mc, side="right") - 1, m.size - 2)
        s = slope[seg]
        inside = (mach >= m[0]) & (mach < m[-1])
        return f[seg] + s * (mc - m[seg]), np.where(inside, s, 0.0)


#: Generic drag-rise shape of an axisymmetric projectile: flat subsonic, rising from M ~ 0.8 to a peak a
#: little above M 1, then falling slowly. Shape after the standard projectile drag functions tabulated in
#: R. L. McCoy, "Modern Exterior Ballistics" (Schiffer, 1999), ch. 2 and 9 (G1 family); values rounded and
#: normalised to the subsonic level, which each preset calibrates through beta (docs/models.md).
GENERIC_DRAG_CURVE = DragCurve(
    mach=(0.0, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 2.5, 3.0),
    factor=(1.0, 1.0, 1.03, 1.2, 1.75, 2.05, 2.15, 2.1, 1.9, 1.72, 1.6),
    name="generic",
)


@dataclass(frozen=True)
class Boost:
    """A solid rocket motor's boost phase: constant thrust, linear mass flow, for ``burn_time_s``.

    Time is measured from ignition (launch). During the burn beta = m(t) / cda_m2 replaces the ballistic
    coefficient passed to the integrator.
    """

    thrust_n: float  #: thrust (N)
    burn_time_s: float  #: burn time (s)
    mass_kg: float  #: launch mass (kg)
    propellant_kg: float  #: propellant mass (kg)
    cda_m2: float  #: drag area Cd0 * A (m^2)

    def mass(self, t) -> float | np.ndarray:
        """Mass (kg) at time ``t`` (s) after ignition (a float for a scalar time: the integrator's hot path)."""
        if np.ndim(t) == 0:
            return self.mass_kg - self.propellant_kg * min(max(float(t), 0.0), self.burn_time_s) / self.burn_time_s
        tb = np.clip(np.asarray(t, dtype=float), 0.0, self.burn_time_s)
        return self.mass_kg - self.propellant_kg * tb / self.burn_time_s

    @property
    def burnout_mass_kg(self) -> float:
        """Mass (kg) after burnout."""
        return self.mass_kg - self.propellant_kg


def energy_speed(speed_sq, height, g: float = G0) -> np.ndarray:
    """Vacuum-equivalent launch speed sqrt(|v|^2 + 2 g h) (m/s) of a body with squared speed ``speed_sq``
    ((m/s)^2) at ``height`` (m above the ground; below it counts as 0), ``g`` in m/s^2: constant along a
    vacuum arc, so for a round in flight its launch speed less what drag took."""
    return np.sqrt(speed_sq + 2.0 * g * np.clip(height, 0.0, None))


def _as_states(pos, vel, beta) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pos = np.array(pos, dtype=float, ndmin=2)
    vel = np.array(vel, dtype=float, ndmin=2)
    if pos.shape != vel.shape or pos.ndim != 2 or pos.shape[1] != 3:
        raise ValueError(f"pos and vel must both be (N, 3); got {pos.shape} and {vel.shape}")
    beta = np.broadcast_to(np.asarray(beta, dtype=float), (pos.shape[0],)).copy()
    if np.any(~(beta > 0.0)):
        raise ValueError("beta must be > 0 (use inf for vacuum)")
    return pos, vel, beta


class _Dynamics:
    """Right-hand side of the equations of motion for one batch (fixed wind, drag model and boost).

    The integrator's hot path: a step costs four calls on arrays of a few to a few hundred rounds, where
    NumPy's per-call overhead dominates, so the tables are held as arrays, the compiled interpolation is
    called directly, and work that cannot change the result (a zero wind, a motor known to burn or not
    for the whole step) is skipped. Every expression keeps its order of operations: results are
    bit-identical to the plain form.
    """

    def __init__(self, beta, wind, drag: bool, drag_curve: DragCurve | None, site_alt_m: float,
                 boost: Boost | None, *, drag_on: bool | None = None) -> None:
        self.beta = beta
        self.inv2beta = 0.5 / beta  # zero for beta = inf: vacuum
        # ``drag_on`` carries a batch's decision over to a subset of its rounds (the same arithmetic).
        self.drag = (drag and bool(np.any(self.inv2beta > 0.0) or boost is not None)) if drag_on is None \
            else drag_on
        # A profile is looked up at each round's height; a constant wind is subtracted as it is.
        self.profile = wind if isinstance(wind, WindProfile) else None
        self.wind = wind if self.profile is not None else np.asarray(wind, dtype=float)
        self.windy = self.profile is not None or bool(np.any(self.wind != 0.0))
        self.curve = drag_curve
        if drag_curve is not None:
            self.curve_mach, self.curve_factor = drag_curve.arrays
        self.site_alt = float(site_alt_m)
        self.boost = boost

    def subset(self, idx: np.ndarray) -> _Dynamics:
        """The same dynamics for rounds ``idx`` of the batch."""
        return _Dynamics(self.beta[idx], _wind_rows(self.wind, idx), self.drag, self.curve, self.site_alt, self.boost,
                         drag_on=self.drag)

    def accel(self, t, pos: np.ndarray, vel: np.ndarray, burning) -> np.ndarray:
        """Acceleration (m/s^2) at time ``t`` (s); ``burning`` (bool or (N,)) says whether the motor burns.

        The burning flag is decided once per RK4 step (at its midpoint) rather than per stage, so a step
        ending exactly at burnout integrates a smooth thrust phase.
        """
        if self.boost is None or burning is False:
            boosting = False
        else:
            boosting = burning is True or bool(np.any(burning))
        if boosting:
            mass = self.boost.mass(t)
        if self.drag:
            if self.profile is not None:
                rel = vel - self.profile.at(pos[:, 2])
            else:
                rel = vel - self.wind if self.windy else vel
            speed = np.sqrt(np.einsum("ij,ij->i", rel, rel))
            z = pos[:, 2] + self.site_alt
            rho = np.exp(_interp(z, TABLE_Z_M, TABLE_LN_RHO))
            k = rho * self.inv2beta
            if boosting:
                k_burn = 0.5 * rho * self.boost.cda_m2 / mass
                k = k_burn if burning is True else np.where(burning, k_burn, k)
            if self.curve is not None:
                k = k * _interp(speed / _interp(z, TABLE_Z_M, TABLE_SOUND_SPEED), self.curve_mach, self.curve_factor)
            drag_acc = (k * speed)[:, None] * rel
            # 0 - d on east and north, -g - d up: the plain form's zeros, minus g, minus the drag.
            acc = 0.0 - drag_acc
            acc[:, 2] -= G0
        else:
            acc = np.zeros_like(vel)
            acc[:, 2] = -G0
        if boosting:
            thrust_acc = self.boost.thrust_n / mass if burning is True else np.where(
                burning, self.boost.thrust_n / mass, 0.0)[..., None]
            ground_speed = np.sqrt(np.einsum("ij,ij->i", vel, vel))
            unit = vel / np.maximum(ground_speed, 1e-9)[:, None]
            acc += thrust_acc * unit
        return acc

    def rk4(self, t, pos, vel, h):
        """One RK4 step of length ``h`` (s; scalar or (N,)) from time ``t`` (s)."""
        scalar = np.ndim(h) == 0
        hh = h if scalar else np.asarray(h)[:, None]
        h_half = 0.5 * h if scalar else 0.5 * np.asarray(h)
        burning = False
        if self.boost is not None:
            burning = (t + h_half) < self.boost.burn_time_s
            if scalar:
                burning = bool(burning)
        half = 0.5 * hh
        a1 = self.accel(t, pos, vel, burning)
        p2, v2 = pos + half * vel, vel + half * a1
        a2 = self.accel(t + h_half, p2, v2, burning)
        p3, v3 = pos + half * v2, vel + half * a2
        a3 = self.accel(t + h_half, p3, v3, burning)
        p4, v4 = pos + hh * v3, vel + hh * a3
        a4 = self.accel(t + h, p4, v4, burning)
        sixth = hh / 6.0
        new_pos = pos + sixth * (vel + 2.0 * v2 + 2.0 * v3 + v4)
        new_vel = vel + sixth * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
        return new_pos, new_vel

    def step(self, t: float, pos, vel, h: float):
        """One grid step of length ``h`` (s).

        While the motor burns the step is cut into sub-steps of at most ``burn_time / BOOST_SUBSTEPS``
        (the boost's own time scale, speed / thrust acceleration, is a few hundredths of a second just
        after launch), and it is split at burnout so that RK4 never straddles the thrust cut-off.
        """
        if self.boost is None or h <= 0.0 or t >= self.boost.burn_time_s:
            return self.rk4(t, pos, vel, h)
        tb = self.boost.burn_time_s
        t_end = min(t + h, tb)
        n = max(1, int(np.ceil((t_end - t) / (tb / BOOST_SUBSTEPS) - 1e-9)))
        hs = (t_end - t) / n
        for k in range(n):
            pos, vel = self.rk4(t + k * hs, pos, vel, hs)
        if t + h > tb:
            pos, vel = self.rk4(tb, pos, vel, t + h - tb)
        return pos, vel


def _hermite_root(z0, dz0, z1, dz1, h, target):
    """Fraction s in [0, 1] of a step of length h where the cubic Hermite height reaches ``target``.

    z0, z1 are heights (m) and dz0, dz1 vertical rates (m/s) at the step ends; one root is bracketed.
    Bisection then Newton on the cubic, all vectorised.
    """
    m0, m1 = dz0 * h, dz1 * h

    def z(s):
        s2, s3 = s * s, s * s * s
        return ((2 * s3 - 3 * s2 + 1) * z0 + (s3 - 2 * s2 + s) * m0 + (-2 * s3 + 3 * s2) * z1
                + (s3 - s2) * m1 - target)

    lo, hi = np.zeros_like(z0), np.ones_like(z0)
    f_lo = z(lo)
    # 2^-16 of a step (15 microseconds of a 1 s step): the caller's Newton polish on the true dynamics
    # takes it from there to ~1e-9 m, so more bisection would be wasted.
    for _ in range(16):
        mid = 0.5 * (lo + hi)
        f_mid = z(mid)
        same = np.sign(f_mid) == np.sign(f_lo)
        lo, f_lo = np.where(same, mid, lo), np.where(same, f_mid, f_lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def _march(pos, vel, beta, *, wind, ground_up, backwards, dt, t_max, drag, drag_curve, site_alt_m,
           boost, t0, record):
    """Integrate until every round has crossed ``ground_up`` downwards (in the direction of travel).

    Only the rounds still flying are stepped. A round that crosses within a step is set aside with the
    step's end states, and all crossings are located together at the end (one root search and polish for
    the batch instead of one per step: each row's arithmetic is the same either way).
    """
    pos, vel, beta = _as_states(pos, vel, beta)
    n = pos.shape[0]
    if not dt > 0.0:
        raise ValueError("dt must be > 0")
    if boost is not None and np.any(backwards):
        raise ValueError("a boost phase cannot be integrated backwards")
    dyn = _Dynamics(beta, wind, drag, drag_curve, site_alt_m, boost)
    ground = np.broadcast_to(np.asarray(ground_up, dtype=float), (n,)).copy()
    if np.ndim(backwards) == 0:
        sgn = -1.0 if backwards else 1.0
        h = sgn * dt
        row_h = None
    elif record:
        raise ValueError("a recorded trajectory is flown one way")
    else:
        # Rounds flown each their own way in one batch (an impact and an origin together): per-row step
        # and time. A row's arithmetic is the same as in a batch flown all one way.
        sgn = np.where(np.broadcast_to(np.asarray(backwards, bool), (n,)), -1.0, 1.0)
        h = row_h = sgn * dt

    t_hit = np.full(n, np.nan)
    pos_hit = np.full((n, 3), np.nan)
    vel_hit = np.full((n, 3), np.nan)
    # A round on or below the ground and not moving up (in the direction of integration) never crosses
    # it downwards: report it as NaN now rather than integrate it to t_max.
    act = np.flatnonzero(~((pos[:, 2] <= ground) & (sgn * vel[:, 2] <= 0.0)))
    step_dyn = dyn if act.size == n else dyn.subset(act)
    p_act, v_act, g_act = pos[act], vel[act], ground[act]
    h_act = h if row_h is None else row_h[act]
    t = float(t0) if row_h is None else np.full(act.size, float(t0))
    samples_t, samples_p, samples_v = ([t], [pos.copy()], [vel.copy()]) if record else (None, None, None)
    pos_now, vel_now = (pos.copy(), vel.copy()) if record else (None, None)
    crossings = []  # per step with crossings: (rows, step start time, sample index, start and end states)
    n_steps = int(np.ceil(t_max / dt))
    for _ in range(n_steps if act.size else 0):
        new_p, new_v = step_dyn.step(t, p_act, v_act, h_act)
        # Crossing: the height passes the ground downwards in the direction of integration, i.e. the
        # round falls through it forwards (vz < 0) or, backwards, would have been below it earlier.
        crossed = (new_p[:, 2] <= g_act) & (p_act[:, 2] > g_act)
        if np.any(crossed):
            crossings.append((act[crossed], t if row_h is None else t[crossed], len(samples_t) if record else 0,
                              p_act[crossed], v_act[crossed], new_p[crossed], new_v[crossed]))
            keep = ~crossed
            act, new_p, new_v, g_act = act[keep], new_p[keep], new_v[keep], g_act[keep]
            if row_h is not None:
                h_act, t = h_act[keep], t[keep]
            step_dyn = dyn.subset(act)
        p_act, v_act = new_p, new_v
        t += h_act
        if record:
            pos_now[act], vel_now[act] = p_act, v_act
            samples_t.append(t)
            samples_p.append(pos_now.copy())
            samples_v.append(vel_now.copy())
        if not act.size:
            break
    if crossings:
        idx = np.concatenate([c[0] for c in crossings])
        t_start = np.concatenate([np.broadcast_to(c[1], c[0].shape) for c in crossings])
        p0, v0, p1, v1 = (np.concatenate([c[k] for c in crossings]) for k in (3, 4, 5, 6))
        h_c = h if row_h is None else row_h[idx]
        s = _hermite_root(p0[:, 2], v0[:, 2], p1[:, 2], v1[:, 2], h_c, ground[idx])
        sub = _Dynamics(beta[idx], _wind_rows(dyn.wind, idx), drag, drag_curve, site_alt_m, boost)
        hs = s * h_c
        p_c, v_c = sub.rk4(t_start, p0, v0, hs)
        for _newton in range(2):  # polish: z(t) is smooth, one or two Newton steps reach ~1e-9 m
            vz = np.where(np.abs(v_c[:, 2]) > 1e-9, v_c[:, 2], -(sgn if row_h is None else sgn[idx]) * 1e-9)
            hs = hs - (p_c[:, 2] - ground[idx]) / vz
            p_c, v_c = sub.rk4(t_start, p0, v0, hs)
        t_hit[idx], pos_hit[idx], vel_hit[idx] = t_start + hs, p_c, v_c
        if record:
            # Grid samples from a round's crossing step on hold its crossing state.
            for rows, _, k0, *_states in crossings:
                for k in range(k0, len(samples_t)):
                    samples_p[k][rows], samples_v[k][rows] = pos_hit[rows], vel_hit[rows]
    path = (np.asarray(samples_t), np.stack(samples_p), np.stack(samples_v)) if record else None
    return t_hit, pos_hit, vel_hit, path


def integrate_to_ground(
    pos,
    vel,
    beta,
    *,
    wind=(0.0, 0.0, 0.0),
    ground_up=0.0,
    backwards: bool | np.ndarray = False,
    dt: float = DEFAULT_DT,
    t_max: float = DEFAULT_T_MAX,
    drag: bool = True,
    drag_curve: DragCurve | None = None,
    site_alt_m: float = 0.0,
    boost: Boost | None = None,
    t0: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fly N rounds until each falls through the ground plane; return when, where and how fast.

    Args:
        pos: (N, 3) ENU positions (m). A round must start above ``ground_up`` (or on it and climbing).
        vel: (N, 3) ENU velocities (m/s).
        beta: (N,) or scalar ballistic coefficient m / (Cd0 A) (kg/m^2); inf means vacuum.
        wind: the velocity of the air, ENU (m/s): constant, (3,) or (N, 3), or a :class:`WindProfile`.
        ground_up: ground height (m, up), scalar or (N,).
        backwards: integrate backwards in time (point of origin from a state on the descending leg); a
            bool, or (N,) bools to fly each round its own way in one batch.
        dt: RK4 step (s).
        t_max: give up after this much flight time (s); those rounds return NaN.
        drag: False ignores the air entirely (vacuum).
        drag_curve: Mach-dependent drag factor f(M); None means f = 1.
        site_alt_m: altitude of the ENU origin above mean sea level (m), for the air density.
        boost: a rocket motor burning from time 0 (forward only).
        t0: time (s) of the initial state (relative to ignition when ``boost`` is given).

    Returns:
        t_hit (N,) time (s) of the crossing (t0 + flight time; negative flight time when backwards),
        pos_hit (N, 3) ENU position (m) and vel_hit (N, 3) velocity (m/s) at the crossing.
    """
    t_hit, pos_hit, vel_hit, _ = _march(
        pos, vel, beta, wind=wind, ground_up=ground_up, backwards=backwards, dt=dt, t_max=t_max, drag=drag,
        drag_curve=drag_curve, site_alt_m=site_alt_m, boost=boost, t0=t0, record=False,
    )
    return t_hit, pos_hit, vel_hit


def trajectory_to_ground(
    pos,
    vel,
    beta,
    *,
    wind=(0.0, 0.0, 0.0),
    ground_up=0.0,
    backwards: bool = False,
    dt: float = DEFAULT_DT,
    t_max: float = DEFAULT_T_MAX,
    drag: bool = True,
    drag_curve: DragCurve | None = None,
    site_alt_m: float = 0.0,
    boost: Boost | None = None,
    t0: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """As ``integrate_to_ground`` but also return the states on the step grid.

    Returns (t (K,), pos (K, N, 3), vel (K, N, 3), t_hit (N,), pos_hit (N, 3), vel_hit (N, 3)). Grid
    samples after a round's crossing hold its crossing state.
    """
    t_hit, pos_hit, vel_hit, path = _march(
        pos, vel, beta, wind=wind, ground_up=ground_up, backwards=backwards, dt=dt, t_max=t_max, drag=drag,
        drag_curve=drag_curve, site_alt_m=site_alt_m, boost=boost, t0=t0, record=True,
    )
    return (*path, t_hit, pos_hit, vel_hit)


def propagate(
    pos,
    vel,
    beta,
    duration: float,
    *,
    wind=(0.0, 0.0, 0.0),
    dt: float = DEFAULT_DT,
    drag: bool = True,
    drag_curve: DragCurve | None = None,
    site_alt_m: float = 0.0,
    boost: Boost | None = None,
    t0: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Advance N rounds by ``duration`` seconds (negative: backwards), ignoring the ground.

    The step is shortened so that a whole number of equal steps spans ``duration`` exactly; with a
    ``boost``, the burn is sub-stepped and no step straddles burnout. Returns (pos (N, 3) m, vel (N, 3)
    m/s).
    """
    pos, vel, beta = _as_states(pos, vel, beta)
    if not dt > 0.0:
        raise ValueError("dt must be > 0")
    if boost is not None and duration < 0.0:
        raise ValueError("a boost phase cannot be integrated backwards")
    dyn = _Dynamics(beta, wind, drag, drag_curve, site_alt_m, boost)
    n = max(1, int(np.ceil(abs(duration) / dt - 1e-9)))
    h = duration / n
    for k in range(n):
        pos, vel = dyn.step(t0 + k * h, pos, vel, h)
    return pos, vel
