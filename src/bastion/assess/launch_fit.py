"""Young rocket and shell tracks: the threat library's rounds fitted to the track's plots.

A filter settles on a rocket's arc slowly: for its first seconds the track's velocity comes from few
plots, its drag is unknown, and part of what it saw was the boost. Yet a round of the threat library,
once fired, has only six free parameters: where its launcher stood (east, north), the azimuth and
elevation it was laid at, when it fired, and how fast it is against the library's nominal round (a
rocket's exit speed and thrust, a shell's muzzle velocity: real rounds differ by a fraction of a percent,
so this one has a Gaussian prior, ``VELOCITY_PRIOR_SD``). Its whole flight after that is known (the same
round models the simulation flies; against real rounds, as good as the library). This module fits those
six parameters to all of a track's plots at once (weighted least squares, Levenberg-Marquardt), for each
library round, and gives the impact point and time with the covariance that the fit's information
implies (J F^-1 J^T). With the velocity fixed (until 2026-12-07), on simulated nominal rockets, on all of
a rocket's plots, it came within 0.9-1.7 times the Cramer-Rao bound that ``benchmarks/impact_bound.py``
measures from 4 s after launch, where the filter alone was 2-12 times it.

The flight is read from a table per round (:func:`flight_table`): the round flown from the ground at
every elevation its launcher can lay (0.25 deg apart), sampled every 0.2 s of flight, downrange distance
and height with their rates. In still air a rocket flies in the vertical plane of its azimuth, and the
flight from a launcher at ground level depends only on the elevation and the time since launch, so one
table serves every launcher position and azimuth. Between samples the table is read by cubic Hermite
interpolation in time and linear interpolation in elevation (within 0.5 m of the integrator;
tests/assess/test_launch_fit.py). The table also holds each sample's slope in the velocity factor (central
differences of the round flown 1 % fast and slow), and a round off its nominal velocity is read to first
order in it (within 5 m over a flight for 2 %; tests). Likewise each sample's slopes in a tail and a
crosswind: a round is fitted in the base's met wind, read to first order in its components along and
across the line of fire (within 1.5 m over a rocket's flight in 10 m/s; tests/assess/test_wind.py), and
with the report's stated error the wind's error is fitted too, with that prior.

Assumptions, each a reason for a fit to fail its consistency test rather than mislead: a wind constant
with height, the launcher at the site's ground height (0 m up), the round one of the library's. A fit
whose chi-square exceeds its 99.9 % point is not used; the assessment keeps the filter's prediction.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import chdtri

from bastion.assess.wind_weights import BallisticWinds, ballistic_winds
from bastion.diskcache import load_or_build
from bastion.physics.atmosphere import G0
from bastion.physics.ballistic import DEFAULT_T_MAX, WindProfile, trajectory_to_ground
from bastion.physics.rounds import munition
from bastion.track.plots import Plots

#: The wind a round is fitted in: None (still air), one wind (east, north m/s), or a report by height's
#: ballistic winds along the round's flight.
Wind = np.ndarray | BallisticWinds | None

ELEVATION_STEP_RAD = math.radians(0.25)
TABLE_DT_S = 0.2  # longest flight-table sample interval (s): Hermite interpolation keeps within 0.5 m (tests)
MIN_PLOTS = 4  # 12 numbers and the velocity prior for 6 unknowns: fewer, and a wrong round fits as well
CONSISTENT_PROB = 0.999  # a fit whose chi-square exceeds this quantile is taken as the wrong model
CLAIM_GATE = float(chdtri(3, 0.01))  # a loose plot this close (squared Mahalanobis) is claimed
REJECT_FACTOR = 5.0  # ... and one this many times beyond it, while another round fits, is not refitted
MAX_ITERATIONS = 30
# The round's velocity is a sixth parameter: the factor on the library's nominal velocity (a gun's muzzle
# velocity, a rocket's exit speed and thrust; Munition.with_velocity_factor), less 1, with a Gaussian
# prior of this standard deviation: real rounds differ from their firing table with the propellant's
# temperature and lot and the barrel's wear (docs/assessment.md, "Velocity"). Assumed.
VELOCITY_PRIOR_SD = 0.005
VELOCITY_STEP = 0.01  # the flight tables' velocity slopes: central differences over this factor
# The flight tables' wind slopes: the round flown in a tail and a head wind of this speed (central
# differences), and in a crosswind (its drift is odd in the crosswind: one flight gives the slope).
WIND_STEP_MPS = 5.0
N_PARAMS = 6
# With the met report's uncertainty stated (``LaunchFitter(wind_sd=...)``), the wind's error from the report
# (east, north m/s) is a seventh and eighth parameter, each with a Gaussian prior of that deviation.
N_PARAMS_FREE_WIND = 8

CHI2_TOLERANCE = 1e-3  # the fit has converged when a step lowers the chi-square by less than this
INIT_ELEVATION_STRIDE = 4  # the starting-point search tries every 4th table elevation (1 deg)
INIT_LATE_S = 0.2  # ... letting the last plot fall this much after the impact (s; noise)
INIT_PLOTS = 12  # ... on at most this many of the plots, spread over the track
INIT_STARTS = 3  # ... and refines this many of the best distinct starting points
# A range rate within this long of the motor's burnout (by the fit's launch time) is left out: the
# acceleration jumps there by hundreds of m/s^2, so the range rate is a kinked function of the launch
# time, and a fit started on the wrong side of the kink stayed there (1 in 60-120 trials whose first
# plot fell within 0.05 s before the 107 mm rocket's burnout: chi-square 65-94 against 14-23 from the
# truth). A real motor's burnout is less sharp and its timing varies with the propellant's temperature.
# The starting-point search also scores a candidate's range rates in the boost (to this long after it)
# at their expected value: on 1,000 such tracks 8 fits started after the burnout and ended 0.3-0.8 s
# early without that, none with it.
BURNOUT_GUARD_S = 0.3
# Variance factors on the fitted impact ellipse, by time to impact (s, factor; linear between knots,
# held beyond), as IMPACT_COV_SCALE_BY_TIME is on the filter's (docs/assessment.md, "Ellipse
# calibration"). Measured on the dense benchmark's seeds 3000-3052 of 2026-12-07 (rounds with 0.5 %
# velocity dispersion, the fit with its free velocity, factor 1; 1,060 rockets and 1,060 shells): the factor
# that puts the 95th percentile of the truth's squared Mahalanobis distance on the chi-square point was
# 1.25 / 0.98 / 1.05 at 20 / 10 / 5 s before impact (549 / 1,441 / 1,779 rounds predicted; rockets alone
# 1.14 / 0.98 / 1.10). Until 2026-12-07 (nominal rounds, velocity fixed, rockets only): 1.41 / 0.94 / 1.01.
FIT_COV_SCALE_BY_TIME = ((5.0, 1.05), (10.0, 1.0), (20.0, 1.25))
# Variance factor on the fitted launcher's ellipse: the same runs put the 95th percentile of the
# launcher's squared Mahalanobis distance at 1.14 times the chi-square point (2,108 rounds; rockets 1.34,
# shells 0.95; until 2026-12-07, nominal rockets, 1.06).
ORIGIN_FIT_COV_SCALE = 1.15


def fit_cov_scale(t_go: float) -> float:
    """The variance factor (:data:`FIT_COV_SCALE_BY_TIME`) on a fitted impact ellipse ``t_go`` seconds
    before impact."""
    return float(np.interp(t_go, [a for a, _ in FIT_COV_SCALE_BY_TIME], [b for _, b in FIT_COV_SCALE_BY_TIME]))


def _chi2_quantile(dof: int) -> float:
    """The chi-square :data:`CONSISTENT_PROB` quantile for ``dof`` degrees of freedom (``scipy.special``:
    importing ``scipy.stats`` costs every command 0.4 s of start-up)."""
    return float(chdtri(dof, 1.0 - CONSISTENT_PROB))


@dataclass(frozen=True, eq=False)
class FlightTable:
    """A round's flight from a ground-level launcher, by launcher elevation and time since launch.

    Attributes:
        name: the threat-library round.
        el: (E,) launcher elevations (rad), rising by ``el_step``.
        dt: sample interval (s); sample k is at k dt after launch.
        x, z, vx, vz: (E, K) downrange distance (m), height (m) and their rates (m/s); after the impact
            the arc goes on in a straight line (below ground).
        x_impact, t_impact: (E,) downrange distance (m) and time of flight (s) to the ground.
        x_v, z_v, vx_v, vz_v, x_impact_v, t_impact_v: the same arrays' slopes with the round's velocity
            factor (:meth:`bastion.physics.rounds.Munition.with_velocity_factor`) at 1, per unit of it
            (central differences, +-``VELOCITY_STEP``).
        x_w, z_w, vx_w, vz_w, x_impact_w, t_impact_w: their slopes with a tail wind (m/s, blowing along
            the line of fire; central differences, +-``WIND_STEP_MPS``), and y_w, vy_w, y_impact_w: the
            drift to the right of the line of fire (m) and its rate per m/s of a wind blowing toward the
            right (``WIND_STEP_MPS``; the drift is odd in it), all (per m/s) in still air.
    """

    name: str
    el: np.ndarray
    el_step: float
    dt: float
    x: np.ndarray
    z: np.ndarray
    vx: np.ndarray
    vz: np.ndarray
    x_impact: np.ndarray
    t_impact: np.ndarray
    x_v: np.ndarray
    z_v: np.ndarray
    vx_v: np.ndarray
    vz_v: np.ndarray
    x_impact_v: np.ndarray
    t_impact_v: np.ndarray
    x_w: np.ndarray
    z_w: np.ndarray
    vx_w: np.ndarray
    vz_w: np.ndarray
    x_impact_w: np.ndarray
    t_impact_w: np.ndarray
    y_w: np.ndarray
    vy_w: np.ndarray
    y_impact_w: np.ndarray

    @functools.cached_property
    def _stacked(self) -> np.ndarray:
        """(E, K, 14): downrange, height, their velocity slopes and their wind slopes (tail wind: x, z;
        crosswind: y), then the same seven's rates times ``dt`` (the Hermite tangents), so that each
        interpolation corner is one gather and the values and their tangents are each one slice."""
        vals = [self.x, self.z, self.x_v, self.z_v, self.x_w, self.z_w, self.y_w]
        rates = [self.vx, self.vz, self.vx_v, self.vz_v, self.vx_w, self.vz_w, self.vy_w]
        return np.stack(vals + [r * self.dt for r in rates], axis=-1)

    def at(self, tau: np.ndarray, el: np.ndarray, rates: bool = False,
           velocity: bool = False, wind: bool = False) -> tuple[np.ndarray, ...]:
        """Downrange X, height Z, their rates VX, VZ (d/dtau) and their elevation slopes X_el, Z_el at
        times since launch ``tau`` (s) and elevations ``el`` (rad), broadcast together; with ``rates``
        also the rates' own rates AX, AZ (d2/dtau2 of the interpolant: piecewise linear in time) and
        elevation slopes VX_el, VZ_el (for the range rate's Jacobian); with ``velocity`` then also the
        slopes of X, Z, VX, VZ with the velocity factor (X_v, Z_v, VX_v, VZ_v); with ``wind`` (and
        ``velocity``) then the wind slopes X_w, Z_w, Y_w, their rates VX_w, VZ_w, VY_w and their elevation
        slopes X_w_el, Z_w_el, Y_w_el (and with ``rates`` the rates' rates AX_w, AZ_w, AY_w). Times are held
        within [0, last sample], elevations within the table."""
        i, w, k, s = self._cell(tau, el)
        w = w[..., None]
        s2, s3 = s * s, s * s * s
        # Cubic Hermite basis, its derivative (and second derivative), for value and tangent at both ends
        # of the interval: q (bases, ..., 4).
        q = np.empty((3 if rates else 2,) + s.shape + (4,))
        q[0, ..., 0], q[0, ..., 1] = 2 * s3 - 3 * s2 + 1, s3 - 2 * s2 + s
        q[0, ..., 2], q[0, ..., 3] = -2 * s3 + 3 * s2, s3 - s2
        q[1, ..., 0], q[1, ..., 1] = (6 * s2 - 6 * s) / self.dt, (3 * s2 - 4 * s + 1) / self.dt
        q[1, ..., 2], q[1, ..., 3] = (-6 * s2 + 6 * s) / self.dt, (3 * s2 - 2 * s) / self.dt
        if rates:
            q[2, ..., 0], q[2, ..., 1] = (12 * s - 6) / self.dt**2, (6 * s - 4) / self.dt**2
            q[2, ..., 2], q[2, ..., 3] = (-12 * s + 6) / self.dt**2, (6 * s - 2) / self.dt**2
        q = q[:, None]  # over the two elevation rows
        tab = self._stacked
        width = 7 if wind else 4 if velocity else 2  # x, z (and their velocity slopes, and wind slopes)
        half = tab.shape[-1] // 2
        rows = np.stack([i, i + 1])
        a, b = tab[rows, k], tab[rows, k + 1]  # (2, ..., 14) each: the two elevations' samples at k, k + 1
        pa, ma, pb, mb = a[..., :width], a[..., half:half + width], b[..., :width], b[..., half:half + width]
        # value = h0 p0 + h1 m0 + h2 p1 + h3 m1 for the pairs (x, vx dt) and (z, vz dt) (and their velocity
        # and wind slopes); the same with the basis's derivatives for the rate (and its rate): (bases, 2, ..., width)
        by_row = q[..., 0:1] * pa + q[..., 1:2] * ma + q[..., 2:3] * pb + q[..., 3:4] * mb
        ra, rb = by_row[:, 0], by_row[:, 1]
        val, rate, *acc = (1 - w) * ra + w * rb
        slope, rate_slope = (rb[:2] - ra[:2]) / self.el_step
        out = (val[..., 0], val[..., 1], rate[..., 0], rate[..., 1], slope[..., 0], slope[..., 1])
        if rates:
            acc = acc[0]
            out += (acc[..., 0], acc[..., 1], rate_slope[..., 0], rate_slope[..., 1])
        if velocity or wind:
            out += (val[..., 2], val[..., 3], rate[..., 2], rate[..., 3])
        if wind:
            out += (val[..., 4], val[..., 5], val[..., 6], rate[..., 4], rate[..., 5], rate[..., 6],
                    slope[..., 4], slope[..., 5], slope[..., 6])
            if rates:
                out += (acc[..., 4], acc[..., 5], acc[..., 6])
        return out

    def _cell(self, tau, el) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The interpolation cell of times ``tau`` (s) and elevations ``el`` (rad), broadcast together:
        the elevation row at or below each and the next one's weight, the time sample at or below each and
        the fraction of the interval past it (times held within [0, last sample], elevations within the
        table)."""
        tau, el = np.broadcast_arrays(np.asarray(tau, float), np.asarray(el, float))
        n_el, n_t = self.x.shape
        u = np.clip((el - self.el[0]) / self.el_step, 0.0, n_el - 1 - 1e-9)
        i = u.astype(np.int64)
        v = np.clip(tau / self.dt, 0.0, n_t - 1 - 1e-9)
        k = v.astype(np.int64)
        return i, u - i, k, v - k

    def height_and_velocity(self, tau: np.ndarray, el: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Height, downrange and up velocity (m, m/s) of the nominal flight at times ``tau`` (s) and
        elevations ``el`` (rad), broadcast together: linear between elevation rows as :meth:`at`, in time
        the cubic Hermite for the height and linear for the velocities (samples 0.2 s apart at most, a
        rocket's burnout on one). For the perturbation equations along many flights
        (``bastion.assess.wind_weights``): :meth:`at` interpolates every column, several times the cost."""
        i, w, k, s = self._cell(tau, el)
        h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
        out = []
        for rr in (i, i + 1):
            z0, z1, vz0, vz1 = self.z[rr, k], self.z[rr, k + 1], self.vz[rr, k], self.vz[rr, k + 1]
            vx0, vx1 = self.vx[rr, k], self.vx[rr, k + 1]
            out.append((h00 * z0 + h10 * self.dt * vz0 + h01 * z1 + h11 * self.dt * vz1,
                        (1 - s) * vx0 + s * vx1, (1 - s) * vz0 + s * vz1))
        return tuple((1 - w) * a + w * b for a, b in zip(*out, strict=True))

    def _bracket(self, el: float) -> tuple[int, float]:
        """The table elevation at or below ``el`` (rad, held within the table) and the weight of the next."""
        u = min(max((el - self.el[0]) / self.el_step, 0.0), self.el.size - 1 - 1e-9)
        i = int(u)
        return i, u - i

    def impact(self, el: float) -> tuple[float, float, float, float]:
        """Downrange distance (m) and time of flight (s) to the ground at elevation ``el`` (rad), and
        their slopes with the elevation (m/rad, s/rad)."""
        i, w = self._bracket(el)
        xi, ti = self.x_impact[i:i + 2], self.t_impact[i:i + 2]
        return ((1 - w) * xi[0] + w * xi[1], (1 - w) * ti[0] + w * ti[1],
                (xi[1] - xi[0]) / self.el_step, (ti[1] - ti[0]) / self.el_step)

    def impact_wind_slopes(self, el: float) -> tuple[float, float, float]:
        """The slopes of the downrange distance (m) and time of flight (s) to the ground with a tail wind,
        and of the drift to the right (m) with a wind toward the right, per m/s, at elevation ``el`` (rad)."""
        i, w = self._bracket(el)
        return tuple((1 - w) * a[i] + w * a[i + 1] for a in (self.x_impact_w, self.t_impact_w, self.y_impact_w))

    def impact_velocity_slopes(self, el: float) -> tuple[float, float]:
        """The slopes of the downrange distance (m) and time of flight (s) to the ground with the velocity
        factor, at elevation ``el`` (rad)."""
        i, w = self._bracket(el)
        return ((1 - w) * self.x_impact_v[i] + w * self.x_impact_v[i + 1],
                (1 - w) * self.t_impact_v[i] + w * self.t_impact_v[i + 1])


TABLE_ARRAYS = ("el", "x", "z", "vx", "vz", "x_impact", "t_impact", "x_v", "z_v", "vx_v", "vz_v", "x_impact_v",
                "t_impact_v", "x_w", "z_w", "vx_w", "vz_w", "x_impact_w", "t_impact_w", "y_w", "vy_w", "y_impact_w")
# The code a flight table depends on (bastion.diskcache keys its entries on this source).
TABLE_MODULES = ("bastion.physics", "bastion.assess.launch_fit")


@functools.cache
def flight_table(name: str, site_alt_m: float = 0.0) -> FlightTable:
    """The flight table of the library round ``name`` (``bastion.physics.rounds.PRESETS``) over a site at
    ``site_alt_m`` (m above mean sea level, for the air density). Built once per process (0.4 s per rocket
    on the 2-core test machine), or read from the disk cache (``bastion.diskcache``) in a few ms."""
    try:
        munition(name)
    except (KeyError, ValueError):
        raise KeyError(f"no threat-library round {name!r}") from None
    dt = table_dt(name)
    arrays = load_or_build("flight-tables", (name, float(site_alt_m), ELEVATION_STEP_RAD, dt),
                           TABLE_MODULES, TABLE_ARRAYS, lambda: _build_flight_table(name, site_alt_m))
    return FlightTable(name, arrays["el"], ELEVATION_STEP_RAD, dt,
                       *(arrays[k] for k in TABLE_ARRAYS[1:]))


def table_dt(name: str) -> float:
    """The flight table's sample interval (s) for round ``name``: at most :data:`TABLE_DT_S`, and a whole
    fraction of its motor's burn time, so that the burnout falls on a sample. Its acceleration jumps
    there (the 122 mm rocket's by some 400 m/s^2), and a cubic interpolated across that kink put the
    rate 5 m/s off 0.1 s from it: five standard deviations of the counter-mortar radar's range rate."""
    boost = munition(name).boost
    if boost is None:
        return TABLE_DT_S
    return boost.burn_time_s / math.ceil(boost.burn_time_s / TABLE_DT_S - 1e-9)


def _flown(m, el: np.ndarray, dt: float, site_alt_m: float,
           winds: np.ndarray | None = None) -> list[dict[str, np.ndarray]]:
    """Round ``m`` (a Munition) flown from the ground at elevations ``el`` (rad) to the ground, sampled
    every ``dt`` (s), in still air and in each of ``winds`` ((W, 3) ENU m/s; the line of fire is north),
    all in one batch: per wind, the table arrays x, z, vx, vz, y, vy (E, K; y east, the drift to the
    right), x_impact, t_impact, y_impact (E,)."""
    winds = np.zeros((1, 3)) if winds is None else np.vstack([np.zeros((1, 3)), winds])
    n_el = el.size
    v0 = m.launch_speed_mps * np.stack([np.zeros_like(el), np.cos(el), np.sin(el)], axis=1)  # north
    v0 = np.tile(v0, (winds.shape[0], 1))
    t, pos, vel, t_hit, p_hit, v_hit = trajectory_to_ground(
        np.zeros_like(v0), v0, m.beta, dt=dt, drag_curve=m.drag_curve, boost=m.boost, site_alt_m=site_alt_m,
        wind=np.repeat(winds, n_el, axis=0), t_max=_longest_flight_s(m, float(el.max())))
    # After the impact the samples continue the arc in a straight line from the impact state, so that
    # the interpolation between the last sample in the air and the next stays on the flight (holding the
    # impact state there put the last 0.2 s of flight metres off).
    late = np.clip(t[:, None] - t_hit[None, :], 0.0, None)  # (K, E)
    after = late > 0.0
    pos = np.where(after[..., None], p_hit[None] + late[..., None] * v_hit[None], pos)
    vel = np.where(after[..., None], v_hit[None], vel)
    out = []
    for j in range(winds.shape[0]):
        r = slice(j * n_el, (j + 1) * n_el)
        a = {"x": pos[:, r, 1].T, "z": pos[:, r, 2].T, "y": pos[:, r, 0].T, "vx": vel[:, r, 1].T,
             "vz": vel[:, r, 2].T, "vy": vel[:, r, 0].T}
        out.append({**{k: v.copy() for k, v in a.items()}, "x_impact": p_hit[r, 1].copy(),
                    "y_impact": p_hit[r, 0].copy(), "t_impact": t_hit[r].copy()})
    return out


def _longest_flight_s(m, el_max: float) -> float:
    """A bound (s) on round ``m``'s time of flight at elevations up to ``el_max`` (rad): 1.3 times the
    vacuum flight at its fastest (a gun's muzzle velocity, a rocket's published peak speed) plus its burn
    (drag shortens a flight). A gun's row at 0 deg never leaves the ground and was flown to the
    integrator's 600 s limit: 3,000 samples of every row, 10 s of the table's build."""
    peak = m.launch_speed_mps if m.boost is None else m.max_speed_mps
    if peak is None:
        return DEFAULT_T_MAX
    burn = 0.0 if m.boost is None else m.boost.burn_time_s
    return min(DEFAULT_T_MAX, 1.3 * 2.0 * peak * math.sin(el_max) / G0 + burn + 2.0)


def _build_flight_table(name: str, site_alt_m: float) -> dict[str, np.ndarray]:
    """The arrays of :func:`flight_table`, integrated: the nominal round, the round at 1 -+
    ``VELOCITY_STEP`` times its velocity and in a tail, head and crosswind of ``WIND_STEP_MPS`` for the
    slopes (each sampled as long as the nominal flight)."""
    m = munition(name)
    lo, hi = m.elevation_limits_rad
    n_el = int(round((hi - lo) / ELEVATION_STEP_RAD)) + 1
    el = lo + ELEVATION_STEP_RAD * np.arange(n_el)
    dt = table_dt(name)
    w = WIND_STEP_MPS
    nominal, tail, head, cross = _flown(m, el, dt, site_alt_m, np.array([[0.0, w, 0.0], [0.0, -w, 0.0], [w, 0.0, 0.0]]))
    out = {"el": el, **{k: nominal[k] for k in ("x", "z", "vx", "vz", "x_impact", "t_impact")}}
    n_t = out["x"].shape[1]

    def fit(arr: np.ndarray) -> np.ndarray:  # flights longer or shorter than the nominal: its samples only
        return _samples(arr, n_t) if arr.ndim == 2 else arr

    slow, fast = (_flown(m.with_velocity_factor(1.0 + sign * VELOCITY_STEP), el, dt, site_alt_m)[0]
                  for sign in (-1, 1))
    for key in ("x", "z", "vx", "vz", "x_impact", "t_impact"):
        out[f"{key}_v"] = (fit(fast[key]) - fit(slow[key])) / (2.0 * VELOCITY_STEP)
        out[f"{key}_w"] = (fit(tail[key]) - fit(head[key])) / (2.0 * w)
    for key in ("y", "vy", "y_impact"):  # a wind toward the flight's right (east): the drift to the right
        out[f"{key}_w"] = fit(cross[key]) / w
    return out


def _samples(arr: np.ndarray, n_t: int) -> np.ndarray:
    """(E, n_t): ``arr``'s first ``n_t`` samples, its last one continued linearly if it has fewer (each
    flight goes on in a straight line after its impact, so the last two samples give that line)."""
    if arr.shape[1] >= n_t:
        return arr[:, :n_t]
    extra = np.arange(1, n_t - arr.shape[1] + 1)
    step = arr[:, -1] - arr[:, -2]
    return np.concatenate([arr, arr[:, -1:] + step[:, None] * extra[None, :]], axis=1)


@dataclass(frozen=True)
class RoundFit:
    """One library round fitted to a track's plots.

    Attributes:
        round: the round's name.
        theta: (6,) launcher east, north (m), azimuth (rad, compass), elevation (rad), launch time (s),
            and the round's velocity factor less 1 (0: the library's nominal flight); (8,) with the wind's
            error from the met report (east, north m/s) when the fit frees it.
        cov: (6, 6) or (8, 8) its covariance (the inverse of the fit's information, with the priors).
        chi2: the weighted sum of squared residuals; dof: 3 n + m - 5 for n plots (``n_plots``), m of
            them with a range rate the fit used.
        impact: (2,) impact east, north (m); t_impact: impact time (s); impact_cov: (2, 2) m^2;
        t_impact_sd: standard deviation (s) of the impact time.
        log_evidence: the Laplace approximation of the round's marginal likelihood (up to a constant
            shared by all rounds): -chi2 / 2 - log det(information) / 2, each range rate the fit left
            out counted at its expected chi-square (1), so that rounds with other burnouts compare.
    """

    round: str
    theta: np.ndarray
    cov: np.ndarray
    chi2: float
    dof: int
    n_plots: int
    impact: np.ndarray
    t_impact: float
    impact_cov: np.ndarray
    t_impact_sd: float
    log_evidence: float

    @property
    def consistent(self) -> bool:
        """Whether the chi-square is within its :data:`CONSISTENT_PROB` quantile."""
        return bool(self.chi2 <= _chi2_quantile(self.dof))


def _fitted_wind(theta: np.ndarray, wind: np.ndarray | None) -> np.ndarray | None:
    """The wind (east, north m/s) a fit with parameters ``theta`` flies its round in: the met report's
    ``wind`` plus, with the wind freed (8 parameters), its fitted error; None in still air."""
    w = np.zeros(2) if wind is None else np.asarray(wind, float)[:2]
    if theta.size == N_PARAMS_FREE_WIND:
        return w + theta[6:8]
    return w if np.any(w != 0.0) else None


def _winds_on_flight(theta: np.ndarray, wind: Wind, tau: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The winds (east, north m/s) a fit with parameters ``theta`` flies its round's positions and
    velocities in at times ``tau`` (s) since launch: one wind for all (:func:`_fitted_wind`), or with a
    report by height (``BallisticWinds``) each instant's ballistic winds at the fitted azimuth and
    elevation, (n, 2) each, plus the fitted error (a report's error is taken to be the same at every
    height)."""
    if isinstance(wind, BallisticWinds):
        pos, vel = wind.at(tau, float(theta[2]), float(theta[3]))
        if theta.size == N_PARAMS_FREE_WIND:
            pos, vel = pos + theta[6:8], vel + theta[6:8]
        return pos, vel
    w = _fitted_wind(theta, wind)
    return w, w


def _impact_wind(theta: np.ndarray, wind: Wind) -> np.ndarray | None:
    """The wind (east, north m/s) that moves the fitted round's impact: :func:`_fitted_wind`, or with a
    report by height the impact's ballistic winds at the fitted azimuth and elevation plus the fitted
    error."""
    if isinstance(wind, BallisticWinds):
        w = wind.impact(float(theta[2]), float(theta[3]))
        return w + theta[6:8] if theta.size == N_PARAMS_FREE_WIND else w
    return _fitted_wind(theta, wind)


def _along_and_across(wind_en: np.ndarray, sa: float, ca: float) -> tuple:
    """A wind's components (m/s) along a line of fire of azimuth sin ``sa``, cos ``ca`` (a tail wind) and
    toward its right; ``wind_en`` (2,) or (n, 2) east, north."""
    return wind_en[..., 0] * sa + wind_en[..., 1] * ca, wind_en[..., 0] * ca - wind_en[..., 1] * sa


def _wind_error_columns(along, right, sa: float, ca: float) -> tuple:
    """d(east, north)/d(wind east) and d(east, north)/d(wind north) of a quantity whose slopes are
    ``along`` per m/s of tail wind and ``right`` (to the right of the line of fire) per m/s blowing toward
    the right: (de/dwe, dn/dwe, de/dwn, dn/dwn)."""
    return (sa * sa * along + ca * ca * right, ca * sa * along - sa * ca * right,
            sa * ca * along - ca * sa * right, ca * ca * along + sa * sa * right)


def _model(table: FlightTable, theta: np.ndarray, t: np.ndarray,
           sensor: np.ndarray | None = None, wind: Wind = None) -> tuple[np.ndarray, np.ndarray]:
    """Predicted plot positions (n, 3) at times ``t`` (s) and their Jacobian (n, 3, p) in ``theta`` (p
    of them: launcher east, north, azimuth, elevation, launch time, velocity factor less 1, and with 8 the
    wind's error from the met report, east and north m/s); with ``sensor`` (n, 3) ENU positions (m), the
    range rate (m/s) seen from each as a fourth column: (n, 4) and (n, 4, p); ``wind`` (east, north m/s;
    None: still air) the met report's wind, or a report by height's ballistic winds along the flight
    (``BallisticWinds``). The velocity and the wind enter to first order (the tables' slopes), their cross
    terms with each other and with the launch time left out (a percent of a percent); the wind's
    components along and across the line of fire turn with the azimuth (the ballistic winds' own change
    with the azimuth, the elevation and the launch time left out)."""
    f, jacobian = _model_lazy(table, theta, t, sensor, wind)
    return f, jacobian()


def _model_lazy(table: FlightTable, theta: np.ndarray, t: np.ndarray, sensor: np.ndarray | None = None,
                wind: Wind = None) -> tuple[np.ndarray, Callable[[], np.ndarray]]:
    """:func:`_model`'s predictions, and a function that computes their Jacobian when called: a fit's
    trial step needs only the predictions, and most trial steps are not taken."""
    e0, n0, az, el, t0, dv = theta[:6]
    n_par = theta.size
    free_wind = n_par == N_PARAMS_FREE_WIND
    wind_pos, wind_vel = _winds_on_flight(theta, wind, t - t0)
    sa, ca = math.sin(az), math.cos(az)
    windy = wind_pos is not None
    n = t.size
    y = vy = y_el = vy_el = ay = np.zeros(n)  # the drift to the right of the line of fire (only in wind)
    if sensor is None:
        x, z, vx, vz, x_el, z_el, x_v, z_v, vx_v, vz_v, *w_parts = table.at(t - t0, el, velocity=True, wind=windy)
    else:
        (x, z, vx, vz, x_el, z_el, ax, az_, vx_el, vz_el,
         x_v, z_v, vx_v, vz_v, *w_parts) = table.at(t - t0, el, rates=True, velocity=True, wind=windy)
    x, z, vx, vz = x + dv * x_v, z + dv * z_v, vx + dv * vx_v, vz + dv * vz_v
    # d/daz of the along (x, z) and cross (y) wind terms: the components turn with the line of fire.
    dx_az = dz_az = dy_az = dvx_az = dvz_az = dvy_az = np.zeros(n)
    if windy:
        w_a, w_c = _along_and_across(wind_pos, sa, ca)
        v_a, v_c = _along_and_across(wind_vel, sa, ca)  # the same but with a report by height
        x_w, z_w, y_w, vx_w, vz_w, vy_w, x_w_el, z_w_el, y_w_el = w_parts[:9]
        x, z, vx, vz = x + w_a * x_w, z + w_a * z_w, vx + v_a * vx_w, vz + v_a * vz_w
        y, vy = w_c * y_w, v_c * vy_w
        x_el, z_el, y_el = x_el + w_a * x_w_el, z_el + w_a * z_w_el, w_c * y_w_el
        dx_az, dz_az, dy_az = w_c * x_w, w_c * z_w, -w_a * y_w
        dvx_az, dvz_az, dvy_az = v_c * vx_w, v_c * vz_w, -v_a * vy_w
        if sensor is not None:
            ax_w, az_w, ay_w = w_parts[9:12]
            ax, az_, ay = ax + v_a * ax_w, az_ + v_a * az_w, v_c * ay_w
            # the velocity's elevation slopes of the wind terms are left out (second order)
    m = 3 if sensor is None else 4
    f = np.empty((n, m))
    # Downrange along (sin az, cos az), the drift along the right (cos az, -sin az).
    f[:, 0], f[:, 1], f[:, 2] = e0 + x * sa + y * ca, n0 + x * ca - y * sa, z
    if sensor is not None:
        # Range rate = u . v, u the unit line of sight.
        d = f[:, :3] - sensor
        r = np.maximum(np.linalg.norm(d, axis=1), 1.0)
        u = d / r[:, None]
        v = np.stack([vx * sa + vy * ca, vx * ca - vy * sa, vz], axis=1)
        rr = np.einsum("ni,ni->n", u, v)
        f[:, 3] = rr

    def jacobian() -> np.ndarray:
        jac = np.zeros((n, m, n_par))
        jac[:, 0, 0] = 1.0
        jac[:, 1, 1] = 1.0
        wind_cols = (w_parts[0], w_parts[2], w_parts[1]) if free_wind else None
        _fill_theta_columns(jac, sa, ca, (x, y), (dx_az, dy_az, dz_az), (x_el, y_el, z_el), (vx, vy, vz),
                            (x_v, z_v), wind_cols)
        if sensor is not None:
            # d(rr)/dp = (v - rr u) / r, d(rr)/dv = u.
            jac_v = np.zeros((n, 3, n_par))  # the velocity's Jacobian in theta
            wind_cols = (w_parts[3], w_parts[5], w_parts[4]) if free_wind else None
            _fill_theta_columns(jac_v, sa, ca, (vx, vy), (dvx_az, dvy_az, dvz_az), (vx_el, vy_el, vz_el),
                                (ax, ay, az_), (vx_v, vz_v), wind_cols)
            jac[:, 3, :] = np.einsum("ni,nia->na", (v - rr[:, None] * u) / r[:, None], jac[:, :3, :]) \
                + np.einsum("ni,nia->na", u, jac_v)
        return jac

    return f, jacobian


def _fill_theta_columns(jac: np.ndarray, sa: float, ca: float, level, d_az, d_el, d_t, d_v, d_wind) -> None:
    """Columns 2-5 (and 6-7) of ``jac`` (n, >=3, p), rows east, north, up, for a quantity of the flight
    (a position, a velocity, or the impact point with its time as the third) given in the line of fire's
    frame (downrange, right, up), whose azimuth is
    sin ``sa``, cos ``ca``: ``level`` its downrange and right components; its derivatives in the frame with
    the azimuth (the wind terms turning with it: ``d_az``), the elevation (``d_el``) and the time since
    launch (``d_t``), each (downrange, right, up); ``d_v`` the downrange and up slopes with the velocity
    factor; ``d_wind`` (None: the wind not fitted) the slopes with a tail wind, a crosswind to the right
    and, for the height, the tail wind again (downrange, right, up)."""
    a, r = level
    jac[:, 0, 2] = a * ca - r * sa + d_az[0] * sa + d_az[1] * ca
    jac[:, 1, 2] = -a * sa - r * ca + d_az[0] * ca - d_az[1] * sa
    jac[:, 2, 2] = d_az[2]
    jac[:, 0, 3], jac[:, 1, 3], jac[:, 2, 3] = d_el[0] * sa + d_el[1] * ca, d_el[0] * ca - d_el[1] * sa, d_el[2]
    # a later launch is the flight seen earlier: minus its rate
    jac[:, 0, 4], jac[:, 1, 4], jac[:, 2, 4] = -d_t[0] * sa - d_t[1] * ca, -d_t[0] * ca + d_t[1] * sa, -d_t[2]
    jac[:, 0, 5], jac[:, 1, 5], jac[:, 2, 5] = d_v[0] * sa, d_v[0] * ca, d_v[1]
    if d_wind is not None:
        jac[:, 0, 6], jac[:, 1, 6], jac[:, 0, 7], jac[:, 1, 7] = _wind_error_columns(d_wind[0], d_wind[1], sa, ca)
        jac[:, 2, 6], jac[:, 2, 7] = sa * d_wind[2], ca * d_wind[2]


def _initial_guesses(table: FlightTable, plots: Plots, burnout_s: float | None = None,
                     count: int = INIT_STARTS) -> list[np.ndarray]:
    """Starting points for the fit: the azimuth from the plots' ground track (a straight line through
    the launcher without wind), then the elevation and launch time whose flight best matches the plots'
    along-track spacing and heights, each weighted by the plot's noise: for every elevation on a 1 deg
    grid, the launch times at which that flight passes one of the plots' heights; the best ``count``
    that differ by at least 2 deg of elevation or 0.5 s of launch time. (Matching only the first plot's
    height, as until 2026-12-03, started a rocket seen 0.1 s after launch with 40 m of height noise a
    second off its launch time, and the fit stayed in that valley: 3 of 10 107 mm rockets at 5 km.)
    Where plots have range rates they count in the match too: on positions alone a 107 mm rocket seen
    from 0.8 s after launch fitted as well launched 1 s earlier and 370 m further back, 15 m/s off in
    range rate, and a start there stayed in that valley."""
    t, pos, cov = plots.t, plots.pos, plots.cov
    horiz = pos[:, :2]
    centre = horiz.mean(axis=0)
    _, _, vt = np.linalg.svd(horiz - centre, full_matrices=False)
    u = vt[0]
    if np.dot(u, horiz[-1] - horiz[0]) < 0.0:
        u = -u
    az = math.atan2(u[0], u[1])
    sub = np.unique(np.linspace(0, t.size - 1, min(INIT_PLOTS, t.size)).round().astype(np.int64))
    ts, s, z = t[sub] - t[sub[0]], (horiz[sub] - centre) @ u, pos[sub, 2]
    w_s = 1.0 / np.maximum(np.einsum("i,nij,j->n", u, cov[sub][:, :2, :2], u), 1e-6)
    w_z = 1.0 / np.maximum(cov[sub][:, 2, 2], 1e-6)
    # For each elevation, the launch times that put one of the plots' heights on the flight: where the
    # table's height crosses it (climbing and descending), from the samples; each plot in turn, as the
    # first plot's height alone may be 40 m off (the surveillance radar's elevation noise at 5 km).
    rows = np.arange(0, table.el.size, INIT_ELEVATION_STRIDE)
    zr = table.z[rows][None, :, :] - np.maximum(z, 0.0)[:, None, None]  # (plots, rows, samples)
    cross = (zr[..., :-1] * zr[..., 1:] <= 0.0) & (zr[..., :-1] != zr[..., 1:])
    p_idx, r_idx, k_idx = np.nonzero(cross)
    za, zb = zr[p_idx, r_idx, k_idx], zr[p_idx, r_idx, k_idx + 1]
    tf_c = (k_idx + za / (za - zb)) * table.dt - ts[p_idx]  # time since launch of the first plot
    keep = (tf_c >= 0.0) & (tf_c + ts[-1] <= table.t_impact[rows[r_idx]] + INIT_LATE_S)
    el_c, tf_c = table.el[rows[r_idx[keep]]], tf_c[keep]
    if el_c.size == 0:
        return []
    x, zz, vx, vz, *_ = table.at(tf_c[:, None] + ts[None, :], el_c[:, None])
    s0 = np.sum(w_s * (s[None, :] - x), axis=1) / np.sum(w_s)  # the launcher's along-track coordinate
    cost = np.sum(w_s * (s[None, :] - s0[:, None] - x) ** 2 + w_z * (z[None, :] - zz) ** 2, axis=1)
    has = plots.has_range_rate[sub]
    if has.any():
        # The candidate's range rates: its flight on the ground track, seen from each plot's sensor.
        sensor = plots.sensor[sub][has]
        along = s0[:, None] + x[:, has]  # (candidates, m) along-track from the centre
        d_h = centre + along[..., None] * u - sensor[None, :, :2]
        d_u = zz[:, has] - sensor[None, :, 2]
        rng = np.sqrt(np.einsum("cmi,cmi->cm", d_h, d_h) + d_u**2)
        rr = (np.einsum("cmi,i->cm", d_h, u) * vx[:, has] + d_u * vz[:, has]) / np.maximum(rng, 1.0)
        term = (plots.rr[sub][has] - rr) ** 2 / plots.rr_var[sub][has]
        if burnout_s is not None:
            # During the boost the range rate changes by some 400 m/s per second of launch time, which
            # the grid's launch times miss by tenths of a second: a candidate whose plots fall in the
            # boost was scored hundreds above the truth's, and the search started after the burnout (8
            # in 1,000 107 mm tracks first seen just before it). Such terms count at their expected value.
            in_boost = tf_c[:, None] + ts[has][None, :] < burnout_s + BURNOUT_GUARD_S
            term = np.where(in_boost, 1.0, term)
        cost += np.sum(term, axis=1)
    out: list[np.ndarray] = []
    for c in np.argsort(cost):
        t0 = t[sub[0]] - tf_c[c]
        if any(abs(el_c[c] - g[3]) < math.radians(2.0) and abs(t0 - g[4]) < 0.5 for g in out):
            continue
        e0, n0 = centre + s0[c] * u
        out.append(np.array([e0, n0, az, el_c[c], t0, 0.0]))
        if len(out) == count:
            break
    return out


def _velocity_prior_weight() -> float:
    """The velocity prior's information (1 / sd^2), added to the fit's on the velocity factor."""
    return 1.0 / VELOCITY_PRIOR_SD**2


def _prior_weights(n_par: int, wind_sd: float | None) -> np.ndarray:
    """(n_par,) the priors' information on each parameter (0: none): the velocity's, and with 8
    parameters the wind error's, 1 / ``wind_sd``^2 on each component (m/s)."""
    w = np.zeros(n_par)
    w[5] = _velocity_prior_weight()
    if n_par == N_PARAMS_FREE_WIND:
        w[6:8] = 1.0 / float(wind_sd) ** 2
    return w


def _refine(table: FlightTable, theta: np.ndarray, t: np.ndarray, obs: np.ndarray, weight: np.ndarray,
            sensor: np.ndarray | None, wind: Wind = None,
            wind_sd: float | None = None, give_up_chi2: float = math.inf) -> tuple[np.ndarray, float]:
    """Levenberg-Marquardt from ``theta`` on the observations ``obs`` (n, m) weighted by ``weight``
    (n, m, m) (see :func:`_observations`) and the priors (:func:`_prior_weights`), in the met report's
    ``wind`` (:func:`_model`); the fitted parameters and their chi-square (the priors' terms included:
    each is one more observation for one more parameter). A fit still above ``give_up_chi2`` that, at
    its last step's rate of descent, could not get below it in the iterations left stops there: the
    wrong round's fit is ruled out whether it crawls on or not."""
    lo, hi = table.el[0], table.el[-1]
    prior_w = _prior_weights(theta.size, wind_sd)

    def chi2_of(th: np.ndarray) -> tuple[float, np.ndarray, Callable[[], np.ndarray]]:
        f, jacobian = _model_lazy(table, th, t, sensor, wind)
        r = obs - f
        return float(np.einsum("ni,nij,nj->", r, weight, r)) + float(prior_w @ th**2), r, jacobian

    # A trial step's Jacobian is computed only once the step is taken (most are not).
    chi2, r, jacobian = chi2_of(theta)
    jac = jacobian()
    lam = 1e-3
    for iteration in range(MAX_ITERATIONS):
        jw = np.einsum("nia,nij->naj", jac, weight)
        info = np.einsum("naj,njb->ab", jw, jac)
        grad = np.einsum("naj,nj->a", jw, r)
        info[np.diag_indices_from(info)] += prior_w
        grad -= prior_w * theta
        diag = np.maximum(np.diag(info), 1e-12)
        try:
            step = np.linalg.solve(info + lam * np.diag(diag), grad)
        except np.linalg.LinAlgError:
            break
        cand = theta + step
        cand[3] = min(max(cand[3], lo), hi)
        chi2_c, r_c, jacobian = chi2_of(cand)
        if chi2_c <= chi2:
            small = chi2 - chi2_c <= CHI2_TOLERANCE
            descent = chi2 - chi2_c
            theta, chi2, r = cand, chi2_c, r_c
            lam = max(lam * 0.1, 1e-12)
            if small or chi2 - descent * (MAX_ITERATIONS - 1 - iteration) > give_up_chi2:
                break
            jac = jacobian()
        else:
            lam *= 10.0
            if lam > 1e8:
                break
    return theta, chi2


def _usable(plots: Plots) -> Plots:
    """The plots with a usable position (a live sensor's bad message may carry none)."""
    good = np.isfinite(plots.t) & np.isfinite(plots.pos).all(axis=1) & np.isfinite(plots.cov).all(axis=(1, 2))
    return plots if good.all() else plots.take(good)


def _dof(plots: Plots, used: np.ndarray) -> int:
    """Degrees of freedom of a fit to ``plots`` (usable ones): 3 per position, 1 per range rate ``used``
    (n,), less 5 (six parameters, one of them also observed by its prior)."""
    return 3 * len(plots) + int(np.count_nonzero(used)) - 5


def _range_rates_used(plots: Plots, burnout_s: float | None, t_launch: float) -> np.ndarray:
    """(n,) which plots' range rates a fit launched at ``t_launch`` (s) uses: those it has, less those
    within :data:`BURNOUT_GUARD_S` of the motor's burnout ``burnout_s`` (s after launch; None: no motor)."""
    has = plots.has_range_rate
    if burnout_s is None:
        return has
    return has & (np.abs(plots.t - t_launch - burnout_s) > BURNOUT_GUARD_S)


def _observations(plots: Plots, w_pos: np.ndarray,
                  has: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """What the fit matches: (n, 3) positions with their (n, 3, 3) weights ``w_pos`` (inverse
    covariances) or, when the range rates of the plots ``has`` (n,) are used, (n, 4) positions and range
    rates with (n, 4, 4) weights (the range rate's 1 / variance, 0 for a plot whose range rate is not
    used; its noise taken as independent of the position's, as a radar's range-rate and angle channels
    are), and the sensors' positions (None without range rates)."""
    if not has.any():
        return plots.pos, w_pos, None
    n = len(plots)
    obs = np.zeros((n, 4))
    obs[:, :3] = plots.pos
    obs[has, 3] = plots.rr[has]
    weight = np.zeros((n, 4, 4))
    weight[:, :3, :3] = w_pos
    weight[has, 3, 3] = 1.0 / plots.rr_var[has]
    return obs, weight, plots.sensor


def fit_round(table: FlightTable, plots: Plots, start: np.ndarray | None = None,
              wind: Wind = None, wind_sd: float | None = None) -> RoundFit | None:
    """Fit ``table``'s round to ``plots`` (positions and, where a Doppler radar gave them, range rates),
    from ``start`` (a previous fit's parameters, or the first five or six of them) or a grid search, in the
    met report's ``wind`` (east, north m/s; None: still air; a report by height's ballistic winds along
    the flight, ``BallisticWinds``), taken as exact, or with ``wind_sd`` (m/s, > 0) its error on each
    component (the same at every height) is fitted too (8 parameters) with that prior. None with too few plots or
    an information matrix that cannot be inverted."""
    plots = _usable(plots)
    if len(plots) < MIN_PLOTS:
        return None
    try:
        w_pos = np.linalg.inv(plots.cov)
    except np.linalg.LinAlgError:  # a plot claiming no noise at all in some direction: not fitted
        return None
    t = plots.t
    boost = munition(table.name).boost
    burnout = boost.burn_time_s if boost is not None else None
    n_rr = int(np.count_nonzero(plots.has_range_rate))
    starts = [start] if start is not None else _initial_guesses(table, plots, burnout)
    # Fits that leave out different range rates are compared with each left-out term at its expected
    # chi-square, 1 (so too the rounds' evidence below).
    best: tuple[float, np.ndarray, float, np.ndarray] | None = None
    for s in starts:
        # A start without the velocity (five parameters) is the nominal round's, one without the wind's
        # error the met report's wind.
        n_par = N_PARAMS_FREE_WIND if wind_sd else N_PARAMS
        theta = np.zeros(n_par)
        k = min(len(s), n_par)
        theta[:k] = np.asarray(s, float)[:k]
        used = _range_rates_used(plots, burnout, theta[4])
        for attempt in range(2):  # the range rates used follow the fitted launch time (once)
            obs, weight, sensor = _observations(plots, w_pos, used)
            give_up = REJECT_FACTOR * _chi2_quantile(_dof(plots, used))  # ruled out (_fit_rounds)
            theta, chi2 = _refine(table, theta, t, obs, weight, sensor, wind, wind_sd, give_up)
            now = _range_rates_used(plots, burnout, theta[4])
            if attempt == 1 or np.array_equal(now, used):
                break
            used = now
        score = chi2 + n_rr - int(np.count_nonzero(used))
        if best is None or score < best[0]:
            best = (score, theta, chi2, used)
    if best is None:
        return None
    _, theta, chi2, used = best
    obs, weight, sensor = _observations(plots, w_pos, used)
    _, jac = _model(table, theta, t, sensor, wind)
    info = np.einsum("nia,nij,njb->ab", jac, weight, jac)
    info[np.diag_indices_from(info)] += _prior_weights(theta.size, wind_sd)
    sign, logdet = np.linalg.slogdet(info)
    if sign <= 0 or not np.isfinite(logdet):
        return None
    theta_cov = np.linalg.inv(info)
    e0, n0, az, el, t0, dv = theta[:6]
    x_imp, t_flight, x_el, t_el = table.impact(el)
    x_v, t_v = table.impact_velocity_slopes(el)
    x_imp, t_flight = x_imp + dv * x_v, t_flight + dv * t_v
    sa, ca = math.sin(az), math.cos(az)
    w_en = _impact_wind(theta, wind)
    y_imp = dx_az = dy_az = dt_az = 0.0  # the drift to the right, and the wind terms' turn with the azimuth
    wind_cols = None
    if w_en is not None:
        w_a, w_c = _along_and_across(w_en, sa, ca)
        x_w, t_w, y_w = table.impact_wind_slopes(el)
        x_imp, t_flight, y_imp = x_imp + w_a * x_w, t_flight + w_a * t_w, w_c * y_w
        dx_az, dy_az, dt_az = w_c * x_w, -w_a * y_w, w_c * t_w
        if theta.size == N_PARAMS_FREE_WIND:
            wind_cols = (x_w, y_w, t_w)
    # The impact point (east, north) and, in the third row, its time: the drift's elevation slope left out.
    jac_point = np.zeros((1, 3, theta.size))
    jac_point[0, 0, 0] = jac_point[0, 1, 1] = 1.0
    _fill_theta_columns(jac_point, sa, ca, (x_imp, y_imp), (dx_az, dy_az, dt_az), (x_el, 0.0, t_el), (0.0, 0.0, 0.0),
                        (x_v, t_v), wind_cols)
    jac_point[0, 2, 4] = 1.0  # the impact comes as much later as the launch
    jac_imp, jac_t = jac_point[0, :2], jac_point[0, 2]
    return RoundFit(
        round=table.name, theta=theta, cov=theta_cov, chi2=chi2, dof=_dof(plots, used), n_plots=len(plots),
        impact=np.array([e0 + x_imp * sa + y_imp * ca, n0 + x_imp * ca - y_imp * sa]), t_impact=float(t0 + t_flight),
        impact_cov=jac_imp @ theta_cov @ jac_imp.T, t_impact_sd=float(math.sqrt(max(jac_t @ theta_cov @ jac_t, 0.0))),
        log_evidence=float(-0.5 * (chi2 + n_rr - int(np.count_nonzero(used))) - 0.5 * logdet),
    )


@dataclass(frozen=True)
class ImpactFit:
    """The library rounds' fits to one track, combined: each consistent round weighted by its evidence.

    Attributes:
        impact: (2,) east, north (m); t_impact (s); cov: (2, 2) m^2 (the mixture's: each round's own
            covariance plus the spread of the rounds' impacts); t_impact_sd: the impact time's standard
            deviation (s), the mixture's likewise; origin: (2,) the launcher (m) and
            origin_cov (2, 2); t_launch (s); weights: round name -> weight; fits: every round's fit.
    """

    impact: np.ndarray
    t_impact: float
    cov: np.ndarray
    t_impact_sd: float
    origin: np.ndarray
    origin_cov: np.ndarray
    t_launch: float
    weights: dict[str, float]
    fits: tuple[RoundFit, ...]


def combine(fits: list[RoundFit | None], rounds: tuple[str, ...] | None = None) -> ImpactFit | None:
    """The evidence-weighted mixture of the consistent fits (None when no fit is consistent; None
    entries, rounds that could not be fitted, are skipped). With ``rounds`` (the library fitted), each kind
    of round is equally likely a priori and each round of a kind likewise, as in :func:`kind_log_evidence`
    (a gun's seven charges together weigh as much as one kind of rocket, not seven); without, each round."""
    fits = [f for f in fits if f is not None]
    ok = [f for f in fits if f.consistent]
    if not ok:
        return None
    ev = np.array([f.log_evidence for f in ok])
    if rounds is not None:
        kinds = [munition(name).kind for name in rounds]
        ev = ev - np.log([kinds.count(munition(f.round).kind) for f in ok])
    w = np.exp(ev - ev.max())
    w /= w.sum()

    def mix(means: np.ndarray, covs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean = np.einsum("k,ki->i", w, means)
        d = means - mean
        return mean, np.einsum("k,kij->ij", w, covs) + np.einsum("k,ki,kj->ij", w, d, d)

    impact, cov = mix(np.stack([f.impact for f in ok]), np.stack([f.impact_cov for f in ok]))
    origin, origin_cov = mix(np.stack([f.theta[:2] for f in ok]), np.stack([f.cov[:2, :2] for f in ok]))
    times = np.array([f.t_impact for f in ok])
    t_mean = float(w @ times)
    t_var = float(w @ (np.array([f.t_impact_sd for f in ok]) ** 2 + (times - t_mean) ** 2))
    return ImpactFit(
        impact=impact, t_impact=t_mean, cov=cov, t_impact_sd=math.sqrt(t_var), origin=origin,
        origin_cov=origin_cov, t_launch=float(w @ np.array([f.theta[4] for f in ok])),
        weights={f.round: float(wk) for f, wk in zip(ok, w, strict=True)}, fits=tuple(fits),
    )


def kind_log_evidence(fit: ImpactFit, rounds: tuple[str, ...]) -> dict[str, float]:
    """Per kind of round among ``rounds`` (the fitter's library: rockets, a gun's charges), the log of the
    mean marginal likelihood of its rounds on the track's plots, each round of a kind equally likely a
    priori: log (1/n_k sum over the kind's consistent fits of exp(log_evidence)). A round whose fit failed,
    was ruled out or is inconsistent counts as nothing; a kind none of whose rounds fits is -inf. The
    difference between two kinds is the log-likelihood ratio the classifier takes (a weapon-locating
    radar's trajectory classification: the shell of a gun and a rocket after its burnout fly alike, but
    not from the same launch)."""
    kinds = {name: munition(name).kind for name in rounds}
    out = {}
    for kind in dict.fromkeys(kinds.values()):
        names = {name for name, k in kinds.items() if k == kind}
        ev = np.array([f.log_evidence for f in fit.fits if f.consistent and f.round in names])
        out[kind] = float(ev.max() + np.log(np.exp(ev - ev.max()).sum() / len(names))) if ev.size else -np.inf
    return out


def _combine_current(fits: dict[str, RoundFit], plots: Plots, rounds: tuple[str, ...]) -> ImpactFit | None:
    """:func:`combine` of the fits made on the current ``plots`` (a round ruled out and carried on from an
    earlier update is left out); ``rounds`` the library fitted."""
    n = len(_usable(plots))
    return combine([f for f in fits.values() if f.n_plots == n], rounds)


class LaunchFitter:
    """The library rounds (rockets, a gun's charges) fitted to each young rocket or artillery track,
    refitted only when the track has new plots (from the previous fit's parameters: a few iterations).

    Given the loose plots (those no live track holds, ``Tracker.loose_plots``), a track whose fit is
    consistent claims back those that lie on its fitted flight, between its launch and its latest plot,
    within the 99 % gate of the plot's noise plus the fit's own uncertainty there (at most one per
    instant, the nearest); the fit is then made again with them, and they stay the track's."""

    def __init__(self, rounds: tuple[str, ...], site_alt_m: float = 0.0,
                 wind: tuple[float, float] | np.ndarray | None = None, wind_sd: float = 0.0,
                 profile: WindProfile | None = None) -> None:
        """``wind``: the base's met wind (east, north m/s; None: still air), in which every round is
        fitted; ``wind_sd``: the report's uncertainty (m/s per component; 0: exact), within which each fit
        frees the wind; ``profile``: a met report by height, which replaces ``wind``: each round is then
        fitted in its ballistic winds (:func:`bastion.assess.wind_weights.ballistic_winds`), computed here
        for every round (0.1-0.3 s a round on the test machine): at the first rocket they would hold up
        its decision cycle."""
        self.rounds = rounds
        self.site_alt_m = float(site_alt_m)
        self.wind = None if wind is None else np.asarray(wind, float)[:2].copy()
        self.profile = profile
        self._ballistic: dict[str, BallisticWinds] = {}
        if profile is not None:
            for name in rounds:
                self.wind_for(flight_table(name, self.site_alt_m))
        self.wind_sd = float(wind_sd) if wind_sd and wind_sd > 0.0 else None
        # track id -> (plots key, fits by round, combined fit, claimed plots)
        self._cache: dict[int, tuple[tuple[int, float], dict[str, RoundFit], ImpactFit | None, Plots]] = {}

    def _fit_rounds(self, previous: dict[str, RoundFit], plots: Plots) -> dict[str, RoundFit]:
        fits: dict[str, RoundFit] = {}
        n = len(plots)
        # While no round fits, search afresh now and then (at 8, 16, 32 ... plots): a fit that started in
        # the wrong valley is otherwise only carried on from there.
        stuck = bool(previous) and not any(f.consistent for f in previous.values()) and n >= 8 \
            and n & (n - 1) == 0
        for name in self.rounds:
            prev = previous.get(name)
            if prev is not None and prev.chi2 > REJECT_FACTOR * _chi2_quantile(prev.dof) and any(
                    f.consistent for f in previous.values()):
                fits[name] = prev  # ruled out while another round fits: more plots will not bring it back
                continue
            table = flight_table(name, self.site_alt_m)
            fit = self._fit(table, plots, None if prev is None else prev.theta)
            if prev is not None and (prev.consistent or stuck) and (fit is None or not fit.consistent):
                # A fit that stopped fitting may have followed the wrong branch: search again. One that
                # never fitted (the other rocket) is only carried on, not searched for on every plot.
                again = self._fit(table, plots, None)
                if again is not None and (fit is None or again.chi2 < fit.chi2):
                    fit = again
            if fit is not None:
                fits[name] = fit
        return fits

    def wind_for(self, table: FlightTable) -> np.ndarray | BallisticWinds | None:
        """The wind the round of ``table`` is fitted in: the met report's (east, north m/s), or with a
        report by height the round's ballistic winds, which follow the fit's elevation and azimuth
        (every elevation's computed in one batch)."""
        if self.profile is None:
            return self.wind
        winds = self._ballistic.get(table.name)
        if winds is None:
            winds = self._ballistic[table.name] = ballistic_winds(table, self.profile, self.site_alt_m)
        return winds

    def _fit(self, table: FlightTable, plots: Plots, start: np.ndarray | None) -> RoundFit | None:
        """:func:`fit_round` in the round's wind (:meth:`wind_for`)."""
        return fit_round(table, plots, start, self.wind_for(table), self.wind_sd)

    def _claim(self, fits: dict[str, RoundFit], result: ImpactFit, t: np.ndarray, loose: Plots) -> np.ndarray:
        """Indices of the loose plots whose positions lie on the likeliest round's fitted flight."""
        lt, lpos, lcov = loose.t, loose.pos, loose.cov
        cand = np.flatnonzero((lt > result.t_launch) & (lt <= t[-1])
                              & (np.min(np.abs(lt[:, None] - t[None, :]), axis=1) > 1e-6))
        if cand.size == 0:
            return cand
        best = fits[max(result.weights, key=result.weights.get)]
        table = flight_table(best.round, self.site_alt_m)
        f, jac = _model(table, best.theta, lt[cand], wind=self.wind_for(table))
        innov_cov = lcov[cand] + jac @ best.cov @ np.swapaxes(jac, 1, 2)
        r = lpos[cand] - f
        try:
            d2 = np.einsum("ni,ni->n", r, np.linalg.solve(innov_cov, r[..., None])[..., 0])
        except np.linalg.LinAlgError:
            return cand[:0]
        ok = d2 <= CLAIM_GATE  # NaN (a plot without a position) is never claimed
        cand, d2 = cand[ok], d2[ok]
        # One plot per instant: the nearest (two plots at one time cannot both be the rocket's).
        order = np.lexsort((d2, lt[cand]))
        cand = cand[order]
        first = np.ones(cand.size, bool)
        first[1:] = np.diff(lt[cand]) > 1e-6
        return cand[first]

    def update(self, track_id: int, plots: Plots, loose: Callable[[], Plots] | None = None) -> ImpactFit | None:
        """The combined fit of the track's ``plots`` and of the loose plots it claims; None when too few
        plots or no round fits them. ``loose`` returns the loose plots; it is called only when the track
        has new plots."""
        key = (len(plots), float(plots.t[-1]) if len(plots) else -np.inf)
        cached = self._cache.get(track_id)
        if cached is not None and cached[0] == key:
            return cached[2]
        loose_plots = loose() if loose is not None else None
        previous, claimed = (cached[1], cached[3]) if cached is not None else ({}, Plots.empty())
        mine = plots.merged(claimed)
        fits = self._fit_rounds(previous, mine)
        result = _combine_current(fits, mine, self.rounds)
        if result is not None and loose_plots is not None and len(loose_plots):
            idx = self._claim(fits, result, mine.t, loose_plots)
            if idx.size:
                more = loose_plots.take(idx)
                with_more = mine.merged(more)
                fits_m = self._fit_rounds(fits, with_more)
                result_m = _combine_current(fits_m, with_more, self.rounds)
                if result_m is not None:  # the claimed plots fit too: they are the track's from now on
                    fits, result, claimed = fits_m, result_m, claimed.merged(more)
        self._cache[track_id] = (key, fits, result, claimed)
        return result

    def forget(self, live_ids) -> None:
        """Drop the tracks not in ``live_ids``."""
        live = set(np.asarray(list(live_ids)).tolist())
        for tid in [k for k in self._cache if k not in live]:
            del self._cache[tid]
