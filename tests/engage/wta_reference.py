"""Independent references for the WTA tests: brute-force enumeration and a HiGHS MILP.

Neither shares code with ``bastion.engage.wta``: the objective is recomputed here from its definition.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp


def net_objective(value: NDArray, pk: NDArray, x: NDArray, cost: NDArray | None = None) -> float:
    """sum_j V_j prod_i (1 - p_ij)^x_ij + sum c x, with explicit loops (slow, obviously right)."""
    m, n = pk.shape
    total = 0.0
    for j in range(n):
        survive = float(value[j])
        for i in range(m):
            survive *= (1.0 - float(pk[i, j])) ** int(x[i, j])
        total += survive
    if cost is not None:
        total += sum(float(cost[i, j]) * int(x[i, j]) for i in range(m) for j in range(n))
    return total


def _rows(n: int, cap: int) -> list[tuple[int, ...]]:
    """All non-negative integer vectors of length n with sum <= cap."""
    return [r for r in itertools.product(range(cap + 1), repeat=n) if sum(r) <= cap]


def brute_force(value: NDArray, pk: NDArray, capacity: NDArray, cost: NDArray | None = None) -> float:
    """Minimum objective over every feasible shot matrix (tiny instances only)."""
    m, n = pk.shape
    best = np.inf
    for rows in itertools.product(*[_rows(n, int(capacity[i])) for i in range(m)]):
        best = min(best, net_objective(value, pk, np.array(rows, dtype=int).reshape(m, n), cost))
    return float(best)


def milp_optimum(value: NDArray, pk: NDArray, capacity: NDArray, cost: NDArray | None = None) -> float:
    """Exact optimum by a chained-survival MILP solved with HiGHS (scipy.optimize.milp).

    Binary z[i, j, t] = 1 iff weapon i fires exactly t shots at target j; continuous s[j, i] is target j's
    survival value after weapons 0..i-1 (s[j, 0] = V_j) and s[j, i+1] >= q_ij^t s[j, i] - V_j (1 - z[i,j,t]).
    Minimising sum_j s[j, m] makes each s[j, i+1] equal to q^x s[j, i]: the formulation is exact.
    """
    m, n = pk.shape
    mu = int(np.max(capacity)) if m else 0
    T = mu + 1
    nz = m * n * T
    ns = n * (m + 1)

    def zi(i: int, j: int, t: int) -> int:
        return (i * n + j) * T + t

    def si(j: int, k: int) -> int:
        return nz + j * (m + 1) + k

    nv = nz + ns
    c = np.zeros(nv)
    for j in range(n):
        c[si(j, m)] = 1.0
    if cost is not None:
        for i in range(m):
            for j in range(n):
                for t in range(T):
                    c[zi(i, j, t)] = cost[i, j] * t
    rows, lo, hi = [], [], []

    def add(coefs: dict[int, float], lb: float, ub: float) -> None:
        r = np.zeros(nv)
        for k, val in coefs.items():
            r[k] += val
        rows.append(r)
        lo.append(lb)
        hi.append(ub)

    for i in range(m):
        for j in range(n):
            add({zi(i, j, t): 1.0 for t in range(T)}, 1.0, 1.0)
            for t in range(int(capacity[i]) + 1, T):
                add({zi(i, j, t): 1.0}, 0.0, 0.0)
        add({zi(i, j, t): float(t) for j in range(n) for t in range(T)}, -np.inf, float(capacity[i]))
    for j in range(n):
        add({si(j, 0): 1.0}, float(value[j]), float(value[j]))
        for i in range(m):
            q = 1.0 - float(pk[i, j])
            for t in range(T):
                # s[j,i+1] - q^t s[j,i] - V_j z >= -V_j
                add(
                    {si(j, i + 1): 1.0, si(j, i): -(q**t), zi(i, j, t): -float(value[j])},
                    -float(value[j]),
                    np.inf,
                )
    integrality = np.r_[np.ones(nz), np.zeros(ns)]
    bounds = Bounds(np.zeros(nv), np.r_[np.ones(nz), np.full(ns, np.inf)])
    res = milp(
        c,
        constraints=LinearConstraint(np.array(rows), lo, hi),
        integrality=integrality,
        bounds=bounds,
        options={"mip_rel_gap": 1e-9},
    )
    assert res.success, res.message
    return float(res.fun)
