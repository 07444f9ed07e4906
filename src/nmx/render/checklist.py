"""Checklists in every format: terminal (Rich), Markdown task lists, a printable HTML form, JSON, xlsx."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from nmx.views.checklist import Checklist, Checklists, Line, as_json
from nmx.i18n import lang, t
from nmx.render.formats import Format
from nmx.render.html import BR, Safe, box, cell_opens, el, escape, join, markup_tr, page, table


# --- words shared by every format ---------------------------------------------------------
def heading(cl: Checklist) -> str:
    return t("cl_heading", title=cl.plan_title, doc=cl.doc_number)


def subheading(cl: Checklist) -> str:
    return t("cl_subheading", unit=cl.unit.name, month=month_words(cl.month))


def month_words(ym: str) -> str:
    return t("rp_month", year=int(ym[:4]), month=int(ym[5:]))


def kind_words(line: Line) -> str:
    if line.kind == "quota":
        return t("kind_quota_n", n=line.count)
    return t(f"kind_{line.kind}")


def role_words(line: Line) -> str:
    return _role_words(lang(), line.role, line.via, line.possibly)


# The cached helpers below take the language as their first argument: a large plan's
# report repeats the same few thousand items across thousands of units' lists.
@lru_cache(maxsize=4096)
def _role_words(language: str, role: str, via: str | None, possibly: bool) -> str:
    words = t("cl_role_lead") if role == "lead" else t("cl_role_support")
    if via:
        words += t("cl_via", via=via)
    if possibly:
        words += t("cl_maybe")
    return words


def short_date(day: dt.date | None) -> str:
    """'05-31' (strftime costs ten times more, and a large plan formats millions of dates)."""
    return f"{day.month:02d}-{day.day:02d}" if day else ""


def due_words(line: Line) -> str:
    """'05-31' plus, when the due day is a day off, the last working day before it."""
    from nmx.i18n import holiday_label

    if line.due is None:
        return ""
    if line.holiday and line.due_workday != line.due:
        return t("cl_due_off", due=short_date(line.due), name=holiday_label(line.holiday),
                 work=short_date(line.due_workday) + _pending(line))
    return short_date(line.due)


def _pending(line: Line) -> str:
    """待定 after a last working day computed from a provisional holidays.yaml."""
    return t("hol_provisional_mark") if line.provisional else ""


def span_words(line: Line) -> str:
    if line.start is None or line.start == line.due:
        return ""
    return f"{short_date(line.start)}—{short_date(line.due)}"


# --- terminal -----------------------------------------------------------------------------
def render_table(lists: list[Checklist]) -> Any:
    from nmx.render.flow import Para, Stack

    parts: list[Any] = []
    for cl in lists:
        parts += [Para(heading(cl), style="bold"), Para(subheading(cl), style="bold")]
        if cl.dated:
            parts += [Para(t("cl_sec_dated"), style="italic"), _dated_table(cl)]
        else:
            parts.append(Para(t("cl_no_dated"), style="dim"))
        for title, lines in ((t("cl_sec_standing"), cl.standing), (t("cl_sec_irregular"), cl.irregular)):
            if lines:
                parts += [Para(title, style="italic"), _undated_table(lines)]
        if cl.deliveries:
            parts.append(Para(t("cl_sec_deliver"), style="bold"))
            parts += [Para(f"  {_delivery_text(x)}") for x in cl.deliveries]
        if any(line.due != line.due_workday for line in cl.dated):
            parts.append(Para(t("cl_workday_legend"), style="dim"))
        parts += [Para(n, style="dim") for n in cl.notes]
        parts.append(Para(""))
    return Stack(parts) if parts else Para(t("cl_empty"))


def _dated_table(cl: Checklist) -> Any:
    """Box, due day, id, item, role, source; a rule under each due day's lines."""
    from nmx.render.flow import Grid, GridCol

    cols = [GridCol(t("cl_col_box"), no_wrap=True), GridCol(t("cl_col_due"), no_wrap=True),
            GridCol(t("xl_task_id"), no_wrap=True), GridCol(t("cl_col_item"), 34), GridCol(t("cl_col_role"), 12),
            GridCol(t("cl_col_source"), 10)]
    rows, ends = [], []
    for _, lines in cl.by_due():
        for n, line in enumerate(lines):
            rows.append(["☐", _due_cell(line) if n == 0 else "", line.task, _item_text(line, False), role_words(line),
                         line.source])
            ends.append(n == len(lines) - 1)
    return Grid(cols, rows, end_section=ends)


