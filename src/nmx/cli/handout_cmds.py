"""`nmx checklist`, `nmx export xlsx`, `nmx report`: what people print, circulate and publish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from nmx.cli.app import (
    DataOpt,
    DeptOpt,
    FormatOpt,
    MonthOpt,
    OutputOpt,
    TodayOpt,
    WorkspaceOpt,
    as_of,
    calendar_notice,
    command,
    say,
    today_from,
    warn,
)
from nmx.errors import UsageError
from nmx.i18n import t
from nmx.render import Format

CHECKLIST_FORMATS = (Format.TABLE, Format.MD, Format.HTML, Format.JSON, Format.XLSX, Format.DOCX)


@command(name="checklist", formats=CHECKLIST_FORMATS)
def checklist_cmd(
    dept: DeptOpt = None,
    month: MonthOpt = None,
    today: TodayOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
    data: DataOpt = None,
) -> None:
    """某单位某月的自查清单：有期限的事项（截止日、最后工作日）、定额次数、常态化和不定期工作、报送对象。

    不给 --dept 时每个单位一份；不给 --month 时为“今天”所在月份。
    示例：nmx checklist --dept 市交通运输局 --month 2023-05 --format html -o 清单.html
    """
    from nmx.cli.output import show
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate
    from nmx.views.checklist import Checklists, checklist, unit_checklists

    _pin_language()
    day = today_from(today)
    plan = load_plan(locate(data))
    effective, period_note = as_of(plan, day, fmt)
    ym = _month(month, min(effective, plan.meta.period.end))
    if dept is not None:
        from nmx.duties.match import find_unit

        lists = [checklist(plan, find_unit(plan, dept), ym, day)]
    else:
        lists = unit_checklists(plan, ym, day)
    from nmx.schedule.workdays import calendar_note

    calendar_notice(calendar_note(int(ym[:4])), output)
    show(Checklists(lists, _created(plan), period_note), fmt, output)
    _written(output)


def _pin_language() -> None:
    """Fix the language for this run: t() otherwise reads the environment for every label,
    and a large plan's site has millions of them."""
    from nmx.i18n import lang, set_lang

    set_lang(lang())


def _month(month: str | None, day) -> str:
    from nmx.schedule.dates import parse_month

    if month is None:
        return f"{day.year:04d}-{day.month:02d}"
    start, _ = parse_month(month)
    return f"{start.year:04d}-{start.month:02d}"


def _created(plan):
    """A fixed creation date for documents (xlsx properties), so the same input gives the same bytes."""
    import datetime as dt

    return dt.datetime.combine(plan.meta.period.start, dt.time())


def _plan_calendar_note(plan) -> str | None:
    from nmx.schedule.workdays import range_note

    return range_note(plan.meta.period.start, plan.meta.period.end)


def _written(output: Path | None) -> None:
    from nmx.fileio import is_stdout

    if output is not None and not is_stdout(output):
        from nmx.fileio import display
        from nmx.i18n import t

        say(t("written", path=display(output)))


ForceOpt = Annotated[bool, typer.Option("--force", help="目标目录含有非 nmx 生成的文件时也整体替换（这些文件会被删除）。")]
AlarmDaysOpt = Annotated[int, typer.Option(
    "--alarm-days", min=0, max=366, metavar="N",
    help="日历提醒：截止、定额和一次性事项在最后工作日前 N 天 9:00 提醒，时间窗在开始前 N 天；0 为不提醒。")]
BaseUrlOpt = Annotated[Optional[str], typer.Option(
    "--base-url", metavar="URL", show_default=False,
    help="网站的发布地址（http:// 或 https://），用于单位页上的日历订阅地址、webcal:// 链接和二维码。")]
ReportDirOpt = Annotated[
    Path, typer.Option("--output", "-o", help="网站输出目录（先写入旁边的临时目录，完成后整体替换）。",
                       file_okay=True, dir_okay=True, show_default=False)
]


