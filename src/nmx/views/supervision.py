"""Views of supervision results: status list, units × obligations matrix, overdue list,
ledger list, and what `nmx done` / `nmx ledger add|close` recorded."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.views import Column, View, json_scalar as _dumps

if TYPE_CHECKING:  # imported for annotations only: `nmx status` should not pay for the ledger
    from nmx.supervision.ledger import EntryState
    from nmx.supervision.status import Status


def state_label(state: str) -> str:
    return t(f"sv_state_{state}")


def ratio(s: Status) -> str:
    return f"{s.done}/{s.required}"


def item_name(item) -> str:
    """M2/report: the task and its schedule entry (id, else its position)."""
    return f"{item.task}/{item.schedule_id or item.index + 1}"


def status_record(plan: Plan, s: Status, workday: bool = True) -> dict[str, Any]:
    """One (obligation, unit) in the JSON shape of `nmx status --format json`.

    `workday=False` leaves out due_workday (the terminal table does not show it, and
    the official calendar is then not loaded).
    """
    item = s.item
    return {
        "task": item.task,
        "item": item.schedule_id,
        "kind": item.kind,
        "title": item.title,
        "what": item.what,
        "department": plan.unit_by_id[s.unit].name,
        "unit": s.unit,
        "period": item.period,
        "start": item.start.isoformat(),
        "due": item.due.isoformat(),
        "due_workday": _workday(item.due) if workday else None,
        "required": s.required,
        "done": s.done,
        "state": s.state,
        "light": s.light,
        "late_days": {"calendar": s.late_days[0], "working": s.late_days[1]} if s.late_days else None,
        "dates": [d.isoformat() for d in s.dates],
        "clauses": list(item.clauses or (item.task,)),
        "basis": item.basis,
    }


def _workday(day: dt.date) -> str:
    from nmx.schedule.workdays import due_workday

    return due_workday(day).isoformat()


def status_view(plan: Plan, found: list[Status], start: dt.date, end: dt.date, today: dt.date,
                notes: list[str], wide: bool, full: bool = True) -> View:
    """One row per obligation and unit, one line each (a legend under the table says what
    each item is); `wide` (CSV, xlsx) has the JSON keys' columns; `full` computes the JSON
    (without it, the rows hold only the table's cells)."""
    if full or wide:
        records = [status_record(plan, s, workday=full) for s in found]
        rows = [{**rec, "ratio": ratio(s), "state_label": state_label(s.state), "item": item_name(s.item),
                 "light_label": t(f"sv_light_{s.light}"),
                 "state_cell": _cell(s, state_label(s.state)), "due": s.item.due,
                 "due_workday": dt.date.fromisoformat(rec["due_workday"]) if full else None,
                 "dates": "、".join(rec["dates"])} for s, rec in zip(found, records)]
    else:
        rows = _table_rows(plan, found)
    columns = [Column("due", t("sv_col_due"), no_wrap=True), Column("department", t("sv_col_dept"), max_width=20, items=True),
               Column("item", t("sv_col_item"), no_wrap=True), Column("period", t("sv_col_period"), no_wrap=True),
               Column("state_cell", t("sv_col_state"), no_wrap=True), Column("light_label", t("sv_col_light"),
                                                                            no_wrap=True)]
    if not wide:
        notes = legend(s.item for s in found) + notes
    if wide:
        columns = [Column("due", t("sv_col_due")), Column("due_workday", t("sv_col_workday")),
                   Column("department", t("sv_col_dept")), Column("item", t("sv_col_item")),
                   Column("what", t("sv_col_what")), Column("period", t("sv_col_period")),
                   Column("ratio", t("sv_col_done")), Column("state_label", t("sv_col_state")),
                   Column("task", "task"), Column("title", t("sv_col_title")), Column("required", "required"),
                   Column("done", "done"), Column("state", "state"), Column("light", "light"),
                   Column("dates", t("sv_col_dates")), Column("calendar_note", "calendar_note")]
        note = _range_note(start, end) or ""
        for row in rows:
            row["calendar_note"] = note
    from nmx.supervision.status import counts as state_counts

    counts = state_counts(found)
    title = t("sv_status_title", start=start, end=end, today=today, **counts)
    payload = {"from": start.isoformat(), "to": end.isoformat(), "today": today.isoformat(),
               "calendar_note": _range_note(start, end), "counts": counts, "items": records} if full else None
    return View(columns, rows, payload=payload, title=title, notes=notes, kind="status/1")



def _table_rows(plan: Plan, found: list[Status]) -> list[dict[str, Any]]:
    """The cells of `status_view`'s table (its columns' keys), what an item or a state shares made once."""
    names = {uid: unit.name for uid, unit in plan.unit_by_id.items()}
    items: dict[int, tuple] = {}  # id(item) → (due, item name, period): `found` keeps the items alive
    cells: dict[tuple, tuple[str, str]] = {}
    rows = []
    for s in found:
        item = s.item
        of_item = items.get(id(item))
        if of_item is None:
            of_item = items[id(item)] = (item.due, item_name(item), item.period)
        key = (s.state, s.late_days, s.done, s.required)
        state = cells.get(key)
        if state is None:
            state = cells[key] = (_cell(s, state_label(s.state)), t(f"sv_light_{s.light}"))
        rows.append({"due": of_item[0], "department": names[s.unit], "item": of_item[1], "period": of_item[2],
                     "state_cell": state[0], "light_label": state[1]})
    return rows


def legend(items) -> list[str]:
    """One line per schedule entry shown: M2/report：归纳总结，形成书面报告报送市发改委（次月7日前）."""
    seen: dict[tuple, str] = {}
    for item in items:
        key = (item.task, item.index)
        if key not in seen:
            seen[key] = t("sv_legend", item=item_name(item), what=item.what, label=item.label)
    return list(seen.values())


def matrix_view(plan: Plan, found: list[Status], start: dt.date, end: dt.date, today: dt.date,
                notes: list[str]) -> View:
    """Units down, obligations across: the office's overview (blank: the unit does not owe it)."""
    items: dict[tuple, Any] = {}
    cells: dict[str, dict[tuple, Status]] = {}
    for s in found:
        key = (s.item.task, s.item.index, s.item.period)
        items.setdefault(key, s.item)
        cells.setdefault(s.unit, {})[key] = s
    keys = list(items)
    labels = _short_labels(items)
    units = [u for u in plan.units if u.id in cells]
    rows = []
    for unit in units:
        row: dict[str, Any] = {"department": unit.name}
        for k in keys:
            s = cells[unit.id].get(k)
            row[labels[k]] = "" if s is None else f"{t(f'sv_light_short_{s.light}')} {_cell(s)}"
        rows.append(row)
    columns = [Column("department", t("sv_col_dept"), no_wrap=True)]
    columns += [Column(labels[k], labels[k]) for k in keys]
    legend = [t("sv_matrix_legend", name=labels[k], item=item_name(items[k]), period=items[k].period,
                what=items[k].what, due=items[k].due) for k in keys]
    payload = {
        "from": start.isoformat(), "to": end.isoformat(), "today": today.isoformat(),
        "columns": [{"key": labels[k], "task": items[k].task, "item": items[k].schedule_id,
                     "period": items[k].period, "due": items[k].due.isoformat(), "what": items[k].what} for k in keys],
        "rows": [{"department": u.name, "unit": u.id,
                  "cells": {labels[k]: {"state": s.state, "light": s.light, "done": s.done, "required": s.required}
                            for k in keys if (s := cells[u.id].get(k)) is not None}} for u in units],
        "items": [status_record(plan, s) for s in found],
    }
    title = t("sv_matrix_title", start=start, end=end, today=today, units=len(units), items=len(keys))
    return View(columns, rows, payload=payload, title=title, notes=legend + notes, kind="status-matrix/1")


def _short_labels(items: dict[tuple, Any]) -> dict[tuple, str]:
    """The shortest unique column names: M2; else M2/report; else M2/report 2023-05."""
    for make in (lambda i: i.task, item_name, lambda i: f"{item_name(i)} {i.period}"):
        labels = {k: make(i) for k, i in items.items()}
        if len(set(labels.values())) == len(labels):
            return labels
    return {k: f"{item_name(i)} {i.period} {i.start}" for k, i in items.items()}


def _cell(s: Status, label: str | None = None) -> str:
    """A state, with done/required for a quota and days late: 逾期 1/2; 逾期完成 2天."""
    if label is None:
        label = "✓" if s.state == "done" else state_label(s.state)
    if s.late_days:
        label += t("sv_late_days", n=s.late_days[0], w=s.late_days[1])
    return f"{label} {ratio(s)}" if s.required > 1 else label


def overdue_view(plan: Plan, groups: list[tuple[str, list[Status]]], today: dt.date, notes: list[str]) -> View:
    """The inspection list: by unit (oldest overdue first), each unit's items oldest first."""
    rows, units = [], []
    for unit, items in groups:
        name = plan.unit_by_id[unit].name
        recs = []
        for i, s in enumerate(items):
            rec = {**status_record(plan, s), "days_overdue": (today - s.item.due).days}
            recs.append(rec)
            rows.append({**rec, "dept_cell": name if i == 0 else "", "item": item_name(s.item), "ratio": ratio(s),
                         "due": s.item.due, "late": t("sv_days_n", n=rec["days_overdue"])})
        units.append({"department": name, "unit": unit, "items": recs})
    columns = [Column("dept_cell", t("sv_col_dept"), max_width=20, items=True), Column("due", t("sv_col_due"), no_wrap=True),
               Column("late", t("sv_col_late"), no_wrap=True), Column("item", t("sv_col_item"), no_wrap=True),
               Column("period", t("sv_col_period"), no_wrap=True), Column("ratio", t("sv_col_done"), no_wrap=True)]
    notes = legend(s.item for _, items in groups for s in items) + notes
    n = sum(len(items) for _, items in groups)
    title = t("sv_overdue_title", today=today, n=n, units=len(groups))
    payload = {"today": today.isoformat(), "count": n, "units": units}
    return View(columns, rows, payload=payload, title=title, notes=notes, kind="overdue/1")


def flat_overdue_view(view: View) -> View:
    """CSV/xlsx: the department on every row."""
    rows = [{**r, "dept_cell": r["department"]} for r in view.rows]
    return View(view.columns, rows, view.payload, view.title, view.show_header, view.notes, kind=view.kind)


# --- ledger -------------------------------------------------------------------------------------
def ledger_record(e: EntryState, unit_name=lambda name: name) -> dict[str, Any]:
    entry, closure = e.entry, e.closure
    return {
        "id": entry.id, "department": unit_name(entry.dept), "problem": entry.problem, "measure": entry.measure,
        "found_on": entry.found_on.isoformat(), "source": entry.source.value, "due": entry.due.isoformat(),
        "state": e.state, "days_overdue": e.days_over,
        "closed_on": closure.closed_on.isoformat() if closure else None,
        "close_note": closure.note if closure else None, "note": entry.note,
    }


def ledger_view(found: list[EntryState], today: dt.date, wide: bool, notes: list[str],
                unit_name=lambda name: name) -> View:
    """`unit_name` turns the unit as the file writes it (an alias, an id) into the plan's name."""
    records = [ledger_record(e, unit_name) for e in found]
    rows = []
    for e, rec in zip(found, records):
        state = _ledger_state(e)
        closed = f"{rec['closed_on']} {rec['close_note']}" if e.closure else ""
        rows.append({**rec, "state_label": state, "closed": closed, "due": e.entry.due, "found_on": e.entry.found_on})
    columns = [Column("id", t("sv_col_id"), no_wrap=True), Column("department", t("sv_col_dept"), max_width=14, items=True),
               Column("problem", t("sv_col_problem"), max_width=24), Column("due", t("sv_col_deadline"), no_wrap=True),
               Column("state_label", t("sv_col_state"), no_wrap=True), Column("closed", t("sv_col_closed"), max_width=20)]
    if wide:
        labels = {"id": "sv_col_id", "department": "sv_col_dept", "problem": "sv_col_problem",
                  "measure": "sv_col_measure", "found_on": "sv_col_found_on", "source": "sv_col_source",
                  "due": "sv_col_deadline", "state_label": "sv_col_state", "closed_on": "sv_col_closed_on",
                  "close_note": "sv_col_close_note", "note": "sv_col_note"}
        columns = [Column(k, t(label)) for k, label in labels.items()]
    counts = {k: sum(e.state == k for e in found) for k in ("open", "overdue", "closed")}
    title = t("sv_ledger_title", today=today, n=len(found), **counts)
    return View(columns, rows, payload={"today": today.isoformat(), "counts": counts, "entries": records},
                title=title, notes=notes, kind="ledger/1")


def _ledger_state(e: EntryState) -> str:
    if e.state == "overdue":
        return t("sv_days_over", n=e.days_over)
    if e.state == "closed" and e.days_over:
        return t("sv_closed_late", n=e.days_over)
    return state_label(e.state)


def facts_view(pairs: list[tuple[str, Any]], payload: dict, title: str | None = None, kind: str | None = None) -> View:
    """What a write command recorded, as label/value lines (JSON: `payload`)."""
    rows = [{"key": label, "value": value} for label, value in pairs if value not in (None, "")]
    return View([Column("key", ""), Column("value", "")], rows, payload=payload, title=title, show_header=False,
                kind=kind)





def _range_note(start: dt.date, end: dt.date) -> str | None:
    # the official calendar is loaded only when dates are shown
    from nmx.schedule.workdays import range_note

    return range_note(start, end)


@dataclass
class Report:
    """A supervision list ready to show, and the calendar note to say beside it."""

    view: View
    calendar_note: str | None


def status_report(plan: Plan, records, rng, day: dt.date, units: set[str] | None, soon: int,
                  period_note: str | None, *, matrix: bool, wide: bool, full: bool, rollup=None,
                  streamed: bool = False) -> Report:
    """`nmx status`: each dated obligation in `rng` for the units that owe it, with its light;
    the items whose dates are assumed are listed apart (in the notes and the JSON). With a
    workspace's `rollup` (`nmx.supervision.rollup`), each JSON row says in `records_from` which
    plans' records it counted. `streamed`: only the JSON document, written in pieces
    (`status_json_view`), unless `matrix`."""
    from nmx.schedule.workdays import range_note
    from nmx.supervision.status import owed_and_assumed

    found, assumed = owed_and_assumed(plan, records, rng.start, rng.end, day, units, soon=soon)
    cal = range_note(rng.start, rng.end)
    if streamed and not matrix:  # the document alone: no notes, no rows
        return Report(status_json_view(plan, found, assumed, rng.start, rng.end, day, period_note, rollup), cal)
    notes = _status_notes(plan, rng, found, day, cal) + _assumed_notes(assumed)
    if matrix:
        view = matrix_view(plan, found, rng.start, rng.end, day, notes)
    else:
        view = status_view(plan, found, rng.start, rng.end, day, notes, wide=wide, full=full)
    if isinstance(view.payload, dict):
        view.payload.update(period_note=period_note, assumed=[status_record(plan, s) for s in assumed])
    if rollup is not None:
        _rolled_up(view, found, assumed, rollup, matrix)
    return Report(view, cal)


def status_json_view(plan: Plan, found: list[Status], assumed: list[Status], start: dt.date, end: dt.date,
                     today: dt.date, period_note: str | None, rollup=None) -> View:
    """The JSON document of `nmx status` alone, as text in pieces: the same text as `status_report`'s
    view gives `to_json` (tests/test_status_json.py), without a dict per record or the table's rows.
    A 100,000-task plan's month is a million records: built whole, their dicts and text took 6 GB."""
    import json

    from nmx.supervision.status import counts as state_counts
    from nmx.views import envelope

    sources = None if rollup is None else _sources(rollup)
    rest = [status_record(plan, s) for s in assumed]
    for s, rec in zip(assumed, rest) if sources else ():
        rec["records_from"] = sources(s)
    doc = {**envelope("status/1"), "from": start.isoformat(), "to": end.isoformat(), "today": today.isoformat(),
           "calendar_note": _range_note(start, end), "counts": state_counts(found), "items": [],
           "period_note": period_note, "assumed": rest}
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"  # as render.tabular.to_json (made safe in pieces)
    before, _, after = text.partition('\n  "items": []')  # a top-level key: the only line so indented
    return View([], [], json_text=_status_chunks(plan, found, before + '\n  "items": ', after, sources))


def _status_chunks(plan: Plan, found: list[Status], before: str, after: str, sources, batch: int = 2000):
    """`before`, the records of `found` as `status_record` and indented JSON write them, then `after`;
    what the records of one item or one unit share is written once, and made safe once (`json_safe`):
    while every piece is `terminal_clean`, the pieces are handed out as `Clean`."""
    from nmx.safetext import Clean, json_safe, terminal_clean

    items: dict[int, tuple[str, str, str]] = {}  # id(item) → its lines before, between and after the unit's
    units: dict[str, str] = {}
    states: dict[tuple, str] = {}
    clean = True

    def made(*pieces: str) -> None:
        nonlocal clean
        clean = clean and all(map(terminal_clean, pieces))

    before, after = json_safe(before), json_safe(after)
    made(before, after)
    if not found:
        yield before + "[]" + after
        return
    buf, sep = [before, "["], "\n"
    for n, s in enumerate(found, 1):
        item = s.item
        parts = items.get(id(item))  # `found` keeps its items alive
        if parts is None:
            parts = items[id(item)] = tuple(map(json_safe, _item_lines(item)))
            made(*parts)
        unit = units.get(s.unit)
        if unit is None:
            unit = units[s.unit] = json_safe(f'      "department": {_dumps(plan.unit_by_id[s.unit].name)},\n'
                                             f'      "unit": {_dumps(s.unit)},\n')
            made(unit)
        key = (s.required, s.done, s.state, s.late_days, s.dates)
        state = states.get(key)
        if state is None:
            state = states[key] = json_safe(_state_lines(s))
            made(state)
        if sources is None:
            end = "\n    }"
        else:
            end = json_safe(f',\n      "records_from": {_list_lines(sources(s))}\n    }}')
            made(end)
        buf += (sep, parts[0], unit, parts[1], state, parts[2], end)
        sep = ",\n"
        if n % batch == 0:
            text = "".join(buf)
            yield Clean(text) if clean else text
            buf = []
    buf += ("\n  ]", after)
    text = "".join(buf)
    yield Clean(text) if clean else text


def _state_lines(s: Status) -> str:
    """A status record's lines from `required` to `dates`."""
    late = s.late_days
    late = f'{{\n        "calendar": {_dumps(late[0])},\n        "working": {_dumps(late[1])}\n      }}' if late else "null"
    return (f'      "required": {_dumps(s.required)},\n      "done": {_dumps(s.done)},\n'
            f'      "state": {_dumps(s.state)},\n      "light": {_dumps(s.light)},\n'
            f'      "late_days": {late},\n      "dates": {_list_lines([d.isoformat() for d in s.dates])},\n')


def _item_lines(item) -> tuple[str, str, str]:
    """A status record's lines of its item: before the unit's, between them and the state's, after."""
    return ((f'    {{\n      "task": {_dumps(item.task)},\n      "item": {_dumps(item.schedule_id)},\n'
             f'      "kind": {_dumps(item.kind)},\n      "title": {_dumps(item.title)},\n'
             f'      "what": {_dumps(item.what)},\n'),
            (f'      "period": {_dumps(item.period)},\n      "start": {_dumps(item.start.isoformat())},\n'
             f'      "due": {_dumps(item.due.isoformat())},\n      "due_workday": {_dumps(_workday(item.due))},\n'),
            (f'      "clauses": {_list_lines(list(item.clauses or (item.task,)))},\n'
             f'      "basis": {_dumps(item.basis)}'))


def _list_lines(values: list) -> str:
    """A list of scalars as the value of a record's key, as indented JSON writes it."""
    return "[\n" + ",\n".join(f"        {_dumps(v)}" for v in values) + "\n      ]" if values else "[]"


def _sources(rollup):
    """Which plans' records a status counted (`records_from`), from a workspace's roll-up."""
    return lambda s: rollup.sources((s.item.task, s.item.index, s.item.period, s.unit), s.dates)


def _rolled_up(view: View, found: list[Status], assumed: list[Status], rollup, matrix: bool) -> None:
    """Where each row's records came from: `records_from` in the JSON, a column in the list, a note."""
    sources = _sources(rollup)
    if isinstance(view.payload, dict):
        for s, rec in zip(found, view.payload["items"]):
            rec["records_from"] = sources(s)
        for s, rec in zip(assumed, view.payload["assumed"]):
            rec["records_from"] = sources(s)
    if not matrix:
        for s, row in zip(found, view.rows):
            row["records_from"] = "、".join(sources(s))
        view.columns.append(Column("records_from", t("sv_col_records_from"), max_width=16))
    view.notes.append(t("sv_note_rollup", plans="、".join(rollup.plans)))


def overdue_report(plan: Plan, records, day: dt.date, units: set[str] | None, period_note: str | None,
                   *, flat: bool) -> Report:
    """`nmx overdue`: what is past its due day and not recorded done, by unit, oldest first."""
    from nmx.schedule.workdays import range_note
    from nmx.supervision.status import overdue

    groups = overdue(plan, records, day, units)
    cal = range_note(plan.meta.period.start, plan.meta.period.end)
    notes = [t("sv_note_lead", today=day), t("sv_note_ledger")] + ([cal] if cal else [])
    view = overdue_view(plan, groups, day, notes)
    view.payload.update(period_note=period_note, calendar_note=cal)
    return Report(flat_overdue_view(view) if flat else view, cal)


def ledger_list(plan: Plan, ledger, day: dt.date, *, open_: bool, overdue: bool, unit: set[str] | None,
                wide: bool) -> View:
    """`nmx ledger list`: every entry with its state on `day`, filtered as asked."""
    from nmx.supervision.ledger import CLOSED, OVERDUE, states

    found = states(ledger, day)
    if open_:
        found = [e for e in found if e.state != CLOSED]
    if overdue:
        found = [e for e in found if e.state == OVERDUE]
    if unit is not None:
        found = [e for e in found if (r := plan.resolve(e.entry.dept)) is not None and r.id in unit]
    return ledger_view(found, day, wide=wide, notes=[t("sv_ledger_note", today=day)],
                       unit_name=lambda name: plan.unit_by_id[plan.resolve(name).id].name)


def _status_notes(plan: Plan, rng, found: list[Status], day: dt.date, cal: str | None) -> list[str]:
    """What to know under a status list: the range, the calendar, who counts, groups the plan leaves open."""
    from nmx.schedule.ranges import range_notes

    rules = [r.text for r in plan.meta.rules if r.id in ("owed-by", "stated-dates")]
    notes = range_notes(plan, rng) + ([cal] if cal else []) + [t("sv_note_lead", today=day), *rules]
    seen: dict[str, list[str]] = {}
    for s in found:
        for group in s.item.unlisted:
            names = seen.setdefault(group, [])
            if item_name(s.item) not in names:
                names.append(item_name(s.item))
    for group, items in seen.items():
        ref = plan.resolve(group)
        partly = ref is not None and ref.kind == "group" and plan.members(ref.id)
        notes.append(t("sv_note_partly" if partly else "sv_note_unlisted", group=group, items="、".join(items)))
    return notes


def _assumed_notes(assumed: list[Status]) -> list[str]:

    names = list(dict.fromkeys(item_name(s.item) for s in assumed))
    return [t("sv_note_assumed", items="、".join(names))] if names else []


def done_facts(plan: Plan, prepared, result) -> View:
    """`nmx done`'s answer: what was recorded, against which due day, in which file."""
    from nmx.fileio import display

    rec = dict(prepared.fields)
    occ = prepared.occurrence
    unit = plan.unit_by_id[prepared.key[3]]
    task = plan.task_by_id[rec["task"]]
    late = occ is not None and rec["date"] > occ.due
    what = task.schedules[prepared.key[1]].what if prepared.key[1] is not None else ""
    payload = {
        "recorded": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rec.items()},
        "department": unit.name, "unit": unit.id, "title": task.title,
        "due": occ.due.isoformat() if occ is not None else None, "late": late,
        "file": display(result.path), "records": result.count,
    }
    due = ""
    if occ is not None:
        due = str(occ.due) + (t("sv_late", n=(rec["date"] - occ.due).days) if late else t("sv_on_time"))
    pairs = [(t("sv_col_task"), f"{task.id} {task.title}"), (t("sv_col_item"), f"{rec.get('item') or ''} {what}".strip()),
             (t("sv_col_period"), rec.get("period")), (t("sv_col_dept"), unit.name), (t("sv_col_date"), rec["date"]),
             (t("sv_col_due"), due), (t("sv_col_evidence"), rec.get("evidence")), (t("sv_col_note"), rec.get("note")),
             (t("sv_col_file"), t("sv_file_count", path=display(result.path), n=result.count))]
    return facts_view(pairs, payload, t("sv_recorded"), kind="done/1")


