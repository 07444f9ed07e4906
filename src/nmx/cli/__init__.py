"""nmx's command line. Only this package imports typer; it never holds domain logic.

Each command module registers its commands with the one Typer `app` when it is imported. The
console entry point (`main`) imports only the module of the command it runs (`COMMANDS`): the
others cost a run their imports and their registration (reading each function's signature)
for nothing. Anything that lists, suggests or completes commands, and `from nmx.cli import
app`, has them all, in the order of `COMMANDS`.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

# The submodule `app` is imported for its side of every command (typer, the shared options);
# its name on this package is left to `__getattr__`, which gives the Typer app with every
# command registered, as `from nmx.cli import app` always did.
from nmx.cli import app as _app_module

del app  # noqa: F821 - the submodule's name, bound by the import above

if TYPE_CHECKING:
    import typer

#: Each command and group → the modules registering it or its subcommands, in the order of
#: `nmx --help` (and, within a group, of its subcommands). tests/test_bulk.py checks it
#: against the whole app.
COMMANDS: dict[str, tuple[str, ...]] = {
    "completion": ("completion",),
    "coverage": ("coverage_cmds",),
    "deadlines": ("date_cmds",),
    "calendar": ("date_cmds",),
    "holidays": ("date_cmds",),
    "new": ("draft_cmds",),
    "diff": ("draft_cmds",),
    "subplan": ("draft_cmds",),
    "duties": ("duty_cmds",),
    "departments": ("duty_cmds",),
    "tasks": ("duty_cmds",),
    "matrix": ("duty_cmds",),
    "checklist": ("handout_cmds",),
    "report": ("handout_cmds",),
    "validate": ("plan_cmds",),
    "schema": ("plan_cmds",),
    "info": ("plan_cmds",),
    "source": ("plan_cmds",),
    "done": ("supervision_cmds",),
    "status": ("supervision_cmds",),
    "overdue": ("supervision_cmds",),
    "remind": ("remind_cmds",),
    "burden": ("burden_cmds",),
    "export": ("export_cmds", "handout_cmds", "receipt_cmds"),
    "import": ("import_cmds", "receipt_cmds"),
    "notice": ("notice_cmds",),
    "ledger": ("supervision_cmds",),
}

#: Every module that registers commands.
MODULES: tuple[str, ...] = tuple(dict.fromkeys(m for modules in COMMANDS.values() for m in modules))


def registered(argv: list[str] | None = None) -> typer.Typer:
    """The app, with the command `argv` names exactly registered alone (`only_the_command`),
    else (no `argv`, no command, `--help`, a typo, shell completion) with every command."""
    word = None if argv is None else _app_module.command_word(argv)
    if word in COMMANDS:
        for module in COMMANDS[word]:
            import_module(f"nmx.cli.{module}")
        _app_module.only_the_command(argv or [])
    else:
        for module in MODULES:
            import_module(f"nmx.cli.{module}")
        _in_order(_app_module.app)
    return _app_module.app


def _in_order(app: typer.Typer) -> None:
    """Commands and groups in `COMMANDS`' order, whichever module was imported first (a group's
    subcommands by their modules' order there)."""
    rank = {name: i for i, name in enumerate(COMMANDS)}
    app.registered_commands.sort(key=lambda c: rank.get(c.name or "", len(rank)))
    app.registered_groups.sort(key=lambda g: rank.get(g.name or g.typer_instance.info.name or "", len(rank)))
    for group in app.registered_groups:
        modules = COMMANDS.get(group.name or "", ())
        group.typer_instance.registered_commands.sort(key=lambda c: _module_rank(c.callback, modules))


def _module_rank(callback: Any, modules: tuple[str, ...]) -> int:
    module = getattr(callback, "__module__", "").rpartition(".")[2]
    return modules.index(module) if module in modules else len(modules)


def __getattr__(name: str) -> Any:
    if name == "app":
        app = globals()["app"] = registered()  # the whole app, from now on without this call
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    from nmx import bulk
    from nmx.cli.output import fit_streams

    fit_streams()  # no encoding error on a cp936 or ASCII console
    bulk.FREEZE_LOADED = True
    bulk.command_mode()
    try:
        registered(sys.argv[1:])()
    except SystemExit as exc:
        bulk.leave(exc.code)
    bulk.leave(0)
