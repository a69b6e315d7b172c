"""`bastion scenarios [--export NAME [-o FILE]]`: list the built-in scenarios, or copy one out to edit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bastion.errors import UserError
from bastion.scenario import builtin_names, builtin_text, load_scenario


def register(sub) -> None:
    p = sub.add_parser("scenarios", help="list the built-in scenarios, or export one as TOML")
    p.add_argument("--export", metavar="NAME", help="print (or write with -o) a built-in scenario's TOML")
    p.add_argument("-o", "--output", type=Path, help="file to write the exported scenario to")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.export:
        text = builtin_text(args.export)
        if args.output:
            if args.output.exists():
                raise UserError(f"{args.output}: already exists; not overwritten")
            try:
                args.output.write_text(text, encoding="utf-8")
            except OSError as err:
                raise UserError(f"{args.output}: cannot write: {err.strerror or err}") from None
            print(f"wrote {args.output}")
        else:
            sys.stdout.write(text)
        return 0
    if args.output:
        raise UserError("-o/--output: only with --export NAME")
    for name in builtin_names():
        s = load_scenario(name)
        print(f"{name:16s} {s.duration_s:5.0f} s  {len(s.objects):2d} objects  {s.description}")
    return 0
