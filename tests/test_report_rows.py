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
