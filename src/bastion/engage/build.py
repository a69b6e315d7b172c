"""Effector models from the scenario's effector specifications."""

from __future__ import annotations

import numpy as np

from bastion.engage.effectors import Gun, Interceptor, InterceptorSpec, Jammer, JammerSpec
from bastion.scenario.schema import GunEffector, InterceptorEffector, JammerEffector

Model = Gun | Interceptor | Jammer


def build_effector(spec: GunEffector | InterceptorEffector | JammerEffector) -> Model:
    """The model of one effector, in its initial state."""
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
    return model.intercept(t, x, ballistic, t_end)


def planning_pk(model: Model, rf_link: np.ndarray) -> np.ndarray:
    """Kill probability per shot used for planning (before the outcome is known), per track."""
    if isinstance(model, Jammer):
        return model.kill_probability(rf_link)
    pk = model.spec.pk if isinstance(model, Interceptor) else model.spec.pk_burst
    return np.full(np.shape(rf_link), pk)


def cost_per_shot(model: Model) -> float:
    """Cost of one shot (a burst, an interceptor, a jamming dwell) in the units of asset value."""
    return model.spec.cost_per_burst if isinstance(model, Gun) else model.scenario_spec.cost_per_shot


def kinetic(model: Model) -> bool:
    """Whether the effector puts anything in the air (a jammer does not)."""
    return not isinstance(model, Jammer)


def line_of_fire_end(model: Model, aim):
    """Where the line of fire ends for the safety checks: a gun's rounds fly on to their self-destruct
    point; an interceptor's flyout ends at the intercept."""
    return model.self_destruct_point(aim) if isinstance(model, Gun) else aim
