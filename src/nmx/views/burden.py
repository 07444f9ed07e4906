"""`nmx burden`: each unit's deliveries per month as a table, a long list, and `burden/1` JSON.

The counting is `nmx.duties.burden`'s; this module only lays it out. Three shapes:
- the units × months grid (cell: deliveries/recipients, `!` over the threshold, `*` a duplicate);
- one month (`--month`): one row per unit with its deliveries listed and its flags;
- `wide` (CSV, xlsx): one row per unit per month, numbers in their own columns.
Units with no delivery in the range are left out of the tables (a note counts them) unless
one unit was asked for; the JSON has every unit asked about.
"""

from __future__ import annotations

from typing import Any

from nmx.duties.burden import (
    THRESHOLD,
    Burden,
    Delivery,
    Duplicate,
    MonthBurden,
    UnitBurden,
    size,
)
from nmx.i18n import t
from nmx.plan.plan import Plan
from nmx.views import Column, View
from nmx.views.supervision import item_name, legend


#: Lines a table cell or a note lists before it says how many more (the JSON lists all).
SHOWN = 20


def recipient_label(name: str | None) -> str:
    return name if name is not None else t("bd:unstated")


def cell(mb: MonthBurden) -> str:
    """deliveries/recipients, `!` above the threshold, `*` when something is asked twice; blank for none."""
    if not mb.count:
        return ""
    return f"{mb.count}/{len(mb.recipients)}" + ("!" if mb.flagged else "") + ("*" if mb.duplicates else "")


def month_label(ym: str, one_year: bool) -> str:
    """A month's column: its number when the range lies in one year (the title gives the year), else YYYY-MM."""
    return str(int(ym[5:])) if one_year else ym


def unit_label(plan: Plan, unit_id: str) -> str:
    """The grid's row label: the unit's short name where it has one (金安区), so twelve months fit 80 columns."""
    unit = plan.unit_by_id[unit_id]
    return unit.short_name or unit.name


def shown_units(b: Burden) -> list[UnitBurden]:
    """The units a table shows: those with a delivery in the range, or the one asked for."""
    return b.units if len(b.units) == 1 else [ub for ub in b.units if ub.count]


def burden_view(plan: Plan, b: Burden, *, by_month: bool = False, wide: bool = False,
                range_notes: list[str] | None = None, full: bool = True) -> View:
    """The burden as a View: the grid, one month's rows (`by_month`) or the long list (`wide`);
    `full` builds the JSON document too (a large plan's is big)."""
    units = shown_units(b)
    if wide:
        columns, rows = _long(plan, b, units)
    elif by_month and len(b.months) == 1:
        columns, rows = _one_month(plan, b, units)
    else:
        columns, rows = _grid(plan, b, units)
    if by_month and len(b.months) == 1:
        title = t("bd:title_month", month=b.months[0])
    else:
        title = t("bd:title_long" if wide else "bd:title", start=b.start, end=b.end)
    notes = list(range_notes or []) + notes_for(plan, b, units, grid=not by_month and not wide)
    document = payload(plan, b, range_notes) if full else None
    return View(columns, rows, payload=document, title=title, notes=notes, kind="burden/1")


def _grid(plan: Plan, b: Burden, units: list[UnitBurden]) -> tuple[list[Column], list[dict[str, Any]]]:
    one_year = len({m[:4] for m in b.months}) <= 1
    columns = [Column("department", t("bd:col_dept"), max_width=20, items=True)]
    columns += [Column(m, month_label(m, one_year), no_wrap=True) for m in b.months]
    columns.append(Column("total", t("bd:col_total"), no_wrap=True))
    rows = []
    for ub in units:
        row: dict[str, Any] = {"department": unit_label(plan, ub.unit)}
        row.update({m: cell(mb) for m, mb in ub.months.items()})
        row["total"] = f"{ub.count}/{len(ub.recipients)}"
        rows.append(row)
    return columns, rows


def _one_month(plan: Plan, b: Burden, units: list[UnitBurden]) -> tuple[list[Column], list[dict[str, Any]]]:
    columns = [Column("department", t("bd:col_dept"), max_width=20, items=True),
               Column("count", t("bd:col_count"), no_wrap=True),
               Column("recipients", t("bd:col_recipients"), max_width=16, items=True),
               Column("deliveries", t("bd:col_deliveries"), max_width=36, items=True),
               Column("flags", t("bd:col_flags"), max_width=20)]
    rows = []
    for ub in units:
        mb = ub.months[b.months[0]]
        names = "、".join(recipient_label(r) for r in mb.recipients)
        rows.append({"department": plan.unit_by_id[ub.unit].name, "count": mb.count,
                     "recipients": f"{len(mb.recipients)}：{names}" if names else "0",
                     "deliveries": _capped([_short(d) for d in mb.deliveries]), "flags": flags(mb, b.threshold)})
    return columns, rows


def _long(plan: Plan, b: Burden, units: list[UnitBurden]) -> tuple[list[Column], list[dict[str, Any]]]:
    columns = [Column("department", t("bd:col_dept")), Column("month", t("bd:col_month")),
               Column("count", t("bd:col_count")), Column("recipients_n", t("bd:col_recipients_n")),
               Column("recipients", t("bd:col_recipients")), Column("deliveries", t("bd:col_deliveries")),
               Column("over", t("bd:col_over")), Column("duplicates", t("bd:col_duplicates"))]
    rows = []
    for ub in units:
        name = plan.unit_by_id[ub.unit].name
        for m, mb in ub.months.items():
            rows.append({"department": name, "month": m, "count": mb.count, "recipients_n": len(mb.recipients),
                         "recipients": [recipient_label(r) for r in mb.recipients],
                         "deliveries": [f"{_short(d)} {d.item.what}" for d in mb.deliveries],
                         "over": t("bd:yes") if mb.flagged else "",
                         "duplicates": [_pair(x) for x in mb.duplicates]})
    return columns, rows


