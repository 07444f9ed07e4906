"""What `nmx info` reports: which plan, why, its metadata and its size."""

from __future__ import annotations

from nmx.i18n import t
from nmx.plan.plan import Plan
from nmx.views import Column, View
from nmx.plan.source import DataSource


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
        *(("info_channel", f"{c.name}（{c.source}）：{c.text}") for c in meta.channels),
        *(("info_rule", f"{r.id}：{r.text}") for r in meta.rules),
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
            "channels": [{"id": c.id, "name": c.name, "source": c.source, "text": c.text} for c in meta.channels],
            "rules": [{"id": r.id, "text": r.text, "source": r.source} for r in meta.rules],
        },
        "counts": {"tasks": len(plan.tasks), "units": len(plan.units), "groups": len(plan.groups),
                   "actions": len(plan.actions), "notes": len(notes)},
    }
    return View(
        columns=[Column("key", ""), Column("value", "")],
        rows=_rows(rows),
        payload=payload,
        show_header=False,
        kind="info/1",
    )


def _rows(pairs) -> list[dict[str, str]]:
    """A label repeated on consecutive rows (channels, rules) is shown once."""
    out, previous = [], None
    for key, value in pairs:
        out.append({"key": t(key) if key != previous else "", "value": value})
        previous = key
    return out
