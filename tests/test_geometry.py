"""Plane geometry against hand-computed cases."""

from __future__ import annotations

import numpy as np

from bastion.geometry import (
    PolygonSet,
    clip_segment_to_prism,
    ellipse_touches_polygon,
    ellipse_touches_polygons,
    points_in_polygon,
    polygon_area,
    polygon_centroid,
    segment_polygon_overlap,
)

SQUARE = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])


def test_points_in_polygon_and_area():
    inside = points_in_polygon([[5, 5], [11, 5], [-1, -1], [9.9, 0.1]], SQUARE)
    assert inside.tolist() == [True, False, False, True]
    assert polygon_area(SQUARE) == 100.0
    np.testing.assert_allclose(polygon_centroid(SQUARE), [5.0, 5.0])
    l_shape = [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]]
    assert polygon_area(l_shape) == 3.0
    np.testing.assert_allclose(polygon_centroid(l_shape), [5 / 6, 5 / 6])


def test_polygon_set_matches_hand_cases_and_single_polygon_test():
    l_shape = np.array([[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]], float) + 20.0
    triangle = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]]) - 1.0
    pset = PolygonSet([SQUARE, l_shape, triangle])
    pts = np.array([[5, 5], [21.5, 21.5], [20.5, 21.5], [0.5, 0.5], [2.5, 2.5], [-5, -5]], float)
    # Hand-computed: (0.5, 0.5) is in the square and the triangle; (21.5, 21.5) is in the L's notch.
    expected = [[True, False, False], [False, False, False], [False, True, False], [True, False, True],
                [True, False, False], [False, False, False]]
    assert pset.contains(pts).tolist() == expected
    rng = np.random.default_rng(3)
    many = rng.uniform(-3, 25, (500, 2))
    per_polygon = np.stack([points_in_polygon(many, p) for p in (SQUARE, l_shape, triangle)], axis=1)
    assert np.array_equal(pset.contains(many), per_polygon)
    assert PolygonSet([]).contains(pts).shape == (6, 0)
    # The several-polygon ellipse test agrees with the one-polygon test, polygon by polygon.
    for mean in ([15.0, 5.0], [21.0, 25.0], [1.0, 1.0], [40.0, 40.0]):
        cov = np.diag([4.0, 1.0])
        several = ellipse_touches_polygons(mean, cov, 3.0, 0.5, pset)
        assert several == [ellipse_touches_polygon(mean, cov, 3.0, 0.5, p) for p in (SQUARE, l_shape, triangle)]


def test_ellipse_touch():
    cov = np.diag([4.0, 1.0])  # sigma 2 m east, 1 m north
    assert ellipse_touches_polygon([15.0, 5.0], cov, 3.0, 0.0, SQUARE)  # reaches x = 9
    assert not ellipse_touches_polygon([17.0, 5.0], cov, 3.0, 0.0, SQUARE)  # reaches x = 11
    assert ellipse_touches_polygon([17.0, 5.0], cov, 3.0, 1.5, SQUARE)  # margin brings it to 9.5
    # A polygon entirely inside a big ellipse touches it even though no boundary point is inside.
    assert ellipse_touches_polygon([5.0, 5.0], np.eye(2) * 1e6, 3.0, 0.0, SQUARE)


def test_segments_and_prisms():
    assert segment_polygon_overlap([-5.0, 5.0], [15.0, 5.0], SQUARE)  # crosses, both ends outside
    assert not segment_polygon_overlap([-5.0, 15.0], [15.0, 15.0], SQUARE)
    # A 3-D segment over the square: inside the prism only if its height there is within floor..ceiling.
    assert clip_segment_to_prism([-5, 5, 0], [15, 5, 100], SQUARE, 20.0, 40.0)  # z goes 25..75 over it
    assert not clip_segment_to_prism([-5, 5, 0], [15, 5, 100], SQUARE, 80.0, 90.0)
    # Thin corridor crossed between samples is still found.
    thin = np.array([[0.0, -1000.0], [0.01, -1000.0], [0.01, 1000.0], [0.0, 1000.0]])
    assert clip_segment_to_prism([-500, 0, 10], [500, 3, 10], thin, 0.0, 100.0, samples=4)
