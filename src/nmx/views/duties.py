"""What `nmx duties`, `departments`, `tasks` and `matrix` show, as Views for every format.

Terminal tables must stay readable at 80 columns, so a command asks for the
`compact` view there: fewer, merged columns and notes gathered under the table.
CSV, Markdown and JSON carry every field (the matrix: the full grid).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from nmx.duties.reach import Duty, Reacher, Tally, Way, unit_groups
from nmx.i18n import t
from nmx.plan.models import Group, Task, Unit
from nmx.plan.plan import Plan
from nmx.views import Column, View

if TYPE_CHECKING:
    from nmx.duties.matrix import Matrix

MARKS = {"lead": "●", "support": "○", "possibly_lead": "(●)", "possibly_support": "(○)"}


def role_text(role: str, possibly: bool = False) -> str:
    return t(f"d:role_{role}") + ("*" if possibly else "")


# --- duties ---------------------------------------------------------------------------
def duties_view(unit: Unit, every: list[Duty], compact: bool, role: str | None = None) -> View:
    """The unit's duties (only those of `role` when given); the title counts them all."""
    duties = [d for d in every if role is None or d.role == role]
    payload = {
        "department": {"id": unit.id, "name": unit.name, "full_name": unit.full_name},
        "duties": [d.as_json() for d in duties],
    }
    rows = [_duty_row(d) for d in duties]
    if compact:
        columns = [
            Column("task", t("d:col_task"), no_wrap=True), Column("marked_role", t("d:col_role"), no_wrap=True),
            Column("what", t("d:col_what")), Column("when", t("d:col_schedule"), max_width=16),
            Column("basis", t("d:col_source"), max_width=16),
        ]
        notes = _gathered_notes(duties) if duties else [t("d:duties_none_role" if role else "d:duties_none",
                                                          role=t(f"d:role_{role}") if role else "")]
    else:
        columns = [
            Column("task", t("d:col_task")), Column("title", t("d:col_title")), Column("role", t("d:col_role")),
            Column("possibly", t("d:col_possibly")), Column("via", t("d:col_via")), Column("what", t("d:col_what")),
            Column("schedule", t("d:col_schedule")), Column("deliver_to", t("d:col_deliver")),
            Column("source", t("d:col_source")), Column("note", t("d:col_note")),
        ]
        notes = []
    return View(columns, rows, payload=payload, title=_duties_title(unit, every), notes=notes,
                kind="duties/1")


def _duty_row(d: Duty) -> dict[str, Any]:
    label = d.schedule if d.schedule is None or d.basis == "stated" else t("assumed_label", label=d.schedule)
    when = label or "—"
    if d.deliver_to:
        when += " → " + d.deliver_to
    basis = d.source + ("\n" + t("d:duty_via", via=d.group) if d.group else "")
    return {
        "task": d.task, "title": d.title, "role": t(f"d:role_{d.role}"), "marked_role": role_text(d.role, d.possibly),
        "possibly": d.possibly,
        "via": d.via, "what": d.what or d.title, "schedule": label, "deliver_to": d.deliver_to,
        "source": d.source, "note": d.note, "when": when, "basis": basis,
    }


def _duties_title(unit: Unit, duties: list[Duty]) -> str:
    def count(role: str, possibly: bool) -> int:
        return len({d.task for d in duties if d.role == role and d.possibly is possibly})

    title = t("d:duties_title", name=unit.name, full_name=unit.full_name,
              leads=count("lead", False), supports=count("support", False))
    maybe = len({d.task for d in duties if d.possibly})
    return title + (t("d:duties_possibly_count", n=maybe) if maybe else "")


def _gathered_notes(duties: list[Duty]) -> list[str]:
    """Each distinct note once, after the tasks it belongs to; the * legend first."""
    by_note: dict[str, list[str]] = {}
    for d in duties:
        if d.note:
            tasks = by_note.setdefault(d.note, [])
            if d.task not in tasks:
                tasks.append(d.task)
    legend = [t("d:possibly_legend")] if any(d.possibly for d in duties) else []
    return legend + [f"{'、'.join(tasks)}：{note}" for note, tasks in by_note.items()]


