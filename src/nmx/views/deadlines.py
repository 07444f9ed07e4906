"""`nmx deadlines`: the range a user asks for, dated items as records, and the view of them.

Pure: "today" and the range come in as arguments. Working days come from
`nmx.schedule.workdays` (chinesecalendar, imported on first use).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from nmx.i18n import t
from nmx.plan.plan import Plan
from nmx.views import Column, View, json_scalar as _dumps
from nmx.schedule.engine import Item
from nmx.schedule.ranges import Range, outside, range_notes


def department_names(plan: Plan, item: Item) -> list[str]:
    """The units responsible, lead then support, groups expanded, as the plan writes their names."""
    return [plan.unit_by_id[u].name for u in item.units]


def record(plan: Plan, item: Item) -> dict[str, Any]:
    """One item in the JSON shape scripts rely on (docs/commands.md: `nmx deadlines --format json`)."""
    from nmx.schedule.workdays import due_workday, holiday_name, provisional

    return {
        "task": item.task,
        "title": item.title,
        "kind": item.kind,
        "start": item.start.isoformat(),
        "due": item.due.isoformat(),
        "due_workday": due_workday(item.due).isoformat(),
        "holiday": holiday_name(item.due),
        "provisional": provisional(item.due),
        "count": item.count,
        "departments": department_names(plan, item),
        "deliver_to": item.deliver_to,
        "source": item.source,
        "clauses": list(item.clauses or (item.task,)),
        "basis": item.basis,
    }


def payload(plan: Plan, items: list[Item], rng: Range, today: dt.date, period_note: str | None = None) -> dict[str, Any]:
    from nmx.views import envelope

    return {
        **envelope("deadlines/1"),
        "from": rng.start.isoformat(),
        "to": rng.end.isoformat(),
        "today": today.isoformat(),
        "calendar_note": note_for(plan, rng),
        "period_note": period_note,
        "items": [record(plan, i) for i in items],
    }


def note_for(plan: Plan, rng: Range) -> str | None:
    """calendar_note for the years of the range that lie inside the plan's period."""
    from nmx.schedule.workdays import calendar_note

    lo, hi = max(rng.start, plan.meta.period.start), min(rng.end, plan.meta.period.end)
    return calendar_note(range(lo.year, hi.year + 1)) if lo <= hi else None


def json_chunks(plan: Plan, items: list[Item], rng: Range, today: dt.date, batch: int = 2000,
                period_note: str | None = None) -> Iterator[str]:
    """`payload` as JSON text, in pieces: the same text as `to_json(payload(...))`, but fast and lean.

    A whole year of a 10,000-task plan is some 200,000 items and 140 MB of JSON; the
    pure-Python indenting encoder and one dict per item would take 30 s and 1.4 GB.
    Here every piece is encoded once and reused: the parts shared by all occurrences of
    a schedule entry (task, title, kind, departments, deliver_to, source), each date's
    lines (due, due_workday, holiday) and each unit's name. tests/test_cli_dates.py
    checks the text is identical to json.dumps.
    """
    from nmx.views import envelope

    head = {**envelope("deadlines/1"), "from": rng.start.isoformat(), "to": rng.end.isoformat(), "today": today.isoformat(),
            "calendar_note": note_for(plan, rng), "period_note": period_note}
    opening = "{\n" + "".join(f"  {_dumps(k)}: {_dumps(v)},\n" for k, v in head.items()) + '  "items": ['
    if not items:
        yield opening + "]\n}\n"
        return
    fixed: dict[tuple[str, int], tuple[str, str]] = {}
    dated: dict[tuple[dt.date, dt.date, int | None], str] = {}
    names: dict[str, str] = {}
    buf, sep = [opening], "\n"
    for n, item in enumerate(items, 1):
        key = (item.task, item.index)
        entry = fixed.get(key)
        if entry is None:
            entry = fixed[key] = _fixed_parts(plan, item, names)
        key = (item.start, item.due, item.count)
        dates = dated.get(key)
        if dates is None:
            dates = dated[key] = _date_lines(*key)
        buf += (sep, entry[0], dates, entry[1])
        sep = ",\n"
        if n % batch == 0:
            yield "".join(buf)
            buf = []
    buf.append("\n  ]\n}\n")
    yield "".join(buf)


