"""nmx's command line. Only this package imports typer; it never holds domain logic."""

from __future__ import annotations

import sys

from nmx.cli import (
    completion,  # noqa: F401
    coverage_cmds,  # noqa: F401
    date_cmds,  # noqa: F401
    draft_cmds,  # noqa: F401
    duty_cmds,  # noqa: F401
    export_cmds,  # noqa: F401
    handout_cmds,  # noqa: F401
    import_cmds,  # noqa: F401
    notice_cmds,  # noqa: F401
    plan_cmds,  # noqa: F401  (registers commands)
    receipt_cmds,  # noqa: F401
    remind_cmds,  # noqa: F401
    supervision_cmds,  # noqa: F401
)
from nmx.cli import burden_cmds  # noqa: E402,F401,I001  (registered after the supervision commands: listed beside them)
from nmx.cli.app import app, only_the_command


def main() -> None:
    from nmx import bulk
    from nmx.cli.output import fit_streams

    fit_streams()  # no encoding error on a cp936 or ASCII console
    bulk.FREEZE_LOADED = True
    bulk.command_mode()
    only_the_command(sys.argv[1:])
    app()
