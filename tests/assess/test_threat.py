"""Threat ranking: the probability that the impact ellipse covers an asset, against closed forms."""

from __future__ import annotations

import numpy as np
from scipy.special import erf

from bastion.assess.threat import probability_on_assets, rank, threat_scores


def _square(c, half):
    x, y = c
    return np.array([[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]])


def test_probability_on_a_square_matches_the_product_of_normal_integrals():
    for sigma, half in ((20.0, 30.0), (50.0, 40.0), (100.0, 150.0)):
        p = probability_on_assets(np.zeros((1, 2)), np.eye(2)[None] * sigma**2, [_square((0.0, 0.0), half)],
                                  lethal_radius_m=0.0)[0, 0]
        expect = erf(half / (sigma * np.sqrt(2.0))) ** 2
        assert abs(p - expect) < 0.02, (sigma, half, p, expect)


def test_half_covered_and_far_assets():
    # Mean on the edge of a huge square: half the density falls on it.
    p = probability_on_assets(np.array([[1000.0, 0.0]]), np.eye(2)[None] * 30.0**2,
                              [_square((0.0, 0.0), 1000.0), _square((5000.0, 0.0), 50.0)], lethal_radius_m=0.0)
    assert abs(p[0, 0] - 0.5) < 0.02
    assert p[0, 1] == 0.0
    # The lethal radius grows the asset: a round 15 m outside a small asset still damages it.
    q = probability_on_assets(np.array([[65.0, 0.0]]), np.eye(2)[None] * 1.0, [_square((0.0, 0.0), 50.0)],
                              lethal_radius_m=20.0)
    assert q[0, 0] > 0.99


def test_scores_put_the_most_value_soonest_first():
    p = np.array([[0.9, 0.0], [0.0, 0.9], [0.5, 0.5]])
    value, score = threat_scores(10.0, np.array([40.0, 20.0, 12.0]), p, np.array([100.0, 50.0]))
    np.testing.assert_allclose(value, [90.0, 45.0, 75.0])
    np.testing.assert_allclose(score, [3.0, 4.5, 37.5])
    assert rank(score).tolist() == [2, 1, 0]
