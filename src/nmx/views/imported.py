"""What `nmx import --review` shows: each drafted item beside the text it came from, with its warning."""

from __future__ import annotations

from nmx.lazyclass import dataclass


@dataclass
class ImportReview:
    title: str
    summary: str
    headers: tuple[str, str, str, str]      # item, drafted, source text, to review
    rows: list[tuple[str, str, str, str]]   # one per drafted item, those to review first


def import_review(draft) -> ImportReview:
    """The review page's data for a `nmx.drafts.importer.Draft`."""
    from nmx.i18n import t

    reviews = sorted(draft.reviews, key=lambda r: r.warning is None)  # stable: to review first, in order
    rows = [(r.item, r.drafted, r.source, r.warning or "") for r in reviews]
    return ImportReview(
        title=t("imp:review_title", title=draft.meta.get("title") or draft.source.path.name),
        summary=t("imp:review_summary", tasks=len(draft.tasks), review=draft.review_count),
        headers=("", t("imp:review_item"), t("imp:review_source"), t("imp:review_warn")),
        rows=rows,
    )
