"""`nmx new`'s answer: where the new plan went and what it carried, moved or left behind."""

from __future__ import annotations

from pathlib import Path

from nmx.drafts.new import Draft
from nmx.i18n import t
from nmx.views import View


def new_facts(draft: Draft, source: Path, dest: Path) -> View:
    from nmx.fileio import display
    from nmx.views.supervision import facts_view

    review = [m for m in draft.moved if m.review]
    shifted = [m for m in draft.moved if not m.review]
    payload = {
        "year": draft.year, "from": display(source), "to": display(dest), "files": sorted(draft.files),
        "moved": [{"task": m.task, "item": m.item, "field": m.field, "from": m.old, "to": m.new, "review": m.review}
                  for m in draft.moved],
        "carried": draft.carried, "closed_left": draft.closed_left, "records_left": draft.records_left,
        "text_copied": draft.text_copied, "comments_kept": draft.text_edits,
    }
    pairs = [
        (t("nw_col_from"), display(source)), (t("nw_col_to"), display(dest)),
        (t("nw_col_files"), "、".join(sorted(draft.files))),
        (t("nw_col_review"), "\n".join(f"{m.task}/{m.item} {m.field}: {m.old} → {m.new}" for m in review)
         or t("nw_none")),
        (t("nw_col_shifted"), "\n".join(f"{m.task}/{m.item}: {m.new}" for m in shifted) or t("nw_none")),
        (t("nw_col_ledger"), t("nw_ledger_summary", n=len(draft.carried), ids="、".join(draft.carried) or "—",
                               left=draft.closed_left)),
        (t("nw_col_left"), t("nw_left_summary", n=draft.records_left)),
        (t("nw_col_yaml"), t("nw_yaml_kept") if draft.text_edits else t("nw_yaml_dumped")),
        (t("nw_col_next"), t("nw_next", path=display(dest))),
    ]
    return facts_view(pairs, payload, t("nw_written", year=draft.year, path=display(dest)), kind="new/1")


def subplan_facts(draft, source: Path, dest: Path) -> View:
    """`nmx subplan`'s answer: where the county's draft went, its tasks, what is left to review."""
    from nmx.fileio import display
    from nmx.views.supervision import facts_view

    county = draft.unit.short_name or draft.unit.name
    leads = [x for x in draft.tasks if x["role"] == "lead"]
    supports = [x for x in draft.tasks if x["role"] == "support"]
    payload = {
        "unit": draft.unit.id, "name": draft.unit.name, "from": display(source), "to": display(dest),
        "parent": {"doc_number": draft.parent_doc, "title": draft.parent_title},
        "files": sorted(draft.files), "tasks": draft.tasks, "placeholders": draft.placeholders,
    }
    pairs = [
        (t("sp_col_unit"), draft.unit.name),
        (t("sp_col_parent"), f"《{draft.parent_title}》（{draft.parent_doc or '—'}）"),
        (t("nw_col_to"), display(dest)),
        (t("nw_col_files"), "、".join(sorted(draft.files))),
        (t("sp_col_lead"), "、".join(f"{x['id']}" for x in leads) or t("nw_none")),
        (t("sp_col_support"), "、".join(f"{x['id']}" for x in supports) or t("nw_none")),
        (t("sp_col_left"), t("sp_left_summary", n=draft.placeholders)),
        (t("sp_col_next"), t("sp_next", path=display(dest))),
    ]
    return facts_view(pairs, payload, t("sp_written", county=county, path=display(dest), n=len(draft.tasks),
                                        left=draft.placeholders), kind="subplan/1")
