"""The report site's pages as HTML: overview, calendar, matrix, one page per unit.

Links are relative, so the folder works opened from disk and published anywhere.
Every page is self-contained (inline CSS, no JavaScript). `site_files` yields the
pages one by one so the caller can show progress and never holds the whole site.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterator
from functools import cached_property, lru_cache, partial
from operator import attrgetter

from nmx.i18n import lang, t
from nmx.plan.plan import Plan
from nmx.render.checklist import short_date
from nmx.render.html import BR, Safe, cell_opens, el, esc, escape, join, markup_tr, page, table
from nmx.handouts.report import Month, focus_months, report_month, unit_files, year_calendar
from nmx.handouts.burden import burden_page, index_link as burden_link

#: How many items a page lists before it summarises the rest (keeps pages of a huge plan usable).
LIST_LIMIT = 200
#: A unit page repeats its month's checklist and year only in part: the whole is one link away.
UNIT_LIMIT = 50
DAY_LIMIT = 6
#: The status page shows obligations × units while the month has at most this many obligations;
#: beyond, one row per unit with its counts by state (a 10,000-task plan's May has some 18,000:
#: a matrix of 2,000 rows by 18,000 columns took 10 GB to build and no one could read it).
MATRIX_LIMIT = 60
_DUE_INDEX_START = attrgetter("due", "index", "start")


class Site:
    """Everything the pages share, computed once."""

    def __init__(self, plan: Plan, today: dt.date, records=None, counties=None, calendars=None) -> None:
        from nmx.schedule import engine
        from nmx.handouts.calendars import Calendars, Options

        self.counties = counties or []  # (label, Coverage, county plan) of a workspace's county plans

        self.plan = plan
        self.today = today
        self.records = records
        self.month = report_month(plan, today)
        self.items = engine.items(plan, plan.meta.period.start, plan.meta.period.end)
        self.files = unit_files(plan)
        self.focus = focus_months(self.items)
        self.order = {tk.id: n for n, tk in enumerate(plan.tasks)}
        # task id → the positions of its dated items in self.items, which engine.items sorts as
        # `_year_key` does (by due day, then as built: task order, index, start), so that a unit's
        # year is a merge of numbers; were a task's items out of that order, by `_year_key` instead
        by_task: dict[str, list[int]] = {}
        for n, item in enumerate(self.items):
            found = by_task.get(item.task)
            if found is None:
                by_task[item.task] = [n]
            else:
                found.append(n)
        self._ranked = all([self._in_order(found) for found in by_task.values()])  # every one put in order
        # kept as 4-byte numbers: a 100,000-task plan's two million positions were 65 MB of int objects
        self.by_task: dict[str, array] = {task: array("i", found) for task, found in by_task.items()}
        self._units_cell: dict[tuple[str, str], Safe] = {}
        self._rows: dict[tuple[int, str], list] = {}  # keyed by id(): self.items keeps the items alive
        from nmx.duties.reach import Reacher

        self.reacher = Reacher(plan)
        self.calendars = Calendars(plan, self.items, self.files, calendars or Options())

    def year_items(self, tasks, limit: int) -> tuple[list, int]:
        """The first `limit` dated items of these tasks over the period, by due day (as
        engine.items sorts them), and how many there are in all."""
        import heapq
        from itertools import islice

        lists = [found for tid in tasks if (found := self.by_task.get(tid))]  # each in order
        merged = heapq.merge(*lists) if self._ranked else heapq.merge(*lists, key=self._position_key)
        return [self.items[n] for n in islice(merged, limit)], sum(map(len, lists))

    def _year_key(self, item) -> tuple:
        return item.due, self.order[item.task], item.index, item.start

    def _position_key(self, n: int) -> tuple:
        return self._year_key(self.items[n])

    def _in_order(self, positions: list[int]) -> bool:
        """Whether one task's items (positions in self.items) are in `_year_key`'s order; if not,
        they are put in it (the task's order is the same for all of them)."""
        keys = list(map(_DUE_INDEX_START, map(self.items.__getitem__, positions)))
        if keys == sorted(keys):
            return True
        positions.sort(key=lambda n: _DUE_INDEX_START(self.items[n]))
        return False

    # --- shared parts -------------------------------------------------------------------
    def nav(self, up: str = "") -> Safe:
        return join([
            el("a", t("rp_nav_index"), href=f"{up}index.html"),
            el("a", t("rp_nav_calendar"), href=f"{up}calendar.html"),
            el("a", t("rp_nav_matrix"), href=f"{up}matrix.html"),
            el("a", t("rp_nav_status"), href=f"{up}status.html"),
            el("a", t("rp_nav_units"), href=f"{up}index.html#units"),
        ])

    def footer(self) -> Safe:
        meta = self.plan.meta
        return el("p", t("rp_footer", title=meta.title, doc=meta.doc_number, today=self.today.isoformat()))

    def doc(self, title: str, *body, up: str = "") -> str:
        return page(title, *body, lang=lang(), nav=self.nav(up), footer=self.footer())

    def unit_href(self, unit_id: str, up: str = "") -> str:
        return f"{up}units/{self.files[unit_id]}.html"

    def month_label(self, ym: str) -> str:
        return t("rp_month", year=int(ym[:4]), month=int(ym[5:]))

    def item_row(self, item, up: str = "") -> Safe:
        """An item's table row (`items_table`); items recur on many units' pages, so each is made once."""
        key = (id(item), up)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = _item_row(self, item, up, cell_opens(item_heads()))
        return row

    def item_units(self, item, up: str = "") -> Safe:
        """Lead units and groups as the plan writes them (units linked), then how many support."""
        key = (item.task, up)
        if key not in self._units_cell:  # the same for every item of a task
            task = self.plan.task_by_id[item.task]
            lead = set(item.lead)
            extra = sum(1 for u in item.support if u not in lead)
            self._units_cell[key] = join([names_cell(self, task.lead, up), t("rp_support_n", n=extra) if extra else None])
        return self._units_cell[key]


# --- pages ------------------------------------------------------------------------------------
def index_page(site: Site, unit_counts: dict[str, tuple[int, int, int]]) -> str:
    meta = site.plan.meta
    body = [
        el("h1", meta.title),
        el("dl",
           el("dt", t("info_doc")), el("dd", meta.doc_number),
           el("dt", t("info_issuer")), el("dd", meta.issuer),
           el("dt", t("info_period")), el("dd", f"{meta.period.start.isoformat()} — {meta.period.end.isoformat()}"),
           el("dt", t("info_counts")),
           el("dd", t("info_counts_value", tasks=len(site.plan.tasks), units=len(site.plan.units),
                       groups=len(site.plan.groups))),
           el("dt", t("rp_focus_months")),
           el("dd", "、".join(site.month_label(m) for m in sorted(site.focus)) or t("rp_none")),
           class_="facts"),
        el("p", meta.note, class_="note") if meta.note else None,
        el("h2", t("rp_due_title", month=site.month_label(site.month)) if site.month else t("rp_due_title_none")),
        due_section(site),
        site.calendars.section(None),
        el("h2", t("rp_units_title"), id="units"),
        units_list(site, unit_counts),
        burden_link(),
    ]
    if site.counties:
        from nmx.handouts.counties import index_section

        body.append(index_section(site.counties))
    return site.doc(meta.title, *body)


def due_section(site: Site) -> Safe:
    if site.month is None:
        period = site.plan.meta.period
        return el("p", t("rp_today_outside", today=site.today.isoformat(), start=period.start.isoformat(),
                         end=period.end.isoformat()), class_="note")
    from nmx.schedule import engine
    from nmx.schedule.dates import parse_month

    start, end = parse_month(site.month)
    items = engine.within(site.plan, site.items, start, end)
    if not items:
        return el("p", t("rp_nothing_due"), class_="note")
    return join([items_table(site, items[:LIST_LIMIT]), _more_note(len(items))])


def _more_note(total: int, text: str | None = None, limit: int = LIST_LIMIT) -> Safe | None:
    """Says that a list was cut at `limit` (only a plan far larger than the 2023 one gets there)."""
    if total <= limit:
        return None
    return el("p", text or t("rp_more_items", shown=LIST_LIMIT, n=total), class_="note")


def items_table(site: Site, items: list, up: str = "") -> Safe:
    rows = [site.item_row(item, up) for item in items]
    return table(list(item_heads()), rows, class_="stack items")


def item_heads() -> tuple[str, ...]:
    return (t("rp_col_dates"), t("rp_col_left"), t("rp_col_task"), t("rp_col_kind"), t("rp_col_units"),
            t("rp_col_deliver"), t("rp_col_source"))


def _item_row(site: Site, item, up: str, opens: tuple[str, ...]) -> Safe:
    """The `<tr>` of an item, written in one pass (the cells `el` and `join` would make)."""
    from nmx.views.deadlines import days_left, kind_label

    note = workday_note(item.due)
    cells = (
        escape(_dates(item)),
        escape(days_left(item.due, site.today)) + (" " + note if note is not None else ""),
        f"<strong>{escape(item.task)}</strong> {escape(item.title)}<br>{escape(item.what)}（{escape(item.label)}）",
        escape(kind_label(item)),
        site.item_units(item, up),
        escape(item.deliver_to or ""),
        escape(item.source),
    )
    return markup_tr(opens, cells)


def _dates(item) -> str:
    if item.start == item.due:
        return item.due.isoformat()
    return f"{item.start.isoformat()}—{short_date(item.due) if item.start.year == item.due.year else item.due.isoformat()}"


def workday_note(due: dt.date) -> Safe | None:
    from nmx.schedule.workdays import due_workday, holiday_name, mark

    name = holiday_name(due)
    if name is None:
        return None
    return el("span", t("rp_workday_note", name=_holiday_label(name), day=short_date(due_workday(due)) + mark(due)),
              class_="tag holiday")


def _holiday_label(name: str) -> str:
    from nmx.i18n import holiday_label

    return holiday_label(name)


def units_list(site: Site, counts: dict[str, tuple[int, int, int]]) -> Safe:
    items = []
    for unit in site.plan.units:
        lead, support, maybe = counts.get(unit.id, (0, 0, 0))
        items.append(el("li", el("a", unit.name, href=site.unit_href(unit.id)), " ",
                        el("span", t("rp_unit_counts", lead=lead, support=support), class_="note"),
                        el("span", t("rp_unit_maybe", n=maybe), class_="note") if maybe else None))
    return el("ul", items, class_="units")


def calendar_page(site: Site) -> str:
    months = year_calendar(site.plan, site.items)
    from nmx.schedule.workdays import range_note

    note = range_note(site.plan.meta.period.start, site.plan.meta.period.end)
    body = [
        el("h1", t("rp_calendar_title", title=site.plan.meta.title)),
        el("p", el("span", t("rp_legend_focus"), class_="tag focus"), " ",
           el("span", t("rp_legend_due"), class_="tag due"), " ",
           el("span", t("rp_legend_off"), class_="tag"), " ",
           el("span", t("rp_legend_makeup"), class_="tag"), class_="legend"),
        el("p", note, class_="note") if note else None,
        el("div", [month_block(site, m) for m in months], class_="calendar"),
    ]
    return site.doc(t("rp_nav_calendar"), *body)


_DOW = ("一", "二", "三", "四", "五", "六", "日")
_DOW_EN = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def month_block(site: Site, month: Month) -> Safe:
    cells = [el("span", d, class_="dow") for d in (_DOW_EN if lang() == "en" else _DOW)]
    cells += [el("span", "") for _ in range(month.first.weekday())]
    for day in month.days:
        classes = ["due" if day.due else "", "off" if not day.workday else "", "work" if day.makeup else ""]
        title = ", ".join(filter(None, [
            t("rp_day_due", n=day.due) if day.due else "",
            _holiday_label(day.holiday) if day.holiday else "",
            t("rp_legend_makeup") if day.makeup else "",
        ]))
        cells.append(el("span", day.date.day, class_=" ".join(c for c in classes if c) or None, title=title or None))
    heading = [site.month_label(month.ym)]
    if month.focus:
        heading += [" ", el("span", t("rp_focus_month"), class_="tag focus")]
    return el("section", el("h3", heading), el("div", cells, class_="grid"), month_items(site, month),
              class_="month focus" if month.focus else "month", id=f"m{month.ym}",
              data_focus="true" if month.focus else None)


def month_items(site: Site, month: Month) -> Safe | None:
    if not month.items:
        return None
    by_day: dict[dt.date, list] = {}
    for item in month.items:
        by_day.setdefault(item.due, []).append(item)
    lines = []
    for day, items in by_day.items():
        shown = [join([el("strong", i.task), " ", i.what]) for i in items[:DAY_LIMIT]]
        if len(items) > DAY_LIMIT:
            shown.append(esc(t("rp_more_n", n=len(items) - DAY_LIMIT)))
        lines.append(el("li", short_date(day), " ", workday_note(day), " ", join(shown, "；")))
    return el("ul", lines)


def matrix_page(site: Site) -> str:
    from nmx.duties.annex import annex_rows

    rows = [[
        str(row.number),
        join([el("strong", row.task), " ", row.title, BR, row.text]),
        names_cell(site, row.lead),
        names_cell(site, row.support) if row.support else el("span", t("rp_empty_support"), class_="note"),
        join([esc(row.source), BR if row.note else None, el("span", row.note, class_="note") if row.note else None]),
    ] for row in annex_rows(site.plan)]
    body = [
        el("h1", t("rp_matrix_title")),
        el("p", t("rp_matrix_intro"), class_="note"),
        table([t("xl_no"), t("xl_task"), t("xl_lead"), t("xl_support"), t("rp_col_source")], rows),
    ]
    return site.doc(t("rp_nav_matrix"), *body)


def status_page(site: Site) -> str:
    """The month's obligations × owing units, each cell in the light 督查 offices use."""
    from nmx.schedule.dates import parse_month
    from nmx.schedule.period import as_of
    from nmx.supervision.files import RecordsState
    from nmx.supervision.status import STATES, statuses
    from nmx.supervision.status import counts as state_counts
    from nmx.views.supervision import matrix_view, state_label

    body: list = [el("h1", t("rp_status_title"))]
    if not site.month:
        return site.doc(t("rp_nav_status"), *body, el("p", t("rp_due_title_none"), class_="note"))
    start, end = parse_month(site.month)
    day, note = as_of(site.plan, site.today)
    found = statuses(site.plan, site.records or RecordsState(), start, end, day, items=site.items)
    counts = state_counts(found)
    body.append(el("p", t("rp_status_intro", month=site.month_label(site.month), today=day.isoformat(),
                          **{k: counts[k] for k in STATES}), class_="note"))
    if note:
        body.append(el("p", note, class_="note"))
    obligations = len({(x.item.task, x.item.index, x.item.period, x.item.start) for x in found})
    if obligations > MATRIX_LIMIT:  # units × thousands of obligations: a row per unit instead
        return site.doc(t("rp_nav_status"), *body, *_status_summary(site, found, obligations, day))
    payload = matrix_view(site.plan, found, start, end, day, []).payload
    keys = [c["key"] for c in payload["columns"]]
    rows = []
    for row in payload["rows"]:
        cells = [row["department"]]
        for key in keys:
            cell = row["cells"].get(key)
            cells.append(el("span", f"{t('sv_light_' + cell['light'])} {state_label(cell['state'])}"
                            + (f" {cell['done']}/{cell['required']}" if cell["required"] > 1 else ""),
                            class_=f"light {cell['light']}") if cell else "")
        rows.append(cells)
    body.append(table([t("sv_col_dept"), *keys], rows) if rows else el("p", t("rp_none"), class_="note"))
    legend = [el("li", f"{c['key']}：{c['task']}/{c['item'] or ''} {c['what']}（{c['period']}，{c['due']}）")
              for c in payload["columns"]]
    body += [el("ul", *legend, class_="note"), el("p", t("sv_note_lead", today=day), class_="note")]
    return site.doc(t("rp_nav_status"), *body)


def _status_summary(site: Site, found: list, obligations: int, day: dt.date) -> list:
    """Per unit: how many of its obligations are in each state, and its light (the worst)."""
    from nmx.supervision.status import STATES, counts
    from nmx.views.notice import unit_light
    from nmx.views.supervision import state_label

    by_unit: dict[str, list] = {}
    for s in found:
        by_unit.setdefault(s.unit, []).append(s)
    rows = []
    for unit in site.plan.units:
        mine = by_unit.get(unit.id)
        if not mine:
            continue
        light, mine_counts = unit_light(mine), counts(mine)
        rows.append([el("a", unit.name, href=site.unit_href(unit.id)),
                     *(str(mine_counts[k]) for k in STATES),
                     el("span", t(f"sv_light_{light}"), class_=f"light {light}")])
    head = [t("sv_col_dept"), *(state_label(k) for k in STATES), t("sv_col_light")]
    return [el("p", t("rp_status_summary", n=obligations, limit=MATRIX_LIMIT), class_="note"),
            table(head, rows) if rows else el("p", t("rp_none"), class_="note"),
            el("p", t("sv_note_lead", today=day), class_="note")]


def names_cell(site: Site, names: tuple[str, ...], up: str = "") -> Safe:
    """Units and groups as the plan writes them; units link to their pages."""
    parts = []
    for name in names:
        ref = site.plan.resolve(name)
        if ref is not None and ref.kind == "unit":
            parts.append(el("a", name, href=site.unit_href(ref.id, up)))
        else:
            parts.append(esc(name))
    return join(parts, "、")


def unit_page(site: Site, unit, duties: list, cl) -> str:
    from nmx.render.checklist import html_section

    up = "../"
    year, total = site.year_items(dict.fromkeys(d.task for d in duties), UNIT_LIMIT)
    body = [
        el("p", site.plan.meta.title, "（", site.plan.meta.doc_number, "）", class_="meta"),
        el("h1", unit.name),
        unit_facts(site, unit),
        el("h2", t("rp_duties_title", n=len(duties))),
        duties_table(duties[:LIST_LIMIT]) if duties else el("p", t("rp_no_duties"), class_="note"),
        _more_note(len(duties), t("rp_more_duties", shown=LIST_LIMIT, n=len(duties), unit=unit.name)),
        el("h2", t("rp_checklist_title", month=site.month_label(site.month)) if site.month else t("rp_checklist_none")),
    ]
    if cl is not None:
        body += [el("p", el("a", t("rp_printable"), href=f"{up}{checklist_file(site, unit.id)}"), class_="noprint"),
                 html_section(cl, level=2, sign=False, limit=UNIT_LIMIT)]
    else:
        body.append(due_section(site))
    body += [el("h2", t("rp_year_title", n=total)),
             items_table(site, year, up) if year else el("p", t("rp_nothing_dated"), class_="note"),
             _more_note(total, t("rp_more_items", shown=UNIT_LIMIT, n=total), UNIT_LIMIT),
             site.calendars.section(unit.id, up)]
    return site.doc(unit.name, *body, up=up)


def checklist_file(site: Site, unit_id: str) -> str:
    return f"checklists/{site.files[unit_id]}-{site.month}.html"


def unit_facts(site: Site, unit) -> Safe:
    from nmx.duties.reach import unit_groups

    groups = [g.name for g in unit_groups(site.plan, unit, site.reacher)]
    rows = [(t("rp_full_name"), unit.full_name), (t("rp_unit_kind"), t(f"rp_kind_{unit.kind.value}"))]
    if unit.aliases or unit.short_name:
        rows.append((t("rp_aliases"), "、".join(filter(None, (unit.short_name, *unit.aliases)))))
    if unit.former_names:
        rows.append((t("rp_former"), "、".join(unit.former_names)))
    if groups:
        rows.append((t("rp_groups"), "、".join(groups)))
    facts = el("dl", [join([el("dt", k), el("dd", v)]) for k, v in rows], class_="facts")
    return join([facts, el("p", unit.note, class_="note") if unit.note else None])


def duties_table(duties: list) -> Safe:
    """The unit's duties; notes (often the same long text for many rows) as numbered footnotes."""
    notes: dict[str, int] = {}
    head = _duty_heads(lang())
    made = _DUTY_ROWS.get(head) or _DUTY_ROWS.setdefault(head, {})
    if len(made) > _MAX_DUTY_ROWS:
        made.clear()
    rows = []
    for d in duties:
        mark = notes.setdefault(d.note, len(notes) + 1) if d.note else None
        found = made.get((id(d), mark))
        if found is None or found[0] is not d:  # not made, or made of another duty since let go
            found = made[id(d), mark] = (d, _duty_row(head, d, mark))
        rows.append(found[1])
    foot = el("ol", [el("li", note, id=f"note{n}") for note, n in notes.items()], class_="note") if notes else None
    return join([table(list(head), rows), foot])


@lru_cache(maxsize=8)
def _duty_heads(language: str) -> tuple[str, ...]:
    return (t("rp_col_task"), t("rp_col_role"), t("rp_col_what"), t("rp_col_deliver"), t("rp_col_source"),
            t("rp_col_note"))


#: headers → (id(duty), footnote mark) → (the duty, its row): the units a group reaches share their
#: duty objects (duties_by_unit), so a row is found by identity, where hashing a duty's 14 fields
#: for each of a 10,000-task plan's 350,000 rows cost more than the rest of the table. The duty is
#: kept with its row, which is taken only for that same object.
_DUTY_ROWS: dict[tuple[str, ...], dict[tuple[int, int | None], tuple]] = {}
_MAX_DUTY_ROWS = 1 << 17


def _duty_row(head: tuple[str, ...], d, mark: int | None) -> Safe:
    """A duty's row (the headers carry the language), written in one pass (the cells `el` and
    `join` would make); units reached through one group share duties, so rows repeat."""
    role = _role_tags(head)[d.role == "lead"]
    cells = (
        f"<strong>{escape(d.task)}</strong> {escape(d.title)}",
        role + (_role_tags(head)[2] if d.possibly else "") + (f"<br>{escape(d.via)}" if d.via else ""),
        escape(d.what or "") + (f'<br><span class="note">{escape(d.schedule)}</span>' if d.schedule else ""),
        escape(d.deliver_to or ""),
        escape(d.source),
        f'<a href="#note{mark}">{escape(t("rp_note_ref", n=mark))}</a>' if mark else "",
    )
    return markup_tr(cell_opens(head), cells)


@lru_cache(maxsize=8)
def _role_tags(head: tuple[str, ...]) -> tuple[str, str, str]:
    """The support tag, the lead tag and the possibly tag in the language of `head`."""
    return (f'<span class="tag">{escape(t("cl_role_support"))}</span>',
            f'<span class="tag lead">{escape(t("cl_role_lead"))}</span>',
            f'<span class="tag maybe">{escape(t("rp_possibly"))}</span>')


def site_files(plan: Plan, today: dt.date, records=None, counties=None,
               calendars=None) -> tuple[int, Iterator[tuple[str, str | bytes | list[bytes]]]]:
    """(number of files, the files as (relative path, HTML or bytes), the calendars among them as
    one `nmx.beside` share) of the whole site; `records` (a RecordsState) colours the status page;
    `counties` ((label, Coverage, county plan) of a workspace) adds a page per county plan and the
    coverage page; `calendars` (handouts.calendars Options) shapes the calendars, whose last
    build's state is read as they are written."""
    site = Site(plan, today, records, counties, calendars)
    per_unit = 2 if site.month else 1
    extra = len(site.counties) + 1 if site.counties else 0
    return 5 + per_unit * len(plan.units) + extra + site.calendars.count, _files(site)


def _files(site: Site) -> Iterator:
    from nmx.duties.reach import tallies

    plan = site.plan
    units = plan.units
    made = _ForUnits(site)
    step = -(-len(units) // UNIT_JOBS) or 1
    # the calendars beside the pages, or first (what they hold is let go before the pages grow); the
    # unit pages, a few units a job, by whichever process is free (in place: after the other pages).
    # What the unit pages need is made after the calendars have started, where it is needed.
    yield site.calendars.share([partial(_unit_files, site, units[n:n + step], made)
                                for n in range(0, len(units), step)])
    counts = {uid: (x.leads, x.supports, x.possibly) for uid, x in tallies(plan, made.duties).items()}
    yield "index.html", index_page(site, counts)
    yield "calendar.html", calendar_page(site)
    yield "matrix.html", matrix_page(site)
    yield "status.html", status_page(site)
    yield "burden.html", burden_page(site)
    if site.counties:
        from nmx.handouts.counties import county_files

        yield from county_files(site, site.counties)


class _ForUnits:
    """What the unit pages share: every unit's duties and the month's schedule index, made on
    first use (by each process that writes unit pages, `nmx.beside`)."""

    def __init__(self, site: Site) -> None:
        self.site = site

    @cached_property
    def duties(self) -> dict[str, list]:
        from nmx.duties.reach import duties_by_unit

        return duties_by_unit(self.site.plan, self.site.reacher)

    @cached_property
    def month(self):
        from nmx.schedule.dates import parse_month
        from nmx.views.checklist import ScheduleIndex

        site = self.site
        return ScheduleIndex(site.plan, *parse_month(site.month), items=site.items) if site.month else None


#: Into how many jobs the unit pages are cut (`nmx.beside`): enough for two processes to end together.
UNIT_JOBS = 200


def _unit_files(site: Site, units: list, made: _ForUnits) -> Iterator[tuple[str, str]]:
    """The page and the month's checklist of each of `units`."""
    from nmx.views.checklist import checklist
    from nmx.render.checklist import render_html

    all_duties, month = made.duties, made.month
    for unit in units:
        duties = all_duties[unit.id]
        cl = checklist(site.plan, unit, site.month, site.today, index=month, duties=duties) if month else None
        yield f"units/{site.files[unit.id]}.html", unit_page(site, unit, duties, cl)
        if cl is not None:
            yield checklist_file(site, unit.id), render_html([cl])


__all__ = ["Site", "site_files"]
