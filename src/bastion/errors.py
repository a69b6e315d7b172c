"""Errors that carry a message meant for the user (bad files, bad arguments, bad wire messages)."""

from __future__ import annotations


class UserError(Exception):
    """Bad input from a user: a scenario file, a data file, a command-line argument.

    ``problems`` holds one line per problem, each naming where it is (file, line, field).
    """

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))