def _date_lines(start: dt.date, due: dt.date, count: int | None) -> str:
    from nmx.schedule.workdays import due_workday, holiday_name, provisional

    holiday = holiday_name(due)
    return (f'      "start": "{start.isoformat()}",\n      "due": "{due.isoformat()}",\n'
            f'      "due_workday": "{due_workday(due).isoformat()}",\n'
            f'      "holiday": {"null" if holiday is None else _dumps(holiday)},\n'
            f'      "provisional": {"true" if provisional(due) else "false"},\n'
            f'      "count": {"null" if count is None else int(count)},\n')


def _fixed_parts(plan: Plan, item: Item, names: dict[str, str]) -> tuple[str, str]:
    """The JSON lines before and after the dates of one schedule entry's items (indent 2, nested in items)."""
    lines = []
    for unit in item.units:
        line = names.get(unit)
        if line is None:
            line = names[unit] = "        " + _dumps(plan.unit_by_id[unit].name)
        lines.append(line)
    departments = "[\n" + ",\n".join(lines) + "\n      ]" if lines else "[]"
    clauses = list(item.clauses or (item.task,))
    clause_list = "[\n" + ",\n".join(f"        {_dumps(c)}" for c in clauses) + "\n      ]"
    before = (f'    {{\n      "task": {_dumps(item.task)},\n      "title": {_dumps(item.title)},\n'
              f'      "kind": {_dumps(item.kind)},\n')
    after = (f'      "departments": {departments},\n      "deliver_to": {_dumps(item.deliver_to)},\n'
             f'      "source": {_dumps(item.source)},\n      "clauses": {clause_list},\n'
             f'      "basis": {_dumps(item.basis)}\n    }}')
    return before, after


# --- the table ------------------------------------------------------------------------------
def kind_label(item: Item) -> str:
    if item.kind == "quota":
        return t("kind_quota_n", n=item.count)
    return t(f"kind_{item.kind}")


def units_cell(plan: Plan, item: Item) -> str:
    """Lead units as the clauses write them, a whole group by its name and size; support as a count."""
    from nmx.plan import obligations

    names = obligations.names(obligations.obligation(plan, item.task, item.index), "lead")
    lead = "、".join(_name_with_size(plan, name) for name in names)
    extra = [u for u in item.support if u not in item.lead]
    return lead + (t("support_count", n=len(extra)) if extra else "")


def _name_with_size(plan: Plan, name: str) -> str:
    ref = plan.resolve(name)
    if ref is None or ref.kind == "unit":
        return name
    group = plan.group_by_id[ref.id]
    size = len(plan.members(group.id))
    if not group.members_listed:
        return t("group_unlisted_size", name=name, n=size) if size else t("group_unlisted_none", name=name)
    return t("group_size", name=name, n=size)


def days_left(due: dt.date, today: dt.date) -> str:
    n = (due - today).days
    if n == 0:
        return t("due_today")
    return t("days_left", n=n) if n > 0 else t("days_overdue", n=-n)


def holiday_cell(item: Item) -> str:
    from nmx.i18n import holiday_label
    from nmx.schedule.workdays import due_workday, holiday_name, mark

    name = holiday_name(item.due)
    if name is None:
        return ""
    return t("holiday_mark", name=holiday_label(name), day=due_workday(item.due).strftime("%m-%d")) + mark(item.due)


def dates_cell(item: Item, short: bool) -> str:
    """start—due; `short` drops the year (the title gives it)."""
    fmt = "%m-%d" if short else "%Y-%m-%d"
    if item.start == item.due:
        return item.due.strftime(fmt)
    return f"{item.start.strftime(fmt)}—{item.due.strftime(fmt if short or item.start.year != item.due.year else '%m-%d')}"


def what_cell(item: Item) -> str:
    return t("what_cell", what=item.what, kind=kind_label(item))


def table_view(plan: Plan, items: list[Item], rng: Range, today: dt.date, notes: list[str],
               ended: bool = False) -> View:
    """The terminal/Markdown view: dates, days left (已结束 once the plan's period is over), what, units,
    holiday mark."""
    short = rng.start.year == rng.end.year and all(i.start.year == i.due.year == rng.start.year for i in items)
    # A year repeats each schedule entry's texts and each day's marks: each is made once.
    entry: dict[tuple[str, int], tuple[str, str]] = {}
    day: dict[dt.date, tuple[str, str]] = {}
    spans: dict[tuple[dt.date, dt.date], str] = {}
    rows = []
    for i in items:
        texts = entry.get((i.task, i.index))
        if texts is None:
            texts = entry[(i.task, i.index)] = (what_cell(i), units_cell(plan, i))
        marks = day.get(i.due)
        if marks is None:
            marks = day[i.due] = (t("period_ended") if ended else days_left(i.due, today), holiday_cell(i))
        span = spans.get((i.start, i.due))
        if span is None:
            span = spans[(i.start, i.due)] = dates_cell(i, short)
        rows.append({"dates": span, "left": marks[0], "task": i.task, "what": texts[0],
                     "units": texts[1], "holiday": marks[1]})
    columns = [
        Column("dates", t("col_dates"), no_wrap=True),
        Column("left", t("col_left"), no_wrap=True),
        Column("task", t("col_task"), no_wrap=True),
        Column("what", t("col_what")),
        Column("units", t("col_units"), items=True),
        Column("holiday", t("col_holiday")),
    ]
    title = t("deadlines_title", start=rng.start, end=rng.end, n=len(items))
    return View(columns, rows, title=title, notes=notes)


