"""Real-time engagement planner: how many shots each effector fires at each threat.

Given threats ``j`` with protected value ``V_j`` (the value at risk if the threat is not killed),
effectors ``i`` with ``capacity_i`` shots left, single-shot kill probabilities ``pk_ij`` (0 where the
effector cannot engage) and a cost per shot ``cost_ij`` in the same units as value, choose integer shots
``x_ij`` maximising the expected protected value minus cost::

    sum_j V_j (1 - prod_i (1 - pk_ij) ** x_ij)  -  sum_ij cost_ij x_ij,   sum_j x_ij <= capacity_i

This is the static weapon-target assignment with a shot cost (:mod:`bastion.engage.wta`): it is solved
exactly by dynamic programming when that is cheap and otherwise by greedy maximum marginal return plus
local search (no iterated kicks, so it fits a real-time budget). Every returned plan is locally optimal
for dropping a shot: no shot is fired whose marginal gain, given the other shots, is below its cost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bastion.engage.wta import _as_problem, _Search, dp_pairs, solve_exact

__all__ = ["REALTIME_EXACT_WORK", "ShotPlan", "plan_shots"]

#: ``method="auto"`` plans exactly when ``dp_pairs(capacity) * n_threats`` is at most this (about 1 ms).
REALTIME_EXACT_WORK = 20_000


@dataclass(frozen=True)
class ShotPlan:
    """A fire plan: ``x[i, j]`` shots of effector ``i`` at threat ``j``.

    ``expected_value`` is the expected protected value minus the cost of the shots;
    ``protected_value`` and ``shot_cost`` are its two parts; ``method`` is ``"exact"`` or ``"heuristic"``.
    """

    x: NDArray[np.int64]
    expected_value: float
    protected_value: float
    shot_cost: float
    method: str
    seconds: float

    @property
    def total_shots(self) -> int:
        """Number of shots in the plan."""
        return int(self.x.sum())


def plan_shots(
    value: ArrayLike,
    pk: ArrayLike,
    capacity: ArrayLike,
    cost: ArrayLike | None = None,
    *,
    method: str = "auto",
    exact_work: int = REALTIME_EXACT_WORK,
    use_lap: bool = True,
) -> ShotPlan:
    """Plan shots for threats ``value`` (n,), ``pk`` (m, n), ``capacity`` (m,) int, ``cost`` (m, n).

    ``method``: ``"exact"`` (dynamic programme; raises ``ValueError`` if too large),
    ``"heuristic"`` or ``"auto"`` (exact when ``dp_pairs(capacity) * n <= exact_work``).
    Deterministic: the same inputs always give the same plan.
    """
    t0 = time.perf_counter()
    v, p, cap, c = _as_problem(value, pk, capacity, cost)
    if method not in ("auto", "exact", "heuristic"):
        raise ValueError(f"unknown method {method!r}")
    if method == "auto":
        method = "exact" if dp_pairs(cap) * max(v.size, 1) <= exact_work else "heuristic"
    if p.size == 0:  # no effectors or no threats
        x = np.zeros(p.shape, dtype=np.int64)
    elif method == "exact":
        x = solve_exact(v, p, cap, c)
    else:
        st = _Search(v, p, cap, c)
        st.greedy()
        st.descend(use_lap=use_lap)
        x = st.x
    survive = v * np.prod((1.0 - p) ** x, axis=0)
    protected = float(np.sum(v - survive))
    shot_cost = float(np.sum(c * x))
    return ShotPlan(
        x=x,
        expected_value=protected - shot_cost,
        protected_value=protected,
        shot_cost=shot_cost,
        method=method,
        seconds=time.perf_counter() - t0,
    )
