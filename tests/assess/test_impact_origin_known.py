"""Impact and origin prediction on flights with known answers: the vacuum model, the drag model with the
drag parameter carried in the state, and back-integration to the launch point."""

from __future__ import annotations

import numpy as np

from bastion.assess.impact import (
    ORIGIN_MAX_SEMI_MAJOR_M,
    origin_informative,
    predict_ballistic_impact,
    predict_ballistic_impact_and_origin,
    predict_ballistic_origin,
)
from bastion.world.munitions import PRESETS, fly


def _state(flight, k_idx, extra=None):
    x = np.concatenate([flight.pos[k_idx], flight.vel[k_idx]])
    return x if extra is None else np.append(x, extra)


def test_rocket_from_a_known_launch_point_lands_where_the_vacuum_model_says():
    preset = PRESETS["rocket_107mm"]
    launch = np.array([-4000.0, 3000.0, 0.0])
    flight = fly(preset, launch, np.radians(120.0), np.radians(35.0), drag=False, dt=0.01)
    k = int(np.searchsorted(flight.t, 3.0))  # after burnout (0.8 s): vacuum flight from here on
    pred = predict_ballistic_impact(float(flight.t[k]), _state(flight, k)[None], np.eye(6)[None] * 1e-8,
                                    np.array([np.inf]))
    assert np.linalg.norm(pred.impact[0, :2] - flight.pos[-1, :2]) < 2.0
    assert abs(pred.t_impact[0] - flight.t[-1]) < 0.05
    # And flown back, the vacuum arc meets the ground short of the launcher by the boost run only.
    back = predict_ballistic_origin(_state(flight, k)[None], np.eye(6)[None] * 1e-8, np.array([np.inf]))
    assert np.linalg.norm(back.impact[0, :2] - launch[:2]) < 250.0


def test_drag_parameter_in_the_state_gives_the_drag_model_impact_and_widens_the_ellipse():
    preset = PRESETS["mortar_81mm"]  # subsonic: the generic drag curve is flat, the constant-k model exact
    flight = fly(preset, [0.0, 0.0, 0.0], np.radians(200.0), np.radians(60.0), dt=0.01)
    k = len(flight.t) // 2
    k_true = 1.0 / preset.beta
    P7 = np.diag([1.0] * 3 + [0.01] * 3 + [(0.001 * k_true) ** 2])[None]
    pred = predict_ballistic_impact(float(flight.t[k]), _state(flight, k, k_true)[None], P7, np.array([np.nan]))
    assert np.linalg.norm(pred.impact[0, :2] - flight.pos[-1, :2]) < 5.0
    # A drag parameter known only to +-50 % must widen the ellipse along the line of flight, and the 95 %
    # ellipse must still hold the true impact point.
    P7w = P7.copy()
    P7w[0, 6, 6] = (0.5 * k_true) ** 2
    wide = predict_ballistic_impact(float(flight.t[k]), _state(flight, k, k_true)[None], P7w, np.array([np.nan]))
    assert np.trace(wide.cov_en[0]) > 25.0 * np.trace(pred.cov_en[0])
    d = flight.pos[-1, :2] - wide.impact[0, :2]
    assert d @ np.linalg.solve(wide.cov_en[0], d) <= 5.991


def test_back_integrated_origin_of_a_noise_free_track_is_the_launch_point():
    for name, launch in (("mortar_60mm", [1500.0, -2500.0, 0.0]), ("mortar_120mm", [-5000.0, -3000.0, 0.0])):
        preset = PRESETS[name]
        flight = fly(preset, launch, np.radians(45.0), np.radians(55.0), dt=0.01)
        k = len(flight.t) // 3
        x = _state(flight, k, 1.0 / preset.beta)[None]
        P = np.diag([1e-4] * 6 + [1e-16])[None]
        org = predict_ballistic_origin(x, P, np.array([np.nan]))
        assert np.linalg.norm(org.impact[0, :2] - np.asarray(launch)[:2]) < 10.0
        assert abs(org.t_impact[0] - flight.t[k]) < 0.2  # fired that long before the state


def test_cov_scale_scales_the_ellipse():
    x = np.array([[0.0, 0.0, 500.0, 100.0, 0.0, 50.0]])
    P = np.diag([100.0] * 3 + [4.0] * 3)[None]
    a = predict_ballistic_impact(0.0, x, P, np.array([5000.0]), cov_scale=1.0)
    b = predict_ballistic_impact(0.0, x, P, np.array([5000.0]), cov_scale=2.0)
    np.testing.assert_allclose(b.cov_en, 2.0 * a.cov_en)
    np.testing.assert_allclose(b.impact, a.impact)
    # Per track: the class factors (rockets' young tracks need wider ellipses than mortars').
    from bastion.assess.impact import IMPACT_COV_SCALE_BY_CLASS, impact_cov_scale

    scale = impact_cov_scale(["rocket", "mortar"])
    c = predict_ballistic_impact(0.0, np.repeat(x, 2, axis=0), np.repeat(P, 2, axis=0), np.full(2, 5000.0),
                                 cov_scale=scale)
    for j, cls in enumerate(("rocket", "mortar")):
        np.testing.assert_allclose(c.cov_en[j], IMPACT_COV_SCALE_BY_CLASS[cls] * a.cov_en[0])


