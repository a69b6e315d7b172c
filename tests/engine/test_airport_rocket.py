"""airport-rocket: no round is fired while the gun's line of fire crosses an occupied approach corridor.

Checked against truth: at every fire order, the segment from the gun to the self-destruct point is tested
against the corridor prism, and the corridor's occupancy is read from the simulated aircraft positions.
"""

from __future__ import annotations

import numpy as np
import pytest

from bastion.events import FireOrder, InterlockVeto
from bastion.geometry import clip_segment_to_prism, points_in_polygon

from ..conftest import simulated


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_fire_across_an_occupied_corridor(seed):
    scenario, result, summary = simulated("airport-rocket", seed)
    world = result.world
    guns = {e.name: e for e in scenario.effectors}
    aircraft = [o.index for o in world.objects if o.kind == "aircraft"]
    fires = [e for e in result.events if isinstance(e, FireOrder)]
    for f in fires:
        gun = guns[f.effector]
        g = np.asarray(gun.position, float)
        d = np.asarray(f.aim_enu) - g
        sd = g + d / np.linalg.norm(d) * gun.self_destruct_range_m
        alive, pos, _ = world.state(f.t)
        for c in scenario.corridors:
            poly = np.asarray(c.polygon)
            occupied = any(
                alive[i] and points_in_polygon(pos[i, None, :2], poly)[0] and c.floor_m <= pos[i, 2] <= c.ceiling_m
                for i in aircraft
            )
            assert not (occupied and clip_segment_to_prism(g, sd, poly, c.floor_m, c.ceiling_m)), (seed, f)
    # The interlock did bite: rockets launched while an airliner was on approach were held.
    vetoes = [e for e in result.events if isinstance(e, InterlockVeto)]
    assert any("corridor" in r for v in vetoes for r in v.reasons)
    assert summary["totals"]["fratricide_engagements"] == 0
