"""End to end on the test base: the counter-mortar radar's range rates reach the rocket fit through the
tracker's plots and narrow the engine's impact ellipse for a young rocket."""

from __future__ import annotations

import numpy as np

from bastion.evaluate.montecarlo import base_scenario
from bastion.evaluate.summary import match_tracks
from bastion.events import ImpactPredicted
from bastion.sim import Simulation

LAUNCH_T_S = 5.0
CHI2_2DOF_999 = 13.815510557964274


def _young_prediction(seed: int, sigma_range_rate_mps: float) -> tuple[ImpactPredicted, np.ndarray]:
    """The engine's last impact prediction for a 107 mm rocket fired from 6 km north of the base, made at
    most 4 s after launch, and the rocket's true impact point (ENU m), with the counter-mortar radar's
    range-rate noise set to ``sigma_range_rate_mps``."""
    rocket = {"kind": "rocket", "name": "rocket", "preset": "rocket_107mm", "launch": [300.0, 6000.0, 0.0],
              "target": [0.0, 0.0, 0.0], "t_launch_s": LAUNCH_T_S, "aim_error_m": 0.0}
    override = (("counter-mortar-radar", "sigma_range_rate_mps", sigma_range_rate_mps),)
    res = Simulation(base_scenario("range-rate-e2e", seed, 14.0, [rocket], override), seed).run()
    owner = match_tracks(res.world, res.events)
    young = [e for e in res.events
             if isinstance(e, ImpactPredicted) and owner.get(e.track_id) == 0 and e.t - LAUNCH_T_S <= 4.0]
    assert young, "no impact prediction within 4 s of launch"
    truth = np.asarray(res.world.objects[0].meta["impact_point"], float)
    return young[-1], truth


def test_range_rates_narrow_a_young_rockets_impact_ellipse_and_it_still_holds_the_impact():
    # The same rocket, radar and noise draws but for the range rate: 1 m/s (the test base's radar) against
    # 1 km/s (a range rate that carries nothing, so the fit and the filter rest on the positions). The
    # truth must stay in each 99.9 % ellipse, and the range rates must narrow it: its minor axis by at least
    # a tenth and its geometric-mean axis by at least 5 %. Since the fit frees the round's velocity
    # (launch_fit.VELOCITY_PRIOR_SD) part of what the range rates say goes to the velocity, which no
    # measurement 4 s after launch pins down: the narrowing measured 2026-12-07 was 0.82-0.84 (minor axis)
    # and 0.91 (geometric mean) for seeds 1-3, against 0.74 for the geometric mean before.
    for seed in (1, 2, 3):
        geometric_mean, minor = [], []
        for sigma in (1.0, 1000.0):
            pred, truth = _young_prediction(seed, sigma)
            cov = np.asarray(pred.cov_en, float)
            d = np.asarray(pred.impact_enu[:2]) - truth[:2]
            assert d @ np.linalg.solve(cov, d) <= CHI2_2DOF_999, (seed, sigma)
            geometric_mean.append(np.linalg.det(cov) ** 0.25)
            minor.append(np.sqrt(np.linalg.eigvalsh(cov)[0]))
        assert minor[0] < 0.9 * minor[1], (seed, minor)
        assert geometric_mean[0] < 0.95 * geometric_mean[1], (seed, geometric_mean)
