"""Effector models: where and when each effector can act on a track, and its kill probability.

- :class:`Gun`: a 20 mm C-RAM gun (Phalanx / Centurion class) firing self-destructing rounds. The round's
  time of flight comes from the point-mass drag integrator (:mod:`bastion.physics.ballistic`) flown once
  per gun at construction over a grid of launch elevations; the kill probability of a burst from a
  Gaussian dispersion pattern against the target's presented area; the fall of missed rounds as a ground
  footprint the safety interlocks test against no-fire zones.
- :class:`Interceptor`: a guided interceptor missile (flyout speed, envelope, magazine, reload, cost).
- :class:`Jammer`: an RF jammer (only drones with an RF link; dwell to defeat; the drone lands or returns).
- :class:`Laser`: a high-energy laser (dwell time from irradiance, growing with range; weather).

Each has an ``intercept``-style method vectorised over N tracks returning an :class:`Intercept`, and a
kill probability model. Every default is cited beside it and in docs/models.md ("Effectors").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.special import chndtr

from bastion.physics.ballistic import GENERIC_DRAG_CURVE, integrate_to_ground, propagate
from bastion.scenario.schema import GunEffector

G = 9.80665

__all__ = [
    "GUN_ROUND_20MM",
    "PRESENTED_AREA_M2",
    "Footprint",
    "Gun",
    "GunRound",
    "Intercept",
    "Interceptor",
    "InterceptorSpec",
    "Jammer",
    "JammerSpec",
    "Laser",
    "LaserSpec",
    "TofTable",
    "burst_kill_probability",
    "hit_probability",
    "laser_extinction_per_m",
    "presented_area",
]


@dataclass(frozen=True)
class Intercept:
    """Arrays over N tracks: fire time, intercept (effect) time (s), aim point (N,3) ENU m, slant range (m),
    and whether the intercept is inside the envelope."""

    t_fire: np.ndarray
    t_intercept: np.ndarray
    aim: np.ndarray
    range_m: np.ndarray
    feasible: np.ndarray
    aim_start: np.ndarray | None = None  # (N,3) a laser's: where the target is when the beam comes on


# --- target presented areas ----------------------------------------------------------------------------
#: (nose-on, side-on) presented area in m^2 per track class. Length x diameter of representative rounds
#: and drones, from their public dimensions (docs/models.md, "Effectors"): 81 mm bomb ~0.48 m long;
#: 107 mm rocket 0.84 m; 155 mm shell ~0.6 m; Shahed-136-class drone 3.5 m long, 2.5 m span; a small
#: quadcopter ~0.3 m across. Nose-on = pi d^2 / 4 (rounds) or the frontal silhouette (drones, assumed).
#: Helicopters and airliners (never targets; listed so that the truth side scores any burst honestly):
#: a light utility helicopter and a narrow-body airliner, rough silhouettes (assumed).
PRESENTED_AREA_M2: dict[str, tuple[float, float]] = {
    "mortar": (np.pi * 0.081**2 / 4, 0.48 * 0.081),
    "rocket": (np.pi * 0.107**2 / 4, 0.84 * 0.107),
    "artillery": (np.pi * 0.155**2 / 4, 0.60 * 0.155),
    "owa_drone": (0.25, 1.5),
    "quadcopter": (0.03, 0.05),
    "bird": (0.01, 0.03),
    "helicopter": (4.0, 12.0),
    "aircraft": (12.0, 120.0),
}
DEFAULT_AREA_CLASS = "mortar"


def presented_area(track_class, los, velocity) -> np.ndarray:
    """Presented area (m^2) of N targets seen along ``los`` (N,3) (gun to target) while flying with
    ``velocity`` (N,3): A = A_nose |cos a| + A_side |sin a|, a the angle between the line of sight and the
    target's velocity (a round coming straight at the gun shows its nose)."""
    los = np.atleast_2d(np.asarray(los, float))
    vel = np.atleast_2d(np.asarray(velocity, float))
    classes = [track_class] * los.shape[0] if isinstance(track_class, str) else list(track_class)
    nose, side = np.array([PRESENTED_AREA_M2.get(c, PRESENTED_AREA_M2[DEFAULT_AREA_CLASS]) for c in classes]).T
    cos_a = np.abs(np.einsum("ij,ij->i", los, vel)) / np.maximum(
        np.linalg.norm(los, axis=1) * np.linalg.norm(vel, axis=1), 1e-12)
    cos_a = np.clip(cos_a, 0.0, 1.0)
    return nose * cos_a + side * np.sqrt(1.0 - cos_a**2)


# --- the 20 mm round -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class GunRound:
    """A gun projectile for the point-mass drag model: beta = m / (Cd0 A), f(M) the generic drag curve."""

    mass_kg: float = 0.102  # 20x102 mm M56/M940-class projectile ~100 g (TM 9-1300-200 class tables; approx.)
    calibre_m: float = 0.020
    cd0: float = 0.17  # assumed: subsonic level; x f(M) gives Cd 0.27-0.36 at M 1-3 (a fuzed HE shell)
    p_kill_given_hit: float = 0.5  # assumed: a 20 mm HEI hit defeats a mortar bomb / rocket / drone

    @property
    def beta(self) -> float:
        return self.mass_kg / (self.cd0 * np.pi * self.calibre_m**2 / 4.0)


GUN_ROUND_20MM = GunRound()
RATE_RPM = 4500.0  # Phalanx / Centurion M61A1 rate of fire, rounds per minute (RTX, Phalanx product page)


