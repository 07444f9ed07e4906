"""The rectification ledger (整改台账): entries, closures (销号), states as of a day.

An entry is never edited: closing it appends a closure (id, closed_on, note), so
the history — found on, problem, measure, due, closed on, with what note — is
kept by construction. Ids are L0001, L0002 …: one more than the largest Lnnnn
in the file, chosen under the file lock, so concurrent adds never share one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import field

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.problems import Level, Problem
from nmx.supervision.models import Closure, LedgerEntry, LedgerFile, LedgerSource


@dataclass
class LedgerState:
    """A ledger file as commands need it (and as the cache keeps it): the entries and the problems."""

    ledger: LedgerFile
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

_ID = re.compile(r"^L(\d+)$")

OPEN, OVERDUE, CLOSED = "open", "overdue", "closed"


@dataclass(frozen=True)
class EntryState:
    entry: LedgerEntry
    closure: Closure | None
    state: str            # open | overdue | closed
    days_over: int        # days past due (open: until today; closed: until closed_on), 0 if none


def next_id(ledger: LedgerFile) -> str:
    numbers = [int(m.group(1)) for e in ledger.entries if (m := _ID.match(e.id))]
    return f"L{max(numbers, default=0) + 1:04d}"


def closures_by_id(ledger: LedgerFile) -> dict[str, Closure]:
    out: dict[str, Closure] = {}
    for closure in ledger.closures:
        out.setdefault(closure.id, closure)
    return out


def states(ledger: LedgerFile, today: dt.date) -> list[EntryState]:
    """Each entry found by `today`, as it stood on `today` (closures dated later do not count yet)."""
    closed = closures_by_id(ledger)
    out = []
    for entry in ledger.entries:
        if entry.found_on > today:
            continue
        closure = closed.get(entry.id)
        if closure is not None and closure.closed_on > today:
            closure = None
        if closure is not None:
            out.append(EntryState(entry, closure, CLOSED, max(0, (closure.closed_on - entry.due).days)))
        elif today > entry.due:
            out.append(EntryState(entry, None, OVERDUE, (today - entry.due).days))
        else:
            out.append(EntryState(entry, None, OPEN, 0))
    return out


def entry_fields(entry: LedgerEntry) -> list[tuple[str, object]]:
    return [("id", entry.id), ("dept", entry.dept), ("problem", entry.problem), ("measure", entry.measure),
            ("found_on", entry.found_on), ("due", entry.due), ("source", entry.source), ("note", entry.note)]


def closure_fields(closure: Closure) -> list[tuple[str, object]]:
    return [("id", closure.id), ("closed_on", closure.closed_on), ("note", closure.note)]


def new_entry(ledger: LedgerFile, unit_name: str, problem: str, measure: str, due: dt.date,
              found_on: dt.date, source: LedgerSource, today: dt.date, note: str | None = None) -> LedgerEntry:
    """The next entry, or UsageError for a date after `today` or a deadline before the finding."""
    _text(problem, "--problem")
    _text(measure, "--measure")
    if found_on > today:
        raise UsageError(t("sv_future", what="--found-on", date=found_on, today=today))
    if due < found_on:
        raise UsageError(t("sv_due_before_found", due=due, found=found_on))
    return LedgerEntry(id=next_id(ledger), dept=unit_name, problem=problem.strip(), measure=measure.strip(),
                       due=due, found_on=found_on, source=source, note=note)


def new_closure(ledger: LedgerFile, entry_id: str, closed_on: dt.date, note: str, today: dt.date) -> Closure:
    """The closure of `entry_id`, or UsageError: unknown id, already closed, date out of order."""
    _text(note, "--note")
    entry = next((e for e in ledger.entries if e.id == entry_id), None)
    if entry is None:
        ids = "、".join(e.id for e in ledger.entries[-10:])
        raise UsageError(t("sv_ledger_unknown", id=entry_id), hint=t("sv_ledger_ids", ids=ids) if ids else None)
    done = closures_by_id(ledger).get(entry_id)
    if done is not None:
        raise UsageError(t("sv_ledger_closed", id=entry_id, on=done.closed_on, note=done.note))
    if closed_on > today:
        raise UsageError(t("sv_future", what="--on", date=closed_on, today=today))
    if closed_on < entry.found_on:
        raise UsageError(t("sv_close_before_found", id=entry_id, on=closed_on, found=entry.found_on))
    return Closure(id=entry_id, closed_on=closed_on, note=note.strip())


def _text(value: str, option: str) -> None:
    if not value or not value.strip():
        raise UsageError(t("sv_empty_text", option=option))


def ledger_findings(plan: Plan, ledger: LedgerFile, line: Callable[[tuple], int]) -> Iterable[tuple[tuple, str, str, Level]]:
    """(path, rule, message, level) for each problem the pydantic stage cannot see; `line` locates a path."""
    first: dict[str, int] = {}
    for i, entry in enumerate(ledger.entries):
        if not entry.id.strip():
            yield ("entries", i, "id"), "bad-id", t("bad_id", id=entry.id, why="L0001"), Level.ERROR
        if entry.id in first:
            yield ("entries", i, "id"), "duplicate-id", t("duplicate_id", id=entry.id, line=line(("entries", first[entry.id], "id"))), Level.ERROR
        first.setdefault(entry.id, i)
        ref = plan.resolve(entry.dept)
        if ref is None:
            yield ("entries", i, "dept"), "unknown-unit", t("unknown_unit", name=entry.dept), Level.ERROR
        elif ref.kind == "group":
            group = plan.group_by_id[ref.id].name
            yield ("entries", i, "dept"), "unit-is-group", t("sv_unit_is_group", name=entry.dept, group=group), Level.ERROR
        if entry.due < entry.found_on:
            yield ("entries", i, "due"), "due-before-found", t("sv_due_before_found", due=entry.due,
                                                                 found=entry.found_on), Level.WARNING
    entries = {e.id: e for e in ledger.entries}
    closed: dict[str, int] = {}
    for i, closure in enumerate(ledger.closures):
        entry = entries.get(closure.id)
        if entry is None:
            yield ("closures", i, "id"), "unknown-entry", t("sv_ledger_unknown", id=closure.id), Level.ERROR
            continue
        if closure.id in closed:
            yield ("closures", i, "id"), "closed-twice", t("sv_ledger_twice", id=closure.id,
                                                           line=line(("closures", closed[closure.id]))), Level.ERROR
        closed.setdefault(closure.id, i)
        if closure.closed_on < entry.found_on:
            yield ("closures", i, "closed_on"), "close-before-found", t(
                "sv_close_before_found", id=closure.id, on=closure.closed_on, found=entry.found_on), Level.ERROR


_SOURCE_WORDS = {"visit": LedgerSource.VISIT, "inspection": LedgerSource.INSPECTION, "other": LedgerSource.OTHER}


def parse_source(value: str) -> LedgerSource:
    """走访 / 督查 / 其他 (or visit / inspection / other)."""
    text = value.strip()
    for member in LedgerSource:
        if text == member.value:
            return member
    found = _SOURCE_WORDS.get(text.lower())
    if found is None:
        raise UsageError(t("sv_bad_source", value=value, choices="、".join(m.value for m in LedgerSource)))
    return found
