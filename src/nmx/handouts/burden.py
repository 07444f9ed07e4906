"""The report site's burden page (`burden.html`): deliveries per unit per month over the plan's
period, the cells above the threshold and those asking the same thing twice coloured, the
duplicates listed, and the counting rule and threshold stated (both are nmx's reading)."""

from __future__ import annotations

from nmx.i18n import t
from nmx.render.html import Safe, el, table

FILE = "burden.html"


def index_link() -> Safe:
    """The index page's link to the burden page."""
    return el("p", el("a", t("bd:page_link"), href=FILE), class_="burden-link")


def burden_page(site) -> str:
    from nmx.duties.burden import burden
    from nmx.views.burden import duplicate_lines, notes_for, shown_units

    period = site.plan.meta.period
    b = burden(site.plan, period.start, period.end, items=site.items)
    units = shown_units(b)
    rows = [[el("a", site.plan.unit_by_id[ub.unit].name, href=site.unit_href(ub.unit)),
             *(_cell(mb) for mb in ub.months.values()), f"{ub.count}/{len(ub.recipients)}"] for ub in units]
    duplicates = duplicate_lines(site.plan, b)
    body = [
        el("h1", t("bd:page_title")),
        el("p", t("bd:title", start=b.start, end=b.end), class_="note"),
        el("p", t("bd:page_intro", n=b.threshold), class_="legend"),
        table([t("bd:col_dept"), *(site.month_label(m) for m in b.months), t("bd:col_total")], rows,
              class_="stack burden") if rows else el("p", t("rp_none"), class_="note"),
        el("h2", t("bd:page_duplicates"), id="duplicates"),
        el("ul", [el("li", line) for line in duplicates], class_="duplicates") if duplicates
        else el("p", t("bd:note_no_duplicates", similar=b.similar), class_="note"),
        el("h2", t("bd:page_notes"), id="rule"),
        el("ul", [el("li", note) for note in notes_for(site.plan, b, units, grid=True, duplicates=False)], class_="note"),
    ]
    return site.doc(t("bd:page_title"), *body)


def _cell(mb) -> Safe | str:
    """A month's cell: red above the threshold, yellow when something is asked twice."""
    from nmx.views.burden import cell

    text = cell(mb)
    if mb.flagged:
        return el("span", text, class_="light red", data_flag="over")
    if mb.duplicates:
        return el("span", text, class_="light yellow", data_flag="duplicate")
    return text
