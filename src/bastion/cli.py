"""The `bastion` command: a thin dispatcher over the modules in ``bastion.commands``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from bastion import __version__
from bastion.errors import UserError

# Subcommand modules, in the order `bastion --help` lists them.
COMMAND_MODULES: list[str] = ["run", "scenarios", "replay", "track", "ballistics", "wta"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bastion", description="Base air defence: C-RAM and counter-drone, simulated and live."
    )
    parser.add_argument("--version", action="version", version=f"bastion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"bastion.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as err:
        for line in err.problems:
            print(f"error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`bastion run | head`): the files are written; say nothing more. Python
        # would otherwise fail again flushing stdout at exit (the recipe of the `signal` module's docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
