"""Receipts as data: the form a unit fills for one month (`Receipt`, written by render/receipt.py),
and what `nmx import records` made of the forms that came back (a `View`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field
from typing import Any

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.supervision import receipts as rc
from nmx.views import Column, View


@dataclass
class ReceiptColumn:
    key: str
    label: str
    width: int                 # in characters, CJK counted twice
    fill: bool = False         # the unit writes here (unlocked)
    hidden: bool = False
    date: bool = False         # a date cell (validated when `fill`)


@dataclass
class Receipt:
    """One unit's receipt for one month: a title, an instruction line, one row per delivery."""

    sheet: str
    title: str
    instruction: str
    columns: list[ReceiptColumn]
    rows: list[dict[str, Any]]
    meta: list[tuple[str, str]]       # the hidden metadata sheet: key, value
    meta_sheet: str
    first_day: dt.date                # the dates a 完成日期 may take (the plan's period)
    last_day: dt.date
    input_title: str
    input_message: str
    error_message: str
    created: dt.datetime
    header: str                       # the plan's title, in the printed page's header
    author: str = ""


def _columns() -> list[ReceiptColumn]:
    shown = [ReceiptColumn("no", t("rc:col_no"), 5), ReceiptColumn("item", t(rc.C_ITEM), 16),
             ReceiptColumn("what", t("rc:col_what"), 40), ReceiptColumn("period", t(rc.C_PERIOD), 9),
             ReceiptColumn("due", t("rc:col_due"), 11, date=True), ReceiptColumn("workday", t("rc:col_workday"), 11, date=True),
             ReceiptColumn("deliver_to", t("rc:col_deliver_to"), 12), ReceiptColumn("basis", t("rc:col_basis"), 18),
             ReceiptColumn("recorded", t("rc:col_recorded"), 16),
             ReceiptColumn("date", t(rc.C_DATE), 12, fill=True, date=True),
             ReceiptColumn("evidence", t(rc.C_EVIDENCE), 30, fill=True), ReceiptColumn("note", t(rc.C_NOTE), 30, fill=True)]
    return shown + [ReceiptColumn(key, key, 10, hidden=True) for key in rc.HIDDEN]


def receipt(plan: Plan, unit_id: str, month: str, rows: list[rc.Delivery]) -> Receipt:
    """The receipt of `unit_id` for `month` ("YYYY-MM") with these rows (`receipts.deliveries`)."""
    from nmx import __version__
    from nmx.schedule.workdays import due_workday

    unit = plan.unit_by_id[unit_id]
    meta = plan.meta
    out = []
    for no, d in enumerate(rows, start=1):
        item = d.item
        workday = due_workday(item.due)
        what = item.what + (t("rc:nth", n=d.n, of=d.of) if d.of > 1 else "")
        clauses = "、".join(item.clauses or (item.task,))
        out.append({
            "no": no, "item": rc.item_label(item), "what": what, "period": item.period, "due": item.due,
            "workday": workday if workday != item.due else None, "deliver_to": item.deliver_to,
            "basis": f"{clauses}（{item.source}）" if item.source else clauses,
            "recorded": "、".join(day.isoformat() for day in d.recorded),
            rc.H_TASK: item.task, rc.H_ITEM: item.schedule_id or "", rc.H_INDEX: str(item.index),
            rc.H_PERIOD: item.period, rc.H_UNIT: unit.id, rc.H_MONTH: month, rc.H_PLAN: meta.doc_number,
        })
    sheet = t("rc:sheet")
    values = {"kind": rc.KIND, "nmx": __version__, "doc_number": meta.doc_number, "title": meta.title,
              "unit": unit.id, "unit_name": unit.name, "month": month, "sheet": sheet}
    return Receipt(
        sheet=sheet,
        title=t("rc:title", unit=unit.name, month=month, title=meta.title, doc=meta.doc_number),
        instruction=t("rc:instruction", unit=unit.full_name or unit.name, month=month, n=len(out),
                      to=meta.issuer_short or meta.issuer, start=meta.period.start, end=meta.period.end),
        columns=_columns(), rows=out, meta=[(k, values[k]) for k in rc.META_KEYS], meta_sheet=rc.META_SHEET,
        first_day=meta.period.start, last_day=meta.period.end,
        input_title=t("rc:input_title"), input_message=t("rc:input_message", start=meta.period.start, end=meta.period.end),
        error_message=t("rc:error_message", start=meta.period.start, end=meta.period.end),
        created=dt.datetime.combine(meta.period.start, dt.time()), header=meta.title, author=meta.issuer,
    )