def _short(d: Delivery) -> str:
    """M3/special_reports×2（05-31）"""
    times = f"×{d.count}" if d.count > 1 else ""
    return t("bd:delivery", item=item_name(d.item), times=times, due=d.item.due.isoformat()[5:])


def _pair(x: Duplicate) -> str:
    return t("bd:pair", first=item_name(x.first.item), second=item_name(x.second.item), ratio=_ratio(x.ratio))


def _ratio(value: float) -> str:
    return f"{value:g}"


def flags(mb: MonthBurden, threshold: int) -> list[str]:
    out = [t("bd:flag_over", n=threshold)] if mb.flagged else []
    return out + _capped([_pair(x) for x in mb.duplicates])


def _capped(lines: list[str], limit: int = SHOWN) -> list[str]:
    """At most `limit` lines, then how many more (a table of a very large plan stays readable)."""
    return lines if len(lines) <= limit else lines[:limit] + [t("bd:more", n=len(lines) - limit)]


def notes_for(plan: Plan, b: Burden, units: list[UnitBurden], grid: bool, duplicates: bool = True) -> list[str]:
    """The rule, the threshold (an assumption), the marks, the duplicates (unless the caller lists
    them itself), what was left out and why."""
    notes = [t("bd:note_rule"), t("bd:note_month"), threshold_note(b)]
    if grid:
        notes.append(t("bd:note_marks", n=b.threshold))
    else:
        notes += _capped(legend(d.item for ub in units for mb in ub.months.values() for d in mb.deliveries))
    if duplicates:
        notes += _capped(duplicate_lines(plan, b)) or [t("bd:note_no_duplicates", similar=b.similar)]
    notes += _capped([t("bd:note_assumed", item=item_name(i), what=i.what, due=i.due, label=i.label)
                      for i in b.assumptions])
    if b.activities:
        notes.append(t("bd:note_activities", items="、".join(_capped([item_name(i) for i in b.activities]))))
    if b.undated:
        notes.append(t("bd:note_undated", n=b.undated))
    if b.unlisted:
        notes.append(t("bd:note_unlisted", groups="、".join(b.unlisted)))
    others = len(b.units) - len(units)
    if others:
        notes.append(t("bd:note_others", n=others))
    return notes


def threshold_note(b: Burden) -> str:
    note = t("bd:note_threshold", default=THRESHOLD)
    return note if b.threshold == THRESHOLD else note + t("bd:note_threshold_given", n=b.threshold)


def duplicate_lines(plan: Plan, b: Burden) -> list[str]:
    return [t("bd:note_duplicate", dept=plan.unit_by_id[ub.unit].name, month=m, first=item_name(x.first.item),
              first_what=x.first.item.what, second=item_name(x.second.item), second_what=x.second.item.what,
              to=recipient_label(x.first.recipient), ratio=_ratio(x.ratio),
              exact=t("bd:exact") if x.exact else "")
            for ub in b.units for m, mb in ub.months.items() for x in mb.duplicates]


# --- JSON ---------------------------------------------------------------------------------------
def payload(plan: Plan, b: Burden, range_notes: list[str] | None = None) -> dict[str, Any]:
    """`burden/1` (docs/commands.md, "The burden on each unit")."""
    return {
        "from": b.start.isoformat(),
        "to": b.end.isoformat(),
        "rule": t("bd:note_rule"),
        "threshold": b.threshold,
        "threshold_default": THRESHOLD,
        "similarity": b.similar,
        "months": b.months,
        "units": [_unit_record(plan, ub) for ub in b.units],
        "flagged": [{"department": plan.unit_by_id[ub.unit].name, "unit": ub.unit, "month": m, "count": mb.count}
                    for ub in b.units for m, mb in ub.months.items() if mb.flagged],
        "assumptions": [{**_item_record(i), "departments": [plan.unit_by_id[u].name for u in i.owers],
                         "basis": i.basis, "note": i.note} for i in b.assumptions],
        "not_counted": {"activities": [{"task": i.task, "item": i.schedule_id, "kind": i.kind, "what": i.what}
                                       for i in b.activities],
                        "undated": b.undated, "unlisted": b.unlisted},
        "range_notes": list(range_notes or []),
    }


def _unit_record(plan: Plan, ub: UnitBurden) -> dict[str, Any]:
    return {
        "department": plan.unit_by_id[ub.unit].name,
        "unit": ub.unit,
        "count": ub.count,
        "recipients": [recipient_label(r) for r in ub.recipients],
        "months": [{"month": m, "count": mb.count, "recipients": [recipient_label(r) for r in mb.recipients],
                    "flagged": mb.flagged, "deliveries": [_delivery_record(d) for d in mb.deliveries],
                    "duplicates": [_duplicate_record(x) for x in mb.duplicates]} for m, mb in ub.months.items()],
    }


def _item_record(i) -> dict[str, Any]:
    return {"task": i.task, "item": i.schedule_id, "what": i.what, "due": i.due.isoformat(),
            "deliver_to": i.deliver_to, "clauses": list(i.clauses or (i.task,)), "count": size(i)}


def _delivery_record(d: Delivery) -> dict[str, Any]:
    return {**_item_record(d.item), "count": d.count, "recipient": d.recipient}


def _side(d: Delivery) -> dict[str, Any]:
    return {"task": d.item.task, "item": d.item.schedule_id, "what": d.item.what}


def _duplicate_record(x: Duplicate) -> dict[str, Any]:
    return {"first": _side(x.first), "second": _side(x.second), "recipient": recipient_label(x.first.recipient),
            "ratio": x.ratio, "exact": x.exact}
