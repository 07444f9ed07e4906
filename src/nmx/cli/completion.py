"""`nmx completion SHELL`: the shell completion script (units and task ids: `completers`).

The scripts are typer's (bash, zsh, fish, PowerShell); they call nmx back with `_NMX_COMPLETE`
set, which `NmxGroup.main` sees before anything else runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from nmx.cli.app import COMPLETE_VAR, command, say
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


__all__ = ["completion_cmd"]
