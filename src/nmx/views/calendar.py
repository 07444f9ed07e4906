"""`nmx calendar`: what each day of a month or year carries — windows, due days, holidays, make-up workdays."""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import Any

from nmx.lazyclass import dataclass
from nmx.plan.models import Unit
from nmx.plan.plan import Plan
from nmx.schedule.engine import Item
from nmx.schedule.ranges import Range
from nmx.schedule.workdays import WEEKEND
from nmx.views import View

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

    @property
    def official_holiday(self) -> bool:
        return bool(self.holiday) and self.holiday != WEEKEND


@dataclass
class MonthCalendar:
    """What `nmx calendar` shows: the days, the range, notes, and for one month the items under it."""

    days: list[Day]
    rng: Range
    notes: list[str]
    listing: View | None
    today: dt.date
    dept: str | None
    payload: dict[str, Any]  # the JSON document
    calendar_note: str | None  # working days counted without the official holidays (weekends only)


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


def calendar_view(plan: Plan, rng: Range, unit: Unit | None, today: dt.date, period_note: str | None) -> MonthCalendar:
    """The month grids of `rng` for one unit (or all), and for a single month its items listed under them."""
    from nmx.schedule import engine
    from nmx.schedule.ranges import is_month, range_notes
    from nmx.schedule.workdays import range_note
    from nmx.views.deadlines import table_view

    found = engine.items(plan, rng.start, rng.end, units={unit.id} if unit else None)
    days = month_marks(plan, found, rng)
    cal_note = range_note(rng.start, rng.end)
    listing = table_view(plan, found, rng, today, []) if is_month(rng) else None
    return MonthCalendar(days, rng, range_notes(plan, rng) + ([cal_note] if cal_note else []), listing, today,
                         unit.name if unit else None,
                         {**payload(days, rng, unit, cal_note), "period_note": period_note}, cal_note)