@dataclass(frozen=True)
class TofTable:
    """Rounds flown once over a grid of launch elevations (deg) and tabulated on a grid of slant ranges
    (m) from the muzzle: time of flight (s), the angular drop of the round below its launch line as seen
    from the muzzle (rad) and the remaining speed (m/s). Interpolated bilinearly."""

    el_deg: np.ndarray  # (E,)
    range_m: np.ndarray  # (R,)
    tof: np.ndarray  # (E, R)
    drop_rad: np.ndarray  # (E, R)
    speed: np.ndarray  # (E, R)
    ground_range_m: np.ndarray  # (E,) where a round that never self-destructs lands (dud), from z = 0

    def _interp(self, table: np.ndarray, r, el) -> np.ndarray:
        r = np.asarray(r, float)
        # np.minimum/np.maximum rather than np.clip: this runs thousands of times per run, on a few values.
        el = np.minimum(np.maximum(np.asarray(el, float), self.el_deg[0]), self.el_deg[-1])
        de = self.el_deg[1] - self.el_deg[0]
        dr = self.range_m[1] - self.range_m[0]
        fe = (el - self.el_deg[0]) / de
        fr = np.minimum(np.maximum(r / dr, 0.0), self.range_m.size - 1.000001)
        i = np.minimum(np.maximum(np.floor(fe).astype(int), 0), self.el_deg.size - 2)
        j = np.floor(fr).astype(int)
        a, b = fe - i, fr - j
        return ((1 - a) * (1 - b) * table[i, j] + a * (1 - b) * table[i + 1, j]
                + (1 - a) * b * table[i, j + 1] + a * b * table[i + 1, j + 1])

    def time_of_flight(self, r, el_deg) -> np.ndarray:
        return self._interp(self.tof, r, el_deg)

    def drop(self, r, el_deg) -> np.ndarray:
        return self._interp(self.drop_rad, r, el_deg)

    def remaining_speed(self, r, el_deg) -> np.ndarray:
        return self._interp(self.speed, r, el_deg)


@lru_cache(maxsize=16)
def _tof_table(v0: float, beta: float, max_range_m: float, dt: float = 0.02) -> TofTable:
    """Fly one round per launch elevation (-10 to 90 deg, 2 deg apart) with RK4 drag and tabulate it
    every 10 m of slant range out to ``max_range_m``. A 0.02 s step is within 0.03 ms of flight time and
    0.1 mrad of drop of a 0.01 s step (measured at 1,050 m/s out to 4 km)."""
    el = np.arange(-10.0, 90.0 + 1e-9, 2.0)
    th = np.radians(el)
    n = el.size
    pos = np.zeros((n, 3))
    vel = np.stack([np.zeros(n), v0 * np.cos(th), v0 * np.sin(th)], axis=1)
    ts, ps, vs = [0.0], [pos], [vel]
    t = 0.0
    while np.min(np.linalg.norm(ps[-1], axis=1)) < max_range_m + 20.0:
        pos, vel = propagate(pos, vel, beta, dt, drag_curve=GENERIC_DRAG_CURVE, dt=dt)
        t += dt
        ts.append(t)
        ps.append(pos)
        vs.append(vel)
        if t > 60.0:
            raise ValueError("gun round does not reach its self-destruct range within 60 s")
    tt = np.asarray(ts)
    P, V = np.stack(ps, 1), np.stack(vs, 1)  # (E, K, 3)
    s = np.linalg.norm(P, axis=2)  # slant distance from the muzzle, increasing (checked below)
    if np.any(np.diff(s, axis=1) <= 0):
        raise ValueError("slant range not increasing along a tabulated trajectory")
    rg = np.arange(0.0, max_range_m + 10.0 + 1e-9, 10.0)
    tof = np.array([np.interp(rg, s[k], tt) for k in range(n)])
    phi = np.arctan2(P[:, :, 2], P[:, :, 1])  # elevation of the round seen from the muzzle
    drop = np.array([np.interp(rg, s[k, 1:], th[k] - phi[k, 1:], left=0.0) for k in range(n)])
    speed = np.array([np.interp(rg, s[k], np.linalg.norm(V[k], axis=1)) for k in range(n)])
    # Duds: the same rounds flown on to the ground (coarser step: only the landing point is wanted; a
    # 0.2 s step lands within half a metre of a 0.05 s one).
    up = el > 0
    ground = np.zeros(n)
    _, p_hit, _ = integrate_to_ground(np.zeros((up.sum(), 3)) + [0, 0, 1e-6], vel_from(v0, th[up]), beta,
                                      drag_curve=GENERIC_DRAG_CURVE, dt=0.2)
    ground[up] = np.hypot(p_hit[:, 0], p_hit[:, 1])
    return TofTable(el, rg, tof, drop, speed, ground)


def vel_from(v0: float, th: np.ndarray) -> np.ndarray:
    return np.stack([np.zeros(th.size), v0 * np.cos(th), v0 * np.sin(th)], axis=1)


