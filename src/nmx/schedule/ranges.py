"""The dates a command is asked about: --month, --from/--to, --upcoming, a year or a month."""

from __future__ import annotations

import datetime as dt
import re

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan

_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True, slots=True)
class Range:
    start: dt.date
    end: dt.date


def resolve_range(
    plan: Plan, *, month: str | None, start: str | None, end: str | None, upcoming: int | None, today: dt.date,
) -> Range:
    """The dates asked for: --month, or --from/--to, or --upcoming DAYS from today; default the plan's period."""
    from nmx.schedule.dates import parse_date, parse_month

    if month is not None and (start is not None or end is not None):
        raise UsageError(t("range_month_and_from"))
    if upcoming is not None and (month is not None or start is not None or end is not None):
        raise UsageError(t("range_upcoming_and_other"))
    if month is not None:
        return Range(*parse_month(month))
    if upcoming is not None:
        from nmx.schedule.dates import in_range, parse_days

        if upcoming < 0:
            raise UsageError(t("range_upcoming_negative", days=upcoming))
        end = today + dt.timedelta(days=parse_days(upcoming))
        return Range(in_range(today), in_range(end, f"{today} + {upcoming}"))
    lo = parse_date(start) if start is not None else plan.meta.period.start
    hi = parse_date(end) if end is not None else plan.meta.period.end
    if lo > hi:
        raise UsageError(t("range_reversed", start=lo, end=hi))
    return Range(lo, hi)


def outside(plan: Plan, rng: Range) -> bool:
    return rng.end < plan.meta.period.start or rng.start > plan.meta.period.end


def range_notes(plan: Plan, rng: Range) -> list[str]:
    """What to tell the user about a range that reaches outside the plan's period."""
    period = plan.meta.period
    if outside(plan, rng):
        return [t("range_outside", start=rng.start, end=rng.end, pstart=period.start, pend=period.end)]
    if rng.start < period.start or rng.end > period.end:
        return [t("range_partly_outside", pstart=period.start, pend=period.end)]
    return []


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


def status_range(plan: Plan, month: str | None, start: str | None, end: str | None, day: dt.date) -> Range:
    """What `nmx status` looks at: the range asked for, else the month of `day` (the whole
    period once it has ended: the final account)."""
    if month is None and start is None and end is None:
        from nmx.schedule.dates import month_end

        if day > plan.meta.period.end:  # the final account: the whole period
            return Range(plan.meta.period.start, plan.meta.period.end)
        return Range(day.replace(day=1), month_end(day))
    return resolve_range(plan, month=month, start=start, end=end, upcoming=None, today=day)