def _due_cell(line: Line) -> str:
    """'09-30', and when that is a day off, its name and '→ last working day' below."""
    from nmx.i18n import holiday_label

    if line.holiday and line.due_workday != line.due:
        return f"{short_date(line.due)}\n{holiday_label(line.holiday)}\n→{short_date(line.due_workday)}{_pending(line)}"
    return short_date(line.due)


def _undated_table(lines: list[Line]) -> Any:
    from nmx.render.flow import Grid, GridCol

    cols = [GridCol(t("cl_col_box"), no_wrap=True), GridCol(t("xl_task_id"), no_wrap=True),
            GridCol(t("cl_col_item"), 40), GridCol(t("cl_col_role"), 12), GridCol(t("cl_col_source"), 10)]
    return Grid(cols, [["☐", line.task, _item_text(line, False), role_words(line), line.source] for line in lines])


def label_text(label: str, basis: str) -> str:
    """The plan's words for when; a label the data assumes is marked （推定）."""
    return label if basis == "stated" else t("assumed_label", label=label)


def _item_text(line: Line, with_id: bool = True) -> str:
    extra = [label_text(line.label, line.basis)]
    if line.kind == "quota":
        extra.append(t("cl_count", n=line.count) if line.owes else t("cl_count_not_owed", n=line.count))
    if span_words(line):
        extra.append(span_words(line))
    if line.deliver_to:
        extra.append(t("cl_deliver_to", to=line.deliver_to))
    text = f"{line.title}：{line.what}（{'；'.join(extra)}）"
    return f"{line.task} {text}" if with_id else text


def _delivery_text(line: Line) -> str:
    return t("cl_delivery", due=due_words(line), to=line.deliver_to, task=line.task, what=line.what)


# --- Markdown (GitHub task lists) ---------------------------------------------------------------
_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]#|~"})


def md_text(text: str | None) -> str:
    from nmx.render.tabular import md_entities

    return md_entities((text or "").translate(_MD_SPECIAL)).replace("\r", " ").replace("\n", " ")


def render_md(lists: list[Checklist]) -> str:
    out: list[str] = []
    for cl in lists:
        out += [f"# {md_text(heading(cl))}", "", f"## {md_text(subheading(cl))}", ""]
        out += [f"### {md_text(t('cl_sec_dated'))}", ""]
        if not cl.dated:
            out += [md_text(t("cl_no_dated")), ""]
        for due, lines in cl.by_due():
            out += [f"**{md_text(due_words(lines[0]))}**", ""]
            out += [_md_line(x) for x in lines] + [""]
        for title, lines in ((t("cl_sec_standing"), cl.standing), (t("cl_sec_irregular"), cl.irregular)):
            if lines:
                out += [f"### {md_text(title)}", ""] + [_md_line(x) for x in lines] + [""]
        if cl.deliveries:
            out += [f"### {md_text(t('cl_sec_deliver'))}", ""]
            out += [f"- {md_text(_delivery_text(x))}" for x in cl.deliveries] + [""]
        out += [f"> {md_text(n)}" for n in cl.notes]
        out += [""] if cl.notes else []
    return "\n".join(out).rstrip("\n") + "\n" if out else t("cl_empty") + "\n"


def _md_line(line: Line) -> str:
    return f"- [ ] {md_text(_item_text(line))} — {md_text(role_words(line))} — {md_text(t('cl_source', source=line.source))}"


