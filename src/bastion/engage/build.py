"""Effector models from the scenario's effector specifications."""

from __future__ import annotations

import numpy as np

from bastion.engage.effectors import (
    Footprint,
    Gun,
    Interceptor,
    InterceptorSpec,
    Jammer,
    JammerSpec,
    Laser,
    LaserSpec,
)
from bastion.engage.safety import FireSector
from bastion.scenario.schema import Environment, GunEffector, InterceptorEffector, JammerEffector, LaserEffector

Model = Gun | Interceptor | Jammer | Laser
CLEAR_VISIBILITY_KM = 23.0  # the "clear" standard atmosphere's visibility, when the scenario gives none


def build_effector(spec: GunEffector | InterceptorEffector | JammerEffector | LaserEffector,
                   environment: Environment | None = None) -> Model:
    """The model of one effector, in its initial state. A laser's weather is its own ``visibility_km``,
    else the environment's, else the clear standard (23 km)."""
    if isinstance(spec, LaserEffector):
        env_vis = environment.visibility_km if environment is not None else None
        vis = spec.visibility_km or env_vis or CLEAR_VISIBILITY_KM
        model = Laser(LaserSpec(spec.name, tuple(spec.position), spec.power_w, spec.wavelength_nm,
                                spec.spot_radius_min_m, spec.divergence_urad * 1e-6, vis, spec.max_range_m,
                                spec.reaction_s, spec.pk))
        model.scenario_spec = spec
        return model
    if isinstance(spec, JammerEffector):
        model = Jammer(JammerSpec(spec.name, tuple(spec.position), spec.range_m, spec.reaction_s, spec.dwell_s,
                                  spec.p_defeat, spec.effect))
        model.scenario_spec = spec
        return model
    if isinstance(spec, InterceptorEffector):
        model = Interceptor(InterceptorSpec(
            spec.name, tuple(spec.position), spec.min_range_m, spec.max_range_m, spec.max_alt_m,
            spec.min_intercept_alt_m, spec.mean_speed_mps, spec.reaction_s, spec.salvo_interval_s,
            spec.magazine, spec.reloads, spec.reload_s, spec.pk,
        ))
        model.scenario_spec = spec  # planning cost and seeker figures
        return model
    return Gun(spec)


def intercepts(model: Model, t: float, x: np.ndarray, ballistic: np.ndarray, rf_link: np.ndarray,
               t_end: np.ndarray, classes: tuple[str, ...]):
    """The model's intercept (or, for a jammer, time-to-effect) computation over N tracks."""
    if isinstance(model, Jammer):
        return model.intercept(t, x, rf_link, t_end, classes)
    if isinstance(model, Laser):
        return model.intercept(t, x, t_end, classes)
    return model.intercept(t, x, ballistic, t_end)


def planning_pk(model: Model, rf_link: np.ndarray, icp=None, x: np.ndarray | None = None,
                classes: tuple[str, ...] | None = None) -> np.ndarray:
    """Kill probability per shot used for planning (before the outcome is known), per track. A gun's
    comes from its dispersion model at the intercept (``icp``: aim points; ``x`` the tracks' states for
    their velocities; ``classes`` their track classes); without them, its ``pk_burst``."""
    if isinstance(model, Jammer):
        return model.kill_probability(rf_link)
    if isinstance(model, Interceptor | Laser):
        return np.full(np.shape(rf_link), model.spec.pk)
    if icp is None or x is None or classes is None:
        return np.full(np.shape(rf_link), model.spec.pk_burst)
    return model.planning_pk(icp.aim, x[:, 3:6], classes)


LOOK_S = 1.0  # from the end of a burst's flight to its kill assessment and the next decision cycle (s)


def worth_firing(model: Model, pk: np.ndarray, icp, t_end: np.ndarray) -> np.ndarray:
    """Ammunition discipline, per track: a gun holds a burst whose planned kill probability is below its
    ``min_burst_pk`` while a later burst could still be fired after this one's kill assessment (the
    intercept of this burst plus its duration and ``LOOK_S`` before the threat's end less a second)."""
    if not isinstance(model, Gun) or model.pk_model == "legacy":
        return np.ones(np.shape(pk), bool)
    later = icp.t_intercept + model.burst_duration_s + LOOK_S + (icp.t_intercept - icp.t_fire) < t_end - 1.0
    return (np.asarray(pk) >= model.spec.min_burst_pk) | ~later


