"""Parsing the dates and months users type, with clear errors."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.plan.models import EARLIEST, LATEST  # noqa: F401  (the bounds user dates are checked against)

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")

#: The most days `--upcoming` may ask for (a century).
MAX_DAYS = 36_600


def parse_date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise UsageError(t("bad_date", value=value)) from None
    return in_range(day, value)


def in_range(day: dt.date, value: object = None) -> dt.date:
    """`day`, or a usage error when it lies outside the dates nmx computes with."""
    if not EARLIEST <= day <= LATEST:
        raise UsageError(t("date_out_of_range", value=value if value is not None else day,
                           earliest=EARLIEST, latest=LATEST))
    return day


def parse_days(days: int, option: str = "--upcoming") -> int:
    """A number of days a user asked for: 0 … MAX_DAYS."""
    if not 0 <= days <= MAX_DAYS:
        raise UsageError(t("days_out_of_range", option=option, days=days, max=MAX_DAYS))
    return days


def parse_month(value: str) -> tuple[dt.date, dt.date]:
    """First and last day of the month 'YYYY-MM'."""
    m = _MONTH.match(value.strip()) if isinstance(value, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        raise UsageError(t("bad_month", value=value))
    year, month = int(m.group(1)), int(m.group(2))
    first = in_range(dt.date(year, month, 1), value)
    return first, dt.date(year, month, calendar.monthrange(year, month)[1])


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
