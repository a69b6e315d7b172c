"""Effector models. The 20 mm gun: where and when its rounds meet a track (lead computation), whether
that is inside its envelope, and the kill probability of a burst."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.scenario.schema import GunEffector

G = 9.80665


@dataclass(frozen=True)
class Intercept:
    """Arrays over N tracks: fire time, intercept time (s), aim point (N,3) ENU m, slant range (m),
    and whether the intercept is inside the envelope."""

    t_fire: np.ndarray
    t_intercept: np.ndarray
    aim: np.ndarray
    range_m: np.ndarray
    feasible: np.ndarray


class Gun:
    """A gun's configuration and its changing state (ammunition, when it is free, where it points)."""

    def __init__(self, spec: GunEffector) -> None:
        self.spec = spec
        self.name = spec.name
        self.position = np.asarray(spec.position, float)
        self.rounds_left = spec.rounds
        self.busy_until = -np.inf
        self.pointing_az = 0.0
        self.v_mean = spec.muzzle_velocity_mps * spec.mean_velocity_factor

    @property
    def burst_duration_s(self) -> float:
        return self.spec.burst_rounds / 75.0  # 4,500 rounds per minute (docs/models.md)

    def intercept(
        self, t: float, x: np.ndarray, ballistic: np.ndarray, t_end: np.ndarray, iterations: int = 8
    ) -> Intercept:
        """Lead computation for N tracks with states x (N,6) at time ``t``; ``ballistic`` (N,) adds
        gravity to the target's motion; ``t_end`` (N,) is when the threat hits (the intercept must come
        at least a second earlier)."""
        s = self.spec
        p0, v0 = x[:, :3], x[:, 3:6]
        acc = np.where(ballistic[:, None], np.array([0.0, 0.0, -G]), 0.0)
        az = np.arctan2(p0[:, 0] - self.position[0], p0[:, 1] - self.position[1])
        slew = np.abs((az - self.pointing_az + np.pi) % (2 * np.pi) - np.pi) / np.radians(s.slew_rate_deg_s)
        delay = np.maximum(self.busy_until - t, 0.0) + s.reaction_s + slew
        tau = delay + np.linalg.norm(p0 - self.position, axis=1) / self.v_mean
        for _ in range(iterations):
            aim = p0 + v0 * tau[:, None] + 0.5 * acc * tau[:, None] ** 2
            tau = delay + np.linalg.norm(aim - self.position, axis=1) / self.v_mean
        aim = p0 + v0 * tau[:, None] + 0.5 * acc * tau[:, None] ** 2
        d = aim - self.position
        rng = np.linalg.norm(d, axis=1)
        el = np.degrees(np.arctan2(d[:, 2], np.hypot(d[:, 0], d[:, 1])))
        feasible = (
            (rng >= s.min_range_m) & (rng <= s.max_range_m) & (el >= s.el_min_deg) & (el <= s.el_max_deg)
            & (aim[:, 2] >= s.min_intercept_alt_m) & (t + tau <= t_end - 1.0)
            & (self.rounds_left >= s.burst_rounds)
        )
        return Intercept(t + delay, t + tau, aim, rng, feasible)

    def burst_pk(self, miss_distance_m, range_m) -> np.ndarray:
        """Kill probability of one burst whose pattern centre passes ``miss_distance_m`` from the
        target at ``range_m``: ``pk_burst`` at zero miss, falling as a Gaussian of the pattern radius
        (the dispersion at that range combined with the burst pattern and fragment radius)."""
        sigma = np.hypot(self.spec.dispersion_mrad * 1e-3 * np.asarray(range_m), self.spec.pattern_radius_m)
        return self.spec.pk_burst * np.exp(-0.5 * (np.asarray(miss_distance_m) / sigma) ** 2)

    def fire(self, t: float, aim: np.ndarray) -> int:
        """Fire one burst at ``aim``; returns the rounds fired."""
        n = self.spec.burst_rounds
        self.rounds_left -= n
        d = aim - self.position
        self.pointing_az = float(np.arctan2(d[0], d[1]))
        self.busy_until = t + self.burst_duration_s
        return n

    def self_destruct_point(self, aim: np.ndarray) -> np.ndarray:
        """Where rounds that miss self-destruct: along the line of fire at the self-destruct range."""
        d = aim - self.position
        return self.position + d / np.linalg.norm(d) * self.spec.self_destruct_range_m
