"""What `nmx remind` says to each unit, and what `nmx remind --send` did: plain data.

A reminder is one unit's due-soon and overdue obligations (`supervision.status.attention`,
the one selection the 提示单 and 督办单 share), each item as `nmx status --format json` shows
it plus what a message needs (the item's name, its deliverer and clause, days overdue).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import Any

from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan


@dataclass
class UnitReminder:
    unit: str                                   # unit id
    department: str                             # the plan's name for it
    full_name: str
    due_soon: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Reminders:
    """Every unit's reminder as of `today` (units with nothing due or overdue are left out)."""

    today: dt.date
    days: int                                   # due within this many working days
    doc_number: str
    title: str
    issuer: str                                 # the issuer's short name (市民生办)
    units: list[UnitReminder]
    period_note: str | None = None
    calendar_note: str | None = None

    def document(self) -> dict[str, Any]:
        from nmx.views import envelope

        return {**envelope("remind/1"), "today": self.today.isoformat(), "days": self.days,
                "plan": {"doc_number": self.doc_number, "title": self.title, "issuer": self.issuer},
                "count": len(self.units),
                "units": [{"department": u.department, "unit": u.unit, "full_name": u.full_name,
                           "due_soon": u.due_soon, "overdue": u.overdue} for u in self.units],
                "period_note": self.period_note, "calendar_note": self.calendar_note}


def reminders(plan: Plan, records, today: dt.date, days: int, units: set[str] | None,
              period_note: str | None = None, calendar_note: str | None = None) -> Reminders:
    """The reminders of `today`: per unit, what is due within `days` working days and what is overdue."""
    from nmx.supervision.status import attention
    from nmx.views.supervision import item_name, status_record

    def record(s, late: bool) -> dict[str, Any]:
        item = s.item
        rec = {**status_record(plan, s), "name": item_name(item), "label": item.label,
               "deliver_to": item.deliver_to, "source": item.source}
        if late:
            rec["days_overdue"] = (today - item.due).days
        return rec

    out = []
    for unit_id, soon, late in attention(plan, records, today, days, units):
        unit = plan.unit_by_id[unit_id]
        out.append(UnitReminder(unit_id, unit.name, unit.full_name, [record(s, False) for s in soon],
                                [record(s, True) for s in late]))
    meta = plan.meta
    return Reminders(today, days, meta.doc_number, meta.title, meta.issuer_short, out, period_note, calendar_note)


# --- what --send did ---------------------------------------------------------------------------
@dataclass
class Outcome:
    """One unit's delivery: how many message bodies it had, how many the robot accepted, and
    why the rest were not (already redacted: no webhook key in it)."""

    unit: str
    department: str
    webhook: str | None                         # redacted; None: the unit has no webhook
    robot: str | None                           # "wecom" | "dingtalk"
    bodies: int
    sent: int = 0
    attempts: int = 0                           # HTTP requests made for this unit
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.webhook is not None and self.sent == self.bodies


@dataclass
class SendReport:
    today: dt.date
    outcomes: list[Outcome]

    @property
    def sent(self) -> int:
        """Bodies the robots accepted."""
        return sum(o.sent for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def document(self) -> dict[str, Any]:
        from nmx.views import envelope

        return {**envelope("remind-send/1"), "today": self.today.isoformat(), "count": len(self.outcomes),
                "delivered": len(self.outcomes) - len(self.failed), "failed": len(self.failed), "sent": self.sent,
                "units": [{"department": o.department, "unit": o.unit, "webhook": o.webhook, "robot": o.robot,
                           "bodies": o.bodies, "sent": o.sent, "attempts": o.attempts, "ok": o.ok,
                           "error": o.error} for o in self.outcomes]}
