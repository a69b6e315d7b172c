"""Static WTA solvers against independent references: brute force, a HiGHS MILP, analytic cases."""

from __future__ import annotations

import numpy as np
import pytest
from wta_reference import brute_force, milp_optimum, net_objective

from bastion.engage.wta import (
    PUBLIC_BEST_KNOWN,
    WTAInstance,
    dp_pairs,
    load_instance,
    public_instance_path,
    solve_colgen,
    solve_exact,
    solve_heuristic,
    solve_wta,
    surviving_value,
)


def random_problem(rng: np.random.Generator, m: int, n: int, max_mu: int, with_cost: bool = False):
    value = rng.integers(1, 100, n).astype(float)
    pk = rng.uniform(0.0, 0.95, (m, n))
    pk[rng.random((m, n)) < 0.15] = 0.0  # some infeasible pairs
    pk[rng.random((m, n)) < 0.05] = 1.0  # and some certain kills
    cap = rng.integers(0, max_mu + 1, m)
    cost = rng.uniform(0.0, 30.0, (m, n)) if with_cost else None
    return value, pk, cap, cost


def assert_feasible(x: np.ndarray, cap: np.ndarray) -> None:
    assert x.dtype.kind == "i"
    assert np.all(x >= 0)
    assert np.all(x.sum(axis=1) <= cap)


@pytest.mark.parametrize("with_cost", [False, True])
def test_exact_matches_brute_force_on_tiny_instances(with_cost: bool) -> None:
    rng = np.random.default_rng(11 + with_cost)
    for _ in range(25):
        m, n = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        value, pk, cap, cost = random_problem(rng, m, n, 2, with_cost)
        x = solve_exact(value, pk, cap, cost)
        assert_feasible(x, cap)
        assert net_objective(value, pk, x, cost) == pytest.approx(
            brute_force(value, pk, cap, cost), rel=1e-9, abs=1e-9
        )


def test_exact_matches_highs_milp_on_small_instances() -> None:
    rng = np.random.default_rng(3)
    for _ in range(4):
        value, pk, cap, _ = random_problem(rng, 4, 6, 2)
        x = solve_exact(value, pk, cap)
        assert net_objective(value, pk, x) == pytest.approx(milp_optimum(value, pk, cap), rel=1e-6, abs=1e-7)


def test_heuristic_matches_exact_closely_on_small_random_instances() -> None:
    rng = np.random.default_rng(5)
    gaps = []
    for _ in range(40):
        m, n = int(rng.integers(2, 5)), int(rng.integers(2, 9))
        value, pk, cap, _ = random_problem(rng, m, n, 3)
        exact = net_objective(value, pk, solve_exact(value, pk, cap))
        xh = solve_heuristic(value, pk, cap, seed=1, kicks=30, lns=20)
        assert_feasible(xh, cap)
        heur = net_objective(value, pk, xh)
        assert heur >= exact - 1e-9 * max(1.0, exact)  # exact really is a lower bound
        gaps.append((heur - exact) / max(exact, 1e-12))
    assert max(gaps) <= 1e-3
    assert float(np.mean(gaps)) <= 1e-4


def test_heuristic_with_costs_never_worse_than_no_shots_and_close_to_exact() -> None:
    rng = np.random.default_rng(8)
    for _ in range(30):
        value, pk, cap, cost = random_problem(rng, 3, 6, 3, with_cost=True)
        exact = net_objective(value, pk, solve_exact(value, pk, cap, cost), cost)
        heur = net_objective(value, pk, solve_heuristic(value, pk, cap, cost, kicks=30, lns=20), cost)
        assert exact - 1e-9 <= heur <= value.sum() + 1e-9
        assert heur <= exact + 1e-3 * value.sum()


def test_solution_objective_is_recomputed_independently_and_capacity_respected() -> None:
    rng = np.random.default_rng(21)
    for method in ("exact", "heuristic"):
        value, pk, cap, _ = random_problem(rng, 3, 12, 2)
        inst = WTAInstance(value=value, pk=pk, capacity=cap)
        sol = solve_wta(inst, method=method)
        assert sol.method == method
        assert_feasible(sol.x, cap)
        assert sol.objective == pytest.approx(net_objective(value, pk, sol.x), rel=1e-12)
        assert list(sol.shots()) == [
            (i, j, int(sol.x[i, j])) for i, j in zip(*np.nonzero(sol.x), strict=True)
        ]


def test_heuristic_capacity_on_larger_instances() -> None:
    rng = np.random.default_rng(2)
    value, pk, _, _ = random_problem(rng, 30, 60, 3)
    cap = rng.integers(0, 4, 30)
    x = solve_heuristic(value, pk, cap, kicks=10)
    assert_feasible(x, cap)
    # with zero cost, every weapon able to hit something fires all its shots
    can = (pk > 0).any(axis=1)
    assert np.array_equal(x.sum(axis=1)[can], cap[can])


