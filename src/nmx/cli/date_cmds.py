"""`nmx deadlines` and `nmx calendar`: what is due, and when."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

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
    require_format,
    say,
    today_from,
)
from nmx.render import Format

UpcomingOpt = Annotated[
    Optional[int], typer.Option("--upcoming", "-u", help="从“今天”起 DAYS 天内（含今天）。", metavar="DAYS", show_default=False)
]


@command(name="deadlines")
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
    require_format(fmt, (Format.TABLE, Format.JSON, Format.CSV, Format.MD, Format.ICS))
    from nmx.bulk import paused_gc

    with paused_gc():  # the 10,000-task plan makes ~200,000 items
        _deadlines(month, start, end, upcoming, today_from(today), dept, task, fmt, output, data)


def _deadlines(month, start, end, upcoming, day, dept, task, fmt: Format, output: Path | None, data) -> None:
    from nmx.views import deadlines as core
    from nmx.schedule import engine
    from nmx.cli.output import show

    plan, unit = _plan_and_unit(data, dept)
    rng = core.resolve_range(plan, month=month, start=start, end=end, upcoming=upcoming, today=day)
    effective, period_note = as_of(plan, day, fmt)
    ended = effective > plan.meta.period.end
    units = {unit.id} if unit else None
    found = engine.items(plan, rng.start, rng.end, units=units, task=task)
    calendar_notice(core.note_for(plan, rng), output, always=fmt is Format.ICS)
    if fmt is Format.ICS:
        _notices(core.range_notes(plan, rng))
        return _emit_ics(plan, found, unit, fmt, output)
    if fmt is Format.JSON:
        _notices(core.range_notes(plan, rng))
        return _stream(core.json_chunks(plan, found, rng, day, period_note=period_note), output)
    if fmt is Format.CSV:
        _notices(core.range_notes(plan, rng))
        view = core.csv_view(plan, found)
    else:
        maybe = _maybe(plan, rng, unit, task, found)
        left_out = len(engine.undated(plan, units=units, task=task))
        notes = core.general_notes(plan, rng, found, left_out, maybe, unit.name if unit else None)
        view = core.table_view(plan, found, rng, day, notes, ended=ended)
    show(view, fmt, output)


def _plan_and_unit(data: Path | None, dept: str | None):
    from nmx.plan.pipeline import load_plan
    from nmx.duties.match import find_unit
    from nmx.plan.source import locate

    plan = load_plan(locate(data))
    return plan, (find_unit(plan, dept) if dept is not None else None)


def _maybe(plan, rng, unit, task, found) -> list:
    """With --dept: items that may also fall to it through a group the plan names without members."""
    from nmx.views import deadlines
    from nmx.schedule import engine

    if unit is None:
        return []
    return deadlines.maybe_items(plan, engine.items(plan, rng.start, rng.end, task=task), found)


def _stream(chunks, output: Path | None) -> None:
    """Write JSON text as it is produced: to stdout, or atomically to --output."""
    from nmx.fileio import STDOUT, write_output

    write_output(output if output is not None else Path(STDOUT), chunks)


def _notices(lines: list[str]) -> None:
    for line in lines:
        say(f"nmx: {line}")


def _calendar_notes(note: str | None) -> list[str]:
    return [note] if note else []


def _emit_ics(plan, found, unit, fmt: Format, output: Path | None) -> None:
    from nmx.cli.output import emit
    from nmx.render.ics import calendar_bytes

    emit(calendar_bytes(plan, found, unit=unit), fmt, output)


YearOrMonth = Annotated[
    Optional[str], typer.Argument(help="年份 YYYY 或月份 YYYY-MM（默认：方案年度）。", metavar="[YYYY|YYYY-MM]", show_default=False)
]


@command(name="calendar")
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
    require_format(fmt, (Format.TABLE, Format.JSON))
    from nmx.bulk import paused_gc

    with paused_gc():
        _calendar(when, dept, today_from(today), fmt, output, data)


def _calendar(when: str | None, dept: str | None, day, fmt: Format, output: Path | None, data) -> None:
    from nmx.schedule import calendar_marks as core
    from nmx.views import deadlines
    from nmx.schedule import engine
    from nmx.cli.output import emit
    from nmx.render import render
    from nmx.render.tabular import to_json
    from nmx.schedule.workdays import range_note

    plan, unit = _plan_and_unit(data, dept)
    _effective, period_note = as_of(plan, day, fmt)
    rng = core.resolve_when(plan, when)
    found = engine.items(plan, rng.start, rng.end, units={unit.id} if unit else None)
    marks = core.month_marks(plan, found, rng)
    cal_note = range_note(rng.start, rng.end)
    calendar_notice(cal_note, output)
    if fmt is Format.JSON:
        _notices(deadlines.range_notes(plan, rng))
        return emit(to_json({**core.payload(marks, rng, unit, cal_note), "period_note": period_note}), fmt, output)
    from nmx.render.calendar import render_calendar

    notes = deadlines.range_notes(plan, rng) + _calendar_notes(cal_note)
    listing = render(deadlines.table_view(plan, found, rng, day, []), Format.TABLE) if core.is_month(rng) else None
    emit(render_calendar(marks, rng, notes, listing, today=day, dept=unit.name if unit else None), fmt, output)

