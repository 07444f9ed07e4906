"""`nmx coverage`'s table: how each county plan of the workspace covers the city obligations."""

from __future__ import annotations

from nmx.compare.coverage import Coverage
from nmx.i18n import t
from nmx.views import Column, View


def how_text(how: list[str]) -> str:
    return "；".join(t(f"cov:how_{h}") for h in how)


def coverage_view(parts: list[tuple[str, Coverage]]) -> View:
    """One row per obligation (and dangling county task), each naming its county plan."""
    rows = []
    for label, cov in parts:
        for r in cov.rows:
            entry = r.entry
            rows.append({
                "plan": label, "status": t(f"cov:status_{r.status}"), "city": entry, "title": r.title,
                "county": "、".join(r.county_tasks) or "—",
                "items": f"{r.city_count} / {r.county_count}" if r.city_count or r.county_count else "",
                "how": how_text(r.how),
            })
    columns = [
        Column("plan", t("ws:plan_col"), no_wrap=True), Column("status", t("cov:status_col"), no_wrap=True),
        Column("city", t("cov:city_col"), no_wrap=True), Column("title", t("cov:title_col"), max_width=24),
        Column("county", t("cov:county_col"), items=True), Column("items", t("cov:items_col"), no_wrap=True),
        Column("how", t("cov:how_col"), max_width=30),
    ]
    notes = [t("cov:summary", name=label, **cov.counts) for label, cov in parts]
    payload = {"plans": [{"plan": label, "county": {"id": cov.county.id, "name": cov.county.name},
                          "counts": cov.counts, "complete": cov.complete,
                          "obligations": [r.as_json() for r in cov.rows]} for label, cov in parts]}
    return View(columns, rows, payload=payload, title=t("cov:title"), notes=notes, kind="coverage/1")
