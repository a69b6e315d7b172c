"""`bastion wta FILE`: solve a static weapon-target assignment instance file.

The file format is that of the public instances of Andersen, Pavlikov and Toffolo (2022); see
:func:`bastion.engage.wta.load_instance`. ``--json`` prints
``{"objective": ..., "shots": [{"weapon": i, "target": j, "count": k}, ...]}``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bastion.engage.wta import PUBLIC_BEST_KNOWN, load_instance, solve_wta
from bastion.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``wta`` subcommand."""
    p = subparsers.add_parser(
        "wta",
        help="solve a weapon-target assignment instance file",
        description="Solve a static weapon-target assignment instance (minimise expected surviving value).",
    )
    p.add_argument("file", type=Path, help="instance file: 'm n mu', n target values, m*n lines 'i j p'")
    p.add_argument("--json", action="store_true", help="print the objective and shots as JSON")
    p.add_argument(
        "--method",
        choices=("auto", "exact", "heuristic", "colgen"),
        default="auto",
        help="exact dynamic programme, heuristic (fast), colgen (column generation + HiGHS MILP, "
        "slower, closer to optimal), or auto (exact when small, else colgen); default auto",
    )
    p.add_argument(
        "--time-limit", type=float, default=None, metavar="S", help="wall-clock limit in seconds (colgen: 20)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the heuristic's iterated local search")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Solve the file and print the result; bad files raise ``UserError`` (exit status 2)."""
    inst = load_instance(args.file)
    if args.time_limit is not None and args.time_limit <= 0:
        raise UserError(f"--time-limit must be positive, got {args.time_limit}")
    sol = solve_wta(inst, method=args.method, seed=args.seed, time_limit=args.time_limit)
    shots = [{"weapon": i, "target": j, "count": k} for i, j, k in sol.shots()]
    if args.json:
        print(json.dumps({"objective": sol.objective, "shots": shots}))
        return 0
    mu = sorted(set(int(c) for c in inst.capacity))
    print(
        f"instance   {args.file} ({inst.m} weapons x {inst.n} targets, {'/'.join(map(str, mu))} shots each)"
    )
    print(f"objective  {sol.objective:.6f}  (expected surviving value of {inst.value.sum():.6g})")
    key = f"{inst.m}x{inst.n}x{mu[0]}" if len(mu) == 1 else ""
    best = PUBLIC_BEST_KNOWN.get(key)
    if best is not None and args.file.name == f"wta_{key}.txt":
        print(f"best known {best:.4f}  (gap {100.0 * (sol.objective - best) / best:+.3f} %)")
    print(f"method     {sol.method}, {sol.seconds:.3f} s")
    print(f"shots      {int(sol.x.sum())} fired at {int((sol.x.sum(axis=0) > 0).sum())} targets")
    for i in range(inst.m):
        row = ", ".join(
            f"{j}x{int(sol.x[i, j])}" if sol.x[i, j] > 1 else str(j) for j in sol.x[i].nonzero()[0]
        )
        print(f"  weapon {i:>3}: {row if row else '-'}")
    return 0
