"""Static weapon-target assignment (WTA): exact dynamic programme and a fast local-search heuristic.

Problem (Manne 1958; see Andersen, Pavlikov and Toffolo, "Weapon-target assignment problem: exact and
approximate solution algorithms", Annals of Operations Research, 2022, doi 10.1007/s10479-022-04525-6,
whose public instances are read by :func:`load_instance`)::

    minimise   sum_j V_j prod_i (1 - p_ij) ** x_ij  +  sum_ij c_ij x_ij
    subject to sum_j x_ij <= mu_i,   x_ij >= 0 integer

The classical static WTA has ``c = 0``; the cost term serves the real-time engagement planner
(:mod:`bastion.engage.assignment`), where a shot is only worth firing if its marginal gain in expected
protected value exceeds what it costs.

Algorithms (all written for Bastion):

* :func:`solve_exact` - dynamic programming over targets whose state is the vector of shots already used
  by each weapon. The objective is separable over targets, so ``F_j(u) = min_{d <= u} F_{j-1}(u - d) +
  g_j(d)`` is exact; its size is ``prod_i (mu_i + 1)(mu_i + 2) / 2`` pairs per target, which makes it
  the right tool for a few weapons (any number of targets) and bounds it for larger ones.
* :func:`solve_heuristic` - greedy maximum marginal return (den Broeder, Ellison and Emerling 1959),
  then descent over single-shot moves, swaps, adds and drops and an assignment-based very large
  neighbourhood (re-place many shots at once by a linear assignment, each target receiving at most one
  of them, so every candidate is evaluated exactly; in the spirit of Ahuja, Kumar, Jha and Orlin,
  Operations Research 55(6), 2007), then seeded large neighbourhood search over random shot layers
  (Shaw 1998; Pisinger and Ropke 2010). Vectorised NumPy, deterministic for a given seed.
* :func:`solve_colgen` - column generation over target patterns with dual smoothing (Wentges 1997),
  the LP master solved by HiGHS, then a HiGHS MILP over the generated columns (price-and-branch):
  slower, closer to the optimum when weapons fire several shots.

Survival is kept in the log domain (``log V_j + sum_i x_ij log q_ij``) so that removing a shot with
``p = 1`` is exact; ``log 0`` is clipped to ``-LOG_ZERO``, far below where ``exp`` underflows to 0.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, linprog, milp

from bastion.errors import UserError

__all__ = [
    "LOG_ZERO",
    "PUBLIC_BEST_KNOWN",
    "WTAInstance",
    "WTASolution",
    "dp_pairs",
    "load_instance",
    "objective",
    "public_data_dir",
    "public_instance_path",
    "solve_colgen",
    "solve_exact",
    "solve_heuristic",
    "solve_wta",
    "surviving_value",
]

#: ``log(0)`` is replaced by ``-LOG_ZERO``; ``exp(-LOG_ZERO)`` is exactly 0.0 in float64.
LOG_ZERO = 1000.0

#: Best known objective values of the public instances (Andersen, Pavlikov and Toffolo 2022).
PUBLIC_BEST_KNOWN: dict[str, float] = {
    "50x100x1": 1734.3023,
    "50x100x2": 123.8384,
    "50x100x3": 20.5899,
    "100x200x1": 2862.3026,
    "100x200x2": 116.0572,
    "100x200x3": 14.5791,
}

#: Default bound on the dynamic programme's size (pairs per target) for ``method="auto"``.
EXACT_MAX_PAIRS = 200_000


# --------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class WTAInstance:
    """A static WTA instance: target values ``value`` (n,), kill probabilities ``pk`` (m, n),
    shots per weapon ``capacity`` (m,)."""

    value: NDArray[np.float64]
    pk: NDArray[np.float64]
    capacity: NDArray[np.int64]
    name: str = ""

    @property
    def m(self) -> int:
        """Number of weapons."""
        return int(self.pk.shape[0])

    @property
    def n(self) -> int:
        """Number of targets."""
        return int(self.pk.shape[1])


@dataclass(frozen=True)
class WTASolution:
    """A solved WTA instance: shot counts ``x`` (m, n), its objective, the method and the solve time."""

    x: NDArray[np.int64]
    objective: float
    method: str
    seconds: float

    def shots(self) -> Iterator[tuple[int, int, int]]:
        """Yield ``(weapon, target, count)`` for every non-zero entry of ``x``, row-major."""
        for i, j in zip(*np.nonzero(self.x), strict=True):
            yield int(i), int(j), int(self.x[i, j])


def _as_problem(
    value: ArrayLike, pk: ArrayLike, capacity: ArrayLike, cost: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Validate and convert the arrays of a problem; raise ``ValueError`` on bad shapes or values."""
    v = np.asarray(value, dtype=np.float64)
    p = np.asarray(pk, dtype=np.float64)
    if p.ndim != 2 or v.ndim != 1 or p.shape[1] != v.shape[0]:
        raise ValueError(f"pk must be (m, n) and value (n,), got {p.shape} and {v.shape}")
    cap_f = np.asarray(capacity)
    if cap_f.shape != (p.shape[0],):
        raise ValueError(f"capacity must be ({p.shape[0]},), got {cap_f.shape}")
    cap = cap_f.astype(np.int64)
    if np.any(cap != cap_f) or np.any(cap < 0):
        raise ValueError("capacity must be non-negative integers")
    c = np.zeros_like(p) if cost is None else np.asarray(cost, dtype=np.float64)
    if c.shape != p.shape:
        raise ValueError(f"cost must be {p.shape}, got {c.shape}")
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(p)) and np.all(np.isfinite(c))):
        raise ValueError("value, pk and cost must be finite")
    if np.any(p < 0.0) or np.any(p > 1.0):
        raise ValueError("pk must lie in [0, 1]")
    if np.any(v < 0.0) or np.any(c < 0.0):
        raise ValueError("value and cost must be non-negative")
    return v, p, cap, c


