"""A task-division table (分工表) read from rows of cells, whatever file it came from.

The header row names the columns: 序号, 主要任务 (工作任务, 任务, 工作内容 …), 牵头责任部门
(牵头单位, 责任单位, 责任部门 …), 配合责任部门 (配合单位, 协办单位 …), 完成时限 (时限, 完成时间 …).
A header row repeated after a page break is skipped; a row whose 序号 is not a number
(a title, a blank row) is not a task. A cell merged over several rows arrives repeated
in each of them (`fill_merged` for sheets; python-docx repeats it itself); a task text
merged over rows with the same 序号 is one row. Unit cells are split on spaces, 、，,；;
and line breaks.
"""

from __future__ import annotations

import re
import unicodedata

from nmx.lazyclass import dataclass

COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "序"),
    "task": ("主要任务", "工作任务", "任务内容", "工作内容", "具体任务", "重点任务", "任务", "内容"),
    "lead": ("牵头责任部门", "牵头责任单位", "牵头单位", "牵头部门", "责任单位", "责任部门", "主办单位", "牵头"),
    "support": ("配合责任部门", "配合责任单位", "配合单位", "配合部门", "协办单位", "参与单位", "配合"),
    "due": ("完成时限", "完成时间", "时间要求", "时限", "完成期限"),
}

_SPLIT = re.compile(r"[\s、，,；;]+")


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, str]  # column key → the cell's text as written
    where: str             # where it was found, for the trace: "表1 第3行"


@dataclass(frozen=True)
class Table:
    title: str
    header: dict[str, str]  # column key → the header as written
    rows: tuple[Row, ...]
    skipped: tuple[str, ...] = ()  # repeated headers and other rows that are not tasks, by where


def clean(text: str | None) -> str:
    return "" if text is None else str(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def header_of(cells: list[str]) -> dict[int, str] | None:
    """Column index → column key when `cells` is a header row (a task column and a lead column), else None."""
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        name = _key(cell)
        for key, names in COLUMNS.items():
            if key not in found.values() and name in names:
                found[i] = key
                break
    keys = set(found.values())
    return found if {"task", "lead"} <= keys else None


def fill_merged(rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> list[list[str]]:
    """Rows with each merged range (first row, first col, last row, last col; 0-based, inclusive)
    holding its top-left value in every cell, as python-docx gives a Word table's merged cells."""
    out = [list(r) for r in rows]
    for r0, c0, r1, c1 in merged:
        value = out[r0][c0] if r0 < len(out) and c0 < len(out[r0]) else ""
        for r in range(r0, min(r1, len(out) - 1) + 1):
            for c in range(c0, c1 + 1):
                while len(out[r]) <= c:
                    out[r].append("")
                out[r][c] = value
    return out


def read_table(rows: list[list[str]], label: str, title: str = "") -> Table | None:
    """The task table in `rows` (cells already cleaned), or None when no header row is found."""
    columns: dict[int, str] | None = None
    header: dict[str, str] = {}
    got: dict[int, Row] = {}
    order: list[int] = []
    skipped: list[str] = []
    for n, cells in enumerate(rows, start=1):
        where = f"{label} 第{n}行"
        head = header_of(cells)
        if head is not None:
            if columns is not None:
                skipped.append(where)  # a header repeated after a page break
            else:
                columns = head
                header = {key: cells[i] for i, key in head.items()}
            continue
        if columns is None:
            if not title and any(cells):
                title = next(c for c in cells if c)
            continue
        values = {key: (cells[i] if i < len(cells) else "") for i, key in columns.items()}
        number = _number(values.get("number", ""))
        if number is None:
            if "number" not in values and values.get("task"):
                number = len(order) + 1
            else:
                if any(cells):
                    skipped.append(where)
                continue
        if number in got:  # the same 序号 again: a row merged down, its cells continue the first
            first = got[number]
            merged = {k: _continue(first.cells.get(k, ""), values.get(k, "")) for k in {*first.cells, *values}}
            got[number] = Row(number, merged, first.where)
            continue
        got[number] = Row(number, values, where)
        order.append(number)
    if columns is None:
        return None
    return Table(title, header, tuple(got[n] for n in order), tuple(skipped))


def _continue(first: str, more: str) -> str:
    if not more or more == first:
        return first
    return f"{first}\n{more}" if first else more


def _number(text: str) -> int | None:
    m = re.fullmatch(r"\s*(\d+)[.、．]?\s*", unicodedata.normalize("NFKC", text or ""))
    return int(m.group(1)) if m else None


def split_units(cell: str) -> list[str]:
    """The unit names of a cell: split on spaces, 、，,；; and line breaks; duplicates dropped."""
    out: list[str] = []
    for part in _SPLIT.split(cell or ""):
        part = part.strip("。.")
        if part and part not in out:
            out.append(part)
    return out
