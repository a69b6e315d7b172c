"""How to fly and aim the indirect-fire threat presets (rockets and mortar bombs).

The presets themselves (every figure cited; docs/models.md, "Munitions and ballistics") are the threat
library ``bastion.physics.rounds``, re-exported here.

Angles are radians: azimuth is the compass bearing (clockwise from north), elevation is above the
horizontal, as in ``bastion.geo``. Positions are ENU metres in the site frame.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from bastion.errors import UserError
from bastion.physics.ballistic import (
    DEFAULT_DT,
    DEFAULT_T_MAX,
    Boost,
    WindProfile,
    integrate_to_ground,
    trajectory_to_ground,
)
from bastion.physics.rounds import (  # noqa: F401 (re-exported: the presets by name)
    MORTAR_60,
    MORTAR_81,
    MORTAR_120,
    PRESETS,
    RCS_NOTE,
    ROCKET_107,
    ROCKET_122,
    Munition,
    munition,
)

_DEG = math.pi / 180.0

__all__ = [
    "PRESETS",
    "Munition",
    "Trajectory",
    "aim",
    "aim_many",
    "best_elevation",
    "choose_charge",
    "dispersed",
    "fly",
    "fly_paths",
    "fly_many",
    "get_preset",
    "launch_velocity",
]


def get_preset(name: str | Munition) -> Munition:
    """The preset called ``name`` (a Munition passes through); ``"<preset>/<zone>"`` is a gun's round
    fired with that propelling charge (:meth:`Munition.with_charge`). UserError if there is none."""
    if isinstance(name, Munition):
        return name
    try:
        return munition(name)
    except KeyError:
        raise UserError(f"unknown munition preset {name.partition('/')[0]!r}; known: {', '.join(PRESETS)}") from None
    except ValueError as err:
        raise UserError(f"munition {name!r}: {err}") from None


def dispersed(preset: str | Munition, factor: float) -> Munition:
    """The round ``preset`` as one of its lot flies it, its velocity ``factor`` times the nominal one: a
    gun's or mortar's muzzle velocity, or a rocket's exit speed and motor thrust (its total impulse: the
    same burn at ``factor`` times the thrust). The name stays the nominal round's."""
    return get_preset(preset).with_velocity_factor(factor)


def choose_charge(preset: str | Munition, distance_m: float, *, max_share: float = 0.8,
                  site_alt_m: float = 0.0) -> int:
    """The zone a gun crew would fire at ``distance_m`` (m): the lowest whose maximum range (flat ground)
    is at least ``distance_m / max_share``, so the target lies well short of the zone's best elevation,
    where the range changes slowly with elevation and a laying error moves the burst least; the top zone
    if none is. ``max_share`` is an assumption (docs/models.md). ValueError for a one-charge round."""
    m = get_preset(preset)
    if not m.charge_speeds_mps:
        raise ValueError(f"{m.name} has one charge only")
    for zone in range(1, len(m.charge_speeds_mps) + 1):
        if best_elevation(m.with_charge(zone), site_alt_m=site_alt_m)[1] * max_share >= distance_m:
            return zone
    return len(m.charge_speeds_mps)


# --- Flying --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trajectory:
    """A flight sampled every ``dt`` from launch; the last sample is the precise ground impact.

    t (K,) seconds from launch, pos (K, 3) ENU metres, vel (K, 3) ENU m/s.
    """

    t: np.ndarray
    pos: np.ndarray
    vel: np.ndarray

    @property
    def impact_time(self) -> float:
        """Flight time (s)."""
        return float(self.t[-1])

    @property
    def impact_pos(self) -> np.ndarray:
        """Impact point (ENU m)."""
        return self.pos[-1]

    @property
    def impact_vel(self) -> np.ndarray:
        """Velocity at impact (ENU m/s)."""
        return self.vel[-1]

    @property
    def ground_range(self) -> float:
        """Horizontal distance (m) from launch to impact."""
        return float(np.hypot(*(self.pos[-1, :2] - self.pos[0, :2])))

    def state_at(self, t) -> tuple[np.ndarray, np.ndarray]:
        """Position (..., 3) m and velocity (..., 3) m/s at time(s) ``t`` (s from launch).

        Cubic Hermite interpolation between samples (position) and linear (velocity); times outside
        [0, impact time] are clamped to the ends. Error well under a centimetre at the default step.
        """
        tq = np.clip(np.asarray(t, dtype=float), self.t[0], self.t[-1])
        i = np.clip(np.searchsorted(self.t, tq, side="right") - 1, 0, len(self.t) - 2)
        h = (self.t[i + 1] - self.t[i])[..., None]
        s = (tq - self.t[i])[..., None] / h
        p0, p1, v0, v1 = self.pos[i], self.pos[i + 1], self.vel[i], self.vel[i + 1]
        s2, s3 = s * s, s * s * s
        pos = ((2 * s3 - 3 * s2 + 1) * p0 + (s3 - 2 * s2 + s) * h * v0 + (-2 * s3 + 3 * s2) * p1
               + (s3 - s2) * h * v1)
        vel = (1.0 - s) * v0 + s * v1
        return pos, vel

    @property
    def apex(self) -> float:
        """Highest point (m, up), refined by a parabola through the three highest samples."""
        z = self.pos[:, 2]
        i = int(np.argmax(z))
        if 0 < i < len(z) - 1:
            z0, z1, z2 = z[i - 1], z[i], z[i + 1]
            den = z0 - 2.0 * z1 + z2
            if den < 0.0:
                return float(z1 - 0.125 * (z2 - z0) ** 2 / den)
        return float(z[i])