def surviving_value(value: ArrayLike, pk: ArrayLike, x: ArrayLike) -> float:
    """Expected surviving value ``sum_j V_j prod_i (1 - p_ij) ** x_ij`` (direct formula, no logs)."""
    q = 1.0 - np.asarray(pk, dtype=np.float64)
    return float(np.sum(np.asarray(value, dtype=np.float64) * np.prod(q ** np.asarray(x), axis=0)))


def objective(value: ArrayLike, pk: ArrayLike, x: ArrayLike, cost: ArrayLike | None = None) -> float:
    """Surviving value plus shot cost ``sum_ij c_ij x_ij`` (the quantity every solver minimises)."""
    total = surviving_value(value, pk, x)
    if cost is not None:
        total += float(np.sum(np.asarray(cost, dtype=np.float64) * np.asarray(x)))
    return total


def _log_q(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """``log(1 - p)`` with ``log 0`` clipped to ``-LOG_ZERO``."""
    q = 1.0 - p
    with np.errstate(divide="ignore"):
        a = np.log(q)
    return np.maximum(a, -LOG_ZERO)


def _log_value(v: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore"):
        return np.log(v)


# --------------------------------------------------------------------------------------------- exact


def dp_pairs(capacity: ArrayLike) -> int:
    """Size of the exact dynamic programme: ``prod_i (mu_i + 1)(mu_i + 2) / 2`` (work per target)."""
    return math.prod((int(c) + 1) * (int(c) + 2) // 2 for c in np.asarray(capacity).ravel())


def solve_exact(
    value: ArrayLike,
    pk: ArrayLike,
    capacity: ArrayLike,
    cost: ArrayLike | None = None,
    *,
    max_pairs: int = 5_000_000,
) -> NDArray[np.int64]:
    """Optimal shot counts ``x`` (m, n) by dynamic programming over targets.

    The state after targets ``0..j`` is the vector ``u`` of shots each weapon has used (mixed-radix
    index, ``prod (mu_i + 1)`` states). ``F_j(u) = min over d <= u of F_{j-1}(u - d) + g_j(d)`` with
    ``g_j(d) = V_j prod_i q_ij ** d_i + sum_i c_ij d_i``; the optimum is ``min_u F_n(u)`` and ``x`` is
    recovered by backtracking. Raises ``ValueError`` if :func:`dp_pairs` exceeds ``max_pairs``.
    """
    v, p, cap, c = _as_problem(value, pk, capacity, cost)
    pairs = dp_pairs(cap)
    if pairs > max_pairs:
        raise ValueError(f"exact DP needs {pairs} pairs per target (> max_pairs={max_pairs})")
    return _dp_solve(_log_value(v), _log_q(p), c, cap)


@lru_cache(maxsize=64)
def _dp_tables(
    cap: tuple[int, ...],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Index tables of the DP for capacities ``cap``: state vectors (S, m) and the pairs ``(u, d)`` with
    ``u + d <= cap`` as index arrays ``iu, idd``, sorted by ``u + d`` (``isum``), segment ``starts``."""
    m = len(cap)
    radix = np.asarray(cap, dtype=np.int64) + 1
    stride = np.ones(m, dtype=np.int64)
    for i in range(m - 2, -1, -1):
        stride[i] = stride[i + 1] * radix[i + 1]
    n_states = int(np.prod(radix)) if m else 1
    states = ((np.arange(n_states)[:, None] // stride[None, :]) % radix[None, :]).astype(np.int64)
    iu = np.zeros(1, dtype=np.int64)
    idd = np.zeros(1, dtype=np.int64)
    for i in range(m):
        uu, dd = np.meshgrid(np.arange(radix[i]), np.arange(radix[i]), indexing="ij")
        ok = (uu + dd) <= cap[i]
        iu = (iu[:, None] + (uu[ok] * stride[i])[None, :]).ravel()
        idd = (idd[:, None] + (dd[ok] * stride[i])[None, :]).ravel()
    isum = iu + idd
    order = np.argsort(isum, kind="stable")
    iu, idd, isum = iu[order], idd[order], isum[order]
    starts = np.flatnonzero(np.r_[True, isum[1:] != isum[:-1]])
    for arr in (states, iu, idd, isum, starts):
        arr.setflags(write=False)
    return states, iu, idd, isum, starts


def _dp_solve(
    logv: NDArray[np.float64], a: NDArray[np.float64], c: NDArray[np.float64], cap: NDArray[np.int64]
) -> NDArray[np.int64]:
    """The dynamic programme of :func:`solve_exact` on log values ``logv`` and log survivals ``a``."""
    m, n = a.shape
    states, iu, idd, isum, starts = _dp_tables(tuple(int(k) for k in cap))
    # g[s, j]: cost at target j of firing state vector s at it
    g = np.exp(logv[None, :] + states @ a) + states @ c
    f = np.full((n + 1, states.shape[0]), np.inf)
    f[0, 0] = 0.0
    for j in range(n):
        f[j + 1] = np.minimum.reduceat(f[j, iu] + g[idd, j], starts)
    x = np.zeros((m, n), dtype=np.int64)
    s = int(np.argmin(f[n]))
    for j in range(n - 1, -1, -1):
        lo = int(np.searchsorted(isum, s, side="left"))
        hi = int(np.searchsorted(isum, s, side="right"))
        k = lo + int(np.argmin(f[j, iu[lo:hi]] + g[idd[lo:hi], j]))
        x[:, j] = states[idd[k]]
        s = int(iu[k])
    return x


# ----------------------------------------------------------------------------------------- heuristic


class _Search:
    """Mutable search state: shot counts, log survival per target, shots used per weapon."""

    def __init__(
        self,
        v: NDArray[np.float64],
        p: NDArray[np.float64],
        cap: NDArray[np.int64],
        c: NDArray[np.float64],
    ) -> None:
        self.p = p
        self.q = 1.0 - p
        self.a = _log_q(p)
        self.c = c
        self.cap = cap
        self.logv = _log_value(v)
        self.has_cost = bool(np.any(c > 0.0))
        m, n = p.shape
        self.x = np.zeros((m, n), dtype=np.int64)
        self.logs = self.logv.copy()
        self.used = np.zeros(m, dtype=np.int64)
        scale = float(np.sum(v)) + float(np.sum(c))
        self.tol = 1e-12 * max(scale, 1.0)

    # objective in the same terms the moves are evaluated in
    def value(self) -> float:
        return float(np.sum(np.exp(self.logs)) + np.sum(self.c * self.x))

    def resync(self) -> None:
        """Recompute log survival and usage from ``x`` (removes drift of incremental updates)."""
        self.logs = self.logv + np.sum(self.x * self.a, axis=0)
        self.used = self.x.sum(axis=1)

    def set_x(self, x: NDArray[np.int64]) -> None:
        self.x = x.copy()
        self.resync()

    def shoot(self, i: int, j: int, k: int = 1) -> None:
        self.x[i, j] += k
        self.used[i] += k
        self.logs[j] += k * self.a[i, j]

    # ------------------------------------------------------------------ construction
    def greedy(self) -> None:
        """Maximum marginal return: repeatedly fire the shot with the largest gain minus cost."""
        s = np.exp(self.logs)
        gain = s[None, :] * self.p - self.c
        gain[self.used >= self.cap, :] = -np.inf
        while True:
            k = int(np.argmax(gain))
            i, j = divmod(k, gain.shape[1])
            if not gain[i, j] > self.tol:
                return
            self.shoot(i, j)
            sj = math.exp(self.logs[j])
            gain[:, j] = sj * self.p[:, j] - self.c[:, j]
            full = self.used >= self.cap
            gain[full, j] = -np.inf
            if full[i]:
                gain[i, :] = -np.inf

    # ------------------------------------------------------------------ local search
    def best_move(self) -> tuple[float, tuple[str, int, int, int]]:
        """Best single change among drop, add and move (one shot of one weapon to another target)."""
        s = np.exp(self.logs)
        x = self.x
        # change of objective when one shot of weapon i at target j is removed
        shot = x > 0
        drop = np.exp(np.where(shot, self.logs[None, :] - self.a, -np.inf)) - s[None, :] - self.c
        drop[~shot] = np.inf
        add = self.c - s[None, :] * self.p
        # best and second-best target to add to, per weapon
        n = add.shape[1]
        if n >= 2:
            two = np.argpartition(add, 1, axis=1)[:, :2]
            rows = np.arange(add.shape[0])
            v2 = add[rows[:, None], two]
            srt = np.argsort(v2, axis=1)
            b1 = two[rows, srt[:, 0]]
            b2 = two[rows, srt[:, 1]]
            a1 = add[rows, b1]
            a2 = add[rows, b2]
            partner = np.where(np.arange(n)[None, :] == b1[:, None], a2[:, None], a1[:, None])
            move = drop + partner
            k = int(np.argmin(move))
            i, j = divmod(k, n)
            best = (float(move[i, j]), ("move", i, j, int(b1[i] if j != b1[i] else b2[i])))
        else:
            best = (np.inf, ("none", 0, 0, 0))
        if self.has_cost:
            k = int(np.argmin(drop))
            i, j = divmod(k, n)
            if drop[i, j] < best[0]:
                best = (float(drop[i, j]), ("drop", i, j, 0))
        free = self.used < self.cap
        if np.any(free):
            add_f = np.where(free[:, None], add, np.inf)
            k = int(np.argmin(add_f))
            i, j = divmod(k, n)
            if add_f[i, j] < best[0]:
                best = (float(add_f[i, j]), ("add", i, j, 0))
        return best

    def best_swap(self) -> tuple[float, tuple[str, int, int, int]]:
        """Best exchange of targets between two shots of different weapons on different targets."""
        w, t = np.nonzero(self.x)
        if w.size < 2:
            return np.inf, ("none", 0, 0, 0)
        s = np.exp(self.logs)
        e = np.exp(self.logs[t] - self.a[w, t])  # survival of t_k without shot k
        qt = self.q[np.ix_(w, t)]  # qt[l, k] = q[w_l, t_k]
        ct = self.c[np.ix_(w, t)]
        # h[k, l]: change at target t_k when shot k's weapon is replaced by weapon w_l
        h = e[:, None] * qt.T - s[t][:, None] + ct.T - self.c[w, t][:, None]
        delta = h + h.T
        delta[t[:, None] == t[None, :]] = np.inf
        kl = int(np.argmin(delta))
        k, l = divmod(kl, w.size)
        return float(delta[k, l]), ("swap", k, l, 0)

    def apply(self, mv: tuple[str, int, int, int]) -> None:
        kind, i, j, b = mv
        if kind == "move":
            self.shoot(i, j, -1)
            self.shoot(i, b, 1)
        elif kind == "drop":
            self.shoot(i, j, -1)
        elif kind == "add":
            self.shoot(i, j, 1)
        elif kind == "swap":
            w, t = np.nonzero(self.x)
            wk, tk, wl, tl = int(w[i]), int(t[i]), int(w[j]), int(t[j])
            self.shoot(wk, tk, -1)
            self.shoot(wl, tl, -1)
            self.shoot(wk, tl, 1)
            self.shoot(wl, tk, 1)

    def descend(
        self,
        use_swaps: bool = True,
        max_iter: int = 100_000,
        deadline: float = math.inf,
        use_lap: bool = True,
    ) -> None:
        """Descent to a local optimum of all neighbourhoods: assignment re-placement of shot layers,
        then best-improvement moves, and swaps when no move improves; repeated until nothing improves."""
        while True:
            self._descend_moves(use_swaps, max_iter, deadline)
            if not use_lap or time.perf_counter() > deadline:
                return
            improved = False
            for layer in range(int(self.cap.max(initial=0))):
                improved |= self.reassign(*self.weapon_layer(layer))
            for layer in range(int(self.x.sum(axis=0).max(initial=0))):
                improved |= self.reassign(*self.target_layer(layer))
            if not improved:
                return

    def _descend_moves(self, use_swaps: bool, max_iter: int, deadline: float) -> None:
        for it in range(max_iter):
            d, mv = self.best_move()
            if not d < -self.tol and use_swaps:
                d, mv = self.best_swap()
            if not d < -self.tol:
                break
            self.apply(mv)
            if it % 64 == 63:
                self.resync()
                if time.perf_counter() > deadline:
                    break
        self.resync()

    def reassign(self, w: NDArray[np.int64], t: NDArray[np.int64]) -> bool:
        """Lift the shots ``(w[k], t[k])`` (``t[k] = -1``: an unfired shot of weapon ``w[k]``) and re-place
        them all at once by a linear assignment in which each target receives at most one of them and a
        weapon may leave its shot unfired (zero-cost dummy columns). With at most one lifted shot per
        target the current solution is in this neighbourhood, and every assignment's objective is exact:
        a very large-scale neighbourhood in the spirit of Ahuja et al. (2007). True if improved."""
        if w.size == 0:
            return False
        n = self.x.shape[1]
        has = t >= 0
        logs_wo = self.logs.copy()
        np.add.at(logs_wo, t[has], -self.a[w[has], t[has]])
        s_wo = np.exp(logs_wo)
        delta = s_wo[None, :] * (self.q[w] - 1.0) + self.c[w]
        # Unfired shots: a zero-cost dummy column per row when shots cost something; without cost
        # every delta is <= 0 and rows left unassigned (more rows than targets) are simply unfired.
        cmat = np.concatenate([delta, np.zeros((w.size, w.size))], axis=1) if self.has_cost else delta
        ri, ci = linear_sum_assignment(cmat)
        before = self.value()
        after = float(
            np.sum(s_wo) + np.sum(self.c * self.x) - np.sum(self.c[w[has], t[has]]) + cmat[ri, ci].sum()
        )
        if not after < before - self.tol:
            return False
        np.add.at(self.x, (w[has], t[has]), -1)
        keep = ci < n
        np.add.at(self.x, (w[ri[keep]], ci[keep]), 1)
        self.resync()
        return True

    def target_layer(self, layer: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """One shot per shot-at target (its ``layer``-th, cyclically), plus one unfired shot per weapon
        with spare capacity."""
        counts = self.x.sum(axis=0)
        hit = np.flatnonzero(counts)
        cols = self.x[:, hit]
        pick = layer % counts[hit]
        w = np.argmax(np.cumsum(cols, axis=0) > pick[None, :], axis=0).astype(np.int64)
        spare = np.flatnonzero(self.used < self.cap)
        return np.r_[w, spare], np.r_[hit, np.full(spare.size, -1)]

    def random_target_layer(
        self, rng: np.random.Generator, frac: float, clear: bool = False
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """One random shot from each of a random ``frac`` of the shot-at targets, plus one unfired shot
        per weapon with spare capacity. Targets left out may gain a shot, so, unlike
        :meth:`target_layer`, this also changes how many shots each target receives."""
        counts = self.x.sum(axis=0)
        hit = np.flatnonzero(counts)
        hit = hit[rng.random(hit.size) < frac]
        cols = self.x[:, hit]
        pick = np.floor(rng.random(hit.size) * cols.sum(axis=0)).astype(np.int64)
        w = np.argmax(np.cumsum(cols, axis=0) > pick[None, :], axis=0).astype(np.int64)
        t = hit
        multi = np.flatnonzero(counts >= 2)
        if clear and multi.size:
            # also lift every other shot at one multiply-shot target: it may end with a single shot
            j = int(multi[rng.integers(multi.size)])
            rest = self.x[:, j].copy()
            k = np.flatnonzero(hit == j)
            if k.size:
                rest[w[k[0]]] -= 1
            extra = np.repeat(np.arange(self.x.shape[0]), rest)
            w, t = np.r_[w, extra], np.r_[t, np.full(extra.size, j)]
        spare = np.flatnonzero(self.used < self.cap)
        return np.r_[w, spare], np.r_[t, np.full(spare.size, -1)]

    def weapon_layer(self, layer: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """One shot per weapon (its ``layer``-th, cyclically, or an unfired one), lifted only where its
        target is not already lifted (keeps at most one lifted shot per target)."""
        ws = np.flatnonzero(self.cap > 0)
        used = self.used[ws]
        unfired = (layer % self.cap[ws]) >= used
        pick = layer % np.maximum(used, 1)
        t = np.argmax(np.cumsum(self.x[ws], axis=1) > pick[:, None], axis=1).astype(np.int64)
        t[unfired] = -1
        fired = np.flatnonzero(~unfired)
        _, first = np.unique(t[fired], return_index=True)
        keep = unfired.copy()
        keep[fired[first]] = True
        return ws[keep], t[keep]

    def kick(self, rng: np.random.Generator, k: int) -> None:
        """Move ``k`` random shots to random targets the weapon can hit (the ILS perturbation)."""
        w, t = np.nonzero(self.x)
        if w.size == 0:
            return
        for idx in rng.choice(w.size, size=min(k, w.size), replace=False):
            i, j = int(w[idx]), int(t[idx])
            if self.x[i, j] == 0:
                continue
            ok = np.flatnonzero(self.p[i] > 0.0)
            if ok.size == 0:
                continue
            b = int(ok[rng.integers(ok.size)])
            self.shoot(i, j, -1)
            self.shoot(i, b, 1)


def solve_heuristic(
    value: ArrayLike,
    pk: ArrayLike,
    capacity: ArrayLike,
    cost: ArrayLike | None = None,
    *,
    seed: int = 0,
    kicks: int = 0,
    kick_size: int = 3,
    lns: int = 200,
    frac_range: tuple[float, float] = (0.6, 1.0),
    time_limit: float | None = None,
    use_swaps: bool = True,
) -> NDArray[np.int64]:
    """Good shot counts ``x`` (m, n) fast.

    1. Greedy maximum marginal return (fire the shot of largest gain minus cost while it is positive).
    2. Descent over: assignment re-placement of shot layers (:meth:`_Search.reassign`), single-shot
       moves, adds and drops, and swaps between weapons, until none improves.
    3. ``lns`` rounds of large neighbourhood search: lift one random shot from each of a random share
       (``frac_range``) of the shot-at targets - half the time also every shot at one multiply-shot
       target - re-place them by a linear assignment, keep it if the exact objective improves, descend.
    4. Optionally ``kicks`` rounds of iterated local search (random shot moves, descend, keep the best).

    Deterministic for a given ``seed`` unless ``time_limit`` (seconds, wall clock) cuts the search short.
    """
    v, p, cap, c = _as_problem(value, pk, capacity, cost)
    if p.size == 0:  # no weapons or no targets: nothing to fire
        return np.zeros(p.shape, dtype=np.int64)
    deadline = math.inf if time_limit is None else time.perf_counter() + time_limit
    st = _Search(v, p, cap, c)
    st.greedy()
    st.descend(use_swaps=use_swaps, deadline=deadline)
    rng = np.random.default_rng(seed)
    for _ in range(lns):
        if time.perf_counter() > deadline:
            break
        layer = st.random_target_layer(rng, rng.uniform(*frac_range), clear=bool(rng.random() < 0.5))
        if st.reassign(*layer):
            st.descend(use_swaps=use_swaps, deadline=deadline, use_lap=False)
    if lns:
        st.descend(use_swaps=use_swaps, deadline=deadline)
    best_x, best_f = st.x.copy(), st.value()
    for _ in range(kicks):
        if time.perf_counter() > deadline:
            break
        st.set_x(best_x)
        st.kick(rng, kick_size)
        st.descend(use_swaps=use_swaps, deadline=deadline)
        f = st.value()
        if f < best_f - st.tol:
            best_x, best_f = st.x.copy(), f
    return best_x


# -------------------------------------------------------------------------------- column generation


def _price_patterns(
    logv: NDArray[np.float64],
    q: NDArray[np.float64],
    price: NDArray[np.float64],
    cap: NDArray[np.int64],
    max_pair_work: int = 4_000_000,
    extend: int = 3,
    k_cand: int = 30,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Per target, a pattern (shots per weapon) of small ``V_j prod q^P + sum_i price_ij P_i``.

    Exact over all patterns of at most two shots among each target's ``k_cand`` cheapest single shots
    (all weapons when ``m <= k_cand`` and the work is at most ``max_pair_work``), then extended
    greedily by up to ``extend`` further shots while they pay (longer patterns only slow the master
    problem down).
    Returns the patterns (n, m) and their priced costs (n,).
    """
    m, n = q.shape
    cols = np.arange(n)
    v = np.exp(logv)
    single = v[None, :] * q + price  # (m, n)
    if m * (m + 1) // 2 * n <= max_pair_work and k_cand >= m:
        cand = np.broadcast_to(np.arange(m)[:, None], (m, n))
    else:
        k = min(m, k_cand)
        cand = np.argpartition(single, k - 1, axis=0)[:k]
    kc = cand.shape[0]
    i1, i2 = np.triu_indices(kc)
    w1, w2 = cand[i1], cand[i2]  # (pairs, n) weapon ids
    pair = v[None, :] * q[w1, cols] * q[w2, cols] + price[w1, cols] + price[w2, cols]
    pair[(w1 == w2) & (cap[w1] < 2)] = np.inf
    kb = np.argmin(pair, axis=0)
    best_pair = pair[kb, cols]
    ks = np.argmin(single, axis=0)
    best_single = single[ks, cols]
    pat = np.zeros((n, m), dtype=np.int64)
    use_pair = best_pair < np.minimum(best_single, v)
    use_single = ~use_pair & (best_single < v)
    np.add.at(pat, (cols[use_pair], w1[kb, cols][use_pair]), 1)
    np.add.at(pat, (cols[use_pair], w2[kb, cols][use_pair]), 1)
    pat[cols[use_single], ks[use_single]] += 1
    surv = v * np.prod(q.T**pat, axis=1)
    for _ in range(extend):
        gain = surv[None, :] * (1.0 - q) - price
        gain[pat.T >= cap[:, None]] = -np.inf
        i = np.argmax(gain, axis=0)
        ok = gain[i, cols] > 0.0
        if not ok.any():
            break
        pat[cols[ok], i[ok]] += 1
        surv[ok] *= q[i[ok], cols[ok]]
    return pat, surv + np.sum(pat * price.T, axis=1)


def solve_colgen(
    value: ArrayLike,
    pk: ArrayLike,
    capacity: ArrayLike,
    cost: ArrayLike | None = None,
    *,
    x0: ArrayLike | None = None,
    seed: int = 0,
    max_rounds: int = 60,
    time_limit: float = 20.0,
    smoothing: float = 0.5,
    start_lns: int = 0,
    lp_method: str = "highs-ipm",
    keep_per_target: int = 3,
) -> NDArray[np.int64]:
    """Shot counts by column generation over target patterns, then a HiGHS MILP over the columns.

    Master problem (set partitioning over targets): choose one pattern ``P`` (shots per weapon) for each
    target ``j`` at cost ``V_j prod_i q_ij^P_i + sum_i c_ij P_i`` subject to the weapons' capacities. Its
    LP relaxation is solved with HiGHS (``scipy.optimize.linprog``); the duals price new patterns
    (:func:`_price_patterns`) until none has negative reduced cost or ``max_rounds``/the time run out.
    The MILP over all generated patterns (``scipy.optimize.milp``, remaining time) recombines them;
    the heuristic start ``x0`` is among the columns, so the result is never worse than it. Pricing is
    heuristic beyond two shots per target, so the LP value is not a certified bound. Slower than
    :func:`solve_heuristic`, usually closer to optimal on instances with several shots per weapon.
    """
    v, p, cap, c = _as_problem(value, pk, capacity, cost)
    if p.size == 0:
        return np.zeros(p.shape, dtype=np.int64)
    t0 = time.perf_counter()
    m, n = p.shape
    q = 1.0 - p
    logv = _log_value(v)
    if x0 is None and start_lns == 0:
        start = _Search(v, p, cap, c)  # greedy + cheap descent: the columns do the rest
        start.greedy()
        start.descend(use_lap=False)
        x0 = start.x
    elif x0 is None:
        x0 = solve_heuristic(v, p, cap, c, seed=seed, lns=start_lns)
    x0 = np.asarray(x0, dtype=np.int64)
    pats = [np.zeros((n, m), dtype=np.int64), x0.T.copy()]
    tgts = [np.arange(n), np.arange(n)]
    scale = max(float(v.sum()), 1.0)

    def pattern_cost(pat: NDArray[np.int64], tj: NDArray[np.int64]) -> NDArray[np.float64]:
        return v[tj] * np.prod(q[:, tj].T ** pat, axis=1) + np.sum(pat * c[:, tj].T, axis=1)

    all_pats: list[NDArray[np.int64]] = []  # columns dropped from the LP, kept for the MILP
    all_tgts: list[NDArray[np.int64]] = []
    lam_s: NDArray[np.float64] | None = None
    for _ in range(max_rounds):
        if time.perf_counter() - t0 > 0.6 * time_limit:
            break
        pat = np.concatenate(pats)
        tj = np.concatenate(tgts)
        ncol = tj.size
        a_eq = sp.csr_matrix((np.ones(ncol), (tj, np.arange(ncol))), shape=(n, ncol))
        lp = linprog(
            pattern_cost(pat, tj),
            A_ub=sp.csr_matrix(pat.T),
            b_ub=cap,
            A_eq=a_eq,
            b_eq=np.ones(n),
            bounds=(0, None),
            method=lp_method,
        )
        if lp.status != 0:
            break
        pi = lp.eqlin.marginals
        lam = np.maximum(-lp.ineqlin.marginals, 0.0)
        if keep_per_target and ncol > (keep_per_target + 1) * n:
            # keep the LP small: per target, the columns in use and the few of least reduced cost
            rc_all = pattern_cost(pat, tj) + pat @ lam - pi[tj]
            order = np.lexsort((rc_all, tj))
            rank = np.arange(ncol) - np.searchsorted(tj[order], tj[order], side="left")
            keep = np.zeros(ncol, dtype=bool)
            keep[order[rank < keep_per_target]] = True
            keep |= lp.x > 1e-9
            all_pats.append(pat[~keep])
            all_tgts.append(tj[~keep])
            pats, tgts = [pat[keep]], [tj[keep]]
        # Wentges dual smoothing: price at a convex combination of the previous pricing duals and the
        # LP's (fewer rounds of tailing off); fall back to the LP duals when that finds nothing.
        tries = [lam] if lam_s is None else [smoothing * lam_s + (1.0 - smoothing) * lam, lam]
        found = False
        for lam_try in tries:
            new, _ = _price_patterns(logv, q, lam_try[:, None] + c, cap)
            rc = pattern_cost(new, np.arange(n)) + new @ lam - pi
            better = rc < -1e-9 * scale
            if better.any():
                lam_s = lam_try
                found = True
                break
        if not found:
            break
        pats.append(new[better])
        tgts.append(np.flatnonzero(better))
    pat = np.concatenate(pats + all_pats)
    tj = np.concatenate(tgts + all_tgts)
    ncol = tj.size
    a_eq = sp.csr_matrix((np.ones(ncol), (tj, np.arange(ncol))), shape=(n, ncol))
    cons = LinearConstraint(
        sp.vstack([a_eq, sp.csr_matrix(pat.T)]).tocsr(),
        np.r_[np.ones(n), np.full(m, -np.inf)],
        np.r_[np.ones(n), cap.astype(float)],
    )
    remaining = max(time_limit - (time.perf_counter() - t0), 0.1)
    res = milp(
        pattern_cost(pat, tj),
        constraints=cons,
        integrality=np.ones(ncol),
        bounds=Bounds(0, 1),
        options={"time_limit": remaining},
    )
    best = x0
    if res.x is not None:
        chosen = np.flatnonzero(res.x > 0.5)
        x = np.zeros((m, n), dtype=np.int64)
        np.add.at(x.T, tj[chosen], pat[chosen])
        if np.all(x.sum(axis=1) <= cap) and objective(v, p, x, c) < objective(v, p, x0, c):
            best = x
    st = _Search(v, p, cap, c)
    st.set_x(best)
    st.descend()
    return st.x


def solve_wta(
    instance: WTAInstance,
    method: str = "auto",
    *,
    seed: int = 0,
    lns: int = 200,
    kicks: int = 0,
    time_limit: float | None = None,
) -> WTASolution:
    """Solve a static WTA instance.

    ``method``: ``"exact"`` (:func:`solve_exact`), ``"heuristic"`` (:func:`solve_heuristic` with ``lns``
    and ``kicks`` rounds), ``"colgen"`` (:func:`solve_colgen`, ``time_limit`` default 20 s) or ``"auto"``
    (exact when the dynamic programme has at most ``EXACT_MAX_PAIRS`` pairs per target, else colgen,
    the best quality for the time on the public instances).
    """
    if method not in ("auto", "exact", "heuristic", "colgen"):
        raise ValueError(f"unknown method {method!r}")
    t0 = time.perf_counter()
    if method == "auto":
        method = "exact" if dp_pairs(instance.capacity) <= EXACT_MAX_PAIRS else "colgen"
    v, p, cap = instance.value, instance.pk, instance.capacity
    if method == "exact":
        x = solve_exact(v, p, cap)
    elif method == "colgen":
        x = solve_colgen(v, p, cap, seed=seed, time_limit=20.0 if time_limit is None else time_limit)
    else:
        x = solve_heuristic(v, p, cap, seed=seed, lns=lns, kicks=kicks, time_limit=time_limit)
    secs = time.perf_counter() - t0
    return WTASolution(x=x, objective=surviving_value(v, p, x), method=method, seconds=secs)


# ------------------------------------------------------------------------------------------- files


def public_data_dir(override: str | Path | None = None) -> Path:
    """Directory of the public instances: ``override`` if given, else ``<repo>/../shared/data/wta``."""
    if override is not None:
        return Path(override)
    repo = Path(__file__).resolve().parents[3]
    return repo.parent / "shared" / "data" / "wta"


def public_instance_path(name: str, data_dir: str | Path | None = None) -> Path:
    """Path of a public instance by name, e.g. ``"50x100x1"`` -> ``.../wta_50x100x1.txt``."""
    return public_data_dir(data_dir) / f"wta_{name}.txt"


def _numbers(path: Path, lineno: int, line: str, kinds: tuple[type, ...]) -> list[float]:
    parts = line.split()
    if len(parts) != len(kinds):
        raise UserError(
            f"{path}:{lineno}: expected {len(kinds)} numbers, found {len(parts)}: {line.strip()!r}"
        )
    out: list[float] = []
    for part, kind in zip(parts, kinds, strict=True):
        try:
            val = float(int(part)) if kind is int else float(part)
        except ValueError:
            what = "an integer" if kind is int else "a number"
            raise UserError(f"{path}:{lineno}: {part!r} is not {what}") from None
        if not math.isfinite(val):
            raise UserError(f"{path}:{lineno}: {part!r} is not a finite number")
        out.append(val)
    return out


def load_instance(path: str | Path) -> WTAInstance:
    """Read an instance in the format of Andersen, Pavlikov and Toffolo (2022).

    Line 1 ``m n mu``; then ``n`` lines with the value of each target; then ``m * n`` lines
    ``i j p_ij``. Blank lines are ignored. Any problem raises :class:`bastion.errors.UserError` naming
    the file and line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"{path}: cannot read: {err}") from None
    lines = [(k + 1, ln) for k, ln in enumerate(text.splitlines()) if ln.strip()]
    if not lines:
        raise UserError(f"{path}:1: empty file, expected a header 'm n mu'")
    lineno, head = lines[0]
    m_f, n_f, mu_f = _numbers(path, lineno, head, (int, int, int))
    m, n, mu = int(m_f), int(n_f), int(mu_f)
    if m < 1 or n < 1 or mu < 0:
        raise UserError(f"{path}:{lineno}: need m >= 1, n >= 1, mu >= 0, got {m} {n} {mu}")
    expected = 1 + n + m * n
    if len(lines) < expected:
        last = lines[-1][0]
        what = "target values" if len(lines) < 1 + n else "pair lines 'i j p'"
        raise UserError(
            f"{path}:{last}: file ends early: expected {n} target values and {m * n} pair lines "
            f"for m={m}, n={n}, found {len(lines) - 1} data lines (missing {what})"
        )
    if len(lines) > expected:
        raise UserError(
            f"{path}:{lines[expected][0]}: unexpected extra line: expected {n} target values and "
            f"{m * n} pair lines for m={m}, n={n}"
        )
    value = np.empty(n)
    for k in range(n):
        lineno, ln = lines[1 + k]
        (val,) = _numbers(path, lineno, ln, (float,))
        if val < 0:
            raise UserError(f"{path}:{lineno}: target value must be >= 0, got {val}")
        value[k] = val
    pk = np.full((m, n), np.nan)
    for lineno, ln in lines[1 + n :]:
        i_f, j_f, pij = _numbers(path, lineno, ln, (int, int, float))
        i, j = int(i_f), int(j_f)
        if not (0 <= i < m and 0 <= j < n):
            raise UserError(f"{path}:{lineno}: pair ({i}, {j}) outside 0..{m - 1} x 0..{n - 1}")
        if not 0.0 <= pij <= 1.0:
            raise UserError(f"{path}:{lineno}: probability {pij} outside [0, 1]")
        if not np.isnan(pk[i, j]):
            raise UserError(f"{path}:{lineno}: duplicate pair ({i}, {j})")
        pk[i, j] = pij
    return WTAInstance(value=value, pk=pk, capacity=np.full(m, mu, dtype=np.int64), name=path.stem)
