"""`nmx deadlines` and `nmx calendar`: what is due, and when."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from nmx.cli.app import (
    DataOpt,
    DeptOpt,
    FormatOpt,
    FromOpt,
    MonthOpt,
    OutputOpt,
    TaskOpt,
    TodayOpt,
    ToOpt,
    as_of,
    calendar_notice,
    command,
    say,
    today_from,
)
from nmx.render import Format

UpcomingOpt = Annotated[
    Optional[int], typer.Option("--upcoming", "-u", help="从“今天”起 DAYS 天内（含今天）。", metavar="DAYS", show_default=False)
]


@command(name="deadlines", formats=(Format.TABLE, Format.JSON, Format.CSV, Format.MD, Format.ICS))
def deadlines_cmd(
    month: MonthOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    upcoming: UpcomingOpt = None,
    today: TodayOpt = None,
    dept: DeptOpt = None,
    task: TaskOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
    data: DataOpt = None,
) -> None:
    """列出某月、某段日期或今后若干天内到期的事项（时间窗、截止、定额、一次性），标出节假日。

    不给范围时列出整个方案期间。示例：nmx deadlines --month 2023-05 --dept 市交通运输局
    """
    from nmx.bulk import paused_gc

    with paused_gc():  # the 10,000-task plan makes ~200,000 items
        _deadlines(month, start, end, upcoming, today_from(today), dept, task, fmt, output, data)


def _deadlines(month, start, end, upcoming, day, dept, task, fmt: Format, output: Path | None, data) -> None:
    from nmx.cli.output import show
    from nmx.schedule import engine
    from nmx.schedule.ranges import range_notes, resolve_range
    from nmx.views import deadlines as views

    plan, unit = _plan_and_unit(data, dept)
    rng = resolve_range(plan, month=month, start=start, end=end, upcoming=upcoming, today=day)
    effective, period_note = as_of(plan, day, fmt)
    found = engine.items(plan, rng.start, rng.end, units={unit.id} if unit else None, task=task)
    calendar_notice(views.note_for(plan, rng), output, always=fmt is Format.ICS)
    if fmt in (Format.ICS, Format.JSON, Format.CSV):  # no notes in the file: they go to stderr
        _notices(range_notes(plan, rng))
    if fmt is Format.ICS:
        from nmx.views.feed import feed_view

        subject = feed_view(plan, found, unit=unit)
    elif fmt is Format.JSON:
        subject = views.json_view(plan, found, rng, day, period_note)
    elif fmt is Format.CSV:
        subject = views.csv_view(plan, found)
    else:
        subject = views.listing_view(plan, rng, found, day, unit, task, ended=effective > plan.meta.period.end)
    show(subject, fmt, output)


def _plan_and_unit(data: Path | None, dept: str | None):
    from nmx.duties.match import find_unit
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    plan = load_plan(locate(data))
    return plan, (find_unit(plan, dept) if dept is not None else None)


def _notices(lines: list[str]) -> None:
    for line in lines:
        say(f"nmx: {line}")


YearOrMonth = Annotated[
    Optional[str], typer.Argument(help="年份 YYYY 或月份 YYYY-MM（默认：方案年度）。", metavar="[YYYY|YYYY-MM]", show_default=False)
]


@command(name="calendar", formats=(Format.TABLE, Format.JSON))
def calendar_cmd(
    when: YearOrMonth = None,
    dept: DeptOpt = None,
    today: TodayOpt = None,
    fmt: FormatOpt = Format.TABLE,
    output: OutputOpt = None,
    data: DataOpt = None,
) -> None:
    """按月显示日历：时间窗（如集中宣传月）、截止日、节假日和调休上班日；单月时在下方列出事项。

    示例：nmx calendar 2023-05 --dept 金安区
    """
    from nmx.bulk import paused_gc

    with paused_gc():
        _calendar(when, dept, today_from(today), fmt, output, data)


def _calendar(when: str | None, dept: str | None, day, fmt: Format, output: Path | None, data) -> None:
    from nmx.cli.output import show
    from nmx.schedule.ranges import range_notes, resolve_when
    from nmx.views.calendar import calendar_view

    plan, unit = _plan_and_unit(data, dept)
    _effective, period_note = as_of(plan, day, fmt)
    rng = resolve_when(plan, when)
    cal = calendar_view(plan, rng, unit, day, period_note)
    calendar_notice(cal.calendar_note, output)
    if fmt is Format.JSON:
        _notices(range_notes(plan, rng))
    show(cal, fmt, output)


@command(name="holidays")
def holidays_cmd(
    year: Annotated[int, typer.Argument(help="年份，如 2027。", metavar="YEAR", min=1900, max=2999, show_default=False)],
    from_text: Annotated[Path, typer.Option("--from-text", help="国务院办公厅节假日安排通知的原文（文本文件）。",
                                            metavar="NOTICE", dir_okay=False, show_default=False)],
    status: Annotated[Literal["provisional", "official"],
                      typer.Option("--status", help="写入的 status：provisional（待定）或 official（正式）。")] = "provisional",
    output: OutputOpt = None,
) -> None:
    """按节假日安排通知的原文起草 holidays.yaml（放假日、调休上班日、通知标题和文号），供核对后放进方案目录。

    示例：nmx holidays 2027 --from-text 通知.txt -o data/holidays.yaml
    """
    from nmx.cli.output import emit
    from nmx.errors import DataError
    from nmx.fileio import display, is_stdout, read_input
    from nmx.i18n import t
    from nmx.schedule.notice import parse_notice, to_yaml

    raw = read_input(from_text)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")  # notices saved from a Windows editor
    draft = parse_notice(text, year)
    if draft.notice_year is not None and draft.notice_year != year:
        from nmx.errors import UsageError

        raise UsageError(t("hol_other_year", path=display(from_text), notice=draft.notice_year, year=year))
    if not draft.holidays:
        raise DataError(t("hol_no_sentences", path=display(from_text), year=year), [])
    for sentence in draft.unread:
        say(f"nmx: {t('hol_unread_sentence', text=sentence)}")
    emit(to_yaml(draft, status, from_text.name), Format.TEXT, output)
    if output is not None and not is_stdout(output):
        say(t("hol_written", path=display(output), n=len(draft.holidays)))
