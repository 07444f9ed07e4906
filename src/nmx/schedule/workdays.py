"""Working days from the official calendar: holidays and make-up workdays (调休).

The data comes from the `chinesecalendar` package (imported lazily, about 10 ms),
which holds the State Council's yearly notices. For a year it has no data for,
only weekends are days off, and `calendar_note` says so — callers must show it.

Names: `holiday_name` gives the official holiday's Chinese name (国庆节, 春节 …)
for a day off that belongs to a holiday, 周末 for an ordinary weekend, and None for
a working day (a make-up Saturday is a working day, so it gives None).

The plan's own `holidays.yaml` (`nmx.schedule.holidays`) comes first: for the year it
gives, its days off and make-up workdays are the answer, whatever the package says. A
year it gives as `provisional` has every answer marked 待定 (`provisional`, `mark`,
and `calendar_note` says so). The memoised answers are keyed by the holidays calendar's
generation, so loading another plan folder never reuses the last one's answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

from nmx.i18n import t
from nmx.schedule import holidays as _plan

WEEKEND = "周末"

# chinesecalendar's Holiday member → the name the State Council notices use
_NAMES = {
    "new_years_day": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节",
    "dragon_boat_festival": "端午节",
    "national_day": "国庆节",
    "mid_autumn_festival": "中秋节",
}


@lru_cache(maxsize=64)
def package_has_data(year: int) -> bool:
    """Whether chinesecalendar knows `year`'s holidays and make-up workdays."""
    from nmx.schedule.holidays_file import package_knows

    return package_knows(year)


def has_data(year: int) -> bool:
    """Whether `year`'s holidays are known: from the plan's holidays.yaml or the package."""
    return _plan.year_calendar(year) is not None or package_has_data(year)


def provisional(day: dt.date) -> bool:
    """Whether `day`'s answers come from a holidays.yaml marked `status: provisional`."""
    cal = _plan.year_calendar(day.year)
    return cal is not None and cal.provisional


def mark(day: dt.date) -> str:
    """The 待定 mark to put after a working day computed for `day` ('' when the calendar is settled)."""
    return t("hol_provisional_mark") if provisional(day) else ""


def is_workday(day: dt.date) -> bool:
    """Official working day: a make-up Saturday is one, a weekday holiday is not."""
    return _is_workday(day, _plan.generation())


@lru_cache(maxsize=4096)
def _is_workday(day: dt.date, generation: int) -> bool:
    cal = _plan.year_calendar(day.year)
    if cal is not None:
        return cal.is_workday(day)
    if not package_has_data(day.year):
        return day.weekday() < 5
    import chinese_calendar

    return chinese_calendar.is_workday(day)


def is_makeup_workday(day: dt.date) -> bool:
    """A weekend day made a working day (调休上班)."""
    return day.weekday() >= 5 and is_workday(day)


def holiday_name(day: dt.date) -> str | None:
    """The holiday's name when `day` is not a working day (周末 for a plain weekend), else None."""
    return _holiday_name(day, _plan.generation())


@lru_cache(maxsize=4096)
def _holiday_name(day: dt.date, generation: int) -> str | None:
    if is_workday(day):
        return None
    cal = _plan.year_calendar(day.year)
    if cal is not None:
        return cal.off.get(day, WEEKEND)
    if package_has_data(day.year):
        import chinese_calendar

        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday and name:
            member = chinese_calendar.Holiday(name)
            return _NAMES.get(member.name, member.chinese)
    return WEEKEND


def due_workday(day: dt.date) -> dt.date:
    """The last working day on or before `day`."""
    return _due_workday(day, _plan.generation())


@lru_cache(maxsize=4096)
def _due_workday(day: dt.date, generation: int) -> dt.date:
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def calendar_note(years: int | Iterable[int]) -> str | None:
    """None when every year has settled official data; else a message that weekends alone are
    used, and/or that the plan's holidays.yaml is provisional (待定) for some years."""
    wanted = [years] if isinstance(years, int) else sorted(set(years))
    missing = [y for y in wanted if not has_data(y)]
    pending = [y for y in wanted if (c := _plan.year_calendar(y)) is not None and c.provisional]
    notes = []
    if missing:
        notes.append(t("calendar_fallback", years="、".join(map(str, missing))))
    if pending:
        sources = "；".join(dict.fromkeys(_plan.year_calendar(y).source for y in pending))  # type: ignore[union-attr]
        notes.append(t("calendar_provisional", years="、".join(map(str, pending)), source=sources))
    return "；".join(notes) or None


def plan_years() -> dict[int, str]:
    """The years the plan's holidays.yaml gives, with their status (provisional | official)."""
    return {year: cal.status for year, cal in sorted(_plan.years().items())}


def package_years() -> list[int]:
    """The years the installed chinesecalendar knows."""
    from chinese_calendar import constants

    return sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})


def years_between(start: dt.date, end: dt.date) -> range:
    return range(start.year, end.year + 1)


def range_note(start: dt.date, end: dt.date) -> str | None:
    """`calendar_note` for every year from `start` to `end`."""
    return calendar_note(years_between(start, end))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    return _working_days_between(start, end, _plan.generation())


@lru_cache(maxsize=1 << 12)
def _working_days_between(start: dt.date, end: dt.date, generation: int) -> int:
    """Counted once per span and holiday calendar: a status page asks it for every (obligation,
    unit) pair of a month, some 100,000 questions about a few dozen spans in a large plan."""
    n, day = 0, start + dt.timedelta(days=1)
    while day <= end:
        n += _is_workday(day, generation)
        day += dt.timedelta(days=1)
    return n


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The day `n` working days after `start` (`start` itself for n <= 0): the last day
    `working_days_between(start, day) <= n` still holds for, before the next working day."""
    day, seen = start, 0
    while True:
        after = day + dt.timedelta(days=1)
        if is_workday(after):
            if seen == n:
                return day
            seen += 1
        day = after