# --- kill probability of a burst -------------------------------------------------------------------------
def hit_probability(miss_m, sigma_m, radius_m) -> np.ndarray:
    """Probability that one round lands within ``radius_m`` of the target centre when the rounds fall
    about a point ``miss_m`` from it with circular Gaussian dispersion ``sigma_m`` per axis (in the plane
    normal to the line of fire): P = F_ncx2(r^2 / sigma^2; 2 dof, noncentrality m^2 / sigma^2), the
    Rice / Marcum-Q disc-coverage formula 1 - Q1(m / sigma, r / sigma)."""
    sigma = np.maximum(np.asarray(sigma_m, float), 1e-9)
    return chndtr((np.asarray(radius_m, float) / sigma) ** 2, 2, np.maximum((np.asarray(miss_m, float) / sigma) ** 2,
                                                                            1e-300))


def burst_kill_probability(miss_m, sigma_m, area_m2, n_rounds, p_kill_given_hit) -> np.ndarray:
    """Kill probability of a burst of ``n_rounds`` independent rounds whose pattern centre passes
    ``miss_m`` from a target presenting ``area_m2`` (taken as a disc of equal area): each round hits with
    p = :func:`hit_probability` and a hit kills with ``p_kill_given_hit``, so

        Pk = 1 - (1 - p * p_kill_given_hit) ** n_rounds  (~ 1 - exp(-expected hits * p_kill_given_hit)).
    """
    radius = np.sqrt(np.asarray(area_m2, float) / np.pi)
    p = hit_probability(miss_m, sigma_m, radius)
    return 1.0 - (1.0 - p * p_kill_given_hit) ** n_rounds


# Gauss-Laguerre-like fixed quadrature over a Rayleigh-distributed aim error (expected_burst_pk).
_RAYLEIGH_U = (np.arange(64) + 0.5) / 64.0


@dataclass(frozen=True)
class Footprint:
    """Ground areas where missed rounds and their fragments may fall: stadiums (segment a-b in east-north
    m, every point within ``radius`` of it). ``a``, ``b`` (K,2), ``radius`` (K,)."""

    a: np.ndarray
    b: np.ndarray
    radius: np.ndarray


