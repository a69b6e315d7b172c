"""Effector models from the scenario's effector specifications."""

from __future__ import annotations

from bastion.engage.effectors import Gun, Interceptor, InterceptorSpec
from bastion.scenario.schema import GunEffector, InterceptorEffector


def build_effector(spec: GunEffector | InterceptorEffector) -> Gun | Interceptor:
    """The model of one effector, in its initial state."""
    if isinstance(spec, InterceptorEffector):
        model = Interceptor(InterceptorSpec(
            spec.name, tuple(spec.position), spec.min_range_m, spec.max_range_m, spec.max_alt_m,
            spec.min_intercept_alt_m, spec.mean_speed_mps, spec.reaction_s, spec.salvo_interval_s,
            spec.magazine, spec.reloads, spec.reload_s, spec.pk,
        ))
        model.scenario_spec = spec  # planning cost and seeker figures
        return model
    return Gun(spec)


def planning_pk(model: Gun | Interceptor) -> float:
    """Kill probability per shot used for planning (before the outcome is known)."""
    return model.spec.pk if isinstance(model, Interceptor) else model.spec.pk_burst


def cost_per_shot(model: Gun | Interceptor) -> float:
    """Cost of one shot (a burst or an interceptor) in the units of asset value."""
    return model.scenario_spec.cost_per_shot if isinstance(model, Interceptor) else model.spec.cost_per_burst


def line_of_fire_end(model: Gun | Interceptor, aim):
    """Where the line of fire ends for the safety checks: a gun's rounds fly on to their self-destruct
    point; an interceptor's flyout ends at the intercept."""
    return aim if isinstance(model, Interceptor) else model.self_destruct_point(aim)
