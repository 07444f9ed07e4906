"""Receipts (回执): the form the office sends a unit for one month, and the rows it sends back.

A receipt lists, one row per delivery, what a unit owes in a month: the same (obligation,
unit) pairs as `nmx status --month M --dept D` (owed only, never an assumed date; records
play no part in the choice), a quota of N giving N rows. Hidden columns carry the ids each
row answers (task, schedule index and id, period, unit, month, the plan's document number),
so a filled row can be checked as `nmx done` checks a record and appended to records.yaml.

The layout the writer (views/, render/) and the reader (`receipt_file`) share lives here,
the lowest room both can reach: the hidden columns' headers, the metadata sheet's keys.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field
from typing import NamedTuple

from nmx.errors import UsageError
from nmx.i18n import CATALOG, t
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.supervision.files import RecordsState
from nmx.supervision.names import Key
from nmx.supervision.records import Prepared

KIND = "receipt/1"
META_SHEET = "nmx"  # very hidden: key | value rows
META_KEYS = ("kind", "nmx", "doc_number", "title", "unit", "unit_name", "month", "sheet")

#: The hidden columns: their headers are the keys themselves, in every language.
H_TASK, H_ITEM, H_INDEX, H_PERIOD, H_UNIT, H_MONTH, H_PLAN = (
    "nmx:task", "nmx:item", "nmx:index", "nmx:period", "nmx:unit", "nmx:month", "nmx:plan")
HIDDEN = (H_TASK, H_ITEM, H_INDEX, H_PERIOD, H_UNIT, H_MONTH, H_PLAN)

#: The visible columns the reader needs, by catalogue key (the header is read in either language).
C_ITEM, C_PERIOD, C_DATE, C_EVIDENCE, C_NOTE = "rc:col_item", "rc:col_period", "rc:col_date", "rc:col_evidence", "rc:col_note"
READ_VISIBLE = (C_ITEM, C_PERIOD, C_DATE, C_EVIDENCE, C_NOTE)

MAX_ROWS = 10_000  # a receipt has a few dozen rows; a sheet with more is refused unread


def header_labels(key: str) -> tuple[str, ...]:
    """The header a column may carry: a hidden column's key, or a visible one's label in zh or en."""
    return (key,) if key.startswith("nmx:") else tuple(dict.fromkeys(CATALOG[key]))


# --- what a unit owes in a month --------------------------------------------------------------
@dataclass(frozen=True)
class Delivery:
    """One row of a receipt: the `n`-th of `of` deliveries of `item` the unit owes."""

    item: object       # engine.Item
    unit: str
    n: int
    of: int
    recorded: tuple[dt.date, ...]  # dates already in records.yaml for the obligation

    @property
    def key(self) -> Key:
        return (self.item.task, self.item.index, self.item.period, self.unit)


def month_range(plan: Plan, month: str):
    """The dates of `--month` as `nmx status --month` reads them."""
    from nmx.schedule.ranges import status_range

    return status_range(plan, month, None, None, plan.meta.period.start)


def month_name(rng) -> str:
    return f"{rng.start.year:04d}-{rng.start.month:02d}"


def deliveries(plan: Plan, records: RecordsState, rng, units: set[str] | None = None) -> dict[str, list[Delivery]]:
    """unit id → its rows for the month `rng`, units in plan order, rows in status order."""
    from nmx.supervision.status import statuses

    out: dict[str, list[Delivery]] = {}
    for s in statuses(plan, RecordsState(), rng.start, rng.end, rng.start, units):
        key = (s.item.task, s.item.index, s.item.period, s.unit)
        recorded = records.done.get(key, ())
        out.setdefault(s.unit, []).extend(Delivery(s.item, s.unit, n, s.required, recorded)
                                          for n in range(1, s.required + 1))
    order = {u.id: i for i, u in enumerate(plan.units)}
    return dict(sorted(out.items(), key=lambda kv: order.get(kv[0], len(order))))


def item_label(item) -> str:
    """M2/report: as `nmx status` names an item (and as the receipt's 任务 column shows it)."""
    return f"{item.task}/{item.schedule_id or item.index + 1}"


# --- rows read back ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    value: object          # str, int, float, bool, date, datetime or None
    ref: str               # "B5" (xlsx) or the column's header (csv)
    formula: bool = False


@dataclass
class Row:
    where: str                     # "5" for both: the sheet's row, the csv's line
    cells: dict[str, Cell]         # column key (HIDDEN / READ_VISIBLE) → cell


@dataclass
class ReceiptFile:
    """A receipt as read: its metadata (xlsx only), the sheet's name (xlsx), its rows."""

    name: str
    sheet: str | None
    meta: dict[str, str] | None
    rows: list[Row]
    encoding: str | None = None    # csv: the encoding it was read in


@dataclass(frozen=True)
class CellError:
    file: str
    sheet: str | None
    cell: str | None
    message: str

    def __str__(self) -> str:
        if self.cell is None:
            return f"{self.file}: {self.message}"
        if self.sheet is None:
            return f"{self.file}:{self.cell}: {self.message}"
        return f"{self.file}:{self.sheet}!{self.cell}: {self.message}"


@dataclass
class Checked:
    """A receipt's filled rows checked: each one ready to append, or the errors (all of them)."""

    rows: list[tuple[Prepared, dt.date]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


class ReceiptError(Exception):
    """A file that cannot be read as a receipt at all (its one error)."""


class Ids(NamedTuple):
    """What a row's hidden cells say it answers."""

    task: str
    index: int
    item: str | None     # the schedule entry's id
    period: str
    unit: str
    month: str
    plan: str            # the plan's document number

    @property
    def key(self) -> Key:
        return (self.task, self.index, self.period, self.unit)

    @property
    def label(self) -> str:
        return f"{self.task}/{self.item or self.index + 1}"


def check(plan: Plan, receipt: ReceiptFile, today: dt.date) -> Checked:
    """Every filled row (完成日期 not empty) of `receipt` checked against the plan, as `nmx done`
    checks a record; the rows it lists are those the receipt's unit owes in its month."""
    out = Checked()
    where = _Where(receipt)
    meta = receipt.meta
    if meta is not None:
        problem = _meta_problem(plan, meta)
        if problem:
            out.errors.append(where.file(problem))
            return out
    owed: dict[tuple[str, str], set[Key]] = {}
    seen: set[tuple[str, str, str]] = set()
    for row in receipt.rows:
        date_cell = row.cells.get(C_DATE)
        if date_cell is None or _blank(date_cell.value):
            continue
        errors_before = len(out.errors)
        ids = _ids(plan, row, meta, where, out.errors)
        day = _date(date_cell, where, row, out.errors)
        texts = [_text(row.cells.get(k), where, row, out.errors) for k in (C_EVIDENCE, C_NOTE)]
        if ids is None or day is None or len(out.errors) > errors_before:
            continue
        seen.add((ids.unit, ids.month, ids.plan))
        if (ids.unit, ids.month) not in owed:
            owed[(ids.unit, ids.month)] = _owed(plan, ids.unit, ids.month)
        prepared = _prepare(plan, ids, owed[(ids.unit, ids.month)], day, texts, today, date_cell, row, where,
                            out.errors)
        if prepared is not None:
            out.rows.append((prepared, day))
    if meta is None and len(seen) > 1:  # a csv: one unit, one month, one plan throughout
        out.errors.append(where.file(t("rc:mixed_ids")))
    return out


class _Where:
    """Error positions in a receipt: FILE:SHEET!CELL for xlsx, FILE:LINE with the column for csv."""

    def __init__(self, receipt: ReceiptFile) -> None:
        self.receipt = receipt

    def file(self, message: str) -> CellError:
        if self.receipt.encoding:
            message += t("rc:read_as", encoding=self.receipt.encoding)
        return CellError(self.receipt.name, None, None, message)

    def cell(self, row: Row, cell: Cell, message: str) -> CellError:
        if self.receipt.sheet is None:
            return CellError(self.receipt.name, None, row.where, f"{cell.ref}: {message}")
        return CellError(self.receipt.name, self.receipt.sheet, cell.ref, message)


def _meta_problem(plan: Plan, meta: dict[str, str]) -> str | None:
    if meta.get("kind") != KIND:
        return t("rc:wrong_kind", kind=meta.get("kind") or "?", expected=KIND)
    if meta.get("doc_number") != plan.meta.doc_number:
        return t("rc:other_plan", doc=meta.get("doc_number") or "?", ours=plan.meta.doc_number)
    if meta.get("unit") not in plan.unit_by_id:
        return t("rc:unknown_unit_id", unit=meta.get("unit") or "?")
    if not _MONTH.match(meta.get("month") or ""):
        return t("rc:bad_meta_month", month=meta.get("month") or "?")
    return None


_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _ids(plan: Plan, row: Row, meta: dict[str, str] | None, where: _Where, errors: list[CellError]) -> Ids | None:
    """What the hidden cells say, each checked against the receipt and the plan (None: an error said)."""
    values = {k: _plain(row.cells[k].value) for k in HIDDEN}
    bad = lambda key, message: errors.append(where.cell(row, row.cells[key], message))  # noqa: E731
    for key, meta_key in ((H_UNIT, "unit"), (H_MONTH, "month"), (H_PLAN, "doc_number")):
        if meta is not None and values[key] != meta.get(meta_key):
            bad(key, t("rc:tampered", what=key))
            return None
    if values[H_PLAN] != plan.meta.doc_number:
        bad(H_PLAN, t("rc:other_plan", doc=values[H_PLAN] or "?", ours=plan.meta.doc_number))
        return None
    if values[H_UNIT] not in plan.unit_by_id:
        bad(H_UNIT, t("rc:unknown_unit_id", unit=values[H_UNIT] or "?"))
        return None
    task = plan.task_by_id.get(values[H_TASK])
    index = int(values[H_INDEX]) if values[H_INDEX].isdigit() else None
    if task is None or index is None or index >= len(task.schedules) or not _MONTH.match(values[H_MONTH]) \
            or (task.schedules[index].id or "") != values[H_ITEM]:
        bad(H_TASK, t("rc:tampered", what=H_TASK))
        return None
    shown = {C_ITEM: f"{task.id}/{task.schedules[index].id or index + 1}", C_PERIOD: values[H_PERIOD]}
    for key, expected in shown.items():
        cell = row.cells.get(key)
        if cell is not None and _plain(cell.value) != expected:
            errors.append(where.cell(row, cell, t("rc:visible_changed", shown=_plain(cell.value), expected=expected)))
            return None
    return Ids(task.id, index, task.schedules[index].id, values[H_PERIOD], values[H_UNIT], values[H_MONTH],
               values[H_PLAN])


def _owed(plan: Plan, unit: str, month: str) -> set[Key]:
    try:
        rng = month_range(plan, month)
    except UsageError:
        return set()
    return {d.key for d in deliveries(plan, RecordsState(), rng, {unit}).get(unit, [])}


def _prepare(plan: Plan, ids: Ids, owed: set[Key], day: dt.date, texts: list[str | None], today: dt.date,
             date_cell: Cell, row: Row, where: _Where, errors: list[CellError]) -> Prepared | None:
    from nmx.supervision.records import prepare

    if ids.key not in owed:
        errors.append(where.cell(row, row.cells[H_TASK], t("rc:not_owed", item=ids.label, period=ids.period,
                                                           month=ids.month)))
        return None
    if day > today:
        errors.append(where.cell(row, date_cell, t("rc:future", date=day, today=today)))
        return None
    if day < plan.meta.period.start:
        errors.append(where.cell(row, date_cell, t("sv_date_before_period", day=day, start=plan.meta.period.start)))
        return None
    try:
        prepared = prepare(plan, ids.task, ids.unit, ids.item, ids.period, day, texts[0], texts[1], today)
    except UsageError as exc:
        errors.append(where.cell(row, date_cell, exc.message))
        return None
    if prepared.key != ids.key:  # an entry without an id among several: never a silent mismatch
        errors.append(where.cell(row, row.cells[H_TASK], t("rc:tampered", what=H_TASK)))
        return None
    return prepared


_DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def parse_day(text: str) -> dt.date | None:
    """2023-06-05, 2023/6/5, 2023.6.5 or 2023年6月5日 (Excel's short date in a Chinese locale too)."""
    text = text.strip()
    for pattern in _DATE_FORMATS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def _date(cell: Cell, where: _Where, row: Row, errors: list[CellError]) -> dt.date | None:
    value = cell.value
    if cell.formula:
        errors.append(where.cell(row, cell, t("rc:formula")))
        return None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            errors.append(where.cell(row, cell, t("rc:date_with_time", value=value.isoformat(" "))))
            return None
        return value.date()
    if isinstance(value, dt.date):
        return value
    day = parse_day(value) if isinstance(value, str) else None
    if day is None:
        errors.append(where.cell(row, cell, t("rc:bad_date", value=_shown(value))))
    return day


def _text(cell: Cell | None, where: _Where, row: Row, errors: list[CellError]) -> str | None:
    """佐证 or 说明 as text (a number or a date written as typed), cleaned like `nmx done`'s options."""
    from nmx.safetext import first_control, visible

    if cell is None or _blank(cell.value):
        return None
    if cell.formula:
        errors.append(where.cell(row, cell, t("rc:formula")))
        return None
    text = _plain(cell.value).replace("\r\n", "\n")
    index = first_control(text)
    if index is not None:
        errors.append(where.cell(row, cell, t("rc:control", char=visible(text[index]))))
        return None
    return text.strip() or None


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: object) -> str:
    text = _plain(value)
    return text if len(text) <= 40 else text[:40] + "…"
