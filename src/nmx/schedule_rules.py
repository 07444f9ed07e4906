"""Helpers shared by the checks and the schedule engine for reading RRULEs."""

from __future__ import annotations

import datetime as dt

from nmx.models import PlanMeta


def dtstart(meta: PlanMeta) -> dt.datetime:
    """RRULEs without their own DTSTART start at the first day of the plan's period."""
    return dt.datetime.combine(meta.period.start, dt.time())


def period_bounds(meta: PlanMeta) -> tuple[dt.datetime, dt.datetime]:
    return dtstart(meta), dt.datetime.combine(meta.period.end, dt.time(23, 59, 59))
