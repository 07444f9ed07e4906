"""nmx's command line. Only this package imports typer; it never holds domain logic."""

from __future__ import annotations

from nmx.cli.app import app
from nmx.cli import plan_cmds  # noqa: F401  (registers commands)
from nmx.cli import supervision_cmds  # noqa: F401
from nmx.cli import duty_cmds  # noqa: F401
from nmx.cli import dates  # noqa: F401
from nmx.cli import export  # noqa: F401
from nmx.cli import handouts  # noqa: F401


def main() -> None:
    app()
