"""nmx's command line. Only this package imports typer; it never holds domain logic."""

from __future__ import annotations

from nmx.cli.app import app
from nmx.cli import plan_cmds  # noqa: F401  (registers commands)


def main() -> None:
    app()
