"""Parsing the dates and months users type, with clear errors."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from nmx.errors import UsageError
from nmx.i18n import t

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise UsageError(t("bad_date", value=value)) from None


def parse_month(value: str) -> tuple[dt.date, dt.date]:
    """First and last day of the month 'YYYY-MM'."""
    m = _MONTH.match(value.strip()) if isinstance(value, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        raise UsageError(t("bad_month", value=value))
    year, month = int(m.group(1)), int(m.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
