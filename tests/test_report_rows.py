"""The report's table rows written in one template pass are the rows the element builders made.

`handouts.site._duty_row` and `_item_row` write a `<tr>` as one string; the references below
build the same rows with `el`, `join` and `tr` as the site did before. They must give the same
markup for every duty and dated item of every unit of the shipped plan, of the plan with hostile
texts (markup and formulas) and of a synthetic plan, in both languages, and for texts that need
escaping in every field.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nmx.handouts import site as site_mod
from nmx.render.html import BR, cell_opens, el, esc, join, tr


def reference_duty_row(head, d, mark):
    from nmx.i18n import t

    note = el("a", t("rp_note_ref", n=mark), href=f"#note{mark}") if mark else ""
    role = el("span", t("cl_role_lead") if d.role == "lead" else t("cl_role_support"),
              class_="tag lead" if d.role == "lead" else "tag")
    how = [role, el("span", t("rp_possibly"), class_="tag maybe") if d.possibly else None, BR if d.via else None, d.via]
    cells = (
        join([el("strong", d.task), " ", d.title]),
        join(how),
        join([d.what or "", BR if d.schedule else None, el("span", d.schedule, class_="note") if d.schedule else None]),
        d.deliver_to or "",
        d.source,
    )
    return tr(cell_opens(head), [*cells, note])


def reference_item_row(site, item, up):
    from nmx.views.deadlines import days_left, kind_label

    cells = [
        site_mod._dates(item),
        join([esc(days_left(item.due, site.today)), site_mod.workday_note(item.due)], " "),
        join([el("strong", item.task), " ", item.title, BR, item.what, "（", item.label, "）"]),
        kind_label(item),
        site.item_units(item, up),
        item.deliver_to or "",
        item.source,
    ]
    return tr(cell_opens(site_mod.item_heads()), cells)


@pytest.fixture(scope="module")
def plans(plan, hostile_data, tmp_path_factory):
    from tests.test_calendars_shared import _plans

    return _plans(plan, hostile_data, tmp_path_factory)


@pytest.fixture(params=["zh", "en"])
def language(request):
    from nmx.i18n import set_lang

    set_lang(request.param)
    yield request.param
    set_lang(None)


def _head():
    from nmx.i18n import t

    return (t("rp_col_task"), t("rp_col_role"), t("rp_col_what"), t("rp_col_deliver"), t("rp_col_source"),
            t("rp_col_note"))


def test_every_duty_row(plans, language):
    from nmx.duties.reach import duties_by_unit

    head, seen = _head(), 0
    for plan in plans:
        for duties in duties_by_unit(plan).values():
            for n, d in enumerate(duties):
                mark = (None, 1, 12)[n % 3]
                assert site_mod._duty_row(head, d, mark) == reference_duty_row(head, d, mark), d
                seen += 1
    assert seen > 1000


def test_every_item_row(plans, language):
    from nmx.handouts.calendars import Options

    seen = 0
    for plan in plans:
        site = site_mod.Site(plan, dt.date(2023, 5, 10), calendars=Options())
        for item in site.items:
            for up in ("", "../"):
                assert site.item_row(item, up) == reference_item_row(site, item, up), item
                seen += 1
    assert seen > 1000


def test_a_unit_s_year_is_its_tasks_items_in_year_order(plans):
    """Site.year_items merges positions in the year's items (engine.items sorts as `_year_key`
    does): the first 50 of a unit's tasks' items by `_year_key`, and their count, for every unit;
    also where a task's items are out of that order (then merged by the key itself)."""
    from nmx.duties.reach import duties_by_unit
    from nmx.handouts.calendars import Options

    seen = 0
    for plan in plans:
        site = site_mod.Site(plan, dt.date(2023, 5, 10), calendars=Options())
        assert site._ranked and site.items == sorted(site.items, key=site._year_key)
        cases = [set(dict.fromkeys(d.task for d in duties)) for duties in duties_by_unit(plan).values()]
        cases += [{tk.id for tk in plan.tasks}, set()]
        for ranked in (True, False):
            if not ranked:  # as if engine.items had left each task's items reversed
                site.by_task = {task: list(positions)[::-1] for task, positions in site.by_task.items()}
                assert not all([site._in_order(found) for found in site.by_task.values() if len(found) > 1])
                site._ranked = False
            for tasks in cases:
                mine = [i for i in site.items if i.task in tasks]
                expected = sorted(mine, key=site._year_key)[:site_mod.UNIT_LIMIT]
                assert site.year_items(tasks, site_mod.UNIT_LIMIT) == (expected, len(mine))
                seen += bool(expected)
    assert seen > 100


