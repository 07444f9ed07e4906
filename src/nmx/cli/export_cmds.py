"""`nmx export …`: the whole plan in other formats (`nmx export ics`; more join this sub-app)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from nmx.cli.app import DataOpt, DeptOpt, NmxGroup, app, calendar_notice, command, say

export_app = typer.Typer(
    name="export", help="把整个方案导出为其他格式。", no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]}, cls=NmxGroup,
)
app.add_typer(export_app, name="export")

IcsOutputOpt = Annotated[
    Optional[Path], typer.Option("--output", "-o", help="写入的 .ics 文件（成功后原子写入；- 或省略为标准输出）。",
                                 dir_okay=False, show_default=False)
]


@command(target=export_app, name="ics")
def export_ics_cmd(output: IcsOutputOpt = None, dept: DeptOpt = None, data: DataOpt = None) -> None:
    """把方案全年的时间窗和期限导出为 iCalendar 文件，可导入手机和电脑日历。

    示例：nmx export ics --output 暖民心.ics --dept 金安区
    """
    from nmx.bulk import paused_gc
    from nmx.cli.output import show
    from nmx.duties.match import find_unit
    from nmx.fileio import display, is_stdout
    from nmx.i18n import t
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate
    from nmx.render import Format
    from nmx.schedule import engine
    from nmx.views.feed import feed_view

    with paused_gc():
        plan = load_plan(locate(data))
        unit = find_unit(plan, dept) if dept is not None else None
        period = plan.meta.period
        found = engine.items(plan, period.start, period.end, units={unit.id} if unit else None)
        feed = feed_view(plan, found, unit=unit)
        calendar_notice(feed.note, output, always=True)
        show(feed, Format.ICS, output)
    if output is not None and not is_stdout(output):
        say(t("ics_written", path=display(output), n=len(found)))


def _register_xlsx() -> None:
    """`nmx export xlsx` joins the group after ics; its function lives with the other handouts
    (so `nmx checklist`, from the same module, does not build the export group)."""
    from nmx.cli.handout_cmds import export_xlsx

    command(target=export_app, name="xlsx")(export_xlsx)


_register_xlsx()
