"""Helpers shared by the checks and the schedule engine for reading RRULEs."""

from __future__ import annotations

import datetime as dt
import re

from nmx.i18n import t
from nmx.plan.models import PlanMeta


def dtstart(meta: PlanMeta) -> dt.datetime:
    """RRULEs without their own DTSTART start at the first day of the plan's period."""
    return dt.datetime.combine(meta.period.start, dt.time())


def period_bounds(meta: PlanMeta) -> tuple[dt.datetime, dt.datetime]:
    return dtstart(meta), dt.datetime.combine(meta.period.end, dt.time(23, 59, 59))


# dateutil accepts many rules RFC 5545 forbids (BYMONTHDAY=32, INTERVAL=0, BYMONTH=13)
# and then searches up to year 9999 for a date that cannot exist, or loops on
# INTERVAL=0: rules are checked here first. Sub-daily frequencies are refused:
# nmx schedules are dates.
_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_LISTS = {  # part → (largest absolute value, negative values allowed)
    "BYMONTH": (12, False),
    "BYMONTHDAY": (31, True),
    "BYYEARDAY": (366, True),
    "BYWEEKNO": (53, True),
    "BYSETPOS": (366, True),
}
_BYDAY = re.compile(r"^([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_INT = re.compile(r"^[+-]?[0-9]{1,6}$")
_KNOWN = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", *_LISTS}
_DATE_LINES = ("DTSTART", "RDATE", "EXDATE")  # left to dateutil
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def rrule_error(text: str) -> str | None:
    """Why `text` is not an RRULE nmx can compute with, or None. Lines may carry DTSTART etc."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return t("rrule_empty_text")
    for line in lines:
        name, sep, value = line.partition(":")
        head = name.split(";")[0].upper()
        if sep and head in _DATE_LINES:
            continue
        error = _rule_error(value if sep and head in ("RRULE", "EXRULE") else line)
        if error:
            return error
    return None


def _rule_error(body: str) -> str | None:
    parts: dict[str, str] = {}
    for item in filter(None, body.split(";")):
        key, eq, value = item.partition("=")
        key = key.strip().upper()
        if not eq or not key or not value.strip():
            return t("rrule_part", part=item)
        if key in parts:
            return t("rrule_twice", name=key)
        if key not in _KNOWN:
            return t("rrule_key", name=key)
        parts[key] = value.strip().upper()
    if parts.get("FREQ") not in _FREQS:
        return t("rrule_freq", freq=parts.get("FREQ", ""), allowed=", ".join(_FREQS))
    if "COUNT" in parts and "UNTIL" in parts:
        return t("rrule_count_until")
    for key in ("INTERVAL", "COUNT"):
        if key in parts and not (_INT.match(parts[key]) and int(parts[key]) >= 1):
            return t("rrule_value", name=key, value=parts[key], expected=">= 1")
    if parts.get("WKST", "MO") not in _WEEKDAYS:
        return t("rrule_value", name="WKST", value=parts["WKST"], expected="MO…SU")
    values: dict[str, list[int]] = {}
    for key, (top, signed) in _LISTS.items():
        if key not in parts:
            continue
        expected = f"{'±' if signed else ''}1…{top}"
        values[key] = []
        for item in parts[key].split(","):
            if not _INT.match(item) or not 1 <= abs(int(item)) <= top or (int(item) < 0 and not signed):
                return t("rrule_value", name=key, value=item, expected=expected)
            values[key].append(int(item))
    # an ordinal (2MO, -1FR) counts within the month or year: only those frequencies take one
    in_month = parts["FREQ"] == "MONTHLY" or (parts["FREQ"] == "YEARLY" and "BYMONTH" in parts)
    top = 5 if in_month else 53 if parts["FREQ"] == "YEARLY" else 0
    for item in parts.get("BYDAY", "MO").split(","):
        match = _BYDAY.match(item)
        if not match or (match.group(1) and not 1 <= abs(int(match.group(1))) <= top):
            expected = f"[±1…{top}]MO…SU" if top else "MO…SU"
            return t("rrule_value", name="BYDAY", value=item, expected=expected)
    if "BYMONTH" in values and "BYMONTHDAY" in values and not any(
        abs(day) <= _MONTH_DAYS[month - 1] for month in values["BYMONTH"] for day in values["BYMONTHDAY"]
    ):
        return t("rrule_impossible", months=parts["BYMONTH"], days=parts["BYMONTHDAY"])
    return None
