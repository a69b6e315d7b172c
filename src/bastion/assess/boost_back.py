"""The boost correction of a rocket's point of origin.

A rocket's ballistic arc, flown back from any state after burnout, meets the ground at a point G that is
not the launcher L: during the burn the round accelerated from its launcher exit speed, and gravity
bent its path (the launch is steeper than the burnout by a few degrees), so the launcher lies short of G
along the ground track. For each round of the threat library (``bastion.physics.rounds``) this module
flies the round at every elevation its launcher can lay, flies its burnout state back ballistically as
the assessment does, and tabulates the offset L - G along the ground track against the flight-path angle
of the arc where it meets the ground (monotonic in the elevation, and known from the back-integration
alone). A track's origin is then G plus the offset read at its own arc's angle.

The table is made from the same round models the simulation flies, so on simulated rockets it is exact
up to the track's error; against real rockets it is as good as the threat library.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from bastion.physics.ballistic import integrate_to_ground, propagate
from bastion.physics.rounds import PRESETS, Munition

ELEVATION_STEP_RAD = np.radians(0.25)
AFTER_BURNOUT_S = 0.5  # the arc is flown back from this long after burnout (well clear of the thrust)


@dataclass(frozen=True)
class BoostBackTable:
    """Offset (m) from the back-flown arc's ground point to the launcher along the ground track,
    against the arc's flight-path angle (rad, climbing) at that ground point; both (E,), angle rising."""

    gamma: np.ndarray
    offset: np.ndarray

    def offset_at(self, gamma: np.ndarray) -> np.ndarray:
        """Offset (m) at flight-path angles ``gamma`` (rad), linear between the table's elevations and
        held at its ends."""
        return np.interp(gamma, self.gamma, self.offset)


def rocket_rounds() -> tuple[Munition, ...]:
    """The rockets of the threat library, in a fixed order."""
    return tuple(m for m in PRESETS.values() if m.kind == "rocket")


@functools.cache
def boost_back_table(name: str, predict_dt: float) -> BoostBackTable:
    """The table of the library round ``name``, its arcs flown back in RK4 steps of ``predict_dt`` (s)
    (the step the assessment uses, so that its integration error cancels)."""
    m = PRESETS[name]
    lo, hi = m.elevation_limits_rad
    el = np.arange(lo, hi + 0.5 * ELEVATION_STEP_RAD, ELEVATION_STEP_RAD)
    v0 = m.launch_speed_mps * np.stack([np.cos(el), np.zeros_like(el), np.sin(el)], axis=1)  # east
    p0 = np.zeros_like(v0)
    t_burn = (m.boost.burn_time_s if m.boost is not None else 0.0) + AFTER_BURNOUT_S
    p_b, v_b = propagate(p0, v0, m.beta, t_burn, dt=0.05, drag_curve=m.drag_curve, boost=m.boost)
    _, g, v_g = integrate_to_ground(p_b, v_b, m.beta, backwards=True, dt=predict_dt, drag_curve=m.drag_curve)
    gamma = np.arctan2(v_g[:, 2], np.abs(v_g[:, 0]))
    offset = -g[:, 0]  # the launcher is at 0 on the east axis
    # Laid too flat, a round falls back to the ground before burnout (a 122 mm rocket at 3 degrees lands
    # within a second): those elevations have no ballistic arc to fly back. Above them the angle rises
    # with the elevation; the table keeps the elevations from the highest down while it does.
    ok = np.isfinite(gamma) & np.isfinite(offset) & (p_b[:, 2] > 0.0)
    keep = np.zeros(el.size, bool)
    last = np.inf
    for i in range(el.size - 1, -1, -1):
        if not ok[i] or gamma[i] >= last:
            break
        keep[i], last = True, gamma[i]
    return BoostBackTable(gamma[keep], offset[keep])


def boost_corrected(points: np.ndarray, vel: np.ndarray, table: BoostBackTable) -> np.ndarray:
    """Ground points (..., 3) m of back-flown arcs, arriving with velocities (..., 3) m/s (the forward
    velocity there, climbing), moved to the launcher by the table's offset along the ground track."""
    vh = np.linalg.norm(vel[..., :2], axis=-1)
    gamma = np.arctan2(vel[..., 2], vh)
    u = vel[..., :2] / np.maximum(vh, 1e-9)[..., None]
    out = points.copy()
    out[..., :2] += table.offset_at(gamma)[..., None] * u
    return out