# --- HTML: a printable self-inspection form ---------------------------------------------------------
def render_html(lists: list[Checklist]) -> str:
    if not lists:
        return page(t("cl_empty"), el("p", t("cl_empty")), lang=lang())
    body = [html_section(cl, first=n == 0) for n, cl in enumerate(lists)]
    title = subheading(lists[0]) if len(lists) == 1 else t("cl_all_title", month=month_words(lists[0].month))
    return page(title, *body, lang=lang(), footer=el("p", t("cl_footer", today=lists[0].today.isoformat())))


def html_section(cl: Checklist, first: bool = True, level: int = 1, sign: bool = True, limit: int | None = None) -> Safe:
    """One unit's form; `level` 1 for its own page, 2 inside a unit's report page, where
    `limit` may cut long sections (saying so; the printable form is always whole)."""
    h, hs = f"h{level}", f"h{level + 1}"
    running = f"{subheading(cl)} · {cl.plan_title}"  # printed at the top of every page the tables run over
    parts: list[Any] = []
    if level == 1:
        parts += [el("p", heading(cl), class_="meta"), el(h, subheading(cl))]
        parts.append(el("p", t("cl_unit_full", full=cl.unit.full_name), class_="meta"))
    parts += [el(hs, t("cl_sec_dated")),
              _dated_html(cl.dated[:limit], running) if cl.dated else el("p", t("cl_no_dated"), class_="note"),
              _cut(cl.dated, limit)]
    for title, lines in ((t("cl_sec_standing"), cl.standing), (t("cl_sec_irregular"), cl.irregular)):
        if lines:
            parts += [el(hs, title), _undated_html(lines[:limit], running), _cut(lines, limit)]
    if cl.deliveries:
        parts += [el(hs, t("cl_sec_deliver")),
                  el("ul", _rows(_delivery_li, lang(), cl.deliveries[:limit])), _cut(cl.deliveries, limit)]
    parts += [el("p", n, class_="note") for n in cl.notes]
    if sign:
        parts.append(el("div", el("div", t("cl_checker")), el("div", t("cl_check_date")), el("div", t("cl_remarks")),
                        class_="sign"))
    return el("section", parts, class_=None if first else "unit-break", data_unit=cl.unit.id)


@lru_cache(maxsize=1 << 15)
def _delivery_li(language: str, line: Line) -> Safe:
    return el("li", _delivery_text(line))


def _cut(lines: list, limit: int | None) -> Safe | None:
    if limit is None or len(lines) <= limit:
        return None
    return el("p", t("rp_more_items", shown=limit, n=len(lines)), class_="note")


def _dated_html(dated: list[Line], running: str | None = None) -> Safe:
    heads = _dated_heads(lang())
    return table(list(heads), _rows(_dated_row, heads, dated), class_="stack checklist dated",
                 running=running)


def _undated_html(lines: list[Line], running: str | None = None) -> Safe:
    heads = _undated_heads(lang())
    return table(list(heads), _rows(_undated_row, heads, lines), class_="stack checklist",
                 running=running)


@lru_cache(maxsize=8)
def _dated_heads(language: str) -> tuple[str, ...]:
    return (t("cl_col_box"), t("cl_col_due"), t("cl_col_item"), t("cl_col_role"), t("cl_col_deliver"),
            t("cl_col_source"), t("cl_col_result"))


@lru_cache(maxsize=8)
def _undated_heads(language: str) -> tuple[str, ...]:
    return t("cl_col_box"), t("cl_col_item"), t("cl_col_role"), t("cl_col_source"), t("cl_col_result")


_BLANK = Safe('<span class="blank"></span>')
#: (row function, its first argument) → (id(line) → its row, the lines): a report's lists share their line
#: objects (views.checklist.ScheduleIndex), so their rows are found by identity, which hashing a
#: line's 21 fields for each of a large plan's 470,000 lines costs several times over. The lines
#: are kept, so no id is another's while it is here.
_BY_LINE: dict[tuple, tuple[dict[int, Safe], list[Line]]] = {}
_MAX_BY_LINE = 1 << 17


