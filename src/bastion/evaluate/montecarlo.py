"""Monte Carlo of the assessment and warning: many-object scenarios built in code, run over seeds, and
per-object truth set beside what the engine assessed.

Each run is one scenario on a fixed test base (3 x 2 km, six 1 x 1 km warning zones, the surveillance and
counter-mortar radars of ``night-raid``, ADS-B and IFF), with no effectors, so every threat flies to its
impact. The objects are drawn from the run's seed: rockets and mortars of every preset from random launch
points 2-8 km from the site (within each preset's reach) aimed at random points of the base, one-way attack
drones diving onto the assets, flocks of birds, airliners (ADS-B) and helicopters (IFF).

Tracks are matched to truth with :func:`bastion.evaluate.summary.match_tracks`; the per-object record
(:class:`ObjectOutcome`) holds everything the benchmark tables need.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import ValidationError

from bastion.assess.impact import CHI2_2DOF_95 as CHI2_2DOF_95  # re-exported for the benchmark
from bastion.errors import UserError
from bastion.evaluate.summary import match_tracks, unowned_tracks, warning_episodes
from bastion.events import (
    Alert,
    AlertJoined,
    ClassChanged,
    IdentityChanged,
    ImpactPredicted,
    OriginPredicted,
    TrackConfirmed,
)
from bastion.geometry import points_in_polygon, polygon_area
from bastion.physics.ballistic import WindProfile
from bastion.scenario.load import validation_problems
from bastion.scenario.schema import ROUND_KINDS, Scenario
from bastion.sim import Simulation
from bastion.track.config import TrackerConfig

CLASS_WITHIN_S = 5.0  # the class held this long after confirmation is the one scored
LEADS_S = (20, 10, 5)
REQUIRED_LEAD_S = 15.0
FALSE_TRACK = "false_track"  # the kind of an outcome for a confirmed track on no object (clutter)
DUPLICATE_TRACK = "duplicate_track"  # ... for a second track on an object, which owns the first
BALLISTIC_PRESETS = ("rocket_107mm", "rocket_122mm", "mortar_60mm", "mortar_81mm", "mortar_120mm")
LAUNCH_RANGE_M = (2000.0, 8000.0)

ASSETS = [
    ("barracks", [[-700.0, 340.0], [-500.0, 340.0], [-500.0, 460.0], [-700.0, 460.0]], 100.0),
    ("aircraft-shelters", [[350.0, -380.0], [650.0, -380.0], [650.0, -240.0], [350.0, -240.0]], 80.0),
    ("fuel-depot", [[820.0, 420.0], [980.0, 420.0], [980.0, 580.0], [820.0, 580.0]], 60.0),
    ("operations-centre", [[-250.0, -450.0], [-150.0, -450.0], [-150.0, -350.0], [-250.0, -350.0]], 120.0),
]
PERIMETER = [[-1500.0, -1000.0], [1500.0, -1000.0], [1500.0, 1000.0], [-1500.0, 1000.0]]


def _asset_centre(k: int) -> np.ndarray:
    """The centre (east, north) m of the test base's k-th asset, counting round the list."""
    return np.mean(np.asarray(ASSETS[k % len(ASSETS)][1]), axis=0)


def _zones(time_to_shelter_s: float | None = None) -> list[dict[str, Any]]:
    """The test base's six 1 x 1 km warning zones; time to shelter 10 s in the centre column and 15 s
    elsewhere, or ``time_to_shelter_s`` (s) in every zone."""
    out = []
    for i, x0 in enumerate((-1500.0, -500.0, 500.0)):
        for j, y0 in enumerate((-1000.0, 0.0)):
            out.append({
                "name": f"zone-{'wce'[i]}{'sn'[j]}",
                "polygon": [[x0, y0], [x0 + 1000.0, y0], [x0 + 1000.0, y0 + 1000.0], [x0, y0 + 1000.0]],
                "time_to_shelter_s": (10.0 if i == 1 else 15.0) if time_to_shelter_s is None else time_to_shelter_s,
            })
    return out


