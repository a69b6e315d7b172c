"""The engine's young rocket predictions with the threat-library fit (bastion.assess.launch_fit) against
the same runs without it (no plot history, so no fit): on a 107 mm rocket fired at the test base, the fit
narrows the impact ellipse 3-8 s after launch, and the true impact stays inside it."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.engine import Engine
from bastion.evaluate.montecarlo import base_scenario
from bastion.evaluate.summary import match_tracks
from bastion.events import ImpactPredicted
from bastion.sim import Simulation
from bastion.track import TrackerConfig

T_LAUNCH_S = 5.0
CHI2_2DOF_999 = 13.815510557964274


def _predictions(seed: int, fit: bool):
    rocket = {"kind": "rocket", "name": "rocket", "preset": "rocket_107mm", "launch": [0.0, 5000.0, 0.0],
              "target": [0.0, 0.0, 0.0], "t_launch_s": T_LAUNCH_S, "aim_error_m": 0.0}
    scenario = base_scenario(f"rocket-fit-{seed}", seed, 30.0, [rocket])
    sim = Simulation(scenario, seed)
    if not fit:
        sim.engine = Engine(scenario, TrackerConfig(plot_history=0))
    result = sim.run()
    mine = {tid for tid, obj in match_tracks(result.world, result.events).items() if obj == 0}
    impact = np.asarray(result.world.objects[0].meta["impact_point"], float)[:2]
    preds = {round(e.t, 3): e for e in result.events if isinstance(e, ImpactPredicted) and e.track_id in mine
             and T_LAUNCH_S + 3.0 <= e.t <= T_LAUNCH_S + 8.0}
    return preds, impact


@pytest.mark.parametrize("seed", [1, 3])
def test_the_fit_narrows_the_young_rockets_ellipse_and_holds_the_impact(seed):
    with_fit, impact = _predictions(seed, fit=True)
    without, _ = _predictions(seed, fit=False)
    common = sorted(set(with_fit) & set(without))
    assert len(common) >= 6
    ratio = [np.sqrt(np.linalg.det(with_fit[t].cov_en) / np.linalg.det(without[t].cov_en)) for t in common]
    assert np.median(ratio) < 0.6  # the ellipse's area
    for t in common:
        d = np.asarray(with_fit[t].impact_enu[:2]) - impact
        assert d @ np.linalg.solve(np.asarray(with_fit[t].cov_en), d) < CHI2_2DOF_999