def test_origin_fuser_weights_estimates_by_information_and_keeps_the_best_ellipse():
    from bastion.assess.impact import OriginFuser

    f = OriginFuser()
    f.update([4], np.array([[100.0, 0.0, 0.0]]), np.array([np.diag([100.0, 100.0])]))
    o, c = f.update([4], np.array([[0.0, 30.0, 0.0]]), np.array([np.diag([300.0, 25.0])]))
    # East: weights 1/100 and 1/300 -> 75; north: 1/100 and 1/25 -> 24.
    np.testing.assert_allclose(o[0, :2], [75.0, 24.0], atol=1e-3)
    np.testing.assert_allclose(c[0], np.diag([100.0, 100.0]), atol=1e-5)  # the smaller ellipse of the two
    f.forget([])
    o, _ = f.update([4], np.array([[5.0, 5.0, 0.0]]), np.array([np.eye(2)]))
    np.testing.assert_allclose(o[0, :2], [5.0, 5.0])  # forgotten: starts afresh


def test_origin_fuser_counts_a_coasting_tracks_state_once():
    """The same state (same state time) offered on ten cycles is one estimate: the fused origin stays the
    information-weighted mean of the two distinct estimates (equal weights: the midpoint)."""
    from bastion.assess.impact import OriginFuser

    f = OriginFuser()
    cov = np.array([np.diag([100.0, 100.0])])
    f.update([4], np.array([[0.0, 0.0, 0.0]]), cov, np.array([10.0]))
    for _ in range(10):
        o, _ = f.update([4], np.array([[200.0, 0.0, 0.0]]), cov, np.array([10.5]))
    np.testing.assert_allclose(o[0, :2], [100.0, 0.0], atol=1e-6)
    o, _ = f.update([4], np.array([[200.0, 0.0, 0.0]]), cov, np.array([11.0]))  # a new state: counts
    np.testing.assert_allclose(o[0, :2], [400.0 / 3.0, 0.0], atol=1e-6)


def test_origin_fuser_skips_a_degenerate_ellipse_without_crashing():
    """An estimate whose ellipse is a line (rank one, too wide for the jitter to matter: seen in a run,
    where it raised a singular-matrix error and stopped the engine) adds nothing: the fused origin and
    ellipse stay those of the estimates before it; a first estimate of that kind passes through."""
    from bastion.assess.impact import OriginFuser

    f = OriginFuser()
    line = np.array([[[1e12, 1e12], [1e12, 1e12]]])  # all spread along the north-east diagonal
    o, c = f.update([7], np.array([[9.0, 9.0, 0.0]]), line)
    np.testing.assert_allclose(o[0, :2], [9.0, 9.0])
    f.update([7], np.array([[100.0, 0.0, 0.0]]), np.array([np.diag([100.0, 100.0])]))
    o, c = f.update([7], np.array([[5000.0, 5000.0, 0.0]]), line)
    np.testing.assert_allclose(o[0, :2], [100.0, 0.0])
    np.testing.assert_allclose(c[0], np.diag([100.0, 100.0]) + 1e-6 * np.eye(2))


def test_rocket_origin_with_the_boost_flown_back_is_the_launcher():
    """Noise-free rocket tracks (states 0.5 and 1.5 s after burnout, the drag state exact) flown back: on
    flat trajectories the ballistic arc alone meets the ground tens to hundreds of metres beyond the
    launcher (the boost run, bent by gravity); with the library round's boost correction the origin is
    the launch point within 5 m, at elevations between the table's grid lines and off any axis."""
    for name, el_deg, az_deg, plain_min in (("rocket_107mm", 7.1, 200.0, 10.0), ("rocket_107mm", 38.3, 75.0, 0.0),
                                            ("rocket_122mm", 5.6, 310.0, 200.0), ("rocket_122mm", 21.9, 140.0, 10.0)):
        preset = PRESETS[name]
        launch = np.array([2500.0, -1800.0, 0.0])
        flight = fly(preset, launch, np.radians(az_deg), np.radians(el_deg), dt=0.01)
        for after in (0.5, 1.5):
            k = int(np.searchsorted(flight.t, preset.boost.burn_time_s + after))
            x = _state(flight, k, 1.0 / preset.beta)[None]
            P = np.diag([1e-4] * 6 + [1e-16])[None]
            plain = predict_ballistic_origin(x, P, np.array([np.nan]))
            org = predict_ballistic_origin(x, P, np.array([np.nan]), rounds=[name])
            assert np.linalg.norm(org.impact[0, :2] - launch[:2]) < 5.0, (name, el_deg, after)
            assert np.linalg.norm(plain.impact[0, :2] - launch[:2]) > plain_min