# --- departments -------------------------------------------------------------------------
def departments_view(plan: Plan, units: list[Unit], tallies: dict[str, Tally], compact: bool) -> View:
    reacher = Reacher(plan)
    rows, payload = [], []
    for unit in units:
        groups = unit_groups(plan, unit, reacher)
        tally = tallies[unit.id]
        names = [*unit.aliases, *(t("d:former_name", name=n) for n in unit.former_names)]
        if unit.short_name:
            names.insert(0, unit.short_name)
        rows.append({
            "id": unit.id, "name": unit.name, "full_name": unit.full_name, "kind": t(f"d:kind_{unit.kind.value}"),
            "aliases": names, "groups": [g.name for g in groups],
            "leads": tally.leads, "supports": tally.supports, "possibly": tally.possibly,
        })
        payload.append({
            "id": unit.id, "name": unit.name, "full_name": unit.full_name, "kind": unit.kind.value,
            "short_name": unit.short_name, "aliases": list(unit.aliases), "former_names": list(unit.former_names),
            "groups": [{"id": g.id, "name": g.name} for g in groups],
            "leads": tally.leads, "supports": tally.supports, "possibly": tally.possibly, "note": unit.note,
        })
    if compact:  # at 80 columns: full name, other names and groups stacked in one cell
        for row in rows:
            lines = [row["full_name"]]
            lines += [t("d:aliases_line", names="、".join(row["aliases"]))] if row["aliases"] else []
            lines += [t("d:groups_line", names="、".join(row["groups"]))] if row["groups"] else []
            row["detail"] = "\n".join(lines)
        columns = [
            Column("name", t("d:col_name"), max_width=18, items=True), Column("kind", t("d:col_kind"), no_wrap=True),
            Column("leads", t("d:col_leads"), no_wrap=True), Column("supports", t("d:col_supports"), no_wrap=True),
            Column("detail", t("d:col_detail")),
        ]
    else:
        columns = [
            Column("id", "id"), Column("name", t("d:col_name")), Column("full_name", t("d:col_full_name")),
            Column("kind", t("d:col_kind")), Column("aliases", t("d:col_aliases")), Column("groups", t("d:col_groups")),
            Column("leads", t("d:col_leads")), Column("supports", t("d:col_supports")),
            Column("possibly", t("d:col_possibly")),
        ]
    notes = [t("d:departments_counts_note")] if compact else []
    return View(columns, rows, payload={"departments": payload},
                title=t("d:departments_title", n=len(units)), notes=notes, kind="departments/1")


# --- tasks ---------------------------------------------------------------------------------
def tasks_view(plan: Plan, compact: bool) -> View:
    join = "\n".join if compact else "、".join  # one name a line: no name broken across lines
    rows = [
        {"id": tk.id, "title": tk.title, "lead": join(tk.lead), "support": join(tk.support) or "—",
         "source": tk.source, "schedule": [s.label for s in tk.schedules]}
        for tk in plan.tasks
    ]
    columns = [
        Column("id", t("d:col_task"), no_wrap=True), Column("title", t("d:col_title")),
        Column("lead", t("d:col_lead_written"), items=True), Column("support", t("d:col_support_written"), items=True),
        Column("source", t("d:col_source"), max_width=12),
    ]
    if not compact:
        columns.append(Column("schedule", t("d:col_schedule")))
    payload = [_task_json(plan, tk) for tk in plan.tasks]
    notes = [t("d:channels_note", channels="；".join(f"{c.name}（{c.source}）" for c in plan.meta.channels))] \
        if plan.meta.channels else []
    return View(columns, rows, payload={"tasks": payload},
                title=t("d:tasks_title", n=len(plan.tasks)), notes=notes, kind="tasks/1")


