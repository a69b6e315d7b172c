"""Weapon-target assignment on the six public instances, and the real-time planner's timing.

Instances and best known values: Andersen, Pavlikov and Toffolo, "Weapon-target assignment problem:
exact and approximate solution algorithms", Annals of Operations Research (2022),
doi 10.1007/s10479-022-04525-6 (data in ``<repo>/../shared/data/wta/``).

    python benchmarks/wta_public.py                 # colgen and heuristic on all six + planner timing
    python benchmarks/wta_public.py --quick         # the three 50x100 instances, fewer timing runs
    python benchmarks/wta_public.py --json out.json # also write the figures as JSON

``colgen`` (column generation + HiGHS MILP) is what ``solve_wta(method="auto")`` and ``bastion wta`` use
on these sizes; ``heuristic`` is the faster greedy + local search + LNS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

try:
    import bastion  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bastion.engage.assignment import plan_shots
from bastion.engage.wta import (
    PUBLIC_BEST_KNOWN,
    load_instance,
    public_instance_path,
    solve_colgen,
    solve_heuristic,
    surviving_value,
)

PLANNER_GOAL_MS = 5.0
GAP_GOAL_PCT = 0.5
TIME_GOAL_S = 1.0


def planner_case(rng: np.random.Generator, n_threats: int = 50, n_effectors: int = 10):
    """A random engagement: values 1..100, pk 0.1..0.9 on ~70 % of pairs, 1..5 shots, cost 0..20."""
    value = rng.uniform(1.0, 100.0, n_threats)
    pk = rng.uniform(0.1, 0.9, (n_effectors, n_threats)) * (rng.random((n_effectors, n_threats)) < 0.7)
    cap = rng.integers(1, 6, n_effectors)
    cost = rng.uniform(0.0, 20.0, (n_effectors, n_threats))
    return value, pk, cap, cost


def time_planner(runs: int, seed: int = 2026) -> dict[str, float | str]:
    """Median / p95 / max wall time of ``plan_shots`` on ``runs`` random 50 x 10 engagements."""
    rng = np.random.default_rng(seed)
    cases = [planner_case(rng) for _ in range(runs)]
    plan_shots(*cases[0])  # warm-up (imports, caches)
    times, methods = [], set()
    for case in cases:
        t0 = time.perf_counter()
        plan = plan_shots(*case)
        times.append(time.perf_counter() - t0)
        methods.add(plan.method)
    ms = 1000.0 * np.asarray(times)
    return {
        "threats": 50,
        "effectors": 10,
        "runs": runs,
        "median_ms": float(np.median(ms)),
        "p95_ms": float(np.percentile(ms, 95)),
        "max_ms": float(ms.max()),
        "goal_ms": PLANNER_GOAL_MS,
        "method": "/".join(sorted(methods)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="50x100 instances only, 50 planner runs")
    ap.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE as JSON")
    ap.add_argument("--data", type=Path, default=None, help="directory of the instances")
    ap.add_argument(
        "--colgen",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="time limit of column generation per instance (0: skip it); default 20",
    )
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    names = [k for k in PUBLIC_BEST_KNOWN if not args.quick or k.startswith("50x")]
    rows = []
    print(f"{'instance':<10} {'method':<9} {'objective':>11} {'best known':>11} {'gap %':>8} {'time (s)':>9}")
    for name in names:
        inst = load_instance(public_instance_path(name, args.data))
        best = PUBLIC_BEST_KNOWN[name]
        runs = []
        if args.colgen > 0:
            t0 = time.perf_counter()
            xc = solve_colgen(inst.value, inst.pk, inst.capacity, seed=args.seed, time_limit=args.colgen)
            runs.append(("colgen", xc, time.perf_counter() - t0))
        t0 = time.perf_counter()
        x = solve_heuristic(inst.value, inst.pk, inst.capacity, seed=args.seed)
        runs.append(("heuristic", x, time.perf_counter() - t0))
        for method, xs, secs in runs:
            assert np.all(xs.sum(axis=1) <= inst.capacity)
            obj = surviving_value(inst.value, inst.pk, xs)
            gap = 100.0 * (obj - best) / best
            rows.append(
                {
                    "instance": name,
                    "method": method,
                    "objective": obj,
                    "best_known": best,
                    "gap_pct": gap,
                    "seconds": secs,
                }
            )
            print(f"{name:<10} {method:<9} {obj:>11.4f} {best:>11.4f} {gap:>8.3f} {secs:>9.3f}", flush=True)

    planner = time_planner(50 if args.quick else 300)
    ok = "meets" if planner["median_ms"] <= PLANNER_GOAL_MS else "MISSES"
    print(
        f"\nplanner 50 threats x 10 effectors ({planner['runs']} runs, {planner['method']}): "
        f"median {planner['median_ms']:.2f} ms, p95 {planner['p95_ms']:.2f} ms, "
        f"max {planner['max_ms']:.2f} ms ({ok} the {PLANNER_GOAL_MS:g} ms goal)"
    )
    for method in ("colgen", "heuristic"):
        sel = [r for r in rows if r["method"] == method]
        if sel:
            print(
                f"{method}: worst gap {max(r['gap_pct'] for r in sel):.3f} % (goal {GAP_GOAL_PCT} %), "
                f"slowest {max(r['seconds'] for r in sel):.3f} s (goal {TIME_GOAL_S} s)"
            )
    if args.json:
        machine = {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "numpy": np.__version__,
        }
        args.json.write_text(
            json.dumps(
                {
                    "date": time.strftime("%Y-%m-%d", time.gmtime()),
                    "machine": machine,
                    "instances": rows,
                    "planner": planner,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