def test_the_mortar_factor_follows_its_knots_in_time_to_impact():
    from bastion.assess.impact import IMPACT_COV_SCALE_BY_CLASS, IMPACT_COV_SCALE_BY_TIME, impact_cov_scale

    (t5, f5), (t10, f10), (t20, f20) = IMPACT_COV_SCALE_BY_TIME["mortar"]
    got = impact_cov_scale(["mortar"] * 7, [60.0, t20, 0.5 * (t10 + t20), t10, 0.5 * (t5 + t10), t5, 1.0])
    # Hand values: held beyond the knots, halfway between them at their middles.
    np.testing.assert_allclose(got, [f20, f20, 0.5 * (f10 + f20), f10, 0.5 * (f5 + f10), f5, f5])
    # Rockets have no time knots; an unknown time to impact keeps the class factor.
    np.testing.assert_allclose(impact_cov_scale(["rocket", "mortar"], [2.0, np.nan]),
                               [IMPACT_COV_SCALE_BY_CLASS["rocket"], IMPACT_COV_SCALE_BY_CLASS["mortar"]])


def test_impact_and_origin_flown_together_are_the_two_predictions():
    """The engine's one batch (sigma points flown forward and backwards together) gives, bit for bit,
    the impact and the origin of the two separate predictions: a rocket with its boost correction, a
    mortar, a track beyond the horizon (NaN) and one on the ground, with per-track times and scales."""
    rng = np.random.default_rng(5)
    rows = []
    for name, el_deg, k_frac in (("rocket_107mm", 12.0, 0.3), ("mortar_81mm", 60.0, 0.6), ("rocket_122mm", 8.0, 0.5)):
        preset = PRESETS[name]
        flight = fly(preset, rng.uniform(-3000, 3000, 3) * [1, 1, 0], rng.uniform(0, 6.3), np.radians(el_deg), dt=0.05)
        k = int(k_frac * len(flight.t))
        rows.append(_state(flight, k, 1.0 / preset.beta))
    rows.append(np.array([0.0, 0.0, 0.0, 10.0, 0.0, -5.0, 1e-4]))  # on the ground, falling
    x = np.array(rows)
    A = np.array([5.0] * 3 + [2.0] * 3 + [2e-5])[:, None] * rng.normal(size=(4, 7, 7)) / np.sqrt(7.0)
    P = A @ np.swapaxes(A, 1, 2) + np.diag([1.0] * 6 + [1e-12])
    beta = np.array([np.nan, 7200.0, np.nan, np.nan])
    rounds = ["rocket_107mm", None, "rocket_122mm", None]
    t_now, scale = np.array([3.0, 4.0, 5.0, 6.0]), np.array([0.75, 0.4, 0.75, 0.5])
    imp, org = predict_ballistic_impact_and_origin(t_now, x, P, beta, cov_scale=scale, origin_cov_scale=0.45,
                                                  rounds=rounds, site_alt_m=120.0)
    imp1 = predict_ballistic_impact(t_now, x, P, beta, cov_scale=scale, site_alt_m=120.0)
    org1 = predict_ballistic_origin(x, P, beta, cov_scale=0.45, rounds=rounds, site_alt_m=120.0)
    for a, b in ((imp, imp1), (org, org1)):
        for u, v in ((a.impact, b.impact), (a.t_impact, b.t_impact), (a.cov_en, b.cov_en)):
            assert np.array_equal(u, v, equal_nan=True)
    assert np.all(np.isfinite(imp.impact[:3])) and np.all(np.isfinite(org.impact[:3]))


def test_an_origin_wider_than_any_rounds_reach_is_not_informative():
    # The threat library's longest reach is the 122 mm rocket's 20.38 km: a 95 % ellipse (chi-square 2 dof,
    # 5.991) with a longer semi-major axis, or a covariance that is not finite, tells nothing.
    assert ORIGIN_MAX_SEMI_MAJOR_M == max(m.max_range_m for m in PRESETS.values()) == 20380.0
    var_at_limit = 20380.0**2 / 5.991464547107979  # semi-major axis exactly at the limit
    covs = np.array([np.diag([400.0**2, 50.0**2]), np.diag([10.0, var_at_limit * 0.999]),
                     np.diag([var_at_limit * 1.001, 10.0]), np.diag([1.0, np.nan])])
    assert origin_informative(covs).tolist() == [True, True, False, False]
    # Rotated: the semi-major axis is what counts, not the diagonal.
    c, s = np.cos(0.7), np.sin(0.7)
    rot = np.array([[c, -s], [s, c]])
    assert not origin_informative((rot @ np.diag([var_at_limit * 1.01, 1.0]) @ rot.T)[None])[0]