def launch_velocity(speed, azimuth_rad, elevation_rad) -> np.ndarray:
    """ENU velocity (..., 3) (m/s) of ``speed`` (m/s) along compass ``azimuth_rad`` and ``elevation_rad``."""
    speed, az, el = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (speed, azimuth_rad,
                                                                               elevation_rad)))
    ce = np.cos(el)
    return np.stack([speed * ce * np.sin(az), speed * ce * np.cos(az), speed * np.sin(el)], axis=-1)


def _flight_args(m: Munition, drag: bool):
    return dict(beta=m.beta if drag else np.inf, drag=drag, drag_curve=m.drag_curve if drag else None,
                boost=_boost_for(m, drag))


def _boost_for(m: Munition, drag: bool) -> Boost | None:
    if m.boost is None:
        return None
    if drag:
        return m.boost
    b = m.boost
    return Boost(b.thrust_n, b.burn_time_s, b.mass_kg, b.propellant_kg, 0.0)


def fly(
    preset: str | Munition,
    launch_enu,
    azimuth_rad: float,
    elevation_rad: float,
    *,
    wind=(0.0, 0.0, 0.0),
    drag: bool = True,
    dt: float = DEFAULT_DT,
    ground_up: float | None = None,
    site_alt_m: float = 0.0,
) -> Trajectory:
    """Fire one round and follow it to the ground.

    Args:
        preset: preset name or Munition.
        launch_enu: (3,) launch point (ENU m).
        azimuth_rad, elevation_rad: laying of the tube (rad).
        wind: the wind (ENU m/s): constant (3,), or a ``WindProfile`` varying with height.
        drag: False flies in vacuum (a rocket still burns its motor).
        dt: sampling and integration step (s).
        ground_up: height (m) of the flat ground the round falls to; default the launch height.
        site_alt_m: altitude (m) of the site origin above mean sea level, for the air density.

    Returns:
        The Trajectory, sampled every ``dt`` from launch; its last sample is the precise impact.
    """
    return fly_paths(preset, launch_enu, azimuth_rad, elevation_rad, wind=wind, drag=drag, dt=dt,
                     ground_up=ground_up, site_alt_m=site_alt_m)[0]


