"""The plan's period in every dated answer: a day outside it is said, and answers are given
as of the period's end (the final account), never as hundreds of days overdue."""

from __future__ import annotations

import datetime as dt

from nmx.i18n import t
from nmx.plan.plan import Plan

_DAY = dt.timedelta(days=1)


def as_of(plan: Plan, today: dt.date) -> tuple[dt.date, str | None]:
    """(the day states are computed for, the note to give once, or None).

    After the period: the day after its end, so that everything due in it is accounted for.
    Before it: `today` (nothing is due yet), with a note.
    """
    period = plan.meta.period
    if today > period.end:
        return period.end + _DAY, t("period_over", today=today, start=period.start, end=period.end)
    if today < period.start:
        return today, t("period_not_started", today=today, start=period.start, end=period.end)
    return today, None


def require_inside(plan: Plan, day: dt.date, what: str, option: str) -> None:
    """A date nmx would take for granted (no --on, no --found-on) must lie in the plan's period."""
    from nmx.errors import UsageError

    period = plan.meta.period
    if not period.start <= day <= period.end:
        raise UsageError(t("period_default_outside", day=day, start=period.start, end=period.end, what=what),
                         hint=t("period_default_hint", what=what, option=option))
