"""`bastion run [SCENARIO|FILE] --seed N --out DIR`: run a scenario, print the timeline, write the
event log and the summary."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from bastion.errors import UserError
from bastion.scenario import DEFAULT_SCENARIO, load_scenario


def register(sub) -> None:
    p = sub.add_parser("run", help="run a scenario (built-in name or TOML file) and report")
    p.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help=f"default: {DEFAULT_SCENARIO}")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.add_argument("--out", type=Path, default=None, help="output directory (default: out/NAME-seedN)")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no timeline table")
    p.set_defaults(func=run)


def _out_dir(args, name: str, seed: int) -> Path:
    if args.out is not None:
        out = args.out
        if (out / "events.sqlite").exists():
            raise UserError(f"{out / 'events.sqlite'}: already exists (the log is append-only); "
                            "choose another --out or move it away")
        return out
    base = Path("out") / f"{name}-seed{seed}"
    out, k = base, 1
    while (out / "events.sqlite").exists():
        k += 1
        out = base.with_name(f"{base.name}-{k}")
    return out


def run(args: argparse.Namespace) -> int:
    from rich.console import Console  # noqa: PLC0415 (imported when used: fast --help)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from bastion.evaluate.summary import build_summary  # noqa: PLC0415
    from bastion.evaluate.timeline import timeline_table  # noqa: PLC0415
    from bastion.record.eventlog import EventLog  # noqa: PLC0415
    from bastion.record.messages import encode_input  # noqa: PLC0415
    from bastion.sim import Simulation  # noqa: PLC0415

    scenario = load_scenario(args.scenario)
    seed = scenario.seed if args.seed is None else args.seed
    if seed < 0:
        raise UserError(f"--seed: must be >= 0, got {seed}")
    out = _out_dir(args, scenario.name, seed)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(f"{out}: cannot create the output directory: {err}") from None
    console = Console(stderr=True)
    wall0 = time.perf_counter()
    with EventLog(out / "events.sqlite") as log:
        log.append(0.0, "run.scenario", {"seed": seed, "scenario": scenario.model_dump(mode="json")})
        sim = Simulation(scenario, seed)

        def on_input(msg) -> None:
            log.append(*encode_input(msg))

        def on_event(ev) -> None:
            log.append(ev.t, ev.KIND, ev.to_payload())

        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[sim]}"),
                      TimeElapsedColumn(), console=console, transient=True, disable=args.quiet) as bar:
            task = bar.add_task(f"{scenario.name} seed {seed}", total=scenario.duration_s, sim="")

            def progress(t: float) -> None:
                bar.update(task, completed=t, sim=f"t = {t:6.1f} s")

            result = sim.run(on_input, on_event, progress)
        for icp in result.intercepts:
            log.append(icp.t, "sim.intercept", dataclasses.asdict(icp))
        summary = build_summary(scenario, result.world, result.events, result.first_detection, seed)
        log.append(scenario.duration_s, "sim.summary", summary)
    wall = time.perf_counter() - wall0
    text = json.dumps(summary, indent=2) + "\n"
    (out / "summary.json").write_text(text, encoding="utf-8")
    if not args.quiet:
        # Written to a file or a pipe (a log, CI), rich would wrap the table at 80 columns, a word per line.
        wide = sys.stdout.isatty() or "COLUMNS" in os.environ
        Console(width=None if wide else 200).print(timeline_table(summary))
    tot = summary["totals"]
    print(
        f"{scenario.name} seed {seed}: {tot['threats']} threats, {tot['defeated']} defeated, {tot['leaked']} leaked, "
        f"{tot['rounds_fired']} rounds, fratricide {tot['fratricide_engagements']}, missed warnings "
        f"{tot['missed_warnings']}, false warnings {tot['false_warnings']}; {scenario.duration_s:.0f} s simulated "
        f"in {wall:.2f} s wall. Wrote {out / 'events.sqlite'} and {out / 'summary.json'}",
        file=sys.stdout,
    )
    return 0
