"""`nmx calendar`: what each day of a month or year carries — windows, due days, holidays, make-up workdays."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from nmx.views.deadlines import Range
from nmx.errors import UsageError
from nmx.i18n import t
from nmx.plan.models import Unit
from nmx.plan.plan import Plan
from nmx.schedule.engine import Item

_YEAR = re.compile(r"^\d{4}$")
#: windows up to this long are marked day by day (a focus month); longer ones (a quarter) are not
SHORT_WINDOW_DAYS = 31


@dataclass
class Day:
    date: dt.date
    workday: bool
    holiday: str | None          # holiday_name(): official name, 周末, or None on a working day
    makeup: bool                 # weekend day made a working day (调休上班)
    windows: list[str] = field(default_factory=list)   # task ids whose short window covers the day
    due: list[str] = field(default_factory=list)       # task ids with a deadline, quota or once due that day


def resolve_when(plan: Plan, when: str | None) -> Range:
    """YYYY → that year; YYYY-MM → that month; nothing → the plan's year."""
    from nmx.schedule.dates import parse_month

    if when is None:
        return Range(dt.date(plan.meta.year, 1, 1), dt.date(plan.meta.year, 12, 31))
    text = when.strip()
    if _YEAR.match(text):
        from nmx.schedule.dates import in_range

        year = int(text)
        if year < 1:
            raise UsageError(t("bad_year_or_month", value=when))
        return Range(in_range(dt.date(year, 1, 1), when), dt.date(year, 12, 31))
    if "-" not in text:
        raise UsageError(t("bad_year_or_month", value=when))
    return Range(*parse_month(text))


def is_month(rng: Range) -> bool:
    from nmx.schedule.dates import month_end

    return rng.start.day == 1 and (rng.start.year, rng.start.month) == (rng.end.year, rng.end.month) \
        and rng.end == month_end(rng.start)


def month_marks(plan: Plan, items: list[Item], rng: Range) -> list[Day]:
    """One Day per date of the range, in order."""
    from nmx.schedule import workdays

    days: dict[dt.date, Day] = {}
    day = rng.start
    while day <= rng.end:
        days[day] = Day(day, workdays.is_workday(day), workdays.holiday_name(day), workdays.is_makeup_workday(day))
        day += dt.timedelta(days=1)
    windows: dict[dt.date, dict[str, None]] = {d: {} for d in days}   # ordered sets of task ids
    dues: dict[dt.date, dict[str, None]] = {d: {} for d in days}
    for item in items:
        if item.kind == "window":
            if (item.due - item.start).days < SHORT_WINDOW_DAYS:
                d = max(item.start, rng.start)
                while d <= min(item.due, rng.end):
                    windows[d][item.task] = None
                    d += dt.timedelta(days=1)
        elif item.due in dues:
            dues[item.due][item.task] = None
    for d, day in days.items():
        day.windows, day.due = list(windows[d]), list(dues[d])
    return list(days.values())


def payload(days: list[Day], rng: Range, unit: Unit | None, calendar_note: str | None) -> dict[str, Any]:
    return {
        "from": rng.start.isoformat(),
        "to": rng.end.isoformat(),
        "dept": unit.name if unit else None,
        "calendar_note": calendar_note,
        "days": [{
            "date": d.date.isoformat(),
            "weekday": d.date.isoweekday(),
            "workday": d.workday,
            "holiday": d.holiday,
            "makeup_workday": d.makeup,
            "windows": d.windows,
            "due": d.due,
        } for d in days],
    }