SENSORS = [
    {"name": "surveillance-radar", "type": "surveillance_radar", "position": [0.0, 0.0, 12.0], "range_m": 15000.0,
     "min_range_m": 150.0, "revisit_s": 1.0, "ref_range_m": 5000.0, "ref_rcs_m2": 0.01, "ref_pd": 0.9,
     "pfa": 1e-6, "false_alarms_per_scan": 3.0, "sigma_range_m": 10.0, "sigma_az_deg": 0.3, "sigma_el_deg": 0.5,
     "el_min_deg": -2.0, "el_max_deg": 60.0},
    {"name": "counter-mortar-radar", "type": "counter_mortar_radar", "position": [-120.0, -60.0, 8.0],
     "range_m": 12000.0, "min_range_m": 300.0, "revisit_s": 0.5, "ref_range_m": 7000.0, "ref_rcs_m2": 0.01,
     "ref_pd": 0.9, "pfa": 1e-6, "false_alarms_per_scan": 2.0, "sigma_range_m": 8.0, "sigma_az_deg": 0.25,
     "sigma_el_deg": 0.25, "sigma_range_rate_mps": 1.0, "el_min_deg": 1.0, "el_max_deg": 70.0},
    # Two passive RF direction finders at opposite corners of the perimeter, so that a drone link's bearings
    # cross on the track that carries it (docs/assessment.md, "RF link").
    {"name": "rf-df-sw", "type": "rf_detector", "position": [-1400.0, -900.0, 15.0]},
    {"name": "rf-df-ne", "type": "rf_detector", "position": [1400.0, 900.0, 15.0]},
    {"name": "adsb", "type": "adsb_receiver", "position": [0.0, 0.0, 10.0], "range_m": 150000.0,
     "interval_s": 1.0, "sigma_position_m": 15.0},
    {"name": "iff", "type": "iff_interrogator", "position": [0.0, 0.0, 12.0], "range_m": 30000.0,
     "interval_s": 1.0, "sigma_position_m": 60.0},
    # A slew-to-cue IR camera on a 15 m mast at the centre: the radar cues it onto tracks kinematics leave
    # open (a bird or a quadcopter?), and it recognises them (docs/assessment.md, "Camera"). Last in the
    # list, so that it shifts no other sensor's random stream.
    {"name": "cued-camera", "type": "cued_ir_camera", "position": [0.0, 0.0, 15.0], "range_m": 2000.0},
]


@dataclass(frozen=True)
class Mix:
    """How many objects of each kind one run holds, and any changes to the sensors (a planner's what-if:
    ``(sensor name, field, value)``, e.g. ``("counter-mortar-radar", "sigma_az_deg", 0.1)``)."""

    ballistic: int = 40  # rockets and mortars, presets drawn evenly
    drones: int = 8
    # Quadcopter / FPV drones: hostile, loitering near the base, most then diving onto an asset; a quarter
    # fly without a radio link (fibre-optic or autonomous). Drawn from their own random stream: adding them
    # changes no other object of the run.
    quadcopters: int = 0
    # Artillery shells (the 105 mm howitzer, low angle at the crew's charge for the distance), launched and
    # aimed as the rounds are; drawn from their own random stream like the quadcopters.
    artillery: int = 0
    bird_flocks: int = 4
    birds_per_flock: int = 5
    aircraft: int = 4
    helicopters: int = 4
    duration_s: float = 240.0
    sensor_overrides: tuple[tuple[str, str, float], ...] = ()
    # Changes to the engine's tracker settings (``(TrackerConfig field, value)``; a what-if, e.g.
    # ``("fast_confirm_m", 3)``).
    tracker_overrides: tuple[tuple[str, float], ...] = ()
    # Every zone's time to shelter (s; None: the test base's 10 s in the centre column, 15 s elsewhere): a
    # planner's what-if on how near the shelters are.
    time_to_shelter_s: float | None = None
    # The classifier's log priors per cycle for some classes (``(class, value)``; the scenario's
    # ``class_priors``): how common a planner takes each class to be near the base.
    class_priors: tuple[tuple[str, float], ...] = ()
    # Sensors of the test base left out (a what-if: the base without its camera). Each sensor's random
    # stream follows its place in the list, so leaving one out changes the draws of those after it.
    dropped_sensors: tuple[str, ...] = ()
    # Every round's round-to-round velocity dispersion (a fraction; the scenario's ``velocity_sd``). Real
    # rounds differ from their firing tables by a fraction of a percent (propellant temperature and lot,
    # barrel wear); 0.5 % is assumed (docs/models.md) and is what the engine's library fit allows for
    # (launch_fit.VELOCITY_PRIOR_SD). 0 flies the library's nominal flights, the fit's own model.
    velocity_sd: float = 0.005
    # The wind over the site (m/s, constant with height and time; the scenario's ``environment.wind_mps``),
    # from a direction drawn for each run from its own stream of the seed. The crews lay for it (they have
    # their own met); the engine is told it as the base's met report. 0: still air, the fit's old world.
    wind_mps: float = 0.0
    # The met report's error (m/s, the standard deviation of each horizontal component of the report less
    # the true wind, drawn per run from its own stream): a report from another height or an hour ago. The
    # report states it (the scenario's ``met_wind_sd_mps``), and the library fit frees the wind within it.
    # 0: the engine is told the true wind, exactly.
    met_error_mps: float = 0.0
    # The error the report states (m/s; None: ``met_error_mps``, a report that knows its error). 0 with an
    # error: a report taken as exact that is not.
    met_sd_mps: float | None = None
    # False: the engine is told nothing of the wind (a met report of [0, 0, 0]), as before 2026-12-07.
    met_report: bool = True
    # A wind that grows with height (the scenario's ``environment.wind_profile``): ``wind_mps`` is then the
    # wind 10 m above the ground, and above that it grows as the power law (height / 10 m) ^ ``wind_shear``
    # up to ``wind_top_m``, constant above (``shear_profile``). 0: the same wind at every height. The met
    # report gives the wind at ``met_height_m`` (10 m: a surface station's), with ``met_error_mps``.
    wind_shear: float = 0.0
    wind_top_m: float = 300.0
    # The wind's turn with height (deg, clockwise seen from above: veering, as the Ekman spiral turns it in
    # the northern hemisphere; negative: backing), from 10 m to ``wind_top_m``, linear in log height
    # (``shear_profile``). The surface wind blows 20-40 deg across the wind above the boundary layer over
    # land (Holton, "An Introduction to Dynamic Meteorology", the planetary boundary layer chapter;
    # Wikipedia, "Ekman spiral"). 0: every height's wind blows the same way.
    wind_veer_deg: float = 0.0
    met_height_m: float = 10.0
    # With a sheared wind: True, the met report gives the wind by height (the profile, every row off by the
    # run's one error: a ballistic met message), instead of the wind at ``met_height_m``.
    met_by_height: bool = False