def csv_view(plan: Plan, items: list[Item]) -> View:
    """Flat columns named like the JSON keys (plus what and label), one row per item, for spreadsheets."""
    from nmx.schedule.workdays import calendar_note, due_workday, holiday_name

    names: dict[tuple[str, int], str] = {}
    notes: dict[int, str] = {}
    rows = []
    for i in items:
        key = (i.task, i.index)
        if key not in names:
            names[key] = "、".join(department_names(plan, i))
        if i.due.year not in notes:
            notes[i.due.year] = calendar_note(i.due.year) or ""
        rows.append({
            "task": i.task, "title": i.title, "what": i.what, "label": i.label, "kind": i.kind,
            "start": i.start.isoformat(), "due": i.due.isoformat(), "due_workday": due_workday(i.due).isoformat(),
            "holiday": holiday_name(i.due) or "", "count": "" if i.count is None else str(i.count),
            "departments": names[key], "deliver_to": i.deliver_to, "source": i.source,
            "calendar_note": notes[i.due.year],
        })
    keys = ("task", "title", "what", "label", "kind", "start", "due", "due_workday", "holiday", "count",
            "departments", "deliver_to", "source", "calendar_note")
    return View([Column(k, k) for k in keys], rows)


def maybe_items(plan: Plan, every: list[Item], found: list[Item]) -> list[Item]:
    """Items of `every` not in `found` that bind a group whose members the plan does not list at all.

    Such a group (市民生工作领导小组成员单位) may include any unit, so its items may apply to
    the unit asked for; nmx does not guess. Groups listed in part (市（县区）属各媒体平台:
    the city media are listed, the county media are not units of this plan) do not count.
    """
    have = {(i.task, i.index, i.start, i.due) for i in found}
    return [i for i in every if (i.task, i.index, i.start, i.due) not in have and any(
        not plan.members(ref.id) for ref in map(plan.resolve, i.unlisted) if ref is not None)]


def general_notes(
    plan: Plan, rng: Range, items: list[Item], undated_count: int, maybe: list[Item], dept_name: str | None,
) -> list[str]:
    """Range outside the period, calendar fallback, undated entries left out, items that may apply."""
    notes = range_notes(plan, rng)
    note = note_for(plan, rng)
    if note:
        notes.append(note)
    if any(holiday_cell(i) for i in items):
        notes.append(t("holiday_rule"))
    if maybe and dept_name:
        groups = "、".join(dict.fromkeys(g for i in maybe for g in i.unlisted))
        tasks = "、".join(dict.fromkeys(i.task for i in maybe))
        notes.append(t("maybe_applies", n=len(maybe), tasks=tasks, groups=groups, dept=dept_name))
    if undated_count and not outside(plan, rng):
        notes.append(t("undated_left_out", n=undated_count))
    return notes


def json_view(plan: Plan, items: list[Item], rng: Range, today: dt.date, period_note: str | None) -> View:
    """The items as the JSON document scripts read, built as text in pieces (see `json_chunks`)."""
    return View([], [], json_text=json_chunks(plan, items, rng, today, period_note=period_note))


def listing_view(plan: Plan, rng: Range, found: list[Item], today: dt.date, unit, task: str | None,
                 ended: bool) -> View:
    """The items as a table, with what the user should know about them under it."""
    from nmx.schedule import engine

    units = {unit.id} if unit else None
    maybe = maybe_items(plan, engine.items(plan, rng.start, rng.end, task=task), found) if unit else []
    left_out = len(engine.undated(plan, units=units, task=task))
    notes = general_notes(plan, rng, found, left_out, maybe, unit.name if unit else None)
    return table_view(plan, found, rng, today, notes, ended=ended)
