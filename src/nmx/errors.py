"""Domain errors. The CLI turns them into exit codes in one place."""

from __future__ import annotations

from nmx.problems import Problem

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class NmxError(Exception):
    """Base of every error nmx reports to a user."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(NmxError):
    """Bad option, unknown unit, missing file: exit 2."""

    exit_code = EXIT_USAGE


class DataError(NmxError):
    """The plan data has problems: exit 1."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems
