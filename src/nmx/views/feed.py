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
from collections.abc import Callable, Sequence
from dataclasses import field, replace
from itertools import groupby
from typing import Any

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.models import Unit
from nmx.plan.plan import Plan
from nmx.schedule.engine import Item

_DAY = dt.timedelta(days=1)
#: The hour (local, floating like the all-day dates) at which a reminder rings.
ALARM_HOUR = 9
_ORDER = ("task order",)  # the shared memo's key for it (the others are (task, index, …) tuples)


@dataclass(frozen=True, slots=True)
class Alarm:
    trigger: dt.timedelta  # from DTSTART (the all-day start, local midnight): negative, before it
    description: str


@dataclass(frozen=True, slots=True)  # slots: the report keeps some 100,000 of them
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

    `shared`: a dict kept across the feeds of one plan; an entry's events are then computed
    once and only their UIDs are made per unit (the report uses `Feeds`, which also sorts once).
    """
    memo = {} if shared is None else shared
    scope = unit.id if unit else "*"
    events = [made.event.but(uid=made.uid(scope))
              for part in series(plan, items, memo) for made in shared_events(plan, part, alarm_days, memo)]
    return replace(feed_head(plan, unit, items_note(items)), events=events)


def feed_head(plan: Plan, unit: Unit | None, note: str | None) -> Feed:
    """A feed without its events: its name (the plan's, or the unit's), zone, description, note, stamp."""
    name = plan.meta.title + (f" · {unit.name}" if unit else "")
    return Feed(name, plan.meta.timezone, f"{plan.meta.doc_number} {plan.meta.title}", note, stamp(plan))


def series(plan: Plan, items: Sequence[Item], memo: dict | None = None) -> list[list[Item]]:
    """The items of each schedule entry (a feed's series), in the feed's order: by task as the
    plan lists them, then schedule index; within one, by start and due day."""
    memo = {} if memo is None else memo
    order = memo.get(_ORDER)
    if order is None:  # the plan's task order, once for all the feeds that share `memo`
        order = memo[_ORDER] = {tk.id: n for n, tk in enumerate(plan.tasks)}
    key = lambda i: (order[i.task], i.index)  # noqa: E731
    ordered = sorted(items, key=lambda i: (order[i.task], i.index, i.start, i.due))
    return [list(group) for _, group in groupby(ordered, key=key)]


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
    return _calendar_note(frozenset({i.due.year for i in items} | {i.start.year for i in items}))


def _calendar_note(years: frozenset[int]) -> str | None:
    from nmx.schedule.workdays import calendar_note

    return calendar_note(years)


def uid(*parts: object) -> str:
    return _uid('\x1f'.join(map(str, parts)))


def _uid(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24] + "@nmx"


@dataclass(frozen=True, slots=True, eq=False)
class Shared:
    """An event as every feed that holds it has it, but for its UID: its content (uid "") and
    what its UID hashes besides the feed's scope (a unit's id, or * for the whole plan)."""

    event: Event
    before: str  # task and schedule index, each followed by the separator
    after: str  # "" for a series, else the separator, start and due day

    def uid(self, scope: str) -> str:
        """The event's UID in the feed of `scope`: uid(task, index, scope[, start, due])."""
        return _uid(self.before + scope + self.after)


def scoped_uids(befores: Sequence[bytes], afters: Sequence[bytes], scope: str) -> list[str]:
    """`Shared.uid(scope)` of events from the parts a caller kept of them (`Feeds`' keep), in
    UTF-8: the UIDs of a unit's whole calendar at once (a 10,000-task plan's report makes 1.4 million)."""
    middle, sha256 = scope.encode("utf-8"), hashlib.sha256
    return [sha256(before + middle + after).hexdigest()[:24] + "@nmx" for before, after in zip(befores, afters)]


def shared_events(plan: Plan, items: list[Item], alarm_days: int, memo: dict | None) -> list[Shared]:
    """The events of one series (`series`): one with an RRULE when a rule fits it, else one per
    item; made once per distinct series for all the feeds that share `memo` (None: made anew)."""
    first = items[0]
    key = None if memo is None else (first.task, first.index, alarm_days, tuple((i.start, i.due) for i in items))
    made = None if memo is None else memo.get(key)
    if made is None:
        before = f"{first.task}\x1f{first.index}\x1f"
        made = [Shared(event, before, "".join(f"\x1f{part}" for part in suffix))
                for suffix, event in _contents(plan, items, alarm_days)]
        if memo is not None:
            memo[key] = made
    return made


class Feeds:
    """The feeds of one plan's dated items, the whole plan's and each unit's (the items it has a
    role in, as `engine.items(units={id})` selects them, in `feed_view`'s order): the items
    sorted once, each series indexed by the units that have it, each event made once.

    `keep`: what is kept of each event made and handed out by `events` (default: the Shared
    itself). A caller that writes each event once for all the feeds keeps only what it wrote,
    and the events are let go as they are made.
    """

    def __init__(self, plan: Plan, items: Sequence[Item], alarm_days: int = 0,
                 keep: Callable[[Shared], Any] | None = None) -> None:
        self.plan, self.alarm_days, self.keep = plan, alarm_days, keep
        self._memo: dict = {}
        self._made: dict[int, list] = {}  # id(part) → its events as kept; the parts live as long as self
        self._years: dict[int, frozenset[int]] = {}
        self._distinct_years: dict[frozenset[int], frozenset[int]] = {}
        self.whole = series(plan, items, self._memo)
        self._series = {id(part) for part in self.whole}
        self.parts: dict[str, list[list[Item]]] = {u.id: [] for u in plan.units}
        for part in self.whole:
            self._index(part)

    def _index(self, part: list[Item]) -> None:
        """File a series under each unit that has it: whole when all its items bind the same units."""
        first = part[0]
        units = first.units
        if len(set(units)) == len(units) and all(i.lead == first.lead and i.support == first.support for i in part):
            for unit_id in units:
                bucket = self.parts.get(unit_id)
                if bucket is not None:
                    bucket.append(part)
            return
        mine: dict[str, list[Item]] = {}
        for item in part:  # each unit gets the items that bind it (as often as they name it)
            for unit_id in item.units:
                if unit_id in self.parts:
                    mine.setdefault(unit_id, []).append(item)
        for unit_id, items in mine.items():
            self.parts[unit_id].append(items)

    def bindings(self) -> int:
        """How many (unit, item) pairs the units' feeds hold."""
        return sum(len(part) for parts in self.parts.values() for part in parts)

    def events(self, unit: Unit | None) -> list:
        """The events of the unit's feed (None: the whole plan's), in order, as kept (`keep`)."""
        return [made for part in self._parts(unit) for made in self._events(part)]

    def head(self, unit: Unit | None) -> Feed:
        """The unit's feed (None: the whole plan's) without its events."""
        years: set[int] = set()
        for part in self._parts(unit):
            found = self._years.get(id(part))
            if found is None:
                found = frozenset({i.due.year for i in part} | {i.start.year for i in part})
                found = self._years[id(part)] = self._distinct_years.setdefault(found, found)
            years |= found
        return feed_head(self.plan, unit, _calendar_note(frozenset(years)))

    def _parts(self, unit: Unit | None) -> list[list[Item]]:
        return self.whole if unit is None else self.parts[unit.id]

    def _events(self, part: list[Item]) -> list:
        made = self._made.get(id(part))
        if made is None:  # a whole series is made once here; a unit's share of one may be another's
            found = shared_events(self.plan, part, self.alarm_days, None if id(part) in self._series else self._memo)
            made = self._made[id(part)] = found if self.keep is None else [self.keep(s) for s in found]
        return made


def _contents(plan: Plan, items: list[Item], alarm_days: int) -> list[tuple[tuple, Event]]:
    """The series' events without their UIDs, each with what its UID hashes besides task, index, scope."""
    from nmx.schedule.recurrence import series_rule

    first = items[0]
    lengths = {(i.due - i.start).days for i in items}
    if first.kind == "window":  # every window the same length, and the starts follow one rule
        rule = series_rule([i.start for i in items], _hint(plan, first)) if len(lengths) == 1 else None
    else:  # deadlines, quotas, one-offs sit on their due day
        rule = series_rule([i.due for i in items])
    if rule:
        return [((), _event(plan, first, items, rule, alarm_days))]
    known: dict = {}  # what the items' descriptions share
    summary, kind = _summary(first), _kind(first)  # the same for every item of one entry
    return [((i.start, i.due), _event(plan, i, [i], None, alarm_days, known, summary, kind)) for i in items]


def _hint(plan: Plan, item: Item) -> str | None:
    sched = plan.task_by_id[item.task].schedules[item.index]
    return getattr(sched, "rrule", None)


def _event(plan: Plan, item: Item, series: list[Item], rule: str | None, alarm_days: int,
           known: dict | None = None, summary: str | None = None, kind: str | None = None) -> Event:
    """The event of `series` (one item without a rule); `summary` and `kind`: the item's, when known."""
    start = item.start if item.kind == "window" else item.due
    summary = _summary(item) if summary is None else summary
    alarm = alarm_for(item, series, summary, alarm_days, recurring=rule is not None) if alarm_days > 0 else None
    description = _description(plan, item, series, {} if known is None else known)
    return Event("", start, item.due + _DAY, rule, summary, description, _kind(item) if kind is None else kind, alarm)


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


def _description(plan: Plan, item: Item, series: list[Item], known: dict) -> str:
    """The event's text: what the item is, who, where it goes, its notes, holidays, its source.
    `known` keeps what the items of one series share (all but their holiday lines and notes)."""
    from nmx.i18n import holiday_label
    from nmx.schedule.workdays import due_workday, holiday_name, mark

    # the unit tuples by identity: a series' items share them, and hashing them costs more than all else here
    key = (item.task, item.index, item.title, item.label, id(item.lead), id(item.support), item.deliver_to,
           item.unlisted, item.note, item.source)
    head, source = known.get(key) or known.setdefault(key, _description_parts(plan, item))
    lines = [head]
    if item.kind != "window":
        for i in series:
            name = holiday_name(i.due)
            if name:
                lines.append(t("ics_holiday", due=i.due, name=holiday_label(name), day=due_workday(i.due)) + mark(i.due))
        years = (frozenset((item.due.year, item.start.year)) if len(series) == 1
                 else frozenset({i.due.year for i in series} | {i.start.year for i in series}))
        note = known[years] if years in known else known.setdefault(years, _calendar_note(years))
        if note:
            lines.append(note)
    lines.append(source)
    return "\n".join(lines)


def _description_parts(plan: Plan, item: Item) -> tuple[str, str]:
    """The lines of `_description` before the holidays, and its last (the source)."""
    from nmx.views.deadlines import units_cell

    lines = [
        t("ics_task", task=item.task, title=item.title),
        t("ics_when", label=item.label),
        t("ics_units", units=units_cell(plan, item)),
    ]
    if item.deliver_to:
        lines.append(t("ics_deliver", to=item.deliver_to))
    if item.unlisted:
        lines.append(t("ics_unlisted", groups="、".join(item.unlisted)))
    if item.note:
        lines.append(t("ics_note", note=item.note))
    return "\n".join(lines), t("ics_source", doc=plan.meta.doc_number, source=item.source)
