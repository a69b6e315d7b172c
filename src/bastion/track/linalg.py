"""Small batched linear algebra: closed-form inverses of stacks of 2x2 and 3x3 symmetric matrices.

NumPy's batched ``inv``/``slogdet`` go through LAPACK per matrix; for the thousands of 3x3 innovation
covariances per scan the closed forms are several times faster.
"""

from __future__ import annotations

import numpy as np


def inv_logdet(S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse (K, m, m) and log-determinant (K,) of symmetric positive-definite S (K, m, m)."""
    m = S.shape[-1]
    if m == 3:
        a, b, c = S[:, 0, 0], S[:, 0, 1], S[:, 0, 2]
        d, e, f = S[:, 1, 1], S[:, 1, 2], S[:, 2, 2]
        A = d * f - e * e
        B = c * e - b * f
        C = b * e - c * d
        det = a * A + b * B + c * C
        inv = np.empty_like(S)
        inv[:, 0, 0] = A
        inv[:, 0, 1] = inv[:, 1, 0] = B
        inv[:, 0, 2] = inv[:, 2, 0] = C
        inv[:, 1, 1] = a * f - c * c
        inv[:, 1, 2] = inv[:, 2, 1] = b * c - a * e
        inv[:, 2, 2] = a * d - b * b
        inv /= det[:, None, None]
        return inv, np.log(det)
    if m == 2:
        a, b, d = S[:, 0, 0], S[:, 0, 1], S[:, 1, 1]
        det = a * d - b * b
        inv = np.empty_like(S)
        inv[:, 0, 0], inv[:, 1, 1] = d, a
        inv[:, 0, 1] = inv[:, 1, 0] = -b
        inv /= det[:, None, None]
        return inv, np.log(det)
    _, logdet = np.linalg.slogdet(S)
    return np.linalg.inv(S), logdet
