"""A sampled trajectory: time, position and velocity of one object."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Samples of one object's motion.

    Attributes:
        t: (K,) seconds from the scenario epoch, increasing.
        pos: (K, 3) ENU metres.
        vel: (K, 3) ENU metres per second.
    """

    t: np.ndarray
    pos: np.ndarray
    vel: np.ndarray

    def on_grid(self, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Position and velocity linearly interpolated at ``grid`` times (held at the ends)."""
        pos = np.stack([np.interp(grid, self.t, self.pos[:, k]) for k in range(3)], axis=-1)
        vel = np.stack([np.interp(grid, self.t, self.vel[:, k]) for k in range(3)], axis=-1)
        return pos, vel
