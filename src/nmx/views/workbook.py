"""Workbooks as data: sheets of labelled columns and rows, and `nmx export xlsx`'s — the annex
table, every unit's duties, the year's deadlines. `nmx.render.xlsx` writes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
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
    """A sheet: optional title lines, one header row (frozen, filtered), then the rows (a list, or
    `Rows` made as they are read; the writer reads them once per workbook)."""

    name: str
    columns: list[XCol]
    rows: Iterable[dict[str, Any]]
    title_lines: list[str] = field(default_factory=list)


class Rows:
    """A sheet's rows made afresh each time they are read, from data computed beforehand: as
    dicts, or as tuples of the `keys`' values (`tuples()`, what the workbook writer reads). A
    10,000-task plan's workbook has 600,000 rows: 270 MB as dicts held at once, and each is
    needed once."""

    def __init__(self, keys: list[str], tuples: Callable[[], Iterator[tuple[Any, ...]]]) -> None:
        self.keys = keys
        self.tuples = tuples

    def __iter__(self) -> Iterator[dict[str, Any]]:
        keys = self.keys
        return (dict(zip(keys, values)) for values in self.tuples())


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

    cols = [XCol("unit", t("cl_col_unit"), 24), XCol("full_name", t("xl_full_name"), 36), XCol("task", t("xl_task_id"), 8),
            XCol("title", t("xl_title"), 30), XCol("role", t("cl_col_role"), 8), XCol("via", t("xl_via"), 30),
            XCol("possibly", t("xl_possibly_col"), 10), XCol("what", t("cl_col_what"), 40),
            XCol("schedule", t("cl_col_label"), 20), XCol("deliver_to", t("cl_col_deliver"), 12),
            XCol("source", t("xl_source"), 14), XCol("note", t("xl_note"), 50)]
    duties = duties_by_unit(plan)
    lead, support, possibly = t("cl_role_lead"), t("cl_role_support"), t("xl_possibly")

    def rows() -> Iterator[tuple[Any, ...]]:  # in the columns' order
        for unit in plan.units:
            for d in duties[unit.id]:
                yield (unit.name, unit.full_name, d.task, d.title, lead if d.role == "lead" else support, d.via,
                       possibly if d.possibly else None, d.what, d.schedule, d.deliver_to, d.source, d.note)

    return Sheet(t("xl_sheet_duties"), cols, Rows([c.key for c in cols], rows), head + [t("xl_duties_caption")])


def deadlines_sheet(plan: Plan, head: list[str]) -> Sheet:
    """Every dated item of the plan's period with its last working day and holiday."""
    from nmx.schedule import engine
    from nmx.schedule.workdays import range_note

    cols = [XCol("task", t("xl_task_id"), 8), XCol("title", t("xl_title"), 30), XCol("what", t("cl_col_what"), 40),
            XCol("label", t("cl_col_label"), 20), XCol("kind", t("xl_kind"), 8), XCol("start", t("xl_start"), 12),
            XCol("due", t("xl_due"), 12), XCol("due_workday", t("cl_col_workday"), 12),
            XCol("holiday", t("xl_holiday"), 8), XCol("count", t("cl_col_count"), 6),
            XCol("units", t("xl_units"), 60), XCol("unlisted", t("xl_unlisted"), 24),
            XCol("deliver_to", t("cl_col_deliver"), 12), XCol("source", t("xl_source"), 14)]
    period = plan.meta.period
    items = engine.items(plan, period.start, period.end)
    kinds, days = _kind_labels(items), _due_days(items)
    # the units cell per (lead, support) pair of tuples, by identity: an entry's items share
    # them, and hashing a tuple of 2,000 unit ids for each of 200,000 items took seconds (the
    # items, alive as long as this cache, keep the ids unique)
    units: dict[tuple[int, int], str] = {}

    def rows() -> Iterator[tuple[Any, ...]]:  # in the columns' order
        for item in items:
            if (names := units.get((id(item.lead), id(item.support)))) is None:
                names = units[id(item.lead), id(item.support)] = "、".join(plan.unit_by_id[u].name for u in item.units)
            due_workday, holiday = days[item.due]
            yield (item.task, item.title, item.what, item.label, kinds[item.kind, item.count], item.start, item.due,
                   due_workday, holiday, item.count, names, "、".join(item.unlisted), item.deliver_to, item.source)

    note = range_note(period.start, period.end)
    return Sheet(t("xl_sheet_deadlines"), cols, Rows([c.key for c in cols], rows),
                 head + [t("xl_deadlines_caption")] + ([note] if note else []))


def _kind_labels(items: list[Any]) -> dict[tuple[str, int | None], str]:
    """Each (kind, count)'s label, made now in the current language (the rows are made later)."""
    from nmx.views.deadlines import kind_label

    return {(i.kind, i.count): kind_label(i) for i in {(i.kind, i.count): i for i in items}.values()}


def _due_days(items: list[Any]) -> dict[dt.date, tuple[dt.date, str | None]]:
    """Each due date's last working day and holiday (with 待定 when provisional), taken now from
    the calendar of the plan just loaded."""
    from nmx.schedule.workdays import due_workday, holiday_name, mark

    return {day: (due_workday(day), (name := holiday_name(day)) and name + mark(day))
            for day in {i.due for i in items}}
