"""Simulated truth: every object's motion on one time grid, its physical traits, and what became of it.

Trajectories are computed once when the world is built (all randomness drawn then, from generators
spawned from the scenario seed), so the state at any time is a cheap vectorised interpolation. An
engagement that defeats an object ends its trajectory at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bastion.scenario.schema import (
    Aircraft,
    Artillery,
    Birds,
    Helicopter,
    Mortar,
    OwaDrone,
    Quadcopter,
    Rocket,
    Scenario,
)
from bastion.world import motion
from bastion.world.trajectory import Trajectory

ROUNDS = (Rocket, Mortar, Artillery)  # the scenario specs of ``ROUND_KINDS``
GRID_DT_S = 0.05

# Radar cross-sections (m^2). Birds: 0.001-0.01 m^2 log-normal (docs/models.md).
BIRD_RCS_LOG10_MEAN, BIRD_RCS_LOG10_SIGMA = -2.5, 0.25


@dataclass
class TruthObject:
    """One simulated object and what happened to it (times in s, positions ENU m)."""

    index: int
    name: str
    kind: str  # scenario kind: rocket, mortar, artillery, owa_drone, quadcopter, bird, aircraft, helicopter
    hostile: bool
    rcs_m2: float
    t_start: float
    t_end: float  # last time it exists (impact, leaving, defeat or end of scenario)
    natural_end: str  # "impact", "left" or "none": what ends it if nothing intervenes
    rf_link: bool = False
    adsb: bool = False
    iff: bool = False
    callsign: str = ""
    icao: str = ""
    target: tuple[float, float, float] | None = None
    defeated_t: float | None = None
    t_natural_end: float | None = None  # when it would end if nothing intervened (set on build)
    meta: dict = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        if self.defeated_t is not None:
            return "defeated"
        return self.natural_end


class World:
    """All truth objects sampled on a common grid of ``GRID_DT_S`` seconds."""

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        self.scenario = scenario
        self.duration = float(scenario.duration_s)
        self.dt = GRID_DT_S
        self.grid = np.arange(0.0, self.duration + self.dt / 2, self.dt)
        root = np.random.SeedSequence(scenario.seed if seed is None else seed)
        rng_world, _ = root.spawn(2)
        self.objects: list[TruthObject] = []
        trajectories: list[Trajectory] = []
        obj_rngs = np.random.SeedSequence(rng_world.generate_state(4)).spawn(len(scenario.objects))
        rngs = [np.random.default_rng(ss) for ss in obj_rngs]
        flights = self._fire_rounds(scenario.objects, rngs)
        for i, (spec, rng) in enumerate(zip(scenario.objects, rngs, strict=True)):
            for obj, traj in self._build(spec, rng, flights.get(i)):
                obj.index = len(self.objects)
                obj.t_natural_end = obj.t_end
                self.objects.append(obj)
                trajectories.append(traj)
        n, k = len(self.objects), self.grid.size
        self.pos = np.zeros((n, k, 3))
        self.vel = np.zeros((n, k, 3))
        for i, traj in enumerate(trajectories):
            self.pos[i], self.vel[i] = traj.on_grid(self.grid)
        self.t_start = np.array([o.t_start for o in self.objects], float)
        self.t_end = np.array([o.t_end for o in self.objects], float)
        self.rcs = np.array([o.rcs_m2 for o in self.objects], float)
        self.rf_link = np.array([o.rf_link for o in self.objects], bool)
        self.hostile = np.array([o.hostile for o in self.objects], bool)

    # --- building -----------------------------------------------------------------------------------
    def _fire_rounds(self, specs, rngs: list[np.random.Generator]):
        """The flight (from launch) of every rocket, mortar and artillery round, by spec index, with the
        munition each was fired as (a shell's name carries its charge, ``"<preset>/<zone>"``): each round's
        aim point drawn from its own generator (the first draw of that object), a shell's charge the one
        the scenario gives or the crew's choice for the distance (``choose_charge``), then all rounds of a
        munition aimed and flown together (``aim_many``, ``fly_paths``: what aiming and flying each alone
        gives, several times faster)."""
        from bastion.physics.ballistic import WindProfile  # noqa: PLC0415 (heavy)
        from bastion.world.munitions import aim_many, choose_charge, dispersed, fly_paths  # noqa: PLC0415 (heavy)

        groups: dict[str, list[tuple[int, np.ndarray, np.ndarray]]] = {}
        alt = self.scenario.site.alt_m
        for i, (spec, rng) in enumerate(zip(specs, rngs, strict=True)):
            if isinstance(spec, ROUNDS):
                aim_point = np.asarray(spec.target, float).copy()
                aim_point[:2] += rng.normal(0.0, spec.aim_error_m, 2)
                launch = np.asarray(spec.launch, float)
                munition = spec.preset
                if isinstance(spec, Artillery):
                    zone = spec.charge or choose_charge(spec.preset, float(np.hypot(*(aim_point - launch)[:2])),
                                                        site_alt_m=alt)
                    munition = f"{spec.preset}/{zone}"
                # Round-to-round dispersion: this round's velocity factor, drawn after its aim point (a round
                # without dispersion draws nothing, so its flight and every later draw are as before).
                factor = 1.0 + rng.normal(0.0, spec.velocity_sd) if spec.velocity_sd > 0.0 else 1.0
                groups.setdefault(munition, []).append((i, launch, aim_point, factor))
        env = self.scenario.environment
        if env.wind_profile is None:
            wind = np.asarray(env.wind_mps, float)
        else:  # rows [height, east, north]: a wind that varies with height
            wind = WindProfile.from_rows(env.wind_profile)
        out = {}
        for preset, rounds in groups.items():
            launches = np.array([r[1] for r in rounds])
            # Aiming on a 0.2 s step lands within centimetres of the 0.05 s flight, at a quarter of the cost.
            # The crew lays for the nominal round; a dispersed one then flies its own velocity.
            az, el = aim_many(preset, launches, [r[2] for r in rounds], dt=0.2, wind=wind, site_alt_m=alt)
            factors = np.array([r[3] for r in rounds])
            nominal = np.flatnonzero(factors == 1.0)
            # Flown on a 0.1 s step and interpolated onto the 0.05 s grid: under a centimetre of difference.
            paths = dict(zip(nominal.tolist(), fly_paths(preset, launches[nominal], az[nominal], el[nominal], dt=0.1,
                                                         wind=wind, site_alt_m=alt) if nominal.size else [],
                             strict=True))
            for j in np.flatnonzero(factors != 1.0).tolist():
                paths[j] = fly_paths(dispersed(preset, factors[j]), launches[j], az[j], el[j], dt=0.1, wind=wind,
                                     site_alt_m=alt)[0]
            out.update({r[0]: (paths[j], preset) for j, r in enumerate(rounds)})
        return out

    def _build(self, spec, rng: np.random.Generator, flight=None):
        """The truth objects of one spec; a rocket, mortar or artillery round flies ``flight`` (the path and
        the munition it was fired as, from :meth:`_fire_rounds`)."""
        dur, dt = self.duration, self.dt
        if isinstance(spec, ROUNDS):
            from bastion.world.munitions import get_preset  # noqa: PLC0415 (heavy, only when used)

            path, munition = flight
            preset = get_preset(munition)
            launch = np.asarray(spec.launch, float)
            traj = Trajectory(np.asarray(path.t) + spec.t_launch_s, np.asarray(path.pos), np.asarray(path.vel))
            t_impact = float(traj.t[-1])
            natural = "impact" if t_impact <= dur else "none"
            meta = {"launch": [float(v) for v in launch], "preset": spec.preset,
                    "impact_point": [float(v) for v in traj.pos[-1]]}
            if preset.charge is not None:
                meta["charge"] = int(preset.charge)
            obj = TruthObject(
                -1, spec.name, spec.kind, True, float(preset.rcs_m2), spec.t_launch_s, min(t_impact, dur), natural,
                target=tuple(float(v) for v in spec.target), meta=meta,
            )
            yield obj, traj
        elif isinstance(spec, OwaDrone):
            traj = motion.owa_drone_path(
                spec.start, spec.waypoints, spec.target, spec.t_start_s, spec.speed_mps,
                np.radians(spec.dive_angle_deg), np.radians(spec.turn_rate_deg_s), spec.climb_rate_mps, dt, dur,
            )
            hit = np.allclose(traj.pos[-1], spec.target)
            obj = TruthObject(
                -1, spec.name, spec.kind, True, spec.rcs_m2, spec.t_start_s, float(min(traj.t[-1], dur)),
                "impact" if hit and traj.t[-1] <= dur else "none", rf_link=spec.rf_link,
                target=tuple(float(v) for v in spec.target),
                meta={"impact_point": [float(v) for v in traj.pos[-1]]} if hit else {},
            )
            yield obj, traj
        elif isinstance(spec, Quadcopter):
            traj = motion.quadcopter_path(
                spec.start, spec.t_start_s, dt, dur, rng, waypoints=spec.waypoints, n_waypoints=spec.n_waypoints,
                area_radius=spec.area_radius_m, speed=spec.speed_mps, target=spec.target,
            )
            hit = spec.target is not None and np.allclose(traj.pos[-1], spec.target, atol=1e-6)
            end = float(min(traj.t[-1], dur))
            yield TruthObject(
                -1, spec.name, "quadcopter", spec.hostile, spec.rcs_m2, spec.t_start_s, end,
                "impact" if hit and traj.t[-1] <= dur else "none", rf_link=spec.rf_link,
                target=None if spec.target is None else tuple(float(v) for v in spec.target),
            ), traj
        elif isinstance(spec, Birds):
            speeds = spec.speed_mps * rng.uniform(0.8, 1.2, spec.count)
            paths = motion.bird_paths(spec.center, spec.radius_m, speeds, spec.t_start_s, max(dt, motion.BIRD_STEP_S),
                                      dur, rng)
            rcs_all = 10.0 ** rng.normal(BIRD_RCS_LOG10_MEAN, BIRD_RCS_LOG10_SIGMA, spec.count)
            for b, (traj, rcs) in enumerate(zip(paths, rcs_all, strict=True)):
                yield TruthObject(-1, f"{spec.name}/{b}", "bird", False, float(rcs), spec.t_start_s, dur, "none"), traj
        elif isinstance(spec, Aircraft):
            start, end = spec.endpoints()
            traj = motion.straight_path(start, end, spec.t_start_s, spec.speed_mps, dt, dur)
            t_end = float(traj.t[-1])
            yield TruthObject(
                -1, spec.name, "aircraft", False, spec.rcs_m2, spec.t_start_s, t_end,
                "left" if t_end < dur else "none", adsb=spec.adsb, callsign=spec.callsign, icao=spec.icao,
            ), traj
        elif isinstance(spec, Helicopter):
            traj = motion.loop_path(spec.waypoints, spec.t_start_s, spec.speed_mps, dt, dur)
            yield TruthObject(
                -1, spec.name, "helicopter", False, spec.rcs_m2, spec.t_start_s, dur, "none",
                iff=spec.iff, callsign=spec.callsign,
            ), traj
        else:  # pragma: no cover - the schema admits no other kind
            raise TypeError(f"unknown object spec {type(spec).__name__}")

    # --- queries ------------------------------------------------------------------------------------
    def alive(self, t: float) -> np.ndarray:
        """(n,) True for objects that exist at time ``t``."""
        return (self.t_start <= t) & (t <= self.t_end)

    def state(self, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(alive (n,), pos (n,3), vel (n,3)) of every object at time ``t`` (s)."""
        u = min(max(t / self.dt, 0.0), self.grid.size - 1.0)
        i = min(int(u), self.grid.size - 2)
        f = u - i
        pos = self.pos[:, i] * (1.0 - f) + self.pos[:, i + 1] * f
        vel = self.vel[:, i] * (1.0 - f) + self.vel[:, i + 1] * f
        return self.alive(t), pos, vel

    def kill(self, index: int, t: float) -> None:
        """Object ``index`` is defeated at time ``t``: it exists no longer."""
        obj = self.objects[index]
        if obj.defeated_t is None and obj.t_start <= t <= obj.t_end:
            obj.defeated_t = t
            obj.t_end = t
            self.t_end[index] = t