@command(name="report", output="folder")
def report_cmd(
    output: ReportDirOpt,
    force: ForceOpt = False,
    today: TodayOpt = None,
    alarm_days: AlarmDaysOpt = 1,
    base_url: BaseUrlOpt = None,
    data: DataOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """生成静态网站：总览（本月到期事项）、全年日历（集中宣传月、截止日）、任务分工表、每个单位一页（职责和本月清单）。

    纯 HTML 和 CSS，可直接从磁盘打开，也可发布到内网；手机可读，可打印。
    另写可订阅的日历：calendars/all.ics（整个方案）和 calendars/units/<单位>.ics，重新生成时改动的事项 SEQUENCE 加一、删去的标为取消。
    给出 --workspace 时（只认这个选项）：用工作区的市级方案（除非给出 --data），另加每个县区方案一页和县区落实情况一览表。
    示例：nmx report --output 报告 --today 2023-05-10 --base-url https://example.gov.cn/nmx/
    """
    from nmx.handouts.calendars import Options, check_base_url
    from nmx.handouts.publish import check_destination, write_folder
    from nmx.handouts.site import site_files
    from nmx.plan.source import locate
    from nmx.supervision.files import load_records

    from nmx.fileio import is_stdout

    if is_stdout(output):
        raise UsageError(t("cli_folder_not_stdout", option="--output"))
    calendars = Options(alarm_days, check_base_url(base_url) if base_url is not None else None, output, warn)
    counties = None
    if workspace is not None:  # the city plan of the workspace, unless --data names another
        city, counties = _workspace_counties(workspace)
        data = data or city
    source = locate(data)
    check_destination(output, force, keep=[source.path])
    _pin_language()
    plan, records, _ = load_records(data)
    count, files = site_files(plan, today_from(today), records, counties, calendars)
    calendar_notice(_plan_calendar_note(plan), output, always=True)
    if _stderr_is_terminal():
        _write_with_progress(output, files, count, force, source.path)
    else:
        write_folder(output, files, force=force, keep=[source.path])
    _written(output)


def _workspace_counties(workspace: Path) -> tuple[Path, list]:
    """(label, Coverage, county plan) of each county plan of the workspace given with --workspace."""
    from nmx.compare.coverage import workspace_coverage
    from nmx.errors import DataError
    from nmx.fileio import display
    from nmx.plan.workspace import FILE, errors, load

    ws = load(workspace)
    if errors(ws.problems) or ws.city is None or ws.city.plan is None:
        problems = ws.problems + (ws.city.result.problems if ws.city and ws.city.result else [])
        raise DataError(t("ws:invalid", path=display(workspace / FILE)), problems)
    return ws.city.path, [(m.label, cov, m.plan) for m, cov in workspace_coverage(ws)]


def _stderr_is_terminal() -> bool:
    import sys

    return sys.stderr.isatty()


def _write_with_progress(output: Path, files, count: int, force: bool, data: Path) -> None:
    from nmx.handouts.publish import write_folder
    from nmx.i18n import t
    from nmx.render.terminal import Progress

    with Progress(t("rp_progress"), count) as progress:
        write_folder(output, files, force=force, keep=[data], on_file=progress.advance)


def export_xlsx(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="写入的 .xlsx 文件（- 或省略为标准输出，不能是终端）。",
                                                   dir_okay=False, show_default=False)] = None,
    data: DataOpt = None,
) -> None:
    """导出 Excel 工作簿：任务分工表（同附件版式）、各单位职责、全年期限（含最后工作日、节假日）。

    同一份数据每次生成的文件逐字节相同。示例：nmx export xlsx --output 暖民心行动.xlsx
    """
    from nmx.cli.output import show
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate
    from nmx.views.workbook import plan_workbook

    _pin_language()
    plan = load_plan(locate(data))
    calendar_notice(_plan_calendar_note(plan), output, always=True)
    show(plan_workbook(plan, _created(plan)), Format.XLSX, output)
    _written(output)

