"""Covariances that rounding has made singular or indefinite are repaired before they are factored: one
such matrix no longer raises and takes the whole batch (and the engine's cycle) with it."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assess.threat import probability_on_assets
from bastion.covariance import psd_cholesky


def test_positive_definite_matrices_factor_exactly_as_numpy_does():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(50, 4, 4))
    spd = a @ np.swapaxes(a, 1, 2) + 0.1 * np.eye(4)
    np.testing.assert_array_equal(psd_cholesky(spd), np.linalg.cholesky(spd))


def test_singular_indefinite_and_non_finite_matrices_are_repaired_the_good_ones_untouched():
    good = np.diag([4.0, 9.0])
    line = np.full((2, 2), 1e12)  # rank one: an ellipse that is a line
    indefinite = np.array([[1.0, 1.0], [1.0, 1.0 - 1e-9]])  # eigenvalues 2 and about -5e-10
    broken = np.array([[np.nan, 0.0], [0.0, 1.0]])
    stack = np.stack([good, line, indefinite, broken])
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(stack)
    L = psd_cholesky(stack)
    back = L @ np.swapaxes(L, 1, 2)
    assert np.all(np.isfinite(L))
    np.testing.assert_array_equal(L[0], np.linalg.cholesky(good))
    # The repaired ones are within a relative 1e-9 of what they were, and positive definite.
    np.testing.assert_allclose(back[1], line, rtol=1e-9)
    np.testing.assert_allclose(back[2], indefinite, atol=1e-9)
    assert np.all(np.linalg.eigvalsh(back[1:3]) > 0.0)
    np.testing.assert_array_equal(back[3], np.eye(2))


def test_asset_probability_of_a_degenerate_impact_ellipse_is_a_probability():
    """An impact ellipse that is a 1,000 km line through an asset: the probability is small but not an
    error (before the repair: LinAlgError)."""
    asset = np.array([[-50.0, -50.0], [50.0, -50.0], [50.0, 50.0], [-50.0, 50.0]])
    line = np.array([[[1e12, 1e12], [1e12, 1e12]]])
    p = probability_on_assets(np.zeros((1, 2)), line, [asset])
    assert p.shape == (1, 1) and 0.0 <= p[0, 0] <= 1.0
    # A tight ellipse on the asset: certain.
    assert probability_on_assets(np.zeros((1, 2)), np.array([np.eye(2)]), [asset])[0, 0] == 1.0