def test_rows_of_texts_that_need_escaping(plan):
    from nmx.duties.reach import duties_by_unit
    from nmx.handouts.calendars import Options

    nasty = "<b>&amp;\"'</b>"
    head = _head()
    duty = next(d for ds in duties_by_unit(plan).values() for d in ds if d.schedule)
    for d in [duty._replace(task=nasty, title=nasty, via=nasty, what=nasty, schedule=nasty, deliver_to=nasty,
                            source=nasty, possibly=True),
              duty._replace(role="lead", via="", what=None, schedule="", deliver_to=None)]:
        assert site_mod._duty_row(head, d, 3) == reference_duty_row(head, d, 3)
        assert "<b>" not in site_mod._duty_row(head, d, 3)
    site = site_mod.Site(plan, dt.date(2023, 5, 10), calendars=Options())
    item = site.items[0]._replace(title=nasty, what=nasty, label=nasty, deliver_to=nasty, source=nasty,
                                  due=dt.date(2023, 10, 1))
    assert site_mod._item_row(site, item, "", cell_opens(site_mod.item_heads())) == reference_item_row(site, item, "")
    assert "<b>" not in site_mod._item_row(site, item, "", cell_opens(site_mod.item_heads()))


# --- render.html: the page shell and table headers in one pass -------------------------------------------
def reference_page(title, *body, lang="zh", nav=None, footer=None):
    """render.html.page as it was: nested elements."""
    from nmx.render.html import CSS, Safe, void

    doc = el(
        "html",
        el("head",
           void("meta", charset="utf-8"),
           void("meta", name="viewport", content="width=device-width, initial-scale=1"),
           void("meta", name="generator", content="nmx"),
           el("title", title),
           el("style", Safe(CSS))),
        el("body",
           el("nav", nav, class_="site") if nav is not None else None,
           el("main", *body),
           el("footer", footer, class_="site") if footer is not None else None),
        lang="zh-CN" if lang == "zh" else "en",
    )
    return "<!DOCTYPE html>\n" + doc + "\n"


NASTY = "<b>&amp;\"'</b> 中文"


@pytest.mark.parametrize("title", ["标题", NASTY, 2023])
@pytest.mark.parametrize("body", [(), ("text <x>",), (el("p", NASTY),), (el("p", "a"), NASTY, None, ["x", el("b", "y")], 7)])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("nav, footer", [(None, None), (el("a", "n", href="?a&b"), NASTY), (NASTY, el("p", "f")),
                                         (False, [el("p", "1"), "2"])])
def test_page_is_the_nested_elements(title, body, lang, nav, footer):
    from nmx.render.html import page

    assert page(title, *body, lang=lang, nav=nav, footer=footer) == reference_page(title, *body, lang=lang, nav=nav,
                                                                                   footer=footer)


@pytest.mark.parametrize("running", [None, NASTY])
def test_table_headers(running):
    from nmx.render.html import table

    headers = ["甲", NASTY, "c"]
    names = el("tr", [el("th", h, scope="col") for h in headers])
    if running is not None:
        names = join([el("tr", el("th", running, colspan=len(headers)), class_="running"), names])
    want = (f'<table class="stack x" data-n="1"><thead>{names}</thead><tbody>'
            f"{tr(cell_opens(tuple(headers)), ['1', NASTY, el('b', 'z')])}</tbody></table>")
    assert table(headers, [["1", NASTY, el("b", "z")]], class_="stack x", running=running, data_n=1) == want


# --- render.checklist: the checklist's rows in one pass ---------------------------------------------------
def reference_item_cell(line):
    from nmx.i18n import t
    from nmx.render.checklist import label_text, short_date

    extra = [esc(label_text(line.label, line.basis))]
    if line.kind == "quota" and line.owes:
        extra.append(join([esc(t("cl_count", n=line.count)), " ", esc(t("cl_done_n"))]))
    elif line.kind == "quota":
        extra.append(esc(t("cl_count_not_owed", n=line.count)))
    start, due = line.start, line.due
    if start is not None and start != due:
        extra.append(esc(f"{short_date(start)}—{short_date(due)}"))
    return join([el("strong", line.task), " ", line.title, BR, line.what, " ",
                 el("span", "（", join(extra, "；"), "）", class_="note")])