def task_view(plan: Plan, task: Task) -> View:
    reacher = Reacher(plan)
    pairs: list[tuple[str, str]] = [
        ("d:field_id", task.id), ("d:col_title", task.title), ("d:col_source", task.source), ("d:field_text", task.text),
        ("d:col_lead_written", "、".join(task.lead)), ("d:field_lead_units", expanded_text(plan, reacher, task.lead)),
        ("d:col_support_written", "、".join(task.support) or "—"),
        ("d:field_support_units", expanded_text(plan, reacher, task.support) or "—"),
    ]
    from nmx.plan import obligations

    for s in task.schedules:
        label = s.label if s.basis == "stated" else t("assumed_label", label=s.label)
        line = f"{s.what}：{label}" + (f" → {s.deliver_to}" if s.deliver_to else "")
        line += f"（{s.source}）" if s.source else ""
        line += f"\n{s.note}" if s.note else ""
        pairs.append(("d:col_schedule", line))
    for own, other, why in obligations.of(plan).restated.get(task.id, []):
        pairs.append(("d:field_same_as", t("d:same_obligation", own=own, other=other, why=why)))
    if task.related:
        pairs.append(("d:field_related", "、".join(task.related)))
    if task.inherits:  # a local plan's task: the parent plan's task it carries out
        parent = plan.meta.parent
        pairs.append(("d:field_inherits", f"{task.inherits}（{parent.doc_number or parent.title}）" if parent else task.inherits))
    groups = {r.id: None for r in map(reacher.ref, (*task.lead, *task.support)) if r and r.kind == "group"}
    for note in (task.note, *(plan.group_by_id[g].note for g in groups)):
        if note:
            pairs.append(("d:col_note", note))
    rows, previous = [], None
    for key, value in pairs:  # a label repeated on consecutive rows is shown once
        rows.append({"key": t(key) if key != previous else "", "value": value})
        previous = key
    return View([Column("key", "", no_wrap=True), Column("value", "")], rows,
                payload=_task_json(plan, task, detail=True), show_header=False, kind="task/1")


def expanded_text(plan: Plan, reacher: Reacher, names: tuple[str, ...], sep: str = "、") -> str:
    """A lead or support list with groups opened: units, an everyone-group summed up,
    a group without a member list said to be so."""
    parts: list[str] = []
    for name in names:
        ref = reacher.ref(name)
        if ref is None or ref.kind == "unit":
            parts.append(plan.unit_by_id[ref.id].name if ref else name)
            continue
        group = plan.group_by_id[ref.id]
        if group.everyone or group.kinds:
            parts.append(_everyone_text(group, len(reacher.members[group.id])))
        elif reacher.unlisted(group):
            parts.append(t("d:unlisted_members", group=name))
        else:
            parts.extend(plan.unit_by_id[u].name for u in plan.members(group.id))
            if not group.members_listed:
                parts.append(t("d:partly_listed_members", group=name))
    return sep.join(dict.fromkeys(parts))


def _everyone_text(group: Group, n: int) -> str:
    if group.kinds:
        return t("d:kinds_members", group=group.name, n=n, kinds="、".join(t(f"d:kind_{k.value}") for k in group.kinds),
                 excluding="、".join(group.excluding) or "—",
                 maybe="、".join(t(f"d:kind_{k.value}") for k in group.possibly_kinds) or "—")
    return t("d:everyone_members", group=group.name, n=n, excluding="、".join(group.excluding) or "—")


def _task_json(plan: Plan, task: Task, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": task.id, "title": task.title, "source": task.source,
        "lead": list(task.lead), "support": list(task.support),
    }
    if detail:
        reacher = Reacher(plan)
        out["text"] = task.text
        for role in ("lead", "support"):
            units, unlisted = _units_json(plan, reacher, getattr(task, role))
            out[f"{role}_units"] = units
            out[f"{role}_unlisted"] = unlisted
        out["schedules"] = [
            {"kind": s.kind, **{k: v for k, v in asdict(s).items() if v is not None}} for s in task.schedules
        ]
        out["related"] = list(task.related)
        from nmx.plan import obligations

        out["same_obligation"] = [{"entry": own, "same_as": other, "why": why}
                                  for own, other, why in obligations.of(plan).restated.get(task.id, [])]
    else:
        out["schedule"] = [s.label for s in task.schedules]
    if task.inherits:
        out["inherits"] = task.inherits
    out["note"] = task.note
    return out


def _units_json(plan: Plan, reacher: Reacher, names: tuple[str, ...]) -> tuple[list[dict], list[str]]:
    units, unlisted = [], []
    for unit in plan.units:
        reach = reacher.best(unit.id, names)
        if reach is not None and reach.way is not Way.POSSIBLY:
            units.append({"id": unit.id, "name": unit.name, "via": reach.written})
    for name in names:
        ref = reacher.ref(name)
        if ref is not None and ref.kind == "group" and reacher.unlisted(plan.group_by_id[ref.id]):
            unlisted.append(name)
    return units, unlisted