def _rows(row, first: Any, lines: list[Line]) -> list[Safe]:
    """`row(first, line)` of each line (`first`: the headers or the language)."""
    rows, kept = _BY_LINE.get((row, first)) or _BY_LINE.setdefault((row, first), ({}, []))
    if len(rows) > _MAX_BY_LINE:
        rows.clear()
        kept.clear()
    out = [rows.get(id(line)) for line in lines]
    if None in out:
        for n, line in enumerate(lines):
            if out[n] is None:
                found = rows.get(id(line))  # a line twice in one list
                if found is None:
                    found = rows[id(line)] = row(first, line)
                    kept.append(line)
                out[n] = found
    return out


# A row depends on the line and the language only (the headers carry the language), and the
# lines of many units' lists are the same: each distinct row is built once, as one string.
@lru_cache(maxsize=1 << 17)
def _dated_row(heads: tuple[str, ...], line: Line) -> Safe:
    return markup_tr(cell_opens(heads), (box(), _due_html(line), _item_html(line), escape(role_words(line)),
                        escape(line.deliver_to or ""), escape(line.source), _BLANK))


@lru_cache(maxsize=1 << 16)
def _undated_row(heads: tuple[str, ...], line: Line) -> Safe:
    return markup_tr(cell_opens(heads), (box(), _item_html(line), escape(role_words(line)), escape(line.source), _BLANK))


def _due_html(line: Line) -> Safe:
    return _due_cell_html(lang(), line.due, line.holiday, line.due_workday, line.provisional)


@lru_cache(maxsize=1024)
def _due_cell_html(language: str, due: dt.date, holiday: str | None, workday: dt.date | None,
                   provisional: bool = False) -> Safe:
    from nmx.i18n import holiday_label

    parts: list[Any] = [el("strong", short_date(due))]
    if holiday and workday != due:
        parts += [BR, el("span", t("cl_workday_short", name=holiday_label(holiday), work=short_date(workday))
                         + (t("hol_provisional_mark") if provisional else ""), class_="tag holiday")]
    return join(parts)


def _item_html(line: Line) -> Safe:
    return _item_cell_html(lang(), line.task, line.title, line.what, label_text(line.label, line.basis), line.kind,
                           line.count, line.start, line.due, line.owes)


@lru_cache(maxsize=65536)
def _item_cell_html(language: str, task: str, title: str, what: str, label: str, kind: str, count: int | None,
                    start: dt.date | None, due: dt.date | None, owes: bool = True) -> Safe:
    """The item's cell, written in one pass (what `el` and `join` made of the same parts)."""
    extra = [escape(label)]
    if kind == "quota" and owes:
        extra.append(f"{escape(t('cl_count', n=count))} {escape(t('cl_done_n'))}")
    elif kind == "quota":
        extra.append(escape(t("cl_count_not_owed", n=count)))
    if start is not None and start != due:
        extra.append(escape(f"{short_date(start)}—{short_date(due)}"))
    return Safe(f'<strong>{escape(task)}</strong> {escape(title)}<br>{escape(what)} '
                f'<span class="note">（{"；".join(extra)}）</span>')