def file_names(plan: Plan, month: str, unit_ids: list[str]) -> dict[str, str]:
    """unit id → its receipt's file name, safe on Windows and unique without regard to case:
    `回执_2023-05_金安区人民政府.xlsx` (the unit's id when its name cannot be used)."""
    from nmx.fileio import is_device_name, safe_stem

    out: dict[str, str] = {}
    used: set[str] = set()
    for uid in unit_ids:
        name = safe_stem(plan.unit_by_id[uid].name)
        stem = t("rc:file_stem", month=month, unit=name) if name and not is_device_name(name) else None
        if stem is None or stem.casefold() in used:
            stem = t("rc:file_stem", month=month, unit=re.sub(r"[^A-Za-z0-9_-]", "_", uid)[:60])
        while stem.casefold() in used:
            stem += "_"
        used.add(stem.casefold())
        out[uid] = stem + ".xlsx"
    return out


# --- nmx import records ----------------------------------------------------------------------------
@dataclass
class FileResult:
    """One file of `nmx import records`: what was added (or, dry, would be), skipped, refused."""

    file: str
    added: list[Any] = field(default_factory=list)      # records.Prepared
    skipped: int = 0
    errors: list[rc.CellError] = field(default_factory=list)


def record_json(plan: Plan, prepared) -> dict[str, Any]:
    rec = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in prepared.fields}
    return {**rec, "unit": prepared.key[3]}


def import_view(plan: Plan, results: list[FileResult], dry_run: bool, records_file: str) -> View:
    """Per file: added, skipped, errors (their lines, FILE:SHEET!CELL: message, are the command's to
    say on stderr, whole); under the table, dry, every record that would be added."""
    rows = [{"file": r.file, "added": len(r.added), "skipped": r.skipped, "errors": len(r.errors)} for r in results]
    columns = [Column("file", t("rc:col_file"), max_width=40), Column("added", t("rc:col_added" if not dry_run else
                                                                                 "rc:col_would_add"), no_wrap=True),
               Column("skipped", t("rc:col_skipped"), no_wrap=True), Column("errors", t("rc:col_errors"), no_wrap=True)]
    notes = []
    if dry_run:
        notes += [t("rc:would_add", file=r.file, item=_item(p), period=dict(p.fields)["period"],
                    dept=dict(p.fields)["dept"], date=dict(p.fields)["date"]) for r in results for p in r.added]
    added = sum(len(r.added) for r in results)
    failed = sum(1 for r in results if r.errors)
    key = "rc:import_title_dry" if dry_run else "rc:import_title"
    title = t(key, files=len(results), added=added, skipped=sum(r.skipped for r in results), failed=failed,
              path=records_file)
    payload = {
        "files": [{"file": r.file, "added": len(r.added), "skipped": r.skipped,
                   "errors": [{"file": e.file, "sheet": e.sheet, "cell": e.cell, "message": e.message} for e in r.errors],
                   "records": [record_json(plan, p) for p in r.added]} for r in results],
        "dry_run": dry_run, "records_file": records_file,
    }
    return View(columns, rows, payload=payload, title=title, notes=notes, kind="import-records/1")


def _item(prepared) -> str:
    rec = dict(prepared.fields)
    return f"{rec['task']}/{rec['item']}" if rec.get("item") else rec["task"]
