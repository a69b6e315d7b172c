"""The generalised optimal sub-pattern assignment (GOSPA) metric for multi-target tracking.

For estimates X (m points) and truths Y (n points), cut-off c, order p and alpha in (0, 2]:

    GOSPA = ( min over assignments gamma of  sum_{(i,j) in gamma} min(d_ij, c)^p
              + c^p / alpha * |m - n| )^(1/p)

where gamma assigns min(m, n) pairs (Rahman, Garcia-Fernandez & Svensson, 2017). With alpha = 2 this is
the same as the form with unassigned estimates and truths each costing c^p / 2, pairs at distance >= c
counting as one missed and one false. Solved exactly with ``scipy.optimize.linear_sum_assignment``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist


@dataclass(frozen=True)
class GospaResult:
    """GOSPA at one time, with its decomposition (valid for alpha = 2).

    Attributes:
        distance: the GOSPA value (m for Euclidean positions).
        localisation: sum of d^p over assigned pairs closer than c (m^p, a p-th power contribution).
        missed: c^p / 2 times the number of missed truths (m^p).
        false: c^p / 2 times the number of false estimates (m^p).
        n_missed, n_false: the counts.
    """

    distance: float
    localisation: float
    missed: float
    false: float
    n_missed: int
    n_false: int


def gospa(estimates: np.ndarray, truths: np.ndarray, c: float = 10.0, p: float = 1.0,
          alpha: float = 2.0) -> GospaResult:
    """GOSPA between estimate points (m, d) and truth points (n, d), Euclidean distance (m).

    Args:
        estimates: (m, d) estimated positions; truths: (n, d) true positions.
        c: cut-off distance (> 0), same unit as the points; p: order (>= 1); alpha: in (0, 2].
    """
    if c <= 0 or p < 1 or not 0 < alpha <= 2:
        raise ValueError("need c > 0, p >= 1 and 0 < alpha <= 2")
    X = np.asarray(estimates, dtype=float).reshape(len(estimates), -1) if len(estimates) else np.zeros((0, 1))
    Y = np.asarray(truths, dtype=float).reshape(len(truths), -1) if len(truths) else np.zeros((0, 1))
    m, n = len(X), len(Y)
    cp = c**p
    if m == 0 or n == 0:
        total = cp / alpha * (m + n)
        return GospaResult(total ** (1.0 / p), 0.0, cp / 2.0 * n, cp / 2.0 * m, n, m)
    D = np.minimum(cdist(X, Y), c) ** p
    rows, cols = linear_sum_assignment(D)
    assigned = D[rows, cols]
    total = float(assigned.sum() + cp / alpha * abs(m - n))
    # Decomposition: pairs at the cut-off count as a miss plus a false track (exact for alpha = 2).
    real = assigned < cp
    n_pairs = int(real.sum())
    loc = float(assigned[real].sum())
    n_missed, n_false = n - n_pairs, m - n_pairs
    return GospaResult(max(total, 0.0) ** (1.0 / p), loc, cp / 2.0 * n_missed, cp / 2.0 * n_false,
                       n_missed, n_false)


def mean_gospa(pairs, c: float = 10.0, p: float = 1.0, alpha: float = 2.0) -> float:
    """Mean GOSPA over an iterable of (estimates, truths) per scan."""
    values = [gospa(x, y, c, p, alpha).distance for x, y in pairs]
    return float(np.mean(values)) if values else float("nan")
