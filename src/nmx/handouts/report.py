"""What the report site shows, as plain records: the year's calendar, focus months, file names.

The HTML is made by `nmx.handouts.site`; this module only decides the content.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import field

from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan

#: Schedule id the plan data gives the 集中宣传月 window (四（二）: 每季度第二个月).
FOCUS_ID = "focus"


@dataclass(frozen=True, slots=True)
class Day:
    date: dt.date
    workday: bool
    holiday: str | None      # holiday name (周末 for a plain weekend) when not a working day
    makeup: bool             # a weekend day made a working day (调休上班)
    due: int                 # dated items due that day


@dataclass
class Month:
    ym: str                  # "YYYY-MM"
    first: dt.date
    focus: bool              # a 集中宣传月
    days: list[Day] = field(default_factory=list)
    items: list = field(default_factory=list)  # schedule.Item due in this month, by due day


def months_of(plan: Plan) -> list[str]:
    """Every "YYYY-MM" the plan's period touches."""
    start, end = plan.meta.period.start, plan.meta.period.end
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def focus_months(items: list) -> set[str]:
    """Months covered by a 集中宣传月 window (schedule id `focus`)."""
    out: set[str] = set()
    for item in items:
        if item.kind == "window" and item.schedule_id == FOCUS_ID:
            day = item.start
            while day <= item.due:
                out.add(f"{day.year:04d}-{day.month:02d}")
                day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return out


def year_calendar(plan: Plan, items: list) -> list[Month]:
    """One Month per month of the plan's period with its days, focus flag and items due."""
    from nmx.schedule import workdays

    focus = focus_months(items)
    due_count: dict[dt.date, int] = {}
    by_month: dict[str, list] = {}
    for item in items:
        due_count[item.due] = due_count.get(item.due, 0) + 1
        by_month.setdefault(f"{item.due.year:04d}-{item.due.month:02d}", []).append(item)
    months = []
    for ym in months_of(plan):
        first = dt.date(int(ym[:4]), int(ym[5:]), 1)
        days = []
        for n in range(1, _calendar.monthrange(first.year, first.month)[1] + 1):
            day = first.replace(day=n)
            work = workdays.is_workday(day)
            days.append(Day(day, work, None if work else workdays.holiday_name(day),
                            work and day.weekday() >= 5, due_count.get(day, 0)))
        months.append(Month(ym, first, ym in focus, days, by_month.get(ym, [])))
    return months


def report_month(plan: Plan, today: dt.date) -> str | None:
    """The month "today" falls in, or None when it lies outside the plan's period."""
    period = plan.meta.period
    if not period.start <= today <= period.end:
        return None
    return f"{today.year:04d}-{today.month:02d}"


_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,60}$")


def unit_files(plan: Plan) -> dict[str, str]:
    """unit id → its page's file stem: the id when it is a plain ASCII name, else u<position>."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for pos, unit in enumerate(plan.units, start=1):
        stem = unit.id if _SAFE_ID.match(unit.id) and unit.id.lower() not in used else f"u{pos}"
        used.add(stem.lower())
        out[unit.id] = stem
    return out