def reference_checklist_rows(line):
    from nmx.render import checklist as cl
    from nmx.render.html import box

    dated = tr(cell_opens(cl._dated_heads(cl.lang())),
               [box(), cl._due_html(line), reference_item_cell(line), cl.role_words(line), line.deliver_to or "",
                line.source, cl._BLANK])
    undated = tr(cell_opens(cl._undated_heads(cl.lang())),
                 [box(), reference_item_cell(line), cl.role_words(line), line.source, cl._BLANK])
    return dated, undated


def test_every_checklist_row(plans, language):
    from nmx.duties.reach import duties_by_unit
    from nmx.render import checklist as cl
    from nmx.schedule.dates import parse_month
    from nmx.views.checklist import ScheduleIndex, checklist

    seen = 0
    for plan in plans:
        duties = duties_by_unit(plan)
        for month in ("2023-05", "2023-10"):
            index = ScheduleIndex(plan, *parse_month(month))
            for unit in plan.units:
                lists = checklist(plan, unit, month, dt.date(2023, 5, 10), index=index, duties=duties[unit.id])
                for line in [*lists.dated, *lists.standing, *lists.irregular]:
                    dated, undated = reference_checklist_rows(line)
                    assert cl._item_html(line) == reference_item_cell(line)
                    assert cl._dated_row(cl._dated_heads(cl.lang()), line) == dated
                    assert cl._undated_row(cl._undated_heads(cl.lang()), line) == undated
                    seen += 1
    assert seen > 1000


def test_checklist_rows_of_texts_that_need_escaping(plan):
    from nmx.render import checklist as cl
    from nmx.views.checklist import checklist

    lines = [line for unit in plan.units for line in checklist(plan, unit, "2023-05", dt.date(2023, 5, 10)).dated]
    quota = next(line for line in lines if line.kind == "quota")
    for line in [lines[0]._replace(task=NASTY, title=NASTY, what=NASTY, label=NASTY, source=NASTY, deliver_to=NASTY),
                 quota._replace(owes=False, basis="assumed", title=NASTY), quota._replace(start=dt.date(2023, 5, 2))]:
        dated, undated = reference_checklist_rows(line)
        assert cl._dated_row(cl._dated_heads(cl.lang()), line) == dated and "<b>" not in dated
        assert cl._undated_row(cl._undated_heads(cl.lang()), line) == undated


def test_lists_made_from_one_index_are_each_units_own(plans):
    """ScheduleIndex makes each line once per (item, duty, owes) for the lists of all units: every
    unit's list is still the one made for it alone (its own index, its own duties), with lines
    shared where units are reached by one duty, and a quota owed by some of them and not others."""
    from nmx.duties.reach import duties_by_unit
    from nmx.schedule.dates import parse_month
    from nmx.views.checklist import ScheduleIndex, checklist

    reused = owed_apart = 0
    for plan in plans:
        duties = duties_by_unit(plan)
        for month in ("2023-05", "2023-08", "2023-12"):
            index = ScheduleIndex(plan, *parse_month(month))
            made: dict[int, tuple[str, object]] = {}  # id(line) → (the first unit it was made for, the line)
            owes: dict[tuple, set[bool]] = {}
            for unit in plan.units:
                together = checklist(plan, unit, month, dt.date(2023, 5, 10), index=index, duties=duties[unit.id])
                alone = checklist(plan, unit, month, dt.date(2023, 5, 10))
                assert together == alone, (unit.id, month)
                for line in [*together.dated, *together.standing, *together.irregular]:
                    reused += made.setdefault(id(line), (unit.id, line))[0] != unit.id
                for line in together.dated:
                    if line.kind == "quota":
                        owes.setdefault((line.task, line.due, line.role, line.via), set()).add(line.owes)
            owed_apart += sum(len(found) == 2 for found in owes.values())
    assert reused and owed_apart


def test_a_duty_table_takes_a_kept_row_only_for_the_same_duty(plan):
    """Rows are found by the duty's identity and its footnote mark: a row kept under the id of a
    duty since let go (whose id a new one may get) is never another duty's."""
    from nmx.duties.reach import duties_by_unit

    head = _head()
    duties = next(ds for ds in duties_by_unit(plan).values() if len(ds) > 2)
    fresh = duties[0]._replace(title=duties[0].title + "（新）", note=None)
    site_mod._DUTY_ROWS.setdefault(head, {})[id(fresh), None] = (duties[1], "<tr>STALE</tr>")
    table = site_mod.duties_table([fresh, fresh])
    assert "STALE" not in table and table.count(site_mod._duty_row(head, fresh, None)) == 2
    again = site_mod.duties_table(duties)
    assert again == site_mod.duties_table(list(duties))  # found again by identity: the same table
    assert all(site_mod._duty_row(head, d, None) in again for d in duties if not d.note)
