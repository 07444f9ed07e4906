"""Working days from the official calendar: holidays and make-up workdays (调休).

The data comes from the `chinesecalendar` package (imported lazily, about 10 ms),
which holds the State Council's yearly notices. For a year it has no data for,
only weekends are days off, and `calendar_note` says so — callers must show it.

Names: `holiday_name` gives the official holiday's Chinese name (国庆节, 春节 …)
for a day off that belongs to a holiday, 周末 for an ordinary weekend, and None for
a working day (a make-up Saturday is a working day, so it gives None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

from nmx.i18n import t

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
def has_data(year: int) -> bool:
    """Whether chinesecalendar knows `year`'s holidays and make-up workdays."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=4096)
def is_workday(day: dt.date) -> bool:
    """Official working day: a make-up Saturday is one, a weekday holiday is not."""
    if not has_data(day.year):
        return day.weekday() < 5
    import chinese_calendar

    return chinese_calendar.is_workday(day)


def is_makeup_workday(day: dt.date) -> bool:
    """A weekend day made a working day (调休上班)."""
    return day.weekday() >= 5 and is_workday(day)


@lru_cache(maxsize=4096)
def holiday_name(day: dt.date) -> str | None:
    """The holiday's name when `day` is not a working day (周末 for a plain weekend), else None."""
    if is_workday(day):
        return None
    if has_data(day.year):
        import chinese_calendar

        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday and name:
            member = chinese_calendar.Holiday(name)
            return _NAMES.get(member.name, member.chinese)
    return WEEKEND


@lru_cache(maxsize=4096)
def due_workday(day: dt.date) -> dt.date:
    """The last working day on or before `day`."""
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def calendar_note(years: int | Iterable[int]) -> str | None:
    """None when every year has official data; else a message that weekends alone are used."""
    wanted = [years] if isinstance(years, int) else sorted(set(years))
    missing = [y for y in wanted if not has_data(y)]
    if not missing:
        return None
    return t("calendar_fallback", years="、".join(map(str, missing)))


def years_between(start: dt.date, end: dt.date) -> range:
    return range(start.year, end.year + 1)


def range_note(start: dt.date, end: dt.date) -> str | None:
    """`calendar_note` for every year from `start` to `end`."""
    return calendar_note(years_between(start, end))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    n, day = 0, start + dt.timedelta(days=1)
    while day <= end:
        n += is_workday(day)
        day += dt.timedelta(days=1)
    return n