def fly_paths(
    preset: str | Munition,
    launch_enu,
    azimuth_rad,
    elevation_rad,
    *,
    wind=(0.0, 0.0, 0.0),
    drag: bool = True,
    dt: float = DEFAULT_DT,
    ground_up: float | None = None,
    site_alt_m: float = 0.0,
) -> list[Trajectory]:
    """:func:`fly` for N rounds of one preset flown together: launch points (3,) or (N, 3), azimuths and
    elevations (rad, (N,)), one wind; each trajectory is the one :func:`fly` gives for that round."""
    m = get_preset(preset)
    az, el = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=float)) for x in (azimuth_rad, elevation_rad)))
    launch = np.asarray(launch_enu, dtype=float)
    launch = np.broadcast_to(launch.reshape(-1, 3), (az.size, 3))
    ground = launch[:, 2] if ground_up is None else np.full(az.size, float(ground_up))
    # Per round on scalars, as a single flight computes it: NumPy's vectorised sine and cosine may round
    # differently, and a world's flights must not depend on how many rounds share the batch.
    vel0 = np.array([launch_velocity(m.launch_speed_mps, a, e) for a, e in zip(az, el, strict=True)]).reshape(-1, 3)
    a = _flight_args(m, drag)
    t, pos, vel, t_hit, p_hit, v_hit = trajectory_to_ground(
        launch, vel0, a["beta"], wind=wind, ground_up=ground, dt=dt, drag=drag,
        drag_curve=a["drag_curve"], site_alt_m=site_alt_m, boost=a["boost"],
    )
    out = []
    for j in range(az.size):
        if not np.isfinite(t_hit[j]):
            raise UserError(f"{m.name}: no ground impact within {DEFAULT_T_MAX:.0f} s of flight")
        keep = t < t_hit[j] - 1e-9
        out.append(Trajectory(
            t=np.concatenate([t[keep], t_hit[j:j + 1]]),
            pos=np.concatenate([pos[keep, j], p_hit[j:j + 1]]),
            vel=np.concatenate([vel[keep, j], v_hit[j:j + 1]]),
        ))
    return out


