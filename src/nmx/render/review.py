"""`nmx import --review`: one HTML page, every drafted item beside its source text (all escaped)."""

from __future__ import annotations

from nmx.render.formats import Format
from nmx.render.html import BR, el, page
from nmx.views.imported import ImportReview


def review_html(review: ImportReview) -> str:
    def lines(text: str):
        parts = text.split("\n")
        return [x for i, part in enumerate(parts) for x in ((BR,) if i else ()) + (part,)]

    head = el("tr", *(el("th", h, scope="col") for h in review.headers))
    body = [el("tr", el("td", item, style="white-space:nowrap"), el("td", *lines(drafted)), el("td", *lines(source)),
               el("td", el("strong", warning) if warning else ""), class_="review" if warning else None)
            for item, drafted, source, warning in review.rows]
    return page(review.title, el("h1", review.title), el("p", review.summary),
                el("table", el("thead", head), el("tbody", *body), class_="stack"))


RENDERERS = {Format.HTML: review_html}
