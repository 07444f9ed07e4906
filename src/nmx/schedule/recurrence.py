"""Finding one RRULE that yields exactly a given series of dates.

The iCalendar export writes a recurring item as one event with an RRULE rather than
copies — but only when a rule reproduces every date exactly: each candidate is
expanded with dateutil and compared before it is used. Pure; no iCalendar here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import lru_cache

from nmx.schedule.dates import month_end


def series_rule(dates: Sequence[dt.date], hint: str | None = None) -> str | None:
    """An RRULE (no DTSTART; UNTIL = the last date) that, started on dates[0], yields exactly `dates`.

    `hint` is the plan's own rule, tried first. None when there are fewer than two
    dates or no rule fits: the caller then writes one event per date.
    """
    if len(dates) < 2 or list(dates) != sorted(set(dates)):
        return None
    for rule in _candidates(dates, hint):
        if expand(rule, dates[0]) == list(dates):
            return rule
    return None


def expand(rule: str, start: dt.date) -> list[dt.date]:
    """The dates `rule` yields from `start` (the rule must be bounded by UNTIL or COUNT)."""
    return list(_expanded(rule, start))


@lru_cache(maxsize=4096)
def _expanded(rule: str, start: dt.date) -> tuple[dt.date, ...]:
    # Parsing the rule costs dateutil more than expanding it, and a large plan tries the same
    # few rules from the same few days for thousands of series (10 distinct of 5,757 at 10k tasks).
    from dateutil.rrule import rrulestr

    first = dt.datetime.combine(start, dt.time())
    return tuple(d.date() for d in rrulestr(rule, dtstart=first, ignoretz=True))


def _candidates(dates: Sequence[dt.date], hint: str | None) -> Iterator[str]:
    until = f"UNTIL={dates[-1]:%Y%m%d}"
    if hint:
        own = _bounded(hint, until)
        if own:
            yield own
    gaps = {(b - a).days for a, b in zip(dates, dates[1:])}
    if len(gaps) == 1:
        gap = gaps.pop()
        yield f"FREQ=WEEKLY;INTERVAL={gap // 7};{until}" if gap % 7 == 0 else f"FREQ=DAILY;INTERVAL={gap};{until}"
    months = _bymonth(dates)
    if all(d == month_end(d) for d in dates):
        yield f"FREQ=MONTHLY;{months}BYMONTHDAY=-1;{until}"
    if len({d.day for d in dates}) == 1:
        yield f"FREQ=MONTHLY;{months}BYMONTHDAY={dates[0].day};{until}"
        if len({d.month for d in dates}) == 1:
            yield f"FREQ=YEARLY;BYMONTH={dates[0].month};BYMONTHDAY={dates[0].day};{until}"


def _bymonth(dates: Sequence[dt.date]) -> str:
    """BYMONTH=… unless every month between the first and last date is in the series."""
    months = sorted({d.month for d in dates})
    span = (dates[-1].year - dates[0].year) * 12 + dates[-1].month - dates[0].month + 1
    if span <= 12 and len(months) == span:
        return ""
    return "BYMONTH=" + ",".join(map(str, months)) + ";"


def _bounded(rule: str, until: str) -> str | None:
    """The RRULE part of `rule` with its end replaced by `until`; None if it cannot be read."""
    lines = [ln.strip() for ln in rule.replace("\\n", "\n").splitlines() if ln.strip()]
    body = [ln.split(":", 1)[1] if ln.upper().startswith("RRULE:") else ln for ln in lines
            if not ln.upper().startswith(("DTSTART", "EXDATE", "RDATE", "EXRULE"))]
    if len(body) != 1 or ":" in body[0]:
        return None
    parts = [p for p in body[0].split(";") if p and not p.upper().startswith(("UNTIL=", "COUNT="))]
    return ";".join(parts + [until])
