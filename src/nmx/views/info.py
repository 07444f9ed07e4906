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
        *((("info_parent", f"《{meta.parent.title}》（{meta.parent.doc_number or '—'}）"),) if meta.parent else ()),
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
    calendar = calendar_sources()
    rows += [("hol_info_package", _spans(calendar["package"]["years"]) or t("hol_info_none")),
             ("hol_info_plan", "；".join(f"{y['year']}（{t('hol_status:' + y['status'])}，{y['source']}）"
                                         for y in calendar["holidays_yaml"]) or calendar.get("error") or t("hol_info_none"))]
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
            **({"parent": {"doc_number": meta.parent.doc_number, "title": meta.parent.title}} if meta.parent else {}),
        },
        "counts": {"tasks": len(plan.tasks), "units": len(plan.units), "groups": len(plan.groups),
                   "actions": len(plan.actions), "notes": len(notes)},
        "calendar": calendar,
    }
    return View(
        columns=[Column("key", ""), Column("value", "")],
        rows=_rows(rows),
        payload=payload,
        show_header=False,
        kind="info/1",
    )


def calendar_sources() -> dict:
    """Which years each source of working days covers: the installed package and the plan's
    holidays.yaml (which comes first for its year)."""
    from importlib.metadata import PackageNotFoundError, version

    from nmx.errors import DataError
    from nmx.schedule import holidays, workdays

    try:
        pkg_version = version("chinesecalendar")
    except PackageNotFoundError:
        pkg_version = None
    out: dict = {"package": {"name": "chinesecalendar", "version": pkg_version, "years": workdays.package_years()},
                 "holidays_yaml": []}
    try:
        out["holidays_yaml"] = [{"year": c.year, "status": c.status, "source": c.source} for c in holidays.years().values()]
    except DataError as exc:
        out["error"] = str(exc)
    return out


def _spans(years: list[int]) -> str:
    """2004–2026 (runs of consecutive years joined)."""
    runs: list[list[int]] = []
    for y in years:
        if runs and runs[-1][1] == y - 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _rows(pairs) -> list[dict[str, str]]:
    """A label repeated on consecutive rows (channels, rules) is shown once."""
    out, previous = [], None
    for key, value in pairs:
        out.append({"key": t(key) if key != previous else "", "value": value})
        previous = key
    return out
