"""A calendar feed of dated items: one event per series that a rule reproduces, else per date.

- Every event is all-day (DTEND exclusive): a window covers its days, a deadline, quota or
  one-off sits on its due day.
- The items of one schedule entry become ONE event with an RRULE when a rule reproduces
  every date exactly (and, for windows, every length); otherwise one event per occurrence.
  UNTIL is the last date, so nothing recurs past the plan's period.
- UIDs hash (task, schedule index, unit scope[, date]) and DTSTAMP is fixed (see `stamp`),
  so the same plan gives the same bytes on every run and a re-import updates events
  instead of duplicating them. `nmx.render.ics` writes it as iCalendar.
- With `alarm_days` N > 0 each event carries a reminder (`Alarm`, see `alarm_for`). SEQUENCE
  and STATUS:CANCELLED are a published calendar's history, not the plan's: the report sets
  them (`nmx.handouts.calendars`); a plain export leaves them out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import field
from itertools import groupby

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.models import Unit
from nmx.plan.plan import Plan
from nmx.schedule.engine import Item

_DAY = dt.timedelta(days=1)
#: The hour (local, floating like the all-day dates) at which a reminder rings.
ALARM_HOUR = 9
_ORDER = ("task order",)  # the shared memo's key for it (the others are (task, index, …) tuples)


@dataclass(frozen=True)
class Alarm:
    trigger: dt.timedelta  # from DTSTART (the all-day start, local midnight): negative, before it
    description: str


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.date
    end: dt.date  # exclusive
    rule: str | None  # an RRULE, when one reproduces the whole series
    summary: str
    description: str
    category: str
    alarm: Alarm | None = None
    sequence: int | None = None  # a published calendar's revision of the event (None: not written)
    cancelled: bool = False  # STATUS:CANCELLED: gone from the plan since the last published build

    def content(self) -> tuple:
        """What a subscriber sees of the event, without its identity (uid) or its history."""
        return (self.start, self.end, self.rule, self.summary, self.description, self.category, self.alarm)

    def but(self, *, uid: str | None = None, sequence: int | None = None) -> Event:
        """This event under another UID or SEQUENCE (dataclasses.replace costs ten times as much,
        and the report makes over a million of these for a 10,000-task plan)."""
        return Event(self.uid if uid is None else uid, self.start, self.end, self.rule, self.summary, self.description,
                     self.category, self.alarm, self.sequence if sequence is None else sequence, self.cancelled)


@dataclass(frozen=True)
class Feed:
    name: str
    timezone: str
    description: str
    note: str | None  # working days counted without the official holidays: said in the file too
    stamp: dt.datetime
    events: list[Event] = field(default_factory=list)
    refresh: dt.timedelta | None = None  # how often a subscriber should fetch it again (RFC 7986)


def feed_view(plan: Plan, items: Sequence[Item], *, unit: Unit | None = None, alarm_days: int = 0,
              shared: dict | None = None) -> Feed:
    """The calendar for `items` (one unit's, or all), each event with a reminder `alarm_days`
    before it when that is > 0.

    `shared`: a dict kept across the feeds of one plan (the report makes one per unit); an
    entry's events are then computed once and only their UIDs are made per unit.
    """
    name = plan.meta.title + (f" · {unit.name}" if unit else "")
    dtstamp = stamp(plan)
    memo = {} if shared is None else shared
    order = memo.get(_ORDER)
    if order is None:  # the plan's task order, once for all the feeds that share `memo`
        order = memo[_ORDER] = {tk.id: n for n, tk in enumerate(plan.tasks)}
    key = lambda i: (order[i.task], i.index)  # noqa: E731
    events = [event for _, group in groupby(sorted(items, key=lambda i: (key(i), i.start, i.due)), key=key)
              for event in _events(plan, list(group), unit, alarm_days, memo)]
    return Feed(name, plan.meta.timezone, f"{plan.meta.doc_number} {plan.meta.title}", items_note(items), dtstamp, events)


def stamp(plan: Plan) -> dt.datetime:
    """DTSTAMP: SOURCE_DATE_EPOCH when set (reproducible builds), else the plan's first day, 00:00 local.

    RFC 5545 wants the time the object was created; a fixed time derived from the
    plan keeps the file byte-stable across runs, which a wall-clock stamp would not.
    Calendar apps match events by UID, not by DTSTAMP.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        from nmx.errors import UsageError
        from nmx.plan.models import EARLIEST, LATEST

        low = dt.datetime.combine(EARLIEST, dt.time(), dt.timezone.utc).timestamp()
        high = dt.datetime.combine(LATEST, dt.time(), dt.timezone.utc).timestamp()
        if not low <= int(epoch) <= high:
            raise UsageError(t("epoch_out_of_range", value=epoch[:30], earliest=EARLIEST, latest=LATEST))
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    from zoneinfo import ZoneInfo

    local = dt.datetime.combine(plan.meta.period.start, dt.time(), ZoneInfo(plan.meta.timezone))
    return local.astimezone(dt.timezone.utc)


def items_note(items: Sequence[Item]) -> str | None:
    """The calendar note (weekends only) for the years `items` fall in, or None."""
    from nmx.schedule.workdays import calendar_note

    return calendar_note({i.due.year for i in items} | {i.start.year for i in items})


def uid(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:24]
    return f"{digest}@nmx"


def _events(plan: Plan, items: list[Item], unit: Unit | None, alarm_days: int, memo: dict) -> list[Event]:
    """One event with an RRULE when a rule fits the whole series, else one per item."""
    scope = unit.id if unit else "*"
    first = items[0]
    key = (first.task, first.index, alarm_days, tuple((i.start, i.due) for i in items))
    made = memo.get(key)
    if made is None:
        made = memo[key] = _contents(plan, items, alarm_days)
    return [event.but(uid=uid(first.task, first.index, scope, *suffix)) for suffix, event in made]


def _contents(plan: Plan, items: list[Item], alarm_days: int) -> list[tuple[tuple, Event]]:
    """The series' events without their UIDs, each with what its UID hashes besides task, index, scope."""
    from nmx.schedule.recurrence import series_rule
    from nmx.views.deadlines import units_cell

    first = items[0]
    lengths = {(i.due - i.start).days for i in items}
    if first.kind == "window":  # every window the same length, and the starts follow one rule
        rule = series_rule([i.start for i in items], _hint(plan, first)) if len(lengths) == 1 else None
    else:  # deadlines, quotas, one-offs sit on their due day
        rule = series_rule([i.due for i in items])
    units = units_cell(plan, first)  # one schedule entry: the same units on every item
    if rule:
        return [((), _event(plan, first, items, rule, alarm_days, units))]
    return [((i.start, i.due), _event(plan, i, [i], None, alarm_days, units)) for i in items]


def _hint(plan: Plan, item: Item) -> str | None:
    sched = plan.task_by_id[item.task].schedules[item.index]
    return getattr(sched, "rrule", None)


def _event(plan: Plan, item: Item, series: list[Item], rule: str | None, alarm_days: int, units: str) -> Event:
    start = item.start if item.kind == "window" else item.due
    summary = _summary(item)
    alarm = alarm_for(item, series, summary, alarm_days, recurring=rule is not None) if alarm_days > 0 else None
    return Event("", start, item.due + _DAY, rule, summary, _description(plan, item, series, units), _kind(item), alarm)


def alarm_for(item: Item, series: Sequence[Item], summary: str, days: int, *, recurring: bool) -> Alarm:
    """A reminder `days` days before the last working day of a deadline, quota or one-off
    (`due_workday`: a due day on a weekend or holiday counts back to the working day before
    it), or `days` days before a window's first day; at ALARM_HOUR local time.

    The trigger is a duration from DTSTART, the event's all-day start (local midnight of the
    due day, or of a window's first day): floating like the dates themselves, so it rings at
    09:00 wherever the phone is, and it repeats with an RRULE, which an absolute DATE-TIME
    would not. A series shares one trigger, so it counts back from the occurrence whose last
    working day lies furthest before its due day: no occurrence is reminded later than
    `days` days before its last working day (some a day or two earlier).
    """
    from nmx.schedule.workdays import due_workday

    if item.kind == "window":
        lead = days
        text = (t("cal:alarm_window_series", summary=summary, n=days) if recurring
                else t("cal:alarm_window", summary=summary, start=item.start, n=days))
    else:
        lead = days + max((i.due - due_workday(i.due)).days for i in series)
        text = (t("cal:alarm_due_series", summary=summary, n=days) if recurring
                else t("cal:alarm_due", summary=summary, day=due_workday(item.due), n=days))
    return Alarm(dt.timedelta(days=-lead, hours=ALARM_HOUR), text)


def _kind(item: Item) -> str:
    return t("kind_quota") if item.kind == "quota" else t(f"kind_{item.kind}")


def _summary(item: Item) -> str:
    if item.kind == "quota":
        return t("ics_summary_quota", task=item.task, what=item.what, n=item.count)
    if item.kind == "deadline":
        return t("ics_summary_deadline", task=item.task, what=item.what)
    return f"{item.task} {item.what}"


def _description(plan: Plan, item: Item, series: list[Item], units: str) -> str:
    """The event's text; `units`: the item's `units_cell`."""
    from nmx.i18n import holiday_label
    from nmx.schedule.workdays import due_workday, holiday_name, mark

    lines = [
        t("ics_task", task=item.task, title=item.title),
        t("ics_when", label=item.label),
        t("ics_units", units=units),
    ]
    if item.deliver_to:
        lines.append(t("ics_deliver", to=item.deliver_to))
    if item.unlisted:
        lines.append(t("ics_unlisted", groups="、".join(item.unlisted)))
    if item.note:
        lines.append(t("ics_note", note=item.note))
    if item.kind != "window":
        for i in series:
            name = holiday_name(i.due)
            if name:
                lines.append(t("ics_holiday", due=i.due, name=holiday_label(name), day=due_workday(i.due)) + mark(i.due))
    note = items_note(series) if item.kind != "window" else None
    if note:
        lines.append(note)
    lines.append(t("ics_source", doc=plan.meta.doc_number, source=item.source))
    return "\n".join(lines)
