"""What `nmx info` reports: which plan, why, its metadata and its size."""

from __future__ import annotations

from nmx.i18n import t
from nmx.plan import Plan
from nmx.render import Column, View
from nmx.source import DataSource


def info_view(plan: Plan, source: DataSource) -> View:
    meta = plan.meta
    notes = [n for n in [meta.note] + [x.note for x in (*plan.units, *plan.groups, *plan.tasks)] if n]
    rows = [
        ("info_plan", meta.title),
        ("info_doc", meta.doc_number),
        ("info_issuer", f"{meta.issuer}（{meta.issuer_short}）"),
        ("info_year", str(meta.year)),
        ("info_period", f"{meta.period.start} – {meta.period.end}"),
        ("info_tz", meta.timezone),
        ("info_data", str(source.path)),
        ("info_why", source.reason_text),
        ("info_counts", t("info_counts_value", tasks=len(plan.tasks), units=len(plan.units), groups=len(plan.groups))),
        ("info_notes", str(len(notes))),
    ]
    payload = {
        "data": str(source.path),
        "source": source.reason,
        "plan": {
            "title": meta.title,
            "doc_number": meta.doc_number,
            "issuer": meta.issuer,
            "issuer_short": meta.issuer_short,
            "year": meta.year,
            "period": {"start": meta.period.start.isoformat(), "end": meta.period.end.isoformat()},
            "timezone": meta.timezone,
            "note": meta.note,
        },
        "counts": {"tasks": len(plan.tasks), "units": len(plan.units), "groups": len(plan.groups),
                   "actions": len(plan.actions), "notes": len(notes)},
    }
    return View(
        columns=[Column("key", ""), Column("value", "")],
        rows=[{"key": t(k), "value": v} for k, v in rows],
        payload=payload,
        show_header=False,
    )
