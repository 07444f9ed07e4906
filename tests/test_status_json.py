"""`nmx status --format json` written in pieces is the document the view's records make.

`views.supervision.status_json_view` writes each record's text from parts its item and its unit
share; the reference is the old way: `status_report`'s full view, a dict per record, through
`render.tabular.to_json`. They must be the same text for the shipped plan with records (done,
late, several dates), the plan with hostile texts, a synthetic plan with records on some of its
obligations (more records than one piece holds), a workspace's roll-up (`records_from`), and
ranges with no obligation at all.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil

import pytest

from tests.test_status import RECORDS

RANGES = [("2023-05-01", "2023-05-31", "2023-06-08"), ("2023-01-01", "2023-12-31", "2023-12-01"),
          ("2024-05-01", "2024-05-31", "2023-06-08")]


def _both(plan, records, start, end, today, units=None, rollup=None) -> tuple[str, str]:
    from nmx.render.tabular import render_json, to_json
    from nmx.schedule.ranges import status_range
    from nmx.views.supervision import status_report

    day = dt.date.fromisoformat(today)
    rng = status_range(plan, None, start, end, day)
    args = (plan, records, rng, day, units, 3, "a period note")
    old = status_report(*args, matrix=False, wide=False, full=True, rollup=rollup).view
    new = status_report(*args, matrix=False, wide=False, full=True, rollup=rollup, streamed=True).view
    assert new.json_text is not None and not new.rows
    return "".join(render_json(new)), to_json(old.json_document())


@pytest.fixture(scope="module")
def plans(plan, hostile_data, tmp_path_factory):
    from tests.test_calendars_shared import _plans

    return _plans(plan, hostile_data, tmp_path_factory)


def _with_records(plan, seed: int):
    """A RecordsState with records on about a third of the plan's obligations of the year, some
    late, some twice."""
    from nmx.supervision.files import RecordsState
    from nmx.supervision.status import statuses

    empty = RecordsState()
    found = statuses(plan, empty, plan.meta.period.start, plan.meta.period.end, plan.meta.period.end)
    rnd = random.Random(seed)
    state = RecordsState()
    for s in found:
        if rnd.random() < 0.35:
            key = (s.item.task, s.item.index, s.item.period, s.unit)
            for _ in range(rnd.choice((1, 1, 2, 3))):
                state.add(key, s.item.due + dt.timedelta(days=rnd.randint(-20, 12)))
    return state, len(found)


@pytest.mark.parametrize("start,end,today", RANGES)
def test_the_shipped_plan_with_records(plan_copy, start, end, today):
    from nmx.supervision.files import load_records

    (plan_copy / "records.yaml").write_text(RECORDS, encoding="utf-8")
    plan, records, _ = load_records(plan_copy)
    assert records.count > 0
    new, old = _both(plan, records, start, end, today)
    assert new == old
    if start == "2023-01-01":  # records counted, one of them late: its late days written
        assert new.count('"dates": [\n') > 1 and '"state": "done_late"' in new and '"calendar": ' in new


@pytest.mark.parametrize("which", [1, 2])
@pytest.mark.parametrize("start,end,today", RANGES)
def test_hostile_and_synthetic_plans(plans, which, start, end, today):
    plan = plans[which]
    records, owed = _with_records(plan, which)
    if which == 2:
        assert owed > 2000  # more records than one piece of the text holds
    new, old = _both(plan, records, start, end, today)
    assert new == old
    if which == 2 and start == "2023-01-01":
        assert new.count('"done_late"') and new.count('"state": "done"')


def test_one_unit(plans):
    plan = plans[2]
    records, _ = _with_records(plan, 7)
    unit = plan.units[3].id
    new, old = _both(plan, records, "2023-01-01", "2023-12-31", "2023-12-01", units={unit})
    assert new == old and f'"unit": "{unit}"' in new


def test_a_workspace_roll_up(run, tmp_path):
    from tests.conftest import DATA
    from tests.test_rollup import WORKSPACE

    from nmx.supervision.rollup import load_workspace

    shutil.copytree(DATA, tmp_path / "city")
    assert run("subplan", "金安区", "--from", str(tmp_path / "city"), "-o", str(tmp_path / "jinan")).exit_code == 0
    (tmp_path / "nmx.yaml").write_text(WORKSPACE, encoding="utf-8")
    done = run("done", "M2.1", "--item", "focus", "--dept", "金安区待定牵头单位", "--period", "2023-05",
               "--on", "2023-05-20", "--data", str(tmp_path / "jinan"), "--today", "2023-06-01")
    assert done.exit_code == 0, done.output
    plan, _, rollup = load_workspace(tmp_path)
    texts = {}
    for start, end, today in RANGES:
        new, old = _both(plan, rollup.records, start, end, today, rollup=rollup)
        assert new == old
        texts[start] = new
    assert '"records_from": [\n        "金安区方案"\n      ]' in texts["2023-05-01"]
    assert '"records_from": []' in texts["2023-05-01"]


def test_a_piece_that_is_not_clean_is_screened_on_its_way_to_a_terminal(plan):
    """Text the plan's validation refuses (a bidi override, DEL, C1) in a unit's name, put into
    the plan behind its back: the document is still the whole document's text, made safe, and
    its pieces are not marked `Clean`, so the terminal gets them escaped."""
    import dataclasses
    import json

    from nmx.render.tabular import render_json
    from nmx.safetext import Clean, for_terminal
    from nmx.supervision.files import RecordsState

    unit = plan.units[0]
    odd = dataclasses.replace(unit, name="单位\u202e反\x7f\x85")
    plan2 = dataclasses.replace(plan, unit_by_id={**plan.unit_by_id, unit.id: odd})
    new, old = _both(plan2, RecordsState(), "2023-01-01", "2023-12-31", "2023-12-01")
    assert new == old and "\\u007f\\u0085" in new and "\u202e" in new
    assert "单位\u202e反\x7f\x85" in {r["department"] for r in json.loads(new)["items"]}
    from nmx.schedule.ranges import status_range
    from nmx.views.supervision import status_report

    day = dt.date(2023, 12, 1)
    rng = status_range(plan2, None, "2023-01-01", "2023-12-31", day)
    chunks = list(render_json(status_report(plan2, RecordsState(), rng, day, None, 3, None, matrix=False,
                                            wide=False, full=True, streamed=True).view))
    assert not any(type(c) is Clean for c in chunks if "\u202e" in c)
    assert all("\u202e" not in for_terminal(c) for c in chunks)
    plain = list(render_json(status_report(plan, RecordsState(), rng, day, None, 3, None, matrix=False,
                                           wide=False, full=True, streamed=True).view))
    assert all(type(c) is Clean for c in plain)  # the shipped plan's pieces are searched once each


@pytest.mark.parametrize("which", [0, 1, 2])
def test_the_tables_rows_hold_the_cells_the_full_rows_hold(plans, which):
    """Without the JSON (`full=False`, the terminal table), `status_view` makes only the table's
    cells: the same cells the full rows give its columns."""
    from nmx.supervision.status import statuses
    from nmx.views.supervision import status_view

    plan = plans[which]
    records, _ = _with_records(plan, 11)
    start, end, today = plan.meta.period.start, plan.meta.period.end, dt.date(2023, 9, 1)
    found = statuses(plan, records, start, end, today)
    lean = status_view(plan, found, start, end, today, [], wide=False, full=False)
    whole = status_view(plan, found, start, end, today, [], wide=False, full=True)
    keys = [c.key for c in lean.columns]
    assert [[lean.cell(r, k) for k in keys] for r in lean.rows] == [[whole.cell(r, k) for k in keys] for r in whole.rows]
    assert lean.notes == whole.notes and lean.title == whole.title
    assert {s.state for s in found} >= {"done", "done_late", "overdue"}
