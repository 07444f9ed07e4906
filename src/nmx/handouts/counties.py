"""The city's view of its counties on the report site (`nmx report --workspace`): one page per
county plan and a printable coverage table (city obligations × county plans)."""

from __future__ import annotations

from nmx.i18n import t
from nmx.render.html import Safe, el, join, table

#: coverage state → the light the status page already colours (no new CSS).
LIGHT = {"covered": "green", "looser": "yellow", "missing": "red", "dangling": "red"}


def county_file(n: int) -> str:
    return f"counties/{n + 1}.html"


def index_section(parts: list) -> Safe:
    """The index's list of county plans and the coverage page."""
    links = [el("li", el("a", label, href=county_file(n))) for n, (label, _, _) in enumerate(parts)]
    return join([el("h2", t("rpw:counties_title"), id="counties"),
                 el("p", el("a", t("rpw:coverage_link"), href="coverage.html")),
                 el("ul", links, class_="counties")])


def county_page(site, label: str, plan) -> str:
    rows = [[el("strong", tk.id), tk.title, "、".join(tk.lead), tk.inherits or "",
             "；".join(s.label for s in tk.schedules)] for tk in plan.tasks]
    body = [el("h1", label), el("p", t("rpw:county_tasks", name=plan.meta.title, n=len(plan.tasks)), class_="note"),
            table([t("rpw:col_id"), t("rpw:col_title"), t("rpw:col_lead"), t("rpw:col_inherits"),
                   t("rpw:col_schedule")], rows)]
    return site.doc(label, *body, up="../")


def _cell(status: str, how: list[str] | tuple = ()) -> Safe:
    """A coverage cell: coloured by state (class and data-state); a looser one says why in its title."""
    why = "；".join(t(f"cov:how_{h}") for h in how) if status == "looser" and how else None
    return el("span", t(f"cov:status_{status}"), class_=f"light {LIGHT[status]} cov {status}",
              title=why, data_state=status)


def coverage_page(site, parts: list) -> str:
    entries: dict[str, str] = {}  # city entry → title, in city plan order as the rows come
    cells: list[dict] = []
    for _, cov, _ in parts:
        mine = {}
        for r in cov.rows:
            if r.status != "dangling":
                entries.setdefault(r.entry, r.title)
                mine[r.entry] = r
        cells.append(mine)
    order = {tk.id: n for n, tk in enumerate(site.plan.tasks)}
    keys = sorted(entries, key=lambda e: order.get(e.split("/")[0].split("#")[0], len(order)))
    rows = []
    for key in keys:
        row = [join([el("strong", key), " ", entries[key]])]
        for mine in cells:
            r = mine.get(key)
            row.append(_cell(r.status, r.how) if r is not None else el("span", t("rpw:not_reached"), class_="note"))
        rows.append(row)
    legend = el("p", [join([_cell(s), " "])
                      for s in ("covered", "looser", "missing")], class_="legend")
    dangling = [el("li", label, "：", r.county_tasks[0], " inherits ", r.city_task)
                for label, cov, _ in parts for r in cov.rows if r.status == "dangling"]
    body = [el("h1", t("rpw:coverage_title")), el("p", t("rpw:coverage_intro"), class_="note"), legend,
            table([t("rpw:col_entry"), *(label for label, _, _ in parts)], rows, class_="coverage"),
            el("h2", t("rpw:dangling_title")),
            el("ul", dangling, class_="dangling") if dangling else el("p", t("rp_none"), class_="note"),
            el("p", *[el("span", t("cov:summary", name=label, **cov.counts)) for label, cov, _ in parts],
               class_="note")]
    return site.doc(t("rpw:coverage_title"), *body)


def county_files(site, parts: list):
    for n, (label, _, plan) in enumerate(parts):
        yield county_file(n), county_page(site, label, plan)
    yield "coverage.html", coverage_page(site, parts)