def ledger_added_facts(entry, path) -> View:
    """`nmx ledger add`'s answer."""
    from nmx.fileio import display
    from nmx.supervision.ledger import entry_fields

    rec = {k: (v.value if hasattr(v, "value") else v) for k, v in entry_fields(entry)}
    payload = {**{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rec.items()}, "file": display(path)}
    pairs = [(t("sv_col_id"), entry.id), (t("sv_col_dept"), entry.dept), (t("sv_col_problem"), entry.problem),
             (t("sv_col_measure"), entry.measure), (t("sv_col_found_on"), entry.found_on),
             (t("sv_col_source"), entry.source.value), (t("sv_col_deadline"), entry.due), (t("sv_col_note"), entry.note)]
    return facts_view(pairs, payload, t("sv_ledger_added", id=entry.id), kind="ledger-add/1")


def ledger_closed_facts(entry, closure) -> View:
    """`nmx ledger close`'s answer: closed on time, or how many days late."""

    late = (closure.closed_on - entry.due).days
    payload = {"id": entry.id, "department": entry.dept, "problem": entry.problem, "due": entry.due.isoformat(),
               "closed_on": closure.closed_on.isoformat(), "note": closure.note, "days_late": max(late, 0)}
    pairs = [(t("sv_col_id"), entry.id), (t("sv_col_dept"), entry.dept), (t("sv_col_problem"), entry.problem),
             (t("sv_col_deadline"), entry.due),
             (t("sv_col_closed_on"), str(closure.closed_on) + (t("sv_late", n=late) if late > 0 else t("sv_on_time"))),
             (t("sv_col_close_note"), closure.note)]
    return facts_view(pairs, payload, t("sv_ledger_closed_ok", id=entry.id), kind="ledger-close/1")
