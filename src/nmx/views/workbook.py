"""Workbooks as data: sheets of labelled columns and rows, and `nmx export xlsx`'s — the annex
table, every unit's duties, the year's deadlines. `nmx.render.xlsx` writes them."""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import Any

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.views import View

DEFAULT_MAX_WIDTH = 50


@dataclass
class XCol:
    """One column: the row key it shows, its header label, and how wide it may grow."""

    key: str
    label: str
    max_width: int = DEFAULT_MAX_WIDTH
    min_width: int = 0  # room to write by hand in a printed sheet (a checker's name, a date)


@dataclass
class Sheet:
    """A sheet: optional title lines, one header row (frozen, filtered), then the rows."""

    name: str
    columns: list[XCol]
    rows: list[dict[str, Any]]
    title_lines: list[str] = field(default_factory=list)


@dataclass
class Workbook:
    sheets: list[Sheet]
    created: dt.datetime
    title: str = ""
    author: str = ""
    header: str = ""  # the plan's title, in every printed page's header beside the sheet's name


@dataclass
class Paper:
    """A list laid out as a 公文 attachment (`--format docx`): the plan's title and document
    number, the list's title, one table, notes under it."""

    plan_title: str
    doc_number: str
    title: str
    columns: list[XCol]
    rows: list[dict[str, Any]]
    created: dt.datetime
    notes: list[str] = field(default_factory=list)


def list_paper(plan: Plan, view: View) -> Paper:
    """One list (status, overdue) as a document, stamped with the plan's first day like its workbook."""
    return Paper(plan.meta.title, plan.meta.doc_number, view.title or "",
                 [XCol(c.key, c.label) for c in view.columns], view.rows,
                 dt.datetime.combine(plan.meta.period.start, dt.time()), list(view.notes))


def sheet_from_view(view: View, name: str, widths: dict[str, int] | None = None) -> Sheet:
    """A View's columns and rows as a sheet (lists joined with 、 like the other formats)."""
    widths = widths or {}
    cols = [XCol(c.key, c.label, widths.get(c.key, DEFAULT_MAX_WIDTH)) for c in view.columns]
    return Sheet(name, cols, view.rows, [view.title] if view.title else [])


def list_workbook(plan: Plan, view: View, sheet: str) -> Workbook:
    """One list (status, overdue, ledger) as a workbook of one sheet, stamped with the plan's
    first day so the same data gives the same bytes."""
    return Workbook([sheet_from_view(view, sheet)], dt.datetime.combine(plan.meta.period.start, dt.time()),
                    title=view.title or "", header=plan.meta.title)


def plan_workbook(plan: Plan, created: dt.datetime) -> Workbook:
    meta = plan.meta
    head = [t("cl_heading", title=meta.title, doc=meta.doc_number)]
    sheets = [matrix_sheet(plan, head), duties_sheet(plan, head), deadlines_sheet(plan, head)]
    return Workbook(sheets, created, title=meta.title, author=meta.issuer, header=meta.title)


def matrix_sheet(plan: Plan, head: list[str]) -> Sheet:
    """Laid out like the annex: 序号, 主要任务, 牵头责任部门, 配合责任部门, then where it comes from."""
    from nmx.duties.annex import annex_rows

    rows = [{
        "no": r.number, "text": r.text, "lead": "、".join(r.lead), "support": "、".join(r.support),
        "task": r.task, "title": r.title, "source": r.source, "note": r.note,
    } for r in annex_rows(plan)]
    cols = [XCol("no", t("xl_no"), 6), XCol("text", t("xl_task"), 60), XCol("lead", t("xl_lead"), 30),
            XCol("support", t("xl_support"), 40), XCol("task", t("xl_task_id"), 8), XCol("title", t("xl_title"), 30),
            XCol("source", t("xl_source"), 14), XCol("note", t("xl_note"), 40)]
    return Sheet(t("xl_sheet_matrix"), cols, rows, head + [t("xl_matrix_caption")])


def duties_sheet(plan: Plan, head: list[str]) -> Sheet:
    from nmx.duties.reach import duties_by_unit

    duties = duties_by_unit(plan)
    rows = []
    for unit in plan.units:
        for d in duties[unit.id]:
            rows.append({
                "unit": unit.name, "full_name": unit.full_name, "task": d.task, "title": d.title,
                "role": t("cl_role_lead") if d.role == "lead" else t("cl_role_support"), "via": d.via,
                "possibly": t("xl_possibly") if d.possibly else None, "what": d.what, "schedule": d.schedule,
                "deliver_to": d.deliver_to, "source": d.source, "note": d.note,
            })
    cols = [XCol("unit", t("cl_col_unit"), 24), XCol("full_name", t("xl_full_name"), 36), XCol("task", t("xl_task_id"), 8),
            XCol("title", t("xl_title"), 30), XCol("role", t("cl_col_role"), 8), XCol("via", t("xl_via"), 30),
            XCol("possibly", t("xl_possibly_col"), 10), XCol("what", t("cl_col_what"), 40),
            XCol("schedule", t("cl_col_label"), 20), XCol("deliver_to", t("cl_col_deliver"), 12),
            XCol("source", t("xl_source"), 14), XCol("note", t("xl_note"), 50)]
    return Sheet(t("xl_sheet_duties"), cols, rows, head + [t("xl_duties_caption")])


def deadlines_sheet(plan: Plan, head: list[str]) -> Sheet:
    """Every dated item of the plan's period with its last working day and holiday."""
    from nmx.schedule import engine
    from nmx.views.deadlines import kind_label
    from nmx.schedule.workdays import due_workday, holiday_name, mark, range_note

    period = plan.meta.period
    rows = []
    for item in engine.items(plan, period.start, period.end):
        rows.append({
            "task": item.task, "title": item.title, "what": item.what, "label": item.label, "kind": kind_label(item),
            "start": item.start, "due": item.due, "due_workday": due_workday(item.due),
            "holiday": (name := holiday_name(item.due)) and name + mark(item.due), "count": item.count,
            "units": "、".join(plan.unit_by_id[u].name for u in item.units),
            "unlisted": "、".join(item.unlisted), "deliver_to": item.deliver_to, "source": item.source,
        })
    cols = [XCol("task", t("xl_task_id"), 8), XCol("title", t("xl_title"), 30), XCol("what", t("cl_col_what"), 40),
            XCol("label", t("cl_col_label"), 20), XCol("kind", t("xl_kind"), 8), XCol("start", t("xl_start"), 12),
            XCol("due", t("xl_due"), 12), XCol("due_workday", t("cl_col_workday"), 12),
            XCol("holiday", t("xl_holiday"), 8), XCol("count", t("cl_col_count"), 6),
            XCol("units", t("xl_units"), 60), XCol("unlisted", t("xl_unlisted"), 24),
            XCol("deliver_to", t("cl_col_deliver"), 12), XCol("source", t("xl_source"), 14)]
    note = range_note(period.start, period.end)
    return Sheet(t("xl_sheet_deadlines"), cols, rows, head + [t("xl_deadlines_caption")] + ([note] if note else []))
