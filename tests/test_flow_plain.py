"""The plain-text layout of tables and paragraphs (`flow.*.plain_lines`) is what Rich prints.

Without styles nmx writes tables without Rich; these tests lay the same grids out both ways
and require the same lines: random grids (widths, wide characters, lists, empty cells,
narrow screens that force compact tables and records) and the tables of real commands.
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from nmx.render.flow import Grid, GridCol, Para, Stack
from nmx.render.terminal import _console


def _rich(renderable, width: int) -> str:
    buf = io.StringIO()
    _console(styled=False, file=buf, width=width).print(renderable)
    return "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())


def _plain(renderable, width: int) -> str | None:
    lines = renderable.plain_lines(width)
    return None if lines is None else "".join(line + "\n" for line in lines)


WORDS = ["市交通运输局", "金安区", "M2/report", "2023-05-31", "0/2", "逾期 3", "集中宣传月（5月）", "a b c",
         "报送市发改委（次月7日前）", "、", "", "——", "x" * 30, "全市各级各部门", "ok", "四（二）"]
cell = st.lists(st.sampled_from(WORDS), max_size=5).map("".join)
items = st.lists(st.sampled_from(["市委宣传部", "市发改委", "金安区", "皖西日报社", "六安广电"]), max_size=6).map("、".join)


@st.composite
def grids(draw):
    ncols = draw(st.integers(1, 6))
    cols = [GridCol(draw(st.sampled_from(["日期", "单位", "事项", "任务", "状态", "x"])),
                    draw(st.one_of(st.none(), st.integers(4, 30))), draw(st.booleans()), draw(st.booleans()),
                    draw(st.sampled_from(["left", "left", "right", "center"]))) for _ in range(ncols)]
    rows = [[draw(items if c.items else cell) for c in cols] for _ in range(draw(st.integers(0, 6)))]
    ends = draw(st.lists(st.booleans(), max_size=len(rows)))
    return Grid(cols, rows, box=draw(st.booleans()), show_header=draw(st.booleans()), end_section=ends)


@settings(max_examples=400, deadline=None)
@given(grids(), st.integers(8, 140))
def test_random_grids_lay_out_as_rich_does(grid, width):
    plain = _plain(grid, width)
    if plain is not None:
        assert plain == _rich(grid, width)


@settings(max_examples=100, deadline=None)
@given(st.lists(cell, min_size=1, max_size=4), grids(), st.integers(10, 120))
def test_stacks_of_paragraphs_and_grids(paras, grid, width):
    stack = Stack([Para(paras[0], style="italic"), grid, *(Para(p, style="dim") for p in paras[1:])])
    plain = _plain(stack, width)
    if plain is not None:
        assert plain == _rich(stack, width)


def test_the_plain_layout_is_taken_for_real_tables():
    """A year of deadlines, a status list and the matrix written to files: the same bytes as Rich."""
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate
    from nmx.render.tabular import render_table
    from nmx.supervision import files
    from nmx.supervision.status import statuses
    from nmx.views.supervision import status_view
    import datetime as dt

    plan = load_plan(locate(None))
    plan_, records, _ = files.load_records(None)
    found = statuses(plan_, records, dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2023, 6, 8))
    view = status_view(plan_, found, dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2023, 6, 8), [], wide=False)
    renderable = render_table(view)
    for width in (100, 60, 40):
        assert _plain(renderable, width) == _rich(renderable, width)
    assert plan.meta.doc_number in plan_.meta.doc_number


def test_checklists_lay_out_as_rich_does():
    import datetime as dt

    from nmx.render.checklist import render_table as checklist_table
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate
    from nmx.views.checklist import unit_checklists

    plan = load_plan(locate(None))
    lists = unit_checklists(plan, "2023-05", dt.date(2023, 5, 10))
    renderable = checklist_table(lists)
    assert renderable.plain_lines(100) is not None
    for width in (100, 50):
        assert _plain(renderable, width) == _rich(renderable, width)