def sensors_for(
    overrides: tuple[tuple[str, str, float], ...] = (), dropped: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The test base's sensors (``SENSORS``) with ``overrides`` applied and those named in ``dropped`` left
    out; an unknown sensor name raises :class:`UserError` naming the sensors there are (a bad field or value
    is caught by the scenario's own validation)."""
    sensors = [dict(s) for s in SENSORS]
    by_name = {s["name"]: s for s in sensors}
    for name in dropped:
        if name not in by_name:
            raise UserError(f"sensor left out: no sensor {name!r} (sensors: {', '.join(by_name)})")
    for name, fieldname, value in overrides:
        if name not in by_name:
            raise UserError(f"sensor override {name}.{fieldname}: no sensor {name!r} (sensors: {', '.join(by_name)})")
        by_name[name][fieldname] = value
    return [s for s in sensors if s["name"] not in dropped]


def tracker_config_for(overrides: tuple[tuple[str, float], ...] = ()) -> TrackerConfig:
    """The default :class:`TrackerConfig` with ``overrides`` ((field, value), the value a number) applied;
    an unknown or non-numeric field, a fractional count or an inconsistent result raises
    :class:`UserError` naming it."""
    defaults = TrackerConfig()
    numeric = {f.name: type(getattr(defaults, f.name)) for f in dataclasses.fields(TrackerConfig)
               if type(getattr(defaults, f.name)) in (int, float, bool)}
    changes: dict[str, Any] = {}
    for name, value in overrides:
        if name not in numeric:
            raise UserError(f"tracker override {name}={value}: no numeric tracker setting {name!r} "
                            f"(settings: {', '.join(sorted(numeric))})")
        kind, x = numeric[name], float(value)
        if kind is float:
            changes[name] = x
        elif kind is bool:
            if x not in (0.0, 1.0):
                raise UserError(f"tracker override {name}={value}: {name} is a switch, 0 or 1")
            changes[name] = bool(x)
        elif not x.is_integer():
            raise UserError(f"tracker override {name}={value}: {name} is a count, a whole number")
        else:
            changes[name] = int(x)
    config = dataclasses.replace(defaults, **changes)
    try:
        config.check()
    except ValueError as err:
        text = ", ".join(f"{n}={v}" for n, v in overrides)
        raise UserError(f"tracker override {text}: {err}") from None
    return config


@functools.cache
def preset_reach(preset: str) -> tuple[float, float]:
    """Shortest and longest ground range (m) the preset reaches on its default branch (flat ground)."""
    from bastion.world.munitions import PRESETS, best_elevation, fly_many  # noqa: PLC0415

    m = PRESETS[preset]
    el_best, r_best = best_elevation(m)
    lo, hi = m.elevation_limits_rad
    el_edge = hi if m.high_angle_default else lo
    _, p, _ = fly_many(m, (0.0, 0.0, 0.0), 0.0, [el_edge], dt=0.1)
    return float(np.hypot(*p[0, :2])), float(r_best)


def build_scenario(seed: int, mix: Mix = Mix()) -> Scenario:
    """One Monte Carlo scenario, all draws from ``seed``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 5]))
    objects: list[dict[str, Any]] = []
    t_last_launch = mix.duration_s - 80.0
    for k in range(mix.ballistic):
        preset = BALLISTIC_PRESETS[k % len(BALLISTIC_PRESETS)]
        kind = "rocket" if preset.startswith("rocket") else "mortar"
        objects.append(_round_spec(rng, kind, preset, f"{preset}-{k}", t_last_launch, mix.velocity_sd))
    for k in range(mix.drones):
        c = _asset_centre(k)
        d, b = rng.uniform(5000.0, 8000.0), rng.uniform(0.0, 2.0 * math.pi)
        alt = float(rng.uniform(80.0, 200.0))
        start = [c[0] + d * math.sin(b), c[1] + d * math.cos(b), alt]
        bw = b + rng.uniform(-0.4, 0.4)
        wp = [c[0] + 0.5 * d * math.sin(bw), c[1] + 0.5 * d * math.cos(bw), alt]
        objects.append({
            "kind": "owa_drone", "name": f"drone-{k}", "start": start, "waypoints": [wp],
            "target": [float(c[0]), float(c[1]), 0.0], "t_start_s": float(rng.uniform(0.0, 40.0)),
            "speed_mps": float(rng.uniform(40.0, 55.0)), "dive_angle_deg": float(rng.uniform(25.0, 50.0)),
        })
    for k in range(mix.bird_flocks):
        objects.append({
            "kind": "birds", "name": f"flock-{k}", "count": mix.birds_per_flock,
            "center": [float(rng.uniform(-3000.0, 3000.0)), float(rng.uniform(-3000.0, 3000.0)),
                       float(rng.uniform(30.0, 120.0))],
            "radius_m": 400.0, "speed_mps": float(rng.uniform(8.0, 15.0)),
        })
    for k in range(mix.aircraft):
        b = rng.uniform(0.0, 2.0 * math.pi)
        off = rng.uniform(3000.0, 9000.0) * rng.choice([-1.0, 1.0])
        u, n = np.array([math.sin(b), math.cos(b)]), np.array([math.cos(b), -math.sin(b)])
        a0, a1 = n * off - 14000.0 * u, n * off + 14000.0 * u
        alt0 = float(rng.uniform(300.0, 3000.0))
        objects.append({
            "kind": "aircraft", "name": f"airliner-{k}", "callsign": f"ABC{100 + k}", "icao": f"70{k:04X}",
            "start": [float(a0[0]), float(a0[1]), alt0], "end": [float(a1[0]), float(a1[1]), float(
                max(alt0 + rng.uniform(-800.0, 800.0), 60.0))],
            "speed_mps": float(rng.uniform(70.0, 180.0)), "t_start_s": 0.0,
        })
    for k in range(mix.helicopters):
        c = rng.uniform(-4000.0, 4000.0, 2)
        h = float(rng.uniform(60.0, 400.0))
        side = rng.uniform(1500.0, 3000.0)
        wps = [[c[0] + sx * side, c[1] + sy * side, h] for sx, sy in ((1, 1), (1, -1), (-1, -1), (-1, 1))]
        objects.append({
            "kind": "helicopter", "name": f"helicopter-{k}", "callsign": f"HELO-{k}", "waypoints": wps,
            "speed_mps": float(rng.uniform(25.0, 70.0)), "t_start_s": 0.0,
        })
    objects += _quadcopters(seed, mix)
    objects += _artillery(seed, mix)
    wind = run_wind(seed, mix.wind_mps)
    return base_scenario(f"montecarlo-{seed}", seed, mix.duration_s, objects, mix.sensor_overrides,
                         mix.time_to_shelter_s, mix.class_priors, mix.dropped_sensors, **_winds(seed, wind, mix))


def _winds(seed: int, wind: tuple[float, float, float], mix: Mix) -> dict[str, Any]:
    """The run's wind and met report as :func:`base_scenario`'s keywords: ``wind`` (east, north, up m/s)
    constant, or with ``mix.wind_shear`` the 10 m wind of a power-law profile; the report its wind (None:
    the true one) or, by height, its rows, each off by the run's one error, and the error it states."""
    sd = mix.met_error_mps if mix.met_sd_mps is None else mix.met_sd_mps
    if mix.wind_shear == 0.0 and mix.wind_veer_deg == 0.0:
        if not mix.met_report:
            return {"wind_mps": wind, "met_wind_mps": (0.0, 0.0, 0.0)}
        return {"wind_mps": wind, "met_wind_mps": met_report(seed, wind, mix.met_error_mps), "met_wind_sd_mps": sd}
    rows = shear_profile(wind, mix.wind_shear, mix.wind_top_m, mix.wind_veer_deg)
    if not mix.met_report:
        return {"wind_profile": rows, "met_wind_mps": (0.0, 0.0, 0.0)}
    if not mix.met_by_height:  # the wind at the report's height, off by the run's error
        at_met = tuple(float(w) for w in WindProfile.from_rows(rows).at([mix.met_height_m])[0])
        return {"wind_profile": rows, "met_wind_mps": met_report(seed, at_met, mix.met_error_mps) or at_met,
                "met_wind_sd_mps": sd}
    # A message by height: the run's one error (drawn as for a single wind) on every row.
    err = met_report(seed, (0.0, 0.0, 0.0), mix.met_error_mps) or (0.0, 0.0, 0.0)
    return {"wind_profile": rows, "met_wind_profile": [[h, e + err[0], n + err[1]] for h, e, n in rows],
            "met_wind_sd_mps": sd}


#: Reference height (m) of a power-law wind profile: the anemometer's standard 10 m.
SHEAR_REF_HEIGHT_M = 10.0


def shear_profile(wind_10m: tuple[float, float, float], exponent: float, top_m: float,
                  veer_deg: float = 0.0) -> list[list[float]]:
    """Rows [height m, east, north m/s] of a wind ``wind_10m`` at 10 m that grows as (height / 10 m) ^
    ``exponent`` (the power law; 1/7 is the classic figure for neutral air over open land, larger in the
    stable air of a night: Wikipedia, "Wind profile power law") up to ``top_m``, constant above; below
    10 m it is taken as the 10 m wind (the last metres of a flight). With ``veer_deg`` the wind also turns
    clockwise seen from above (veers; negative: backs) by that many degrees from 10 m to ``top_m``, linearly
    in log height."""
    top = max(float(top_m), SHEAR_REF_HEIGHT_M)
    heights = np.unique(np.concatenate([[0.0], np.geomspace(SHEAR_REF_HEIGHT_M, top, 24)]))
    scale = (np.maximum(heights, SHEAR_REF_HEIGHT_M) / SHEAR_REF_HEIGHT_M) ** exponent
    # Fraction of the turn reached at each height: 0 at and below 10 m, 1 at and above the top.
    depth = np.log(top / SHEAR_REF_HEIGHT_M)
    reached = np.clip(np.log(np.maximum(heights, SHEAR_REF_HEIGHT_M) / SHEAR_REF_HEIGHT_M) / depth, 0.0, 1.0) \
        if depth > 0.0 else np.zeros_like(heights)
    turn = np.radians(veer_deg) * reached
    east = scale * (wind_10m[0] * np.cos(turn) + wind_10m[1] * np.sin(turn))
    north = scale * (-wind_10m[0] * np.sin(turn) + wind_10m[1] * np.cos(turn))
    return [[float(h), float(e), float(n)] for h, e, n in zip(heights, east, north, strict=True)]


def run_wind(seed: int, speed_mps: float) -> tuple[float, float, float]:
    """The run's wind (east, north, up m/s): ``speed_mps`` from a direction drawn from its own stream of
    ``seed`` (the same direction whatever the speed, and no other draw of the run moved)."""
    if speed_mps == 0.0:
        return (0.0, 0.0, 0.0)
    toward = np.random.default_rng(np.random.SeedSequence([seed, 8])).uniform(0.0, 2.0 * math.pi)
    return (float(speed_mps * math.sin(toward)), float(speed_mps * math.cos(toward)), 0.0)


def met_report(seed: int, wind: tuple[float, float, float], error_mps: float) -> tuple[float, float, float] | None:
    """The wind the run's met report gives the engine: ``wind`` with a Gaussian error of ``error_mps`` (m/s)
    on each horizontal component, drawn from its own stream of ``seed``; None (the true wind) at 0."""
    if error_mps == 0.0:
        return None
    err = np.random.default_rng(np.random.SeedSequence([seed, 9])).normal(0.0, error_mps, 2)
    return (float(wind[0] + err[0]), float(wind[1] + err[1]), float(wind[2]))


QUAD_RANGE_M = (1200.0, 3500.0)  # where a quadcopter starts, from its asset (m)
QUAD_DIVE_SHARE = 0.75  # the share that end in a dive onto an asset (the others loiter: reconnaissance)
QUAD_NO_LINK_SHARE = 0.25  # the share flying without a radio link (fibre-optic FPV, autonomous)


ARTILLERY_PRESET = "howitzer_105mm"


def _round_spec(rng: np.random.Generator, kind: str, preset: str, name: str, t_last_launch: float,
                velocity_sd: float = 0.0) -> dict[str, Any]:
    """One round of ``preset`` launched 2-8 km (``LAUNCH_RANGE_M``, within the preset's reach) from a random
    point of the base and aimed there at a random time, every draw from ``rng``; ``velocity_sd`` its
    round-to-round velocity dispersion (a fraction), given only when not 0."""
    r_min, r_max = preset_reach(preset)
    lo, hi = max(LAUNCH_RANGE_M[0], 1.05 * r_min), min(LAUNCH_RANGE_M[1], 0.93 * r_max)
    target = [float(rng.uniform(-1300.0, 1300.0)), float(rng.uniform(-850.0, 850.0)), 0.0]
    rng_m, bearing = rng.uniform(lo, hi), rng.uniform(0.0, 2.0 * math.pi)
    launch = [target[0] + rng_m * math.sin(bearing), target[1] + rng_m * math.cos(bearing), 0.0]
    return {"kind": kind, "name": name, "preset": preset, "launch": launch, "target": target,
            "t_launch_s": float(rng.uniform(5.0, t_last_launch)), "aim_error_m": 30.0,
            **({"velocity_sd": velocity_sd} if velocity_sd else {})}


def _artillery(seed: int, mix: Mix) -> list[dict[str, Any]]:
    """The run's artillery shells, drawn from their own stream of ``seed`` (adding them leaves every other
    object as it was)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    return [_round_spec(rng, "artillery", ARTILLERY_PRESET, f"{ARTILLERY_PRESET}-{k}", mix.duration_s - 80.0,
                        mix.velocity_sd) for k in range(mix.artillery)]


def _quadcopters(seed: int, mix: Mix) -> list[dict[str, Any]]:
    """The run's quadcopters, drawn from their own stream of ``seed`` so that adding them leaves every
    other object as it was."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 6]))
    out: list[dict[str, Any]] = []
    for k in range(mix.quadcopters):
        c = _asset_centre(k)
        d, b = rng.uniform(*QUAD_RANGE_M), rng.uniform(0.0, 2.0 * math.pi)
        start = [float(c[0] + d * math.sin(b)), float(c[1] + d * math.cos(b)), float(rng.uniform(20.0, 120.0))]
        dive = bool(rng.uniform() < QUAD_DIVE_SHARE)
        out.append({
            "kind": "quadcopter", "name": f"quadcopter-{k}", "start": start,
            "n_waypoints": int(rng.integers(2, 5)), "area_radius_m": float(rng.uniform(200.0, 600.0)),
            "target": [float(c[0]), float(c[1]), 0.0] if dive else None,
            "t_start_s": float(rng.uniform(0.0, max(mix.duration_s - 120.0, 1.0))),
            "speed_mps": float(rng.uniform(8.0, 20.0)), "rf_link": bool(rng.uniform() >= QUAD_NO_LINK_SHARE),
        })
    return out


def base_scenario(
    name: str, seed: int, duration_s: float, objects: list[dict[str, Any]],
    sensor_overrides: tuple[tuple[str, str, float], ...] = (), time_to_shelter_s: float | None = None,
    class_priors: tuple[tuple[str, float], ...] = (), dropped_sensors: tuple[str, ...] = (),
    wind_mps: tuple[float, float, float] = (0.0, 0.0, 0.0), met_wind_mps: tuple[float, float, float] | None = None,
    met_wind_sd_mps: float = 0.0, wind_profile: list[list[float]] | None = None,
    met_wind_profile: list[list[float]] | None = None,
) -> Scenario:
    """The test base (site, assets, zones (``_zones(time_to_shelter_s)``), ``sensors_for(sensor_overrides,
    dropped_sensors)``, the classifier's ``class_priors``, no effectors, ROE on HOLD, the wind ``wind_mps``
    (east, north, up m/s; or ``wind_profile``, rows [height, east, north]) and the met report's
    ``met_wind_mps`` (None: the true wind; or ``met_wind_profile``, by height) and uncertainty
    ``met_wind_sd_mps``) with ``objects`` (scenario object specs); a bad spec raises :class:`UserError`
    naming it."""
    data = {
        "name": name, "seed": seed, "duration_s": duration_s,
        "site": {"name": "Test base", "lat_deg": 29.35, "lon_deg": 47.52, "alt_m": 0.0, "perimeter": PERIMETER},
        "assets": [{"name": n, "polygon": p, "value": v} for n, p, v in ASSETS],
        "warning_zones": _zones(time_to_shelter_s), "sensors": sensors_for(sensor_overrides, dropped_sensors),
        "effectors": [], "environment": {"wind_mps": list(wind_mps),
                                          "met_wind_mps": None if met_wind_mps is None else list(met_wind_mps),
                                          "met_wind_sd_mps": met_wind_sd_mps,
                                          **({"wind_profile": wind_profile} if wind_profile else {}),
                                          **({"met_wind_profile": met_wind_profile} if met_wind_profile else {})},
        "objects": objects, "class_priors": dict(class_priors),
        "roe": {"sectors": [{"name": "base", "az_from_deg": 0.0, "az_to_deg": 360.0, "state": "HOLD"}]},
    }
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise UserError(validation_problems(name, err)) from None


@dataclass
class ObjectOutcome:
    """Truth beside assessment for one object of one run."""

    seed: int
    name: str
    kind: str  # the object's kind, or FALSE_TRACK / DUPLICATE_TRACK for a track owning no object
    preset: str | None
    hostile: bool
    confirmed_t: float | None
    class_at: str | None  # the class held CLASS_WITHIN_S after confirmation (None: never confirmed)
    first_correct_s: float | None  # time from confirmation to the first correct class
    ever_hostile: bool  # any of its tracks ever declared hostile
    rf_link: bool = False  # the object flies on a radio link a direction finder can hear
    launch_range_m: float | None = None
    flight_time_s: float | None = None
    impact_t: float | None = None
    impact_zone: str | None = None
    impact_err_m: dict[int, float | None] = field(default_factory=dict)  # lead (s) -> error (m)
    impact_m2: dict[int, float | None] = field(default_factory=dict)  # lead -> Mahalanobis^2 of truth
    origin_err_m: float | None = None
    origin_m2: float | None = None
    warn_lead_s: float | None = None  # impact zone: first warning naming it, to impact (None: not warned)
    warn_reason: str | None = None  # ... and why it sounded (``bastion.events.Alert.reason``)
    zone_shelter_s: float | None = None
    warned_zones: tuple[str, ...] = ()
    warned_area_m2: float = 0.0
    footprint_m2: float | None = None  # area of the zone it hit
    # Latency of the chain (s from the scenario epoch; None: never): the object's launch or start, its first
    # radar plot, the first confirmation of one of its tracks, the first time one was declared hostile.
    t_start: float | None = None
    first_plot_t: float | None = None
    hostile_t: float | None = None


def _mahal2(d: np.ndarray, cov: np.ndarray) -> float:
    try:
        return float(d @ np.linalg.solve(np.asarray(cov, float) + 1e-9 * np.eye(2), d))
    except np.linalg.LinAlgError:
        return float("inf")


def evaluate_run(scenario: Scenario, result) -> list[ObjectOutcome]:
    """Per-object outcomes of one simulated run."""
    world, events = result.world, result.events
    owner = match_tracks(world, events)
    tracks_of: dict[int, list[int]] = {}
    for tid, obj in sorted(owner.items()):
        tracks_of.setdefault(obj, []).append(tid)
    zones = {z.name: np.asarray(z.polygon, float) for z in scenario.warning_zones}
    shelter = {z.name: z.time_to_shelter_s for z in scenario.warning_zones}
    area = {n: polygon_area(p) for n, p in zones.items()}
    episodes = warning_episodes(events, world.duration)
    confirmed: dict[int, float] = {}
    classes: dict[int, list[tuple[float, str]]] = {}
    hostile: set[int] = set()
    hostile_at: dict[int, float] = {}
    impacts: dict[int, list[ImpactPredicted]] = {}
    origins: dict[int, list[OriginPredicted]] = {}
    warned_at: dict[int, dict[str, float]] = {}  # track -> zone -> first time a warning named it
    warned_why: dict[int, dict[str, str | None]] = {}  # track -> zone -> that warning's reason
    for ev in events:
        if isinstance(ev, TrackConfirmed):
            confirmed.setdefault(ev.track_id, ev.t)
        elif isinstance(ev, ClassChanged):
            classes.setdefault(ev.track_id, []).append((ev.t, ev.track_class))
        elif isinstance(ev, IdentityChanged) and ev.identity == "hostile":
            hostile.add(ev.track_id)
            hostile_at.setdefault(ev.track_id, ev.t)
        elif isinstance(ev, ImpactPredicted):
            impacts.setdefault(ev.track_id, []).append(ev)
        elif isinstance(ev, OriginPredicted):
            origins.setdefault(ev.track_id, []).append(ev)
        elif isinstance(ev, Alert) and ev.tier == "warning":
            why_of = dict(zip(ev.track_ids, ev.track_reasons, strict=False))
            for tid in ev.track_ids:
                warned_at.setdefault(tid, {}).setdefault(ev.zone, ev.t)
                warned_why.setdefault(tid, {}).setdefault(ev.zone, why_of.get(tid, ev.reason))
        elif isinstance(ev, AlertJoined):
            warned_at.setdefault(ev.track_id, {}).setdefault(ev.zone, ev.t)
            warned_why.setdefault(ev.track_id, {}).setdefault(ev.zone, ev.reason)

    out = []
    for obj in world.objects:
        tids = tracks_of.get(obj.index, [])
        t_conf = min((confirmed[t] for t in tids if t in confirmed), default=None)
        hist = sorted((t, c) for tid in tids for t, c in classes.get(tid, []) if t <= obj.t_end + 1e-9)
        class_at = None
        first_correct = None
        if t_conf is not None:
            held = [c for t, c in hist if t <= t_conf + CLASS_WITHIN_S + 1e-9]
            class_at = held[-1] if held else "unknown"
            fc = next((t for t, c in hist if c == obj.kind), None)
            first_correct = None if fc is None else max(fc - t_conf, 0.0)
        oc = ObjectOutcome(
            seed=scenario.seed, name=obj.name, kind=obj.kind, preset=obj.meta.get("preset"), hostile=obj.hostile,
            confirmed_t=t_conf, class_at=class_at, first_correct_s=first_correct,
            ever_hostile=any(t in hostile for t in tids), rf_link=bool(obj.rf_link),
            t_start=float(obj.t_start), first_plot_t=result.first_detection.get(obj.index),
            hostile_t=min((hostile_at[t] for t in tids if t in hostile_at), default=None),
        )
        if obj.kind in ROUND_KINDS and obj.natural_end == "impact":
            t_hit = float(obj.t_natural_end)
            p_hit = np.asarray(obj.meta["impact_point"], float)
            launch = np.asarray(obj.meta["launch"], float)
            oc.launch_range_m = float(np.hypot(*(p_hit[:2] - launch[:2])))
            oc.flight_time_s = t_hit - obj.t_start
            oc.impact_t = t_hit
            preds = sorted((e for t in tids for e in impacts.get(t, [])), key=lambda e: e.t)
            for lead in LEADS_S:
                before = [e for e in preds if e.t <= t_hit - lead]
                if before and before[-1].t >= t_hit - lead - 1.0:
                    d = np.asarray(before[-1].impact_enu[:2]) - p_hit[:2]
                    oc.impact_err_m[lead] = float(np.linalg.norm(d))
                    oc.impact_m2[lead] = _mahal2(d, before[-1].cov_en)
                else:
                    oc.impact_err_m[lead] = oc.impact_m2[lead] = None
            ors = sorted((e for t in tids for e in origins.get(t, [])), key=lambda e: e.t)
            if ors:
                d = np.asarray(ors[-1].origin_enu[:2]) - launch[:2]
                oc.origin_err_m = float(np.linalg.norm(d))
                oc.origin_m2 = _mahal2(d, ors[-1].cov_en)
        if obj.hostile and obj.natural_end == "impact":
            p_hit = np.asarray(obj.meta.get("impact_point", world.state(obj.t_natural_end)[1][obj.index]), float)
            t_hit = float(obj.t_natural_end)
            oc.impact_t = t_hit
            inside = [n for n, p in zones.items() if points_in_polygon(p_hit[None, :2], p)[0]]
            oc.impact_zone = inside[0] if inside else None
            wz: dict[str, float] = {}
            why: dict[str, str | None] = {}
            for t in tids:
                for z, tw in warned_at.get(t, {}).items():
                    if tw <= t_hit and tw < wz.get(z, math.inf):
                        wz[z], why[z] = tw, warned_why[t][z]
            oc.warned_zones = tuple(sorted(wz))
            oc.warned_area_m2 = float(sum(area[z] for z in wz))
            if oc.impact_zone:
                z = oc.impact_zone
                oc.zone_shelter_s = shelter[z]
                oc.footprint_m2 = area[z]
                # The zone must still be under warning when the round lands.
                active = any(s <= t_hit <= e + 1e-9 for s, e in episodes.get(z, []))
                if z in wz and active:
                    oc.warn_lead_s = t_hit - wz[z]
                    oc.warn_reason = why[z]
        out.append(oc)
    # Confirmed tracks owning no object (a second track on an object, or a track on clutter): what they
    # were taken for, and what they made us warn.
    for u in unowned_tracks(world, events, owner):
        tid = u["track_id"]
        held = [c for t, c in sorted(classes.get(tid, [])) if t <= confirmed[tid] + CLASS_WITHIN_S + 1e-9]
        out.append(ObjectOutcome(
            seed=scenario.seed, name=f"track-{tid}", kind=FALSE_TRACK if u["near"] is None else DUPLICATE_TRACK,
            preset=None, hostile=False, confirmed_t=confirmed[tid], class_at=held[-1] if held else "unknown",
            first_correct_s=None, ever_hostile=u["hostile"], warned_zones=tuple(u["warned_zones"]),
        ))
    return out


def run_seed(seed: int, mix: Mix = Mix()) -> list[ObjectOutcome]:
    scenario = build_scenario(seed, mix)
    result = Simulation(scenario, seed, tracker_config_for(mix.tracker_overrides)).run()
    return evaluate_run(scenario, result)


def run_many(seeds, mix: Mix = Mix(), progress=None) -> list[ObjectOutcome]:
    out: list[ObjectOutcome] = []
    for s in seeds:
        out += run_seed(int(s), mix)
        if progress:
            progress(s, out)
    return out