def keep_out_m(model: Model, default: float) -> float | None:
    """The keep-out distance (m) an effector's intercepts must keep from the defended assets: its own
    ``keep_out_m`` if set, else the ROE's ``default``; None for a jammer (nothing falls: the drone
    returns home or lands under its own control)."""
    if isinstance(model, Jammer):
        return None
    spec = model.spec if isinstance(model, Gun) else model.scenario_spec
    own = getattr(spec, "keep_out_m", None)
    return default if own is None else own


def fire_sectors(model: Model) -> tuple[FireSector, ...] | None:
    """The effector's sector limits for the interlocks (None: no limits)."""
    spec = model.spec if isinstance(model, Gun) else getattr(model, "scenario_spec", None)
    secs = getattr(spec, "fire_sectors", None)
    if secs is None:
        return None
    return tuple(FireSector(s.az_from_deg, s.az_to_deg, s.el_min_deg, s.el_max_deg) for s in secs)


def in_sectors(model: Model, aim: np.ndarray) -> np.ndarray:
    """(N,) whether the line of sight from the effector to each aim point (N,3) is inside its sectors."""
    secs = fire_sectors(model)
    aim = np.atleast_2d(np.asarray(aim, float))
    if secs is None:
        return np.ones(aim.shape[0], bool)
    d = aim - model.position
    az = np.degrees(np.arctan2(d[:, 0], d[:, 1])) % 360.0
    el = np.degrees(np.arctan2(d[:, 2], np.hypot(d[:, 0], d[:, 1])))
    return np.array([any(s.contains(a, e) for s in secs) for a, e in zip(az, el, strict=True)], bool)


def line_of_fire_window(model: Model, t: float, t_fire: float, t_intercept: float, aim) -> float:
    """How long from ``t`` the line of fire is in use (s), for the airspace interlock: a gun's rounds until
    the last of the burst self-destructs; an interceptor's flyout or a jammer's dwell until the effect."""
    if isinstance(model, Gun):
        return max(t_fire - t, 0.0) + model.rounds_in_air_s(aim)
    return max(t_intercept - t, 0.0)


def cost_per_shot(model: Model) -> float:
    """Cost of one shot (a burst, an interceptor, a jamming dwell) in the units of asset value."""
    return model.spec.cost_per_burst if isinstance(model, Gun) else model.scenario_spec.cost_per_shot


def kinetic(model: Model) -> bool:
    """Whether the effector brings anything down (rounds, an interceptor, the lased target's debris):
    the ground interlocks apply; a jammer leaves the drone under its own control."""
    return not isinstance(model, Jammer)


def line_of_fire_end(model: Model, aim):
    """Where the line of fire ends for the safety checks: a gun's rounds fly on to their self-destruct
    point; a laser's beam goes on past the target to its hazard range; an interceptor's flyout ends at
    the intercept."""
    if isinstance(model, Gun):
        return model.self_destruct_point(aim)
    if isinstance(model, Laser):
        d = np.asarray(aim, float) - model.position
        r = float(np.linalg.norm(d))
        return model.position + d / max(r, 1e-9) * max(model.scenario_spec.hazard_range_m, r)
    return aim


def line_of_fire_path(model: Model, aim, aim_start=None):
    """The line of fire as a polyline for the airspace interlocks: a gun's curved trajectory; a laser's
    beam out to its hazard range in the direction it comes on (``aim_start``) and, back through the
    laser, in the direction it ends (``aim``; the sweep between the two is not tested); None otherwise
    (the interlocks' default, effector -> aim -> end)."""
    if isinstance(model, Gun):
        return model.trajectory(aim)
    if isinstance(model, Laser):
        first = line_of_fire_end(model, aim if aim_start is None else aim_start)
        return np.array([model.position, first, model.position, line_of_fire_end(model, aim)])
    return None


def miss_footprint(model: Model, aim):
    """Where anything but the target's debris falls: a gun's missed rounds (:meth:`Gun.miss_footprint`);
    nothing for a laser (only the aim point itself); None (the interlocks' default) otherwise."""
    if isinstance(model, Gun):
        return model.miss_footprint(aim)
    if isinstance(model, Laser):
        a = np.asarray(aim, float)[None, :2]
        return Footprint(a, a, np.zeros(1))
    return None


def fire(model: Model, t: float, aim, t_fire: float, t_intercept: float) -> int:
    """Fire the effector; returns the rounds fired (0 for a jammer or a laser)."""
    if isinstance(model, Laser):
        return model.fire(t, aim, dwell_s=t_intercept - t_fire)
    return model.fire(t, aim)