# --- xlsx -------------------------------------------------------------------------------------
def render_xlsx(checklists: Checklists) -> bytes:
    from nmx.render.xlsx import workbook_bytes
    from nmx.views.workbook import Sheet, Workbook, XCol

    lists = checklists.lists

    cols = [("unit", t("cl_col_unit"), 24), ("done", t("cl_col_done"), 8), ("section", t("cl_col_section"), 14),
            ("due", t("cl_col_due"), 12), ("due_workday", t("cl_col_workday"), 12), ("holiday", t("xl_holiday"), 8),
            ("task", t("cl_col_task_id"), 8), ("title", t("cl_col_title"), 30), ("what", t("cl_col_what"), 40),
            ("label", t("cl_col_label"), 20), ("count", t("cl_col_count"), 8), ("role", t("cl_col_role"), 24),
            ("deliver_to", t("cl_col_deliver"), 12), ("source", t("cl_col_source"), 14),
            ("result", t("cl_col_result"), 40), ("checker", t("cl_col_checker"), 16),
            ("checked_on", t("cl_col_checked_on"), 14)]
    room = {"result": 40, "checker": 16, "checked_on": 14}  # left blank, to be filled in by hand
    rows = []
    for cl in lists:
        for section, lines in ((t("cl_sec_dated"), cl.dated), (t("cl_sec_standing"), cl.standing),
                               (t("cl_sec_irregular"), cl.irregular)):
            for line in lines:
                rows.append({"unit": cl.unit.name, "section": section, "due": line.due, "due_workday": line.due_workday,
                             "holiday": line.holiday and line.holiday + _pending(line), "task": line.task, "title": line.title, "what": line.what,
                             "label": label_text(line.label, line.basis), "count": line.count if line.owes else None,
                             "role": role_words(line),
                             "deliver_to": line.deliver_to, "source": line.source})
    month = month_words(lists[0].month) if lists else ""
    title_lines = [heading(lists[0]) if lists else "", t("cl_xlsx_title", month=month)]
    sheet = Sheet(t("cl_sheet"), [XCol(k, label, w, room.get(k, 0)) for k, label, w in cols], rows, title_lines)
    return workbook_bytes(Workbook([sheet], checklists.created, title=title_lines[1],
                                   header=lists[0].plan_title if lists else ""))


# --- docx -------------------------------------------------------------------------------------
def render_docx(checklists: Checklists) -> bytes:
    """Each unit's checklist on its own pages: dated items, standing and irregular work, each a
    table with a wide 落实情况 column left blank, then lines for the checker and the date."""
    from nmx.render.docx import HEAD_FONT, Doc

    lists = checklists.lists
    doc = Doc(checklists.created, subheading(lists[0]) if lists else t("cl_empty"))
    if not lists:
        doc.para(t("cl_empty"))
    for cl in lists:
        doc.heading(cl.plan_title, cl.doc_number, subheading(cl))
        doc.para(t("cl_unit_full", full=cl.unit.full_name))
        sections = [(t("cl_sec_dated"), cl.dated, True), (t("cl_sec_standing"), cl.standing, False),
                    (t("cl_sec_irregular"), cl.irregular, False)]
        for title, lines, dated in sections:
            if not lines and not dated:
                continue
            doc.para(title, font=HEAD_FONT, size=12)
            if not lines:
                doc.para(t("cl_no_dated"))
                continue
            heads = [t("cl_col_box"), *([t("cl_col_due")] if dated else []), t("xl_task_id"), t("cl_col_item"),
                     t("cl_col_role"), t("cl_col_source"), t("cl_col_result")]
            rows = []
            for line in lines:
                item = f"{line.title}：{line.what}（{label_text(line.label, line.basis)}）"
                due = [short_date(line.due) + (f"（→{short_date(line.due_workday)}{_pending(line)}）"
                                               if line.due_workday and line.due_workday != line.due else "")]
                rows.append(["☐", *(due if dated else []), line.task, item, role_words(line), line.source, ""])
            doc.table(heads, rows, [3, *([6] if dated else []), 4, 30, 10, 8, 18])
        for note in cl.notes:
            doc.para(note, size=9)
        doc.para(f"{t('cl_checker')}＿＿＿＿＿＿＿＿　　{t('cl_check_date')}＿＿＿＿＿＿＿＿", size=12)
    return doc.bytes()


# --- the registry -------------------------------------------------------------------------------
def render_json(checklists: Checklists) -> str:
    from nmx.render.tabular import to_json

    from nmx.views import envelope

    return to_json({**envelope("checklist/1"), "checklists": [as_json(cl) for cl in checklists.lists],
                    "period_note": checklists.period_note})


RENDERERS = {
    Format.TABLE: lambda c: render_table(c.lists),
    Format.MD: lambda c: render_md(c.lists),
    Format.HTML: lambda c: render_html(c.lists),
    Format.JSON: render_json,
    Format.XLSX: render_xlsx,
    Format.DOCX: render_docx,
}
