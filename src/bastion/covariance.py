"""Covariance matrices that numerical error has made singular or slightly indefinite, repaired so that
a factorisation cannot fail.

A covariance flown through the drag model can come out degenerate: an ellipse tens of kilometres long
whose width is lost in rounding (a young rocket track's origin ellipse did this in a tracker experiment on
2026-12-03, and the origin fuser's inverse stopped the engine), or a state covariance a hair below zero
in one direction after many filter updates. ``np.linalg.cholesky`` raises on any one of them and takes the
whole vectorised batch, and the engine's cycle, with it.
"""

from __future__ import annotations

import numpy as np

# The smallest eigenvalue kept, relative to the largest of the same matrix: 1e-12 leaves ~6 significant
# digits of the small axis in double precision.
REL_FLOOR = 1e-12


def psd_cholesky(cov: np.ndarray, abs_floor: float = 0.0) -> np.ndarray:
    """Lower Cholesky factors (..., n, n) of the symmetric matrices ``cov`` (..., n, n). Matrices that
    are not numerically positive definite (or carry NaN or inf) are first replaced by their nearest
    positive-definite neighbour in eigenvalues: each eigenvalue raised to at least ``REL_FLOOR`` times
    the largest and at least ``abs_floor``; non-finite matrices become ``abs_floor`` (or 1) times the
    identity. Positive-definite matrices factor exactly as ``np.linalg.cholesky`` would."""
    a = np.asarray(cov, float)
    try:
        return np.linalg.cholesky(a)  # reads the lower triangle, as before any repair
    except np.linalg.LinAlgError:
        pass
    a = 0.5 * (a + np.swapaxes(a, -1, -2))
    n = a.shape[-1]
    flat = a.reshape(-1, n, n).copy()
    bad_val = ~np.isfinite(flat).all(axis=(1, 2))
    flat[bad_val] = (abs_floor if abs_floor > 0.0 else 1.0) * np.eye(n)
    out = np.empty_like(flat)
    # Factor the well-behaved matrices as they are; repair only those that fail.
    for i in range(flat.shape[0]):
        try:
            out[i] = np.linalg.cholesky(flat[i])
        except np.linalg.LinAlgError:
            w, v = np.linalg.eigh(flat[i])
            floor = max(REL_FLOOR * max(float(w[-1]), 0.0), abs_floor, np.finfo(float).tiny)
            w = np.maximum(w, floor)
            fixed = (v * w) @ v.T
            out[i] = np.linalg.cholesky(0.5 * (fixed + fixed.T))
    return out.reshape(a.shape)
