"""Shell completion: `nmx completion SHELL` prints the script; units and task ids complete.

The scripts are typer's (bash, zsh, fish, PowerShell); they call nmx back with `_NMX_COMPLETE`
set, which `NmxGroup.main` sees before anything else runs. Nothing here is imported on a
normal start: the completers are named by `complete_unit`/`complete_task` in `app`, and import
the plan only when a shell asks.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from nmx.cli.app import COMPLETE_VAR, app, command, say
from nmx.errors import UsageError
from nmx.i18n import t

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
PROFILES = {"bash": "~/.bashrc", "zsh": "~/.zshrc", "fish": "~/.config/fish/completions/nmx.fish",
            "powershell": "$PROFILE", "pwsh": "$PROFILE"}


def _complete_shell(incomplete: str) -> list[str]:
    return [s for s in SHELLS if s.startswith(incomplete.lower())]


@command(name="completion", output="none")
def completion_cmd(
    shell: Annotated[str, typer.Argument(metavar="SHELL", help="bash、zsh、fish 或 powershell（pwsh）。",
                                         autocompletion=_complete_shell, show_default=False)],
) -> None:
    """输出 shell 补全脚本：补全命令、选项、格式、单位（含拼音首字母）和任务编号。

    示例：nmx completion bash >> ~/.bashrc；PowerShell：nmx completion powershell >> $PROFILE
    """
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    from nmx.cli.output import write_text

    name = shell.strip().lower()
    if name not in SHELLS:
        raise UsageError(t("cli_bad_shell", shell=shell, shells="、".join(SHELLS)))
    completion_init()
    say(f"nmx: {t('cli_completion_how', profile=PROFILES[name])}")
    write_text(get_completion_script(prog_name="nmx", complete_var=COMPLETE_VAR, shell=name) + "\n")


class Offered(str):
    """A completion offered whatever was typed: typer keeps only the completions that begin with
    the typed word, and a unit found by its pinyin (jtysj → 市交通运输局) does not."""

    def startswith(self, *_: Any) -> bool:  # type: ignore[override]
        return True


def _plan(ctx: Any):
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    data = (ctx.params or {}).get("data") if ctx is not None else None
    return load_plan(locate(data))


def units(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Unit names for what is typed so far (id, name, alias, pinyin initials: jtysj), with their full names."""
    try:
        from nmx.duties.match import unit_completions

        return [(Offered(u.name), u.full_name) for u in unit_completions(_plan(ctx), incomplete)]
    except Exception:  # noqa: BLE001 - a shell asking must never see a traceback
        return []


def tasks(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Task ids starting with what is typed (any case), with their titles."""
    try:
        plan = _plan(ctx)
        typed = incomplete.strip().casefold()
        return [(Offered(tk.id), tk.title) for tk in plan.tasks if tk.id.casefold().startswith(typed)]
    except Exception:  # noqa: BLE001
        return []


__all__ = ["app", "completion_cmd", "tasks", "units"]