def test_analytic_cases() -> None:
    # one weapon, one shot: it goes where V * p is largest (0.5*100=50 beats 0.9*50=45)
    x = solve_exact([100.0, 50.0], [[0.5, 0.9]], [1])
    assert x.tolist() == [[1, 0]]
    assert surviving_value([100.0, 50.0], [[0.5, 0.9]], x) == pytest.approx(100.0)
    # one target, three shots of p = 0.5: survival 8 * 0.5^3 = 1
    for solver in (solve_exact, solve_heuristic):
        assert solver([8.0], [[0.5]], [3]).tolist() == [[3]]
    # certain kills (p = 1) on distinct targets: the surviving value is the unshot targets' value
    x = solve_heuristic([5.0, 7.0, 3.0], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [1, 1])
    assert surviving_value([5.0, 7.0, 3.0], np.ones((2, 3)), x) == pytest.approx(3.0)
    # no capacity: nothing fires
    assert solve_heuristic([5.0], [[0.5]], [0]).sum() == 0


def test_deterministic_for_a_seed() -> None:
    rng = np.random.default_rng(4)
    value, pk, cap, _ = random_problem(rng, 8, 15, 2)
    a = solve_heuristic(value, pk, cap, seed=7, kicks=30, lns=20)
    b = solve_heuristic(value, pk, cap, seed=7, kicks=30, lns=20)
    assert np.array_equal(a, b)


def test_dp_size_guard() -> None:
    assert dp_pairs([1, 2]) == 3 * 6
    with pytest.raises(ValueError, match="max_pairs"):
        solve_exact(np.ones(3), np.full((12, 3), 0.5), np.full(12, 3), max_pairs=1000)


def test_bad_arrays_rejected() -> None:
    with pytest.raises(ValueError):
        solve_heuristic([1.0], [[1.5]], [1])
    with pytest.raises(ValueError):
        solve_exact([1.0, 2.0], [[0.5]], [1])
    with pytest.raises(ValueError):
        solve_exact([1.0], [[0.5]], [1.5])


def _public(name: str):
    """The public instance's path; the data lives in shared/ beside the repository (it is not ours to
    commit), so a clone made elsewhere skips these tests, saying where it looked."""
    path = public_instance_path(name)
    if not path.exists():
        pytest.skip(f"public WTA data not found at {path} (expected shared/ beside the repository)")
    return path


@pytest.mark.parametrize("method", ["heuristic", "auto"])
def test_public_instance_50x100x1_within_half_a_percent(method: str) -> None:
    inst = load_instance(_public("50x100x1"))
    assert (inst.m, inst.n, int(inst.capacity[0])) == (50, 100, 1)
    sol = solve_wta(inst, method=method)
    assert sol.method == ("heuristic" if method == "heuristic" else "colgen")
    assert_feasible(sol.x, inst.capacity)
    obj = net_objective(inst.value, inst.pk, sol.x)
    assert obj == pytest.approx(sol.objective, rel=1e-12)
    assert obj <= PUBLIC_BEST_KNOWN["50x100x1"] * 1.005
    assert obj >= 1734.3022  # proven optimal: nothing may beat it


def test_column_generation_close_to_exact_and_never_worse_than_its_start() -> None:
    rng = np.random.default_rng(41)
    for with_cost in (False, True):
        value, pk, _, cost = random_problem(rng, 5, 12, 2, with_cost)
        cap = np.full(5, 2)
        exact = net_objective(value, pk, solve_exact(value, pk, cap, cost), cost)
        start = np.zeros((5, 12), dtype=np.int64)  # a poor start: no shots at all
        x = solve_colgen(value, pk, cap, cost, x0=start, time_limit=10.0)
        assert_feasible(x, cap)
        got = net_objective(value, pk, x, cost)
        assert exact - 1e-9 <= got <= exact * 1.01 + 1e-9
        assert got <= net_objective(value, pk, start, cost)


def test_public_instance_50x100x3_auto_within_half_a_percent() -> None:
    """Three shots per weapon: the case where column generation matters (the heuristic is ~2.8 % off)."""
    inst = load_instance(_public("50x100x3"))
    sol = solve_wta(inst)
    assert_feasible(sol.x, inst.capacity)
    obj = net_objective(inst.value, inst.pk, sol.x)
    assert 20.5880 <= obj <= PUBLIC_BEST_KNOWN["50x100x3"] * 1.005  # 20.5880: published lower bound
