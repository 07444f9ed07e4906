"""The documents a 督查 office issues, as plain data: the 提示单 (what falls due within N working
days), the 督办单 (what is overdue) and the period's 通报 (states and lights by unit).

Each is a `Notice`: the elements of a 公文 (GB/T 9704-2012) — the issuer as 发文机关标志, the
发文字号 (a blank 〔    〕 号 to fill in when none is given), the title, the 主送机关, the body as
paragraphs and tables, the issuer's signature and the 成文日期, and 附注 (what the document
assumes) — plus the JSON payload (`notice/1`) with the same content for scripts.

What is listed is the supervision's own selection, never recomputed here: the prompt takes
`attention`'s due-soon list, the urge its overdue list, the bulletin `statuses` over the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import Any

from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.supervision.status import (
    DONE,
    DONE_LATE,
    DUE_SOON,
    LIGHTS,
    OVERDUE,
    PENDING,
    SOON,
    Status,
)
from nmx.supervision.status import counts as state_counts
from nmx.views.supervision import item_name, state_label, status_record

PROMPT, URGE, BULLETIN = "prompt", "urge", "bulletin"
#: The worst light wins (the bulletin's light of a unit): red over yellow over green.
LIGHT_ORDER = ("green", "yellow", "red")


@dataclass
class Para:
    text: str
    heading: bool = False  # a 一、 heading (黑体), not a body paragraph


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # each column's share of the line (in points of a 五号 line: what its longest cell needs)


@dataclass
class Notice:
    """One 公文: its elements in order, and the JSON document for scripts."""

    kind: str                     # prompt | urge | bulletin
    issuer: str                   # 发文机关 (its 标志 and its signature)
    number: str | None            # 发文字号; None: a blank to fill in
    title: str
    addressee: str                # 主送机关, without the closing ：
    blocks: list[Para | Table]
    date: dt.date                 # 成文日期
    notes: list[str] = field(default_factory=list)  # 附注
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def number_text(self) -> str:
        return self.number or t("nt:number_blank")

    @property
    def created(self) -> dt.datetime:
        """The document's own date: the same notice gives the same bytes."""
        return dt.datetime.combine(self.date, dt.time())

    def json_document(self) -> dict[str, Any]:
        from nmx.views import envelope

        blocks = [{"type": "paragraph", "text": b.text, "heading": b.heading} if isinstance(b, Para)
                  else {"type": "table", "headers": b.headers, "rows": b.rows} for b in self.blocks]
        return {**envelope("notice/1"), "notice": self.kind, "issuer": self.issuer, "number": self.number,
                "title": self.title, "addressee": self.addressee, "date": self.date.isoformat(),
                "blocks": blocks, "notes": self.notes, **self.payload}


def date_words(day: dt.date) -> str:
    """2023年6月5日 (GB/T 9704-2012 7.3.5.4: Arabic numerals, no leading zeros)."""
    return t("nt:date", y=day.year, m=day.month, d=day.day)


# --- the prompt and the urge: one per unit --------------------------------------------------------
def unit_notices(plan: Plan, records, kind: str, day: dt.date, issued: dt.date, amount: int,
                 units: set[str] | None, issuer: str | None, number: str | None,
                 period_note: str | None = None) -> list[Notice]:
    """A prompt (what is due within `amount` working days) or an urge (what is overdue, `amount`
    working days to reply) for each unit in `units` (None: every unit) that has anything, in plan
    unit order. States are as of `day`; the document is dated `issued` (they differ only after
    the plan's period, when states are its final account)."""
    from nmx.supervision.status import attention

    found = attention(plan, records, day, amount if kind == PROMPT else SOON, units)
    make = _prompt if kind == PROMPT else _urge
    issuer = issuer or plan.meta.issuer
    out = []
    for unit, soon, late in found:
        picked = soon if kind == PROMPT else late
        if picked:
            out.append(make(plan, unit, picked, day, issued, amount, issuer, number, period_note))
    return out


def _prompt(plan: Plan, unit: str, found: list[Status], day: dt.date, issued: dt.date, days: int, issuer: str,
            number: str | None, period_note: str | None) -> Notice:
    from nmx.schedule.workdays import add_working_days, due_workday

    until = min(add_working_days(day, days), plan.meta.period.end)
    headers = [t("nt:col_no"), t("nt:col_item"), t("nt:col_due"), t("nt:col_workday"), t("nt:col_deliver"),
               t("nt:col_clause")]
    rows = [[str(n), _item_cell(s), s.item.due.isoformat(), due_workday(s.item.due).isoformat(),
             s.item.deliver_to or "—", sources(plan, s)] for n, s in enumerate(found, 1)]
    blocks = [Para(t("nt:prompt_lead", plan=plan.meta.title, doc=plan.meta.doc_number, today=date_words(day),
                     n=len(found), days=days, until=date_words(until))),
              Table(headers, rows, [32, 160, 64, 64, 53, 69]),
              Para(t("nt:prompt_close"))]
    payload = {"unit": _unit_json(plan, unit), "today": day.isoformat(), "days": days, "until": until.isoformat(),
               "items": [{**status_record(plan, s), "sources": source_list(plan, s)} for s in found],
               "period_note": period_note, "calendar_note": _calendar(plan)}
    return Notice(PROMPT, issuer, number, t("nt:prompt_title", plan=plan.meta.title), _full_name(plan, unit),
                  blocks, issued, _notes(day, payload["calendar_note"]), payload)