def fly_many(
    preset: str | Munition,
    launch_enu,
    azimuth_rad,
    elevation_rad,
    *,
    wind=(0.0, 0.0, 0.0),
    drag: bool = True,
    dt: float = DEFAULT_DT,
    ground_up=None,
    site_alt_m: float = 0.0,
    speed_scale=1.0,
    beta_scale=1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fire N rounds of one preset at once (Monte Carlo, elevation searches); impacts only.

    ``launch_enu`` is (3,) or (N, 3); azimuth, elevation (rad), ``speed_scale`` (launch-speed factor) and
    ``beta_scale`` (ballistic-coefficient factor) broadcast to (N,); ``wind`` is (3,) or (N, 3). The
    rocket motor itself is not perturbed. Returns (t_hit (N,) s, pos_hit (N, 3) m, vel_hit (N, 3) m/s);
    NaN for rounds that cannot come down to ``ground_up`` (default: each launch height).
    """
    m = get_preset(preset)
    az, el, vs, bs = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=float)) for x in (
        azimuth_rad, elevation_rad, speed_scale, beta_scale)))
    launch = np.asarray(launch_enu, dtype=float)
    launch = np.broadcast_to(launch if launch.ndim == 2 else launch[None, :], (az.size, 3)).copy()
    ground = launch[:, 2] if ground_up is None else ground_up
    vel0 = launch_velocity(m.launch_speed_mps * vs, az, el)
    a = _flight_args(m, drag)
    return integrate_to_ground(
        launch, vel0, a["beta"] * bs, wind=wind, ground_up=ground, dt=dt, drag=drag,
        drag_curve=a["drag_curve"], site_alt_m=site_alt_m, boost=a["boost"],
    )


# --- Best elevation and aiming ------------------------------------------------------------------------


def _ranges(m: Munition, elevations, *, drag: bool, dt: float, wind=(0.0, 0.0, 0.0), height: float = 0.0,
            azimuth: float = 0.0, site_alt_m: float = 0.0) -> np.ndarray:
    """Horizontal range (m) along ``azimuth`` at each elevation (rad), landing at ``height`` (m)."""
    el = np.atleast_1d(np.asarray(elevations, dtype=float))
    _, p, _ = fly_many(m, (0.0, 0.0, 0.0), azimuth, el, wind=wind, drag=drag, dt=dt, ground_up=height,
                       site_alt_m=site_alt_m)
    return p[:, 0] * math.sin(azimuth) + p[:, 1] * math.cos(azimuth)


def best_elevation(preset: str | Munition, drag: bool = True, *, dt: float = DEFAULT_DT,
                   site_alt_m: float = 0.0) -> tuple[float, float]:
    """Elevation (rad) of maximum range over flat ground, and that range (m).

    A vectorised grid over 15-75 degrees in 5-degree steps, a 1-degree grid around its best, a parabola
    through the three best points of that, and a final flight at the vertex: the elevation is good to
    about 0.01 degree, and the range (flat at the maximum) to far better than a metre. Results are cached.
    """
    return _best_elevation(get_preset(preset), bool(drag), float(dt), float(site_alt_m))


@functools.lru_cache(maxsize=256)
def _best_elevation(m: Munition, drag: bool, dt: float, site_alt_m: float) -> tuple[float, float]:
    center, half, step = 45.0 * _DEG, 30.0 * _DEG, 5.0 * _DEG
    best = center
    for _ in range(2):
        grid = np.arange(center - half, center + half + 0.5 * step, step)
        r = np.nan_to_num(_ranges(m, grid, drag=drag, dt=dt, site_alt_m=site_alt_m), nan=-np.inf)
        i = int(np.argmax(r))
        best = float(grid[i])
        if 0 < i < len(grid) - 1:
            r0, r1, r2 = r[i - 1], r[i], r[i + 1]
            den = r0 - 2.0 * r1 + r2
            if den < 0.0:
                best = float(grid[i] + 0.5 * step * (r0 - r2) / den)
        center, half, step = best, 5.0 * _DEG, 1.0 * _DEG
    rng = float(_ranges(m, [best], drag=drag, dt=dt, site_alt_m=site_alt_m)[0])
    return best, rng


def _azimuth_step(az: float, bearing: float, impact, launch, prev: tuple[float, float] | None):
    """Correct the azimuth (rad) for the impact's bearing error from the target ``bearing`` (wind drift):
    a secant on d(impact bearing)/d(azimuth) once two layings are known (``prev``: the last azimuth and
    its error), clipped to 0.5-2, else 1. Returns the new azimuth and the new ``prev``."""
    hit_bearing = math.atan2(impact[0] - launch[0], impact[1] - launch[1])
    err_b = (bearing - hit_bearing + math.pi) % (2.0 * math.pi) - math.pi
    slope = 1.0
    if prev is not None and abs(az - prev[0]) > 1e-9:
        slope = float(np.clip((prev[1] - err_b) / (az - prev[0]), 0.5, 2.0))
    return az + err_b / slope, (az, err_b)


def _aim_newton(distance, branch, az, bearing, target, launch, tolerance_m, max_iter: int = 6):
    """Fast path of :func:`aim` for one round: :func:`_aim_newton_many` with ``distance(el, az)`` (the
    range misses (K,) and impacts (K, 3) of flights at elevations ``el`` (K,)). Returns (azimuth,
    elevation) in rad, or None when it does not converge (the bracketing search of :func:`aim` then takes
    over)."""

    def one(rows, el, az_rows):
        f, p = distance(el[0], float(az_rows[0]))
        return f[None], p[None]

    return _aim_newton_many(one, branch, [az], [bearing], np.asarray(target, float)[None],
                            np.asarray(launch, float)[None], tolerance_m, max_iter)[0]


def _aim_newton_many(distance, branch, az, bearing, targets, launches, tolerance_m, max_iter: int = 6):
    """Newton aiming of N rounds flown together: a grid over the branch brackets each elevation, then
    Newton steps fly three rounds per round still unsolved (the estimate and a small step either side,
    giving the range slope) and correct the elevation for range and the azimuth for the impact bearing
    together. ``distance(rows, el (R, K), az (R,))`` returns the range misses (R, K) and impacts (R, K, 3)
    of rounds ``rows``. Returns per round (azimuth, elevation) in rad, or None where it does not converge.
    Each round's arithmetic is that of a round aimed alone."""
    n = len(az)
    az = [float(a) for a in az]
    grid = np.linspace(branch[0], branch[1], 17)
    f_grid, _ = distance(np.arange(n), np.broadcast_to(grid, (n, grid.size)), np.asarray(az))
    el: list[float] = [0.0] * n
    out: list[tuple[float, float] | None] = [None] * n
    live = []
    for j in range(n):
        f = f_grid[j]
        change = np.flatnonzero(np.sign(f[:-1]) != np.sign(f[1:]))
        if change.size == 0 or f[change[0]] < -1e11 or f[change[0] + 1] < -1e11:
            continue
        k = int(change[0])
        el[j] = float(grid[k] - f[k] * (grid[k + 1] - grid[k]) / (f[k + 1] - f[k]))
        live.append(j)
    eps = 1e-4  # rad: small against the curvature of the range curve, large against round-off
    prev: list[tuple[float, float] | None] = [None] * n
    for _ in range(max_iter):
        if not live:
            break
        f3s, p3s = distance(np.array(live), np.array([[el[j] - eps, el[j], el[j] + eps] for j in live]),
                            np.array([az[j] for j in live]))
        still = []
        for j, f3, p3 in zip(live, f3s, p3s, strict=True):
            if np.any(f3 < -1e11):
                continue
            impact = p3[1]
            if float(np.hypot(*(targets[j, :2] - impact[:2]))) < tolerance_m:
                out[j] = (az[j], el[j])
                continue
            slope = (f3[2] - f3[0]) / (2.0 * eps)
            if not np.isfinite(slope) or abs(slope) < 1e-6:
                continue
            el[j] -= float(f3[1] / slope)
            if not branch[0] <= el[j] <= branch[1]:
                continue
            az[j], prev[j] = _azimuth_step(az[j], float(bearing[j]), impact, launches[j], prev[j])
            still.append(j)
        live = still
    return out


def _branch(m: Munition, high_angle: bool | None, drag: bool, dt: float, site_alt_m: float):
    """Whether the high-angle solution is taken, and the elevation interval (rad) it lies on."""
    high = m.high_angle_default if high_angle is None else bool(high_angle)
    el_min, el_max = m.elevation_limits_rad
    el_best, _ = best_elevation(m, drag=drag, dt=dt, site_alt_m=site_alt_m)
    branch = (max(el_best, el_min), el_max) if high else (el_min, min(el_best, el_max))
    if branch[0] >= branch[1]:
        raise UserError(f"{m.name}: no {'high' if high else 'low'}-angle solution within the launcher's "
                        "elevation limits")
    return high, branch


def aim_many(
    preset: str | Munition,
    launches,
    targets,
    *,
    wind=(0.0, 0.0, 0.0),
    drag: bool = True,
    dt: float = DEFAULT_DT,
    site_alt_m: float = 0.0,
    tolerance_m: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`aim` for N rounds of one preset, from ``launches`` (N, 3) onto ``targets`` (N, 3) (ENU m),
    in one wind (3,) m/s: the same azimuths and elevations (rad, (N,) each), found by flying the rounds
    together (a world of many rounds is built several times faster). Rounds whose Newton search does not
    converge are aimed alone by :func:`aim`, whose errors are raised as they are."""
    m = get_preset(preset)
    launches = np.asarray(launches, dtype=float).reshape(-1, 3)
    targets = np.asarray(targets, dtype=float).reshape(-1, 3)
    n = launches.shape[0]
    wind = wind if isinstance(wind, WindProfile) else np.asarray(wind, dtype=float).reshape(3)
    azs, els = np.zeros(n), np.zeros(n)
    if n == 0:
        return azs, els
    _, branch = _branch(m, None, drag, dt, site_alt_m)
    d = targets - launches
    dist = np.array([float(np.hypot(dj[0], dj[1])) for dj in d])
    bearing = np.array([math.atan2(dj[0], dj[1]) for dj in d])

    def distance(rows, el, az):
        k = el.shape[1]
        launch = np.repeat(launches[rows], k, axis=0)
        _, p, _ = fly_many(m, launch, np.repeat(az, k), np.asarray(el, dtype=float).ravel(), wind=wind,
                           drag=drag, dt=dt, ground_up=np.repeat(targets[rows, 2], k), site_alt_m=site_alt_m)
        f = np.hypot(p[:, 0] - launch[:, 0], p[:, 1] - launch[:, 1]) - np.repeat(dist[rows], k)
        return np.nan_to_num(f, nan=-1e12).reshape(len(rows), k), p.reshape(len(rows), k, 3)

    fast = _aim_newton_many(distance, branch, bearing, bearing, targets, launches, tolerance_m)
    for j, sol in enumerate(fast):
        if sol is None:
            azs[j], els[j] = aim(m, launches[j], targets[j], wind=wind, drag=drag, dt=dt, site_alt_m=site_alt_m,
                                 tolerance_m=tolerance_m)
        else:
            azs[j], els[j] = sol[0] % (2.0 * math.pi), sol[1]
    return azs, els


def aim(
    preset: str | Munition,
    launch_enu,
    target_enu,
    *,
    high_angle: bool | None = None,
    wind=(0.0, 0.0, 0.0),
    drag: bool = True,
    dt: float = DEFAULT_DT,
    site_alt_m: float = 0.0,
    tolerance_m: float = 0.5,
) -> tuple[float, float]:
    """Azimuth and elevation (rad) that put a round from ``launch_enu`` onto ``target_enu`` (ENU m).

    Mortars take the high-angle solution by default and rockets the low-angle one (``high_angle``
    overrides). The round is flown to the target's height. Newton steps on elevation and azimuth together
    usually converge in a few flights; failing that, the elevation is solved on the chosen branch of
    the range curve (monotone there) by bracketing on a vectorised grid of flights and shrinking the
    bracket with vectorised sub-grids, and the azimuth is corrected for wind drift by a secant on the
    impact bearing, until the miss is below ``tolerance_m`` (m). Raises UserError if the target is out of
    range (too far, or closer than the branch's minimum range) or no solution converges.
    """
    m = get_preset(preset)
    launch = np.asarray(launch_enu, dtype=float).reshape(3)
    target = np.asarray(target_enu, dtype=float).reshape(3)
    d = target - launch
    dist = float(np.hypot(d[0], d[1]))
    high, branch = _branch(m, high_angle, drag, dt, site_alt_m)
    bearing = math.atan2(d[0], d[1])
    az = bearing
    wind = wind if isinstance(wind, WindProfile) else np.asarray(wind, dtype=float)

    def distance(el_arr, az_):
        """Horizontal launch-to-impact distance (m) minus the target distance, and the impacts."""
        _, p, _ = fly_many(m, launch, az_, np.asarray(el_arr, dtype=float), wind=wind, drag=drag, dt=dt,
                           ground_up=target[2], site_alt_m=site_alt_m)
        f = np.hypot(p[:, 0] - launch[0], p[:, 1] - launch[1]) - dist
        return np.nan_to_num(f, nan=-1e12), p

    fast = _aim_newton(distance, branch, az, bearing, target, launch, tolerance_m)
    if fast is not None:
        return fast[0] % (2.0 * math.pi), fast[1]

    lo, hi = branch
    n_grid = 17
    el = 0.5 * (lo + hi)
    prev: tuple[float, float] | None = None
    for _outer in range(8):
        # Bracket the root on the branch (a fresh grid first, then around the previous solution), then
        # shrink the bracket with vectorised sub-grids; range is monotone in elevation on each branch.
        grid = np.linspace(lo, hi, n_grid)
        f, p = distance(grid, az)
        change = np.flatnonzero(np.sign(f[:-1]) != np.sign(f[1:]))
        if change.size == 0:
            if (lo, hi) != branch:  # lost the bracket after an azimuth update: search the whole branch
                lo, hi = branch
                continue
            finite = f > -1e11
            side = "high" if high else "low"
            if np.any(finite) and np.all(f[finite] > 0.0):
                near = float(np.min(f[finite]) + dist)
                raise UserError(f"{m.name}: target at {dist:.0f} m is out of range: closer than the "
                                f"{side}-angle minimum of about {near:.0f} m")
            reach = float(np.max(f[finite]) + dist) if np.any(finite) else 0.0
            raise UserError(f"{m.name}: target at {dist:.0f} m is out of range (reaches about {reach:.0f} m "
                            f"on the {side}-angle branch)")
        k = int(change[0])
        a_el, b_el, fa, fb = grid[k], grid[k + 1], f[k], f[k + 1]
        for _ in range(6):
            el = float(a_el - fa * (b_el - a_el) / (fb - fa))  # linear interpolation in the bracket
            # Within a bracket spanning < 2 tolerances of range, linear interpolation is far inside one.
            if abs(b_el - a_el) < 1e-7 or abs(fb - fa) < 2.0 * tolerance_m:
                break
            sub = np.linspace(a_el, b_el, 17)
            fs, _ = distance(sub, az)
            ch = np.flatnonzero(np.sign(fs[:-1]) != np.sign(fs[1:]))
            if ch.size == 0:
                break
            j = int(ch[0])
            a_el, b_el, fa, fb = sub[j], sub[j + 1], fs[j], fs[j + 1]
            el = float(a_el - fa * (b_el - a_el) / (fb - fa))
            if abs(fb - fa) < 2.0 * tolerance_m:
                break
        _, impact = distance([el], az)
        impact = impact[0]
        miss_m = float(np.hypot(*(target[:2] - impact[:2])))
        if miss_m < tolerance_m:
            break
        az, prev = _azimuth_step(az, bearing, impact, launch, prev)
        width = 0.02
        lo, hi = max(branch[0], el - width), min(branch[1], el + width)
        n_grid = 5
    else:
        if miss_m > 10.0 * tolerance_m:
            raise UserError(f"{m.name}: no firing solution converged (best miss {miss_m:.1f} m)")
    return az % (2.0 * math.pi), el
