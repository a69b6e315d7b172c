"""`bastion replay DIR|LOG`: feed a recorded run's inputs to a fresh engine and compare its decisions."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("replay", help="replay a recorded run and check the engine decides the same")
    p.add_argument("run", type=Path, help="a run directory (with events.sqlite) or the log itself")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bastion.record.replay import replay  # noqa: PLC0415

    path = args.run / "events.sqlite" if args.run.is_dir() else args.run
    res = replay(path)
    if res.identical:
        print(f"{path}: {res.inputs} inputs replayed; all {len(res.recorded)} events reproduced identically")
        return 0
    k = res.first_difference()
    print(f"{path}: replay differs at event {k}:")
    print(f"  recorded: {res.recorded[k] if k is not None and k < len(res.recorded) else '(none)'}")
    print(f"  replayed: {res.replayed[k] if k is not None and k < len(res.replayed) else '(none)'}")
    return 1