def _urge(plan: Plan, unit: str, found: list[Status], day: dt.date, issued: dt.date, reply_days: int, issuer: str,
          number: str | None, period_note: str | None) -> Notice:
    from nmx.schedule.workdays import add_working_days

    reply_by = add_working_days(issued, reply_days)
    headers = [t("nt:col_no"), t("nt:col_item"), t("nt:col_due"), t("nt:col_days_over"), t("nt:col_clause")]
    rows = [[str(n), _item_cell(s), s.item.due.isoformat(), t("nt:days", n=(day - s.item.due).days),
             sources(plan, s)] for n, s in enumerate(found, 1)]
    blocks = [Para(t("nt:urge_lead", plan=plan.meta.title, doc=plan.meta.doc_number, today=date_words(day),
                     n=len(found))),
              Table(headers, rows, [32, 224, 64, 53, 69]),
              Para(t("nt:urge_close", reply=date_words(reply_by), issuer=issuer))]
    payload = {"unit": _unit_json(plan, unit), "today": day.isoformat(), "reply_days": reply_days,
               "reply_by": reply_by.isoformat(),
               "items": [{**status_record(plan, s), "sources": source_list(plan, s),
                          "days_overdue": (day - s.item.due).days} for s in found],
               "period_note": period_note, "calendar_note": _calendar(plan)}
    notes = [t("nt:note_reply", n=reply_days)] + _notes(day, payload["calendar_note"])
    return Notice(URGE, issuer, number, t("nt:urge_title", plan=plan.meta.title), _full_name(plan, unit),
                  blocks, issued, notes, payload)


# --- the bulletin: the period's account ----------------------------------------------------------
def unit_light(found: list[Status]) -> str:
    """A unit's light: the worst of its items' (`LIGHTS`): red if anything is overdue, yellow if
    anything was done late or is due soon, else green."""
    return max((LIGHTS[s.state] for s in found), key=LIGHT_ORDER.index, default="green")


def bulletin(plan: Plan, records, rng, day: dt.date, issued: dt.date, issuer: str | None, number: str | None,
             period_note: str | None = None) -> Notice | None:
    """The 通报 for the dates in `rng` as of `day`: counts by state, a row per owing unit with its
    light, then the overdue items by unit. None when nothing in `rng` is owed."""
    from nmx.schedule.ranges import range_notes
    from nmx.supervision.status import statuses

    found = statuses(plan, records, rng.start, rng.end, day, soon=SOON)
    if not found:
        return None
    by_unit: dict[str, list[Status]] = {}
    for s in found:
        by_unit.setdefault(s.unit, []).append(s)
    units = [u.id for u in plan.units if u.id in by_unit]
    counts = state_counts(found)
    lights = {unit: unit_light(by_unit[unit]) for unit in units}
    light_counts = {light: sum(v == light for v in lights.values()) for light in reversed(LIGHT_ORDER)}
    late = [s for unit in units for s in sorted(by_unit[unit], key=lambda s: (s.item.due, s.item.start))
            if s.state == OVERDUE]
    span = _span_words(rng)
    blocks: list[Para | Table] = [
        Para(t("nt:bl_h_summary"), heading=True),
        Para(t("nt:bl_summary", span=span, today=date_words(day), total=len(found), units=len(units),
               **counts, **light_counts)),
        Para(t("nt:bl_rule", soon=SOON)),
        Para(t("nt:bl_h_units"), heading=True),
        Table(_unit_headers(), [_unit_row(plan, n, unit, by_unit[unit], lights[unit]) for n, unit in enumerate(units, 1)],
              [32, 100, 43, 43, 53, 43, 53, 43, 32]),
        Para(t("nt:bl_h_overdue"), heading=True),
    ]
    if late:
        blocks.append(Para(t("nt:bl_overdue_lead", n=len(late), units=len({s.unit for s in late}))))
        blocks.append(Table(_overdue_headers(), _overdue_rows(plan, late, day), [32, 90, 203, 64, 53]))
        blocks.append(Para(t("nt:bl_close")))
    else:
        blocks.append(Para(t("nt:bl_no_overdue")))
    payload = {
        "from": rng.start.isoformat(), "to": rng.end.isoformat(), "today": day.isoformat(), "soon": SOON,
        "counts": counts, "lights": light_counts,
        "units": [{"unit": unit, "department": plan.unit_by_id[unit].name, "full_name": plan.unit_by_id[unit].full_name,
                   "total": len(by_unit[unit]), "counts": state_counts(by_unit[unit]), "light": lights[unit]}
                  for unit in units],
        "overdue": [{**status_record(plan, s), "sources": source_list(plan, s), "days_overdue": (day - s.item.due).days}
                    for s in late],
        "period_note": period_note, "calendar_note": _calendar(plan, rng.start, rng.end),
    }
    notes = _notes(day, payload["calendar_note"]) + range_notes(plan, rng)
    return Notice(BULLETIN, issuer or plan.meta.issuer, number, t("nt:bl_title", plan=plan.meta.title, span=span),
                  t("nt:bl_to"), blocks, issued, notes, payload)