# --- the gun ---------------------------------------------------------------------------------------------
class Gun:
    """A gun's configuration and its changing state (ammunition, when it is free, where it points).

    ``spec`` is the scenario's :class:`GunEffector`; ``round`` the projectile (drag, lethality);
    ``fragment_fall_radius_m`` the radius about the self-destruct point's ground projection where fragments
    may land; ``include_duds`` adds the ballistic landing point of a round that fails to self-destruct to
    the footprint. ``pk_model`` chooses what :meth:`burst_pk` returns: ``"dispersion"`` (the default) the
    dispersion model (:func:`burst_kill_probability`) against the target's presented area, ``"legacy"``
    the earlier ``pk_burst * exp(-miss^2 / 2 s^2)`` with ``s = hypot(dispersion * range,
    pattern_radius_m)`` (no target size; kept for comparison).
    """

    def __init__(self, spec: GunEffector, round: GunRound = GUN_ROUND_20MM, *, rate_rpm: float = RATE_RPM,
                 fragment_fall_radius_m: float = 100.0, include_duds: bool = False,
                 pk_model: str = "dispersion") -> None:
        if pk_model not in ("legacy", "dispersion"):
            raise ValueError("pk_model must be 'legacy' or 'dispersion'")
        self.pk_model = pk_model
        self.spec = spec
        self.name = spec.name
        self.round = round
        self.rate_rpm = rate_rpm
        self.fragment_fall_radius_m = fragment_fall_radius_m
        self.include_duds = include_duds
        self.position = np.asarray(spec.position, float)
        self.rounds_left = spec.rounds
        self.busy_until = -np.inf
        self.pointing_az = 0.0
        self.pointing_el = 0.0
        self.table = _tof_table(float(spec.muzzle_velocity_mps), round.beta, float(spec.self_destruct_range_m))
        self.v_mean = spec.muzzle_velocity_mps * spec.mean_velocity_factor  # kept for callers; not used

    @property
    def burst_duration_s(self) -> float:
        return self.spec.burst_rounds / (self.rate_rpm / 60.0)

    # geometry helpers
    def _az_el_r(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        d = np.atleast_2d(pts) - self.position
        r = np.linalg.norm(d, axis=1)
        return np.arctan2(d[:, 0], d[:, 1]), np.degrees(np.arctan2(d[:, 2], np.hypot(d[:, 0], d[:, 1]))), r

    def time_of_flight(self, aim: np.ndarray) -> np.ndarray:
        """Time of flight (s) from the muzzle to aim points (N,3), with drag (line-of-sight elevation
        plus the superelevation that makes the round pass through the point)."""
        _, el, r = self._az_el_r(aim)
        return self.table.time_of_flight(r, el + np.degrees(self.table.drop(r, el)))

    def intercept(
        self, t: float, x: np.ndarray, ballistic: np.ndarray, t_end: np.ndarray, iterations: int = 8
    ) -> Intercept:
        """Lead computation for N tracks with states x (N,6) at time ``t``; ``ballistic`` (N,) adds
        gravity to the target's motion; ``t_end`` (N,) is when the threat hits (the intercept must come
        at least a second earlier). The fire time waits for the gun to be free, its reaction time and
        the slew in azimuth and elevation; the round's time of flight is the drag model's."""
        s = self.spec
        p0, v0 = x[:, :3], x[:, 3:6]
        acc = np.where(np.asarray(ballistic, bool)[:, None], np.array([0.0, 0.0, -G]), 0.0)
        az, el, _ = self._az_el_r(p0)
        rate = np.radians(s.slew_rate_deg_s)
        slew_az = np.abs((az - self.pointing_az + np.pi) % (2 * np.pi) - np.pi) / rate
        slew_el = np.abs(np.radians(el) - self.pointing_el) / rate
        delay = np.maximum(self.busy_until - t, 0.0) + s.reaction_s + np.maximum(slew_az, slew_el)
        tau = delay + np.linalg.norm(p0 - self.position, axis=1) / s.muzzle_velocity_mps
        for _ in range(iterations):
            aim = p0 + v0 * tau[:, None] + 0.5 * acc * tau[:, None] ** 2
            tau = delay + self.time_of_flight(aim)
        aim = p0 + v0 * tau[:, None] + 0.5 * acc * tau[:, None] ** 2
        _, el, rng = self._az_el_r(aim)
        feasible = (
            (rng >= s.min_range_m) & (rng <= s.max_range_m) & (el >= s.el_min_deg) & (el <= s.el_max_deg)
            & (aim[:, 2] >= s.min_intercept_alt_m) & (t + tau <= t_end - 1.0)
            & (self.rounds_left >= s.burst_rounds)
        )
        return Intercept(t + delay, t + tau, aim, rng, feasible)

    # kill probability
    def dispersion_m(self, range_m) -> np.ndarray:
        """Per-axis standard deviation (m) of the rounds about the pattern centre at ``range_m``."""
        return self.spec.dispersion_mrad * 1e-3 * np.asarray(range_m, float)

    def burst_pk(self, miss_distance_m, range_m, area_m2=None) -> np.ndarray:
        """Kill probability of one burst whose pattern centre passes ``miss_distance_m`` from a target
        presenting ``area_m2`` (default: an 81 mm mortar bomb side-on) at ``range_m``
        (:func:`burst_kill_probability` with this gun's dispersion, burst length and round). With
        ``pk_model="legacy"`` the earlier Gaussian fall-off (no target size)."""
        if self.pk_model == "legacy":
            sigma = np.hypot(self.dispersion_m(range_m), self.spec.pattern_radius_m)
            return self.spec.pk_burst * np.exp(-0.5 * (np.asarray(miss_distance_m) / sigma) ** 2)
        return self.dispersion_burst_pk(miss_distance_m, range_m, area_m2)

    def dispersion_burst_pk(self, miss_distance_m, range_m, area_m2=None) -> np.ndarray:
        """The dispersion model of :meth:`burst_pk`, whatever ``pk_model`` is."""
        if area_m2 is None:
            area_m2 = PRESENTED_AREA_M2[DEFAULT_AREA_CLASS][1]
        return burst_kill_probability(miss_distance_m, self.dispersion_m(range_m), area_m2,
                                      self.spec.burst_rounds, self.round.p_kill_given_hit)

    def expected_burst_pk(self, range_m, aim_sigma_m, area_m2=None) -> np.ndarray:
        """Burst kill probability averaged over the aim error (fire-control planning): the pattern
        centre's miss is Rayleigh with per-axis ``aim_sigma_m`` (e.g. the track's predicted position
        uncertainty at the intercept), common to all rounds of the burst. Midpoint quadrature in the
        Rayleigh CDF (64 nodes). Arrays broadcast over N."""
        rng = np.asarray(range_m, float)[..., None]
        sig = np.asarray(aim_sigma_m, float)[..., None]
        miss = sig * np.sqrt(-2.0 * np.log1p(-_RAYLEIGH_U))
        area = PRESENTED_AREA_M2[DEFAULT_AREA_CLASS][1] if area_m2 is None else np.asarray(area_m2, float)[..., None]
        return self.dispersion_burst_pk(miss, rng, area).mean(axis=-1)

    # the gun's own fire-control radar
    def fcr_sigma_m(self, range_m) -> np.ndarray:
        """Per-axis aim error (m) of the closed-loop lay at ``range_m``: the fire-control radar's angle
        noise (``fcr_sigma_mrad``) times the range, in the plane normal to the line of fire."""
        return self.spec.fcr_sigma_mrad * 1e-3 * np.asarray(range_m, float)

    def fcr_acquires(self, target_range_m, cue_error_m) -> np.ndarray:
        """Whether the gun's fire-control radar takes the target over from the surveillance cue: the target
        is within ``fcr_range_m`` of the gun and within ``fcr_gate_m`` of the cued aim point."""
        return (np.asarray(target_range_m, float) <= self.spec.fcr_range_m) & (
            np.asarray(cue_error_m, float) <= self.spec.fcr_gate_m)

    def planning_pk(self, aim: np.ndarray, velocity: np.ndarray, classes) -> np.ndarray:
        """Kill probability of a burst expected before firing, for N aim points (N,3) at targets flying with
        ``velocity`` (N,3) of the given track classes: the dispersion model averaged over the fire-control
        radar's aim error (:meth:`expected_burst_pk`), the class's presented area at the aspect of the shot.
        With ``pk_model="legacy"``, ``pk_burst``."""
        aim = np.atleast_2d(np.asarray(aim, float))
        if self.pk_model == "legacy":
            return np.full(aim.shape[0], self.spec.pk_burst)
        los = aim - self.position
        r = np.linalg.norm(los, axis=1)
        area = presented_area(classes, los, velocity)
        return self.expected_burst_pk(r, np.maximum(self.fcr_sigma_m(r), 1e-6), area)

    def truth_burst(self, target_pos, target_vel, target_kind: str, aim, z) -> tuple[float, float, bool]:
        """The outcome model of one burst against truth (simulation): ``target_pos``, ``target_vel`` the
        target's true state at the intercept time, ``target_kind`` its true kind (presented area), ``aim``
        the fire order's aim point (from the surveillance track), ``z`` two standard normal draws.

        If the fire-control radar acquires the target (:meth:`fcr_acquires`), it lays the pattern centre
        on it in closed loop, missing by its angle noise: miss = ``fcr_sigma_m(R) * |z|`` (Rayleigh), R
        the true range. Otherwise the burst goes where the surveillance track put it: miss = the distance
        from the target to the aim point. Returns (miss m, kill probability, acquired)."""
        target_pos, aim = np.asarray(target_pos, float), np.asarray(aim, float)
        cue = float(np.linalg.norm(target_pos - aim))
        r_t = float(np.linalg.norm(target_pos - self.position))
        if self.pk_model == "legacy":
            return cue, float(self.burst_pk(cue, np.linalg.norm(aim - self.position))), False
        locked = bool(self.fcr_acquires(r_t, cue))
        if locked:
            miss, r = float(self.fcr_sigma_m(r_t) * np.hypot(z[0], z[1])), r_t
        else:
            miss, r = cue, float(np.linalg.norm(aim - self.position))
        area = presented_area(target_kind, (target_pos - self.position)[None], np.asarray(target_vel, float)[None])
        return miss, float(self.dispersion_burst_pk(miss, r, area)[0]), locked

    # firing and where the rounds go
    def fire(self, t: float, aim: np.ndarray) -> int:
        """Fire one burst at ``aim``; returns the rounds fired."""
        n = self.spec.burst_rounds
        self.rounds_left -= n
        az, el, _ = self._az_el_r(np.asarray(aim, float))
        self.pointing_az = float(az[0])
        self.pointing_el = float(np.radians(el[0]))
        self.busy_until = t + self.burst_duration_s
        return n

    def _launch(self, aim: np.ndarray) -> tuple[float, float]:
        """(azimuth rad, launch elevation deg) that puts the round through ``aim``."""
        az, el, r = self._az_el_r(aim)
        lay = el.copy()
        for _ in range(3):
            lay = el + np.degrees(self.table.drop(r, lay))
        return float(az[0]), float(lay[0])

    def trajectory(self, aim: np.ndarray, n: int = 41) -> np.ndarray:
        """The path (K,3) of a round fired through ``aim``, from the muzzle to its self-destruct point
        (``n`` points evenly spaced in slant range, plus ``aim`` itself); it has dropped below the line of
        sight beyond the aim point. A round that reaches the ground (z = 0) first stops there."""
        aim = np.asarray(aim, float)
        az, lay = self._launch(aim)
        r_aim = float(np.linalg.norm(aim - self.position))
        ss = np.union1d(np.linspace(0.0, self.spec.self_destruct_range_m, n), [r_aim])
        phi = np.radians(lay) - self.table.drop(ss, np.full_like(ss, lay))
        pts = self.position + ss[:, None] * np.stack(
            [np.cos(phi) * np.sin(az), np.cos(phi) * np.cos(az), np.sin(phi)], axis=1)
        below = np.flatnonzero(pts[:, 2] < 0.0)
        if below.size and below[0] > 0:
            k = below[0]
            a, b = pts[k - 1], pts[k]
            pts = np.vstack([pts[:k], a + (b - a) * (a[2] / (a[2] - b[2]))])
        return pts

    def rounds_in_air_s(self, aim: np.ndarray) -> float:
        """From the first round of a burst at ``aim`` leaving the muzzle to the last one self-destructing:
        the burst's duration plus the time of flight to the self-destruct range (s)."""
        _, lay = self._launch(np.asarray(aim, float))
        tof = float(self.table.time_of_flight(self.spec.self_destruct_range_m, lay))
        return self.burst_duration_s + tof

    def self_destruct_point(self, aim: np.ndarray) -> np.ndarray:
        """Where rounds that miss self-destruct: on the trajectory through ``aim`` at the self-destruct
        range (slant, from the muzzle), below the line of sight by the round's drop; a round that reaches
        the ground first stops there."""
        return self.trajectory(aim, n=101)[-1]

    def dud_impact_point(self, aim: np.ndarray) -> np.ndarray:
        """Where a round that fails to self-destruct lands (flat ground at z = 0)."""
        sd = self.self_destruct_point(aim)
        if sd[2] <= 1e-6:
            return sd
        az, lay = self._launch(np.asarray(aim, float))
        g = float(np.interp(lay, self.table.el_deg, self.table.ground_range_m))
        return np.array([self.position[0] + g * np.sin(az), self.position[1] + g * np.cos(az), 0.0])

    def miss_footprint(self, aim: np.ndarray) -> Footprint:
        """Ground footprint of the rounds of a burst at ``aim`` that miss: they fly on past the aim point
        and self-destruct; fragments fall under that stretch of the trajectory, spread sideways by the
        dispersion (3 sigma at the self-destruct range) plus ``fragment_fall_radius_m``. With
        ``include_duds`` the ballistic landing point of a dud is added (same radius)."""
        aim = np.asarray(aim, float)
        sd = self.self_destruct_point(aim)
        w = 3.0 * float(self.dispersion_m(self.spec.self_destruct_range_m)) + self.fragment_fall_radius_m
        a, b, rad = [aim[:2]], [sd[:2]], [w]
        if self.include_duds:
            dud = self.dud_impact_point(aim)
            a.append(sd[:2])
            b.append(dud[:2])
            rad.append(w)
        return Footprint(np.array(a), np.array(b), np.array(rad))


# --- interceptor missile ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class InterceptorSpec:
    """An interceptor missile battery. Defaults: a Tamir (Iron Dome) class interceptor, from public
    figures (docs/models.md, "Effectors")."""

    name: str
    position: tuple[float, float, float]
    min_range_m: float = 4_000.0  # Iron Dome 4-70 km (Rafael public figures)
    max_range_m: float = 70_000.0
    max_alt_m: float = 10_000.0  # assumed: C-RAM-class engagements stay below 10 km
    min_intercept_alt_m: float = 100.0  # assumed
    mean_speed_mps: float = 700.0  # assumed average flyout; peak ~Mach 2.2 is the usual public figure
    reaction_s: float = 3.0  # assumed: launch decision to launch
    salvo_interval_s: float = 1.0  # assumed: between launches from one battery
    magazine: int = 20  # Iron Dome launcher: 20 interceptors (Rafael)
    reloads: int = 1  # assumed: one reload of the launcher on site
    reload_s: float = 600.0  # assumed: re-loading a launcher by crew
    pk: float = 0.9  # claimed success rate ~90 % (IDF/Rafael public claims)
    cost_usd: float = 50_000.0  # ~$40-50k per Tamir (press estimates)


class Interceptor:
    """Interceptor battery: constant mean flyout speed, envelope, magazine with reload, cost per shot."""

    def __init__(self, spec: InterceptorSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.position = np.asarray(spec.position, float)
        self.ready = spec.magazine  # on the launcher
        self.reloads_left = spec.reloads
        self.reload_done = -np.inf  # when a reload in progress completes
        self.busy_until = -np.inf
        self.shots_fired = 0

    def rounds_available(self, t: float) -> int:
        """Interceptors ready to launch at time ``t`` (a finished reload refills the launcher)."""
        if self.ready == 0 and np.isfinite(self.reload_done) and t >= self.reload_done:
            self.ready = self.spec.magazine
            self.reload_done = -np.inf
        return self.ready

    @property
    def rounds_left(self) -> int:
        """Interceptors left in all: on the launcher, being loaded and in reserve."""
        loading = self.spec.magazine if np.isfinite(self.reload_done) else 0
        return self.ready + loading + self.reloads_left * self.spec.magazine

    def intercept(self, t: float, x: np.ndarray, ballistic: np.ndarray, t_end: np.ndarray,
                  iterations: int = 30) -> Intercept:
        """Constant-mean-speed flyout lead for N tracks (as :meth:`Gun.intercept`): launch when the
        battery is free and loaded plus the reaction time; feasible inside the range and altitude
        envelope, before ``t_end`` less a second, with an interceptor left."""
        s = self.spec
        p0, v0 = x[:, :3], x[:, 3:6]
        acc = np.where(np.asarray(ballistic, bool)[:, None], np.array([0.0, 0.0, -G]), 0.0)
        ready_at = max(self.busy_until, t)
        if self.rounds_available(t) == 0:
            ready_at = max(ready_at, self.reload_done)
        delay = np.full(p0.shape[0], ready_at - t + s.reaction_s)
        tau = delay + np.linalg.norm(p0 - self.position, axis=1) / s.mean_speed_mps
        for _ in range(iterations):
            aim = p0 + v0 * tau[:, None] + 0.5 * acc * tau[:, None] ** 2
            tau = delay + np.linalg.norm(aim - self.position, axis=1) / s.mean_speed_mps
        aim = p0 + v0 * tau[:, None] + 0.5 * acc * tau[:, None] ** 2
        rng = np.linalg.norm(aim - self.position, axis=1)
        feasible = ((rng >= s.min_range_m) & (rng <= s.max_range_m) & (aim[:, 2] <= s.max_alt_m)
                    & (aim[:, 2] >= s.min_intercept_alt_m) & (t + tau <= t_end - 1.0)
                    & np.isfinite(delay) & (self.rounds_left > 0))
        return Intercept(t + delay, t + tau, aim, rng, feasible)

    def kill_probability(self, n: int | None = None) -> np.ndarray | float:
        return self.spec.pk if n is None else np.full(n, self.spec.pk)

    def fire(self, t: float, aim: np.ndarray) -> int:
        """Launch one interceptor; raises if none is ready. Returns 1."""
        if self.rounds_available(t) == 0 or t < self.busy_until:
            raise RuntimeError(f"{self.name}: no interceptor ready at t={t}")
        self.ready -= 1
        self.shots_fired += 1
        self.busy_until = t + self.spec.salvo_interval_s
        if self.ready == 0 and self.reloads_left > 0:
            self.reloads_left -= 1
            self.reload_done = t + self.spec.reload_s
        return 1

    @property
    def cost_per_shot_usd(self) -> float:
        return self.spec.cost_usd


# --- RF jammer -------------------------------------------------------------------------------------------
JAMMABLE = ("owa_drone", "quadcopter")


@dataclass(frozen=True)
class JammerSpec:
    """A directional RF jammer against drone command/video links. Defaults from public figures."""

    name: str
    position: tuple[float, float, float]
    range_m: float = 2_000.0  # hand-held/mast jammers advertise up to ~2 km (e.g. DroneShield DroneGun)
    reaction_s: float = 2.0  # assumed: slew and start transmitting
    dwell_s: float = 3.0  # link lost this long triggers the failsafe (DJI manuals: ~3 s signal loss)
    p_defeat: float = 0.9  # assumed: the failsafe works and the link cannot reconnect
    effect: str = "return"  # failsafe behaviour: "return" (return-to-home) or "land"
    el_max_deg: float = 90.0


class Jammer:
    """RF jammer: affects only drones with an RF link, inside its range, after a dwell."""

    def __init__(self, spec: JammerSpec) -> None:
        if spec.effect not in ("return", "land"):
            raise ValueError("effect must be 'return' or 'land'")
        self.spec = spec
        self.name = spec.name
        self.position = np.asarray(spec.position, float)
        self.busy_until = -np.inf

    def intercept(self, t: float, x: np.ndarray, rf_link: np.ndarray, t_end: np.ndarray,
                  classes: tuple[str, ...] | None = None) -> Intercept:
        """When jamming each track would defeat it: feasible only for drone-class tracks (if ``classes``
        is given) with an RF link, inside range at the start and the end of the dwell, and defeated before
        ``t_end``. The effect time is the end of the dwell; the aim point is the track then."""
        s = self.spec
        p0, v0 = x[:, :3], x[:, 3:6]
        n = p0.shape[0]
        start = np.full(n, max(self.busy_until, t) + s.reaction_s)
        t_eff = start + s.dwell_s
        p_start = p0 + v0 * (start - t)[:, None]
        p_end = p0 + v0 * (t_eff - t)[:, None]
        r_start = np.linalg.norm(p_start - self.position, axis=1)
        r_end = np.linalg.norm(p_end - self.position, axis=1)
        drone = np.ones(n, bool) if classes is None else np.array([c in JAMMABLE for c in classes], bool)
        feasible = (np.asarray(rf_link, bool) & drone & (r_start <= s.range_m) & (r_end <= s.range_m)
                    & (t_eff <= t_end))
        return Intercept(start, t_eff, p_end, r_end, feasible)

    def kill_probability(self, rf_link: np.ndarray) -> np.ndarray:
        """Probability of defeat per track: ``p_defeat`` with an RF link, exactly 0 without one."""
        return np.where(np.asarray(rf_link, bool), self.spec.p_defeat, 0.0)

    def outcome(self, rf_link: bool, u: float) -> str:
        """The drone's fate for one uniform draw ``u``: ``effect`` ("return"/"land") or "none"."""
        return self.spec.effect if rf_link and u < self.spec.p_defeat else "none"

    def fire(self, t: float, aim: np.ndarray) -> int:
        self.busy_until = t + self.spec.reaction_s + self.spec.dwell_s
        return 0


# --- high-energy laser -----------------------------------------------------------------------------------
def laser_extinction_per_m(visibility_km, wavelength_nm: float = 1070.0) -> np.ndarray:
    """Aerosol extinction (1/m) from the visibility: alpha = (3.912 / V) (lambda / 550 nm) ** -q with Kim,
    McArthur & Korevaar's q (Proc. SPIE 4214, 2001): 1.6 above 50 km, 1.3 for 6-50 km, 0.16 V + 0.34
    for 1-6 km, V - 0.5 for 0.5-1 km, 0 below."""
    v = np.asarray(visibility_km, float)
    q = np.where(v > 50, 1.6, np.where(v > 6, 1.3, np.where(v > 1, 0.16 * v + 0.34,
                                                               np.where(v > 0.5, v - 0.5, 0.0))))
    return 3.912 / (v * 1e3) * (wavelength_nm / 550.0) ** (-q)


@dataclass(frozen=True)
class LaserSpec:
    """A high-energy laser weapon. Defaults: a ~10 kW-class fibre laser (Raytheon HELWS / Leonardo
    DragonFire-class public figures); fluences and beam quality assumed (docs/models.md)."""

    name: str
    position: tuple[float, float, float]
    power_w: float = 10_000.0  # "10 kW class" counter-UAS lasers (Raytheon HELWS)
    wavelength_nm: float = 1070.0  # ytterbium fibre laser
    spot_radius_min_m: float = 0.01  # assumed: the smallest spot the director focuses
    divergence_rad: float = 25e-6  # assumed effective half-angle (beam quality, jitter, turbulence)
    visibility_km: float = 23.0  # weather: 23 km is the "clear" standard atmosphere visibility
    max_range_m: float = 3_000.0  # assumed
    reaction_s: float = 2.0  # assumed: slew, track, focus
    pk: float = 0.9  # assumed: once the dwell is completed
    dwell_margin: float = 1.2  # assumed: planned fluence / fluence needed (range and absorption uncertainty)
    max_dwell_s: float = 30.0  # assumed: the longest dwell planned on one target
    fluence_j_cm2: dict = field(default_factory=lambda: {
        "quadcopter": 1_000.0, "owa_drone": 1_500.0, "mortar": 10_000.0, "rocket": 10_000.0,
        "artillery": 15_000.0, "bird": 500.0,
    })  # assumed: melt-through of plastic/thin aluminium; heating a steel casing to cook off the fill


class Laser:
    """High-energy laser: dwell = F A_spot / (P T), with the spot radius w(R) = hypot(w0, theta R) and the
    transmission T = exp(-alpha R) from the weather (:func:`laser_extinction_per_m`)."""

    def __init__(self, spec: LaserSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.position = np.asarray(spec.position, float)
        self.busy_until = -np.inf

    def transmission(self, range_m, visibility_km: float | None = None) -> np.ndarray:
        vis = self.spec.visibility_km if visibility_km is None else visibility_km
        return np.exp(-laser_extinction_per_m(vis, self.spec.wavelength_nm) * np.asarray(range_m, float))

    def dwell_s(self, range_m, track_class="quadcopter", visibility_km: float | None = None) -> np.ndarray:
        """Dwell (s) to deliver the class's fluence at ``range_m``: increasing in range (bigger spot, more
        extinction) and in bad weather."""
        r = np.asarray(range_m, float)
        classes = [track_class] * r.size if isinstance(track_class, str) else list(track_class)
        fluence = np.array([self.required_fluence(c) for c in classes]).reshape(r.shape)
        return fluence / self.irradiance(r, visibility_km)

    def intercept(self, t: float, x: np.ndarray, t_end: np.ndarray, classes: tuple[str, ...],
                  visibility_km: float | None = None, step_s: float = 0.05) -> Intercept:
        """Effect time = start (free + reaction) + dwell. The dwell is the time for the fluence delivered
        along the track's straight predicted path (:meth:`irradiance` at each range, trapezoid in steps of
        ``step_s``, linear within the last step) to reach ``dwell_margin`` times the class's fluence: a
        closing target is lased from longer ranges first. Feasible if that takes at most ``max_dwell_s``,
        within ``max_range_m`` at the start and the end (the range along a straight path is convex, so it
        is within range throughout), above ground at the end and before ``t_end``."""
        s = self.spec
        p0, v0 = x[:, :3], x[:, 3:6]
        n = p0.shape[0]
        start = np.full(n, max(self.busy_until, t) + s.reaction_s)
        cls = [classes] * n if isinstance(classes, str) else list(classes)
        need = s.dwell_margin * np.array([self.required_fluence(c) for c in cls])
        taus = np.arange(0.0, s.max_dwell_s + step_s / 2, step_s)
        path = p0[:, None, :] + v0[:, None, :] * ((start - t)[:, None] + taus[None, :])[..., None]
        irr = self.irradiance(np.linalg.norm(path - self.position, axis=2), visibility_km)
        cum = np.concatenate([np.zeros((n, 1)), np.cumsum(0.5 * (irr[:, 1:] + irr[:, :-1]) * step_s, axis=1)], axis=1)
        reached = cum >= need[:, None]
        ok = reached.any(axis=1)
        k = np.maximum(np.argmax(reached, axis=1), 1)
        rows = np.arange(n)
        lo, hi = cum[rows, k - 1], cum[rows, k]
        frac = np.clip((need - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0, 1.0)
        dwell = np.where(ok, taus[k - 1] + frac * step_s, s.max_dwell_s)
        t_eff = start + dwell
        p_end = p0 + v0 * (t_eff - t)[:, None]
        r = np.linalg.norm(p_end - self.position, axis=1)
        p_start = p0 + v0 * (start - t)[:, None]
        feasible = (ok & (r <= s.max_range_m) & (np.linalg.norm(p_start - self.position, axis=1) <= s.max_range_m)
                    & (t_eff <= t_end) & (p_end[:, 2] > 0.0))
        return Intercept(start, t_eff, p_end, r, feasible, aim_start=p_start)

    def kill_probability(self, icp: Intercept) -> np.ndarray:
        return np.where(icp.feasible, self.spec.pk, 0.0)

    def fire(self, t: float, aim: np.ndarray, dwell_s: float = 0.0) -> int:
        self.busy_until = t + self.spec.reaction_s + dwell_s
        return 0

    def required_fluence(self, kind: str) -> float:
        """Fluence (J/cm^2) that defeats a target of this class (the largest listed for an unlisted one)."""
        f = self.spec.fluence_j_cm2
        return float(f.get(kind, max(f.values())))

    def irradiance(self, range_m, visibility_km: float | None = None) -> np.ndarray:
        """Irradiance on the target (W/cm^2) at ``range_m``: P T(R) / (pi w(R)^2), w in cm."""
        s = self.spec
        r = np.asarray(range_m, float)
        spot_cm2 = np.pi * (np.hypot(s.spot_radius_min_m, s.divergence_rad * r) * 100.0) ** 2
        return s.power_w * self.transmission(r, visibility_km) / spot_cm2

    def truth_dwell(self, times: np.ndarray, positions: np.ndarray, alive: np.ndarray, kind: str,
                    visibility_km: float | None = None) -> tuple[bool, float]:
        """The truth side of one dwell (simulation): the target's true positions (K,3) at ``times`` (K,)
        from the start to the end of the dwell, and whether it existed then (K,). The beam holds it only if
        it exists and is within ``max_range_m`` (and above ground) throughout; the fluence delivered is
        the time integral of :meth:`irradiance` over the true ranges (trapezoid). Returns (held, fluence
        delivered / fluence needed by the target's true class)."""
        r = np.linalg.norm(np.asarray(positions, float) - self.position, axis=1)
        held = bool(np.all(alive) and np.all(r <= self.spec.max_range_m) and np.all(positions[:, 2] > 0.0))
        irr = self.irradiance(r, visibility_km)
        delivered = float(np.sum(0.5 * (irr[1:] + irr[:-1]) * np.diff(times)))
        return held, delivered / self.required_fluence(kind)