# --- matrix --------------------------------------------------------------------------------
def matrix_view(plan: Plan, grid: "Matrix", compact: bool) -> View:
    payload = {
        "expanded": grid.expanded,
        "columns": [{"id": c.id, "name": c.name, "kind": c.kind} for c in grid.columns],
        "rows": [{"task": r.task, "title": r.title, "cells": r.cells} for r in grid.rows],
    }
    title = t("d:matrix_title_expanded" if grid.expanded else "d:matrix_title")
    if not compact:  # the marks only appear in the grid
        title += t("d:matrix_legend")
    legend = [t("d:matrix_possibly_legend")] if grid.expanded else []
    if compact:
        reacher = Reacher(plan)
        return View(
            [Column("task", t("d:col_task"), no_wrap=True), Column("lead", t("d:col_lead"), items=True), Column("support", t("d:col_support"), items=True)],
            [_matrix_compact_row(plan, reacher, plan.task_by_id[r.task], grid.expanded) for r in grid.rows],
            payload=payload, title=title, notes=[*legend, t("d:matrix_table_note")], kind="matrix/1",
        )
    columns = [Column("task", t("d:col_task")), Column("title", t("d:col_title"))]
    columns += [Column(f"c:{c.id}", c.name) for c in grid.columns]
    rows = [{"task": r.task, "title": r.title, **{f"c:{k}": MARKS[v] for k, v in r.cells.items()}} for r in grid.rows]
    return View(columns, rows, payload=payload, title=title, notes=legend, kind="matrix/1")


def _matrix_compact_row(plan: Plan, reacher: Reacher, task: Task, expand: bool) -> dict[str, Any]:
    """One task's lead and support lists: as the plan writes them, or with groups opened
    (an everyone-group summed up, a group without a member list said to be so)."""
    out: dict[str, Any] = {"task": task.id}
    for role in ("lead", "support"):
        names = getattr(task, role)
        out[role] = (expanded_text(plan, reacher, names, "\n") if expand else "\n".join(names)) or "—"
    return out


# --- a workspace's duties (nmx duties DEPT --workspace) ---------------------------------------
def workspace_duties_view(unit: Unit, parts: list[tuple[str, list[tuple[Unit, Duty]]]], compact: bool,
                          role: str | None = None) -> View:
    """`unit`'s duties in each plan of a workspace: `parts` is (plan name, [(owing unit, duty)])
    per plan, the city plan first; every row says which plan (and which unit) it comes from."""
    rows, payload_rows = [], []
    for label, pairs in parts:
        for owner, d in pairs:
            if role is not None and d.role != role:
                continue
            rows.append({"plan": label, "unit": owner.name, **_duty_row(d)})
            payload_rows.append({"plan": label, "unit": {"id": owner.id, "name": owner.name}, **d.as_json()})
    payload = {
        "department": {"id": unit.id, "name": unit.name, "full_name": unit.full_name},
        "plans": [label for label, _ in parts],
        "duties": payload_rows,
    }
    if compact:
        columns = [
            Column("plan", t("ws:plan_col"), no_wrap=True), Column("unit", t("ws:unit_col"), max_width=12),
            Column("task", t("d:col_task"), no_wrap=True), Column("marked_role", t("d:col_role"), no_wrap=True),
            Column("what", t("d:col_what")), Column("when", t("d:col_schedule"), max_width=14),
        ]
    else:
        columns = [
            Column("plan", t("ws:plan_col")), Column("unit", t("ws:unit_col")),
            Column("task", t("d:col_task")), Column("title", t("d:col_title")), Column("role", t("d:col_role")),
            Column("possibly", t("d:col_possibly")), Column("via", t("d:col_via")), Column("what", t("d:col_what")),
            Column("schedule", t("d:col_schedule")), Column("deliver_to", t("d:col_deliver")),
            Column("source", t("d:col_source")), Column("note", t("d:col_note")),
        ]
    notes = [] if rows else [t("d:duties_none", role="")]
    return View(columns, rows, payload=payload, notes=notes, kind="workspace-duties/1",
                title=t("ws:duties_title", name=unit.name, n=len(parts), rows=len(rows)))