def _unit_headers() -> list[str]:
    return [t("nt:col_no"), t("nt:col_unit"), t("nt:col_total"), state_label(DONE), state_label(DONE_LATE),
            state_label(OVERDUE), state_label(DUE_SOON), state_label(PENDING), t("nt:col_light")]


def _unit_row(plan: Plan, n: int, unit: str, found: list[Status], light: str) -> list[str]:
    counts = state_counts(found)
    return [str(n), plan.unit_by_id[unit].name, str(len(found)),
            *(str(counts[k]) for k in (DONE, DONE_LATE, OVERDUE, DUE_SOON, PENDING)), t(f"sv_light_{light}")]


def _overdue_headers() -> list[str]:
    return [t("nt:col_no"), t("nt:col_unit"), t("nt:col_item"), t("nt:col_due"), t("nt:col_days_over")]


def _overdue_rows(plan: Plan, late: list[Status], day: dt.date) -> list[list[str]]:
    """One row per overdue item; the unit named on its first row only."""
    rows, last = [], None
    for n, s in enumerate(late, 1):
        name = plan.unit_by_id[s.unit].name if s.unit != last else ""
        last = s.unit
        rows.append([str(n), name, _item_cell(s), s.item.due.isoformat(), t("nt:days", n=(day - s.item.due).days)])
    return rows


def _span_words(rng) -> str:
    from nmx.schedule.ranges import is_month

    if is_month(rng):
        return t("rp_month", year=rng.start.year, month=rng.start.month)
    return t("nt:span", start=date_words(rng.start), end=date_words(rng.end))


# --- cells and notes shared by the three ---------------------------------------------------------
def _item_cell(s: Status) -> str:
    """M2/report 2023-05 归纳总结，形成书面报告报送市发改委（次月7日前）, and a quota's count so far."""
    text = t("nt:item", item=item_name(s.item), period=s.item.period, what=s.item.what, label=s.item.label)
    return text + (t("nt:quota", done=s.done, required=s.required) if s.required > 1 else "")


def source_list(plan: Plan, s: Status) -> list[str]:
    """The plan's clauses stating the obligation, as the plan numbers them (四（二）, 附件 序号2)."""
    out: list[str] = []
    for task in s.item.clauses or (s.item.task,):
        found = plan.task_by_id.get(task)
        text = found.source if found is not None else task
        if text not in out:
            out.append(text)
    return out


def sources(plan: Plan, s: Status) -> str:
    return "、".join(source_list(plan, s))


def _full_name(plan: Plan, unit: str) -> str:
    u = plan.unit_by_id[unit]
    return u.full_name or u.name


def _unit_json(plan: Plan, unit: str) -> dict[str, str]:
    u = plan.unit_by_id[unit]
    return {"id": u.id, "name": u.name, "full_name": u.full_name or u.name}


def _calendar(plan: Plan, start: dt.date | None = None, end: dt.date | None = None) -> str | None:
    from nmx.schedule.workdays import range_note

    return range_note(start or plan.meta.period.start, end or plan.meta.period.end)


def _notes(day: dt.date, cal: str | None) -> list[str]:
    """The 附注: what the list rests on, and a calendar counted without official holiday data."""
    return [t("nt:note_basis", today=date_words(day))] + ([cal] if cal else [])


# --- file names for --all ------------------------------------------------------------------------
def file_name(n: int, notice: Notice, ext: str) -> str:
    """`03-市教体局.docx`: the position keeps plan order and makes every name unique; the unit's
    name is made safe on Windows (no <>:"/\\|?*, no control character, no trailing dot or space,
    no device name, at most 60 characters)."""
    from nmx.fileio import is_device_name, safe_stem

    unit = notice.payload.get("unit") or {}
    stem = safe_stem(str(unit.get("name") or unit.get("id") or notice.kind))
    if is_device_name(stem) or not stem:
        stem = f"_{stem}"
    return f"{n:02d}-{stem}.{ext}"
