"""The `bastion` subcommands, one module each.

Each module exposes ``register(subparsers)``, which adds its parser and sets ``func`` to a callable
``(args) -> int`` (the exit status). Bad user input raises ``bastion.errors.UserError``; the CLI prints it
as clear lines and exits with status 2, never a traceback.
"""
