"""`nmx report`: the static site — pages, links, escaping, and a folder never left half-written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.conftest import DATA

TODAY = "2023-05-10"


@pytest.fixture(scope="module")
def site(tmp_path_factory, run) -> Path:
    out = tmp_path_factory.mktemp("report") / "site"
    r = run("report", "--output", str(out), "--today", TODAY, "--data", str(DATA))
    assert r.exit_code == 0, r.output
    return out


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def test_files(site):
    pages = _pages(site)
    assert {"index.html", "calendar.html", "matrix.html", "units/transport.html",
            "checklists/transport-2023-05.html"} <= set(pages)
    assert len([p for p in pages if p.startswith("units/")]) == 33
    assert len([p for p in pages if p.startswith("checklists/")]) == 33
    listed = (site / ".nmx-report").read_text(encoding="utf-8").splitlines()[1:]
    calendars = ["calendars/all.ics", "calendars/state.json", *(f"calendars/{p[:-5]}.ics" for p in pages if p.startswith("units/"))]
    assert sorted(listed) == sorted([*pages, *calendars])
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == sorted([*listed, ".nmx-report"])


def test_every_relative_link_resolves(site):
    for rel, text in _pages(site).items():
        for href in re.findall(r'href="([^"]+)"', text):
            assert not href.startswith(("http:", "https:", "/", "file:")), (rel, href)
            path, _, fragment = href.partition("#")
            target = (site / rel).parent / path if path else site / rel
            assert target.is_file(), (rel, href)
            if fragment:
                assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), (rel, href)


def test_no_external_assets_and_no_javascript(site):
    for rel, text in _pages(site).items():
        for bad in ("<script", "<link", "src=", "@import", "url("):
            assert bad not in text, (rel, bad)
        assert '<meta name="viewport"' in text and "@media print" in text


def test_index_shows_plan_and_this_month(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "六民生办〔2023〕3号" in text
    assert "2023年5月到期和进行中的事项" in text
    assert "2023年2月、2023年5月、2023年8月、2023年11月" in text
    units = text[text.index('<ul class="units">'):]
    assert units.count("<li>") == 33
    assert 'href="units/transport.html">市交通运输局</a>' in text


def test_calendar_marks_focus_months_and_due_days(site):
    text = (site / "calendar.html").read_text(encoding="utf-8")
    focus = re.findall(r'<section class="month focus" id="m(\d{4}-\d\d)"', text)
    assert focus == ["2023-02", "2023-05", "2023-08", "2023-11"]
    assert len(re.findall(r'<section class="month"', text)) == 8
    june = text[text.index('id="m2023-06"'):text.index('id="m2023-07"')]
    assert '<span class="due" title="1 项到期">7</span>' in june
    assert "M2</strong> 归纳总结，形成书面报告报送市发改委" in june


def test_matrix_page(site):
    text = (site / "matrix.html").read_text(encoding="utf-8")
    assert text.count("<tr>") == 27  # 14 annex rows, M1–M5, R1–R7, the header
    assert "（附件此栏为空）" in text


def test_unit_page(site):
    text = (site / "units/transport.html").read_text(encoding="utf-8")
    assert "<h1>市交通运输局</h1>" in text and "六安市交通运输局" in text
    assert "职责（7 项）" in text
    assert "A6</strong> 公交、出租车和客运站宣传" in text
    assert "2023年5月自查清单" in text
    assert 'href="../checklists/transport-2023-05.html"' in text


def test_today_outside_period(run, tmp_path):
    out = tmp_path / "s"
    r = run("report", "-o", str(out), "--today", "2025-03-01")
    assert r.exit_code == 0, r.output
    assert "基准日 2025-03-01 不在方案期间" in (out / "index.html").read_text(encoding="utf-8")
    assert not (out / "checklists").exists()


def test_hostile_data_is_escaped(run, tmp_path, hostile_data):
    out = tmp_path / "s"
    r = run("report", "-o", str(out), "--today", TODAY, "--data", str(hostile_data))
    assert r.exit_code == 0, r.output
    pages = _pages(out)
    for rel, text in pages.items():
        assert "<script" not in text and "<img" not in text, rel
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["units/transport.html"]
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages["units/transport.html"]


# --- the output folder --------------------------------------------------------------------------
def test_rerun_replaces_its_own_site(run, tmp_path):
    out = tmp_path / "s"
    assert run("report", "-o", str(out), "--today", TODAY).exit_code == 0
    (out / "units" / "transport.html").write_text("stale", encoding="utf-8")
    assert run("report", "-o", str(out), "--today", "2023-06-10").exit_code == 0
    assert "stale" not in (out / "units" / "transport.html").read_text(encoding="utf-8")
    assert (out / "checklists" / "transport-2023-06.html").exists()
    assert not (out / "checklists" / "transport-2023-05.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]  # no temporary folder left


def test_refuses_foreign_files_unless_forced(run, tmp_path):
    out = tmp_path / "s"
    out.mkdir()
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    r = run("report", "-o", str(out), "--today", TODAY)
    assert r.exit_code == 2, r.output
    assert "mine.txt" in r.output and "--force" in r.output
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    r = run("report", "-o", str(out), "--today", TODAY, "--force")
    assert r.exit_code == 0, r.output
    assert (out / "index.html").exists() and not (out / "mine.txt").exists()


def test_foreign_file_added_to_an_nmx_site_is_refused(run, tmp_path):
    out = tmp_path / "s"
    assert run("report", "-o", str(out), "--today", TODAY).exit_code == 0
    (out / "units" / "notes.md").write_text("x", encoding="utf-8")
    r = run("report", "-o", str(out), "--today", TODAY)
    assert r.exit_code == 2 and "units/notes.md" in r.output


def test_empty_existing_folder_is_used(run, tmp_path):
    out = tmp_path / "s"
    out.mkdir()
    assert run("report", "-o", str(out), "--today", TODAY).exit_code == 0
    assert (out / "index.html").exists()


@pytest.mark.parametrize("make", ["missing_parent", "is_file", "unwritable"])
def test_bad_destinations_exit_2_and_write_nothing(run, tmp_path, make):
    import os

    if make == "missing_parent":
        out = tmp_path / "no" / "site"
    elif make == "is_file":
        out = tmp_path / "site"
        out.write_text("a file", encoding="utf-8")
    else:
        out = Path("/sys/nmx-site") if os.geteuid() == 0 else _read_only(tmp_path) / "site"
    before = sorted(tmp_path.rglob("*"))
    r = run("report", "-o", str(out), "--today", TODAY)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and str(out.parent) in r.output
    assert sorted(tmp_path.rglob("*")) == before


def _read_only(tmp_path: Path) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def test_failure_midway_leaves_old_site_and_no_temp(run, tmp_path, monkeypatch):
    out = tmp_path / "s"
    assert run("report", "-o", str(out), "--today", TODAY).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    from nmx.handouts import site as site_mod

    real = site_mod.unit_page
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(site_mod, "unit_page", failing)
    r = run("report", "-o", str(out), "--today", "2023-06-10")
    assert r.exit_code == 2, r.output
    assert "No space left on device" in r.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]


def test_progress_only_on_a_terminal(run, tmp_path, monkeypatch):
    r = run("report", "-o", str(tmp_path / "s"), "--today", TODAY)
    assert r.exit_code == 0
    assert "生成网站" not in r.output  # CliRunner's stderr is not a terminal
    from nmx.cli import handout_cmds as handouts

    monkeypatch.setattr(handouts, "_stderr_is_terminal", lambda: True)
    r = run("report", "-o", str(tmp_path / "s"), "--today", TODAY)
    assert r.exit_code == 0
    assert "生成网站" in r.stderr and "106/106" in r.stderr  # 5 pages + 33 units × (page, checklist, calendar) + 2
    assert r.stdout == ""


# --- the pieces -------------------------------------------------------------------------------------
def test_escaping_helpers():
    from nmx.render.html import Safe, el, esc

    assert esc('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert el("p", "<b>", Safe("<i>ok</i>"), class_='"x"') == '<p class="&quot;x&quot;">&lt;b&gt;<i>ok</i></p>'
    assert el("td", ["a", None, ["b"]], data_label="标签") == '<td data-label="标签">ab</td>'
    assert el("input", checked=True, disabled=False) == "<input checked></input>"


def test_annex_rows(plan):
    from nmx.duties.annex import annex_number, annex_rows

    rows = annex_rows(plan)
    assert [(r.number, r.task) for r in rows[:3]] == [(1, "A1"), (2, "A2"), (3, "A3")]
    assert [r.task for r in rows[14:]] == ["M1", "M2", "M3", "M4", "M5", "R1", "R2", "R3", "R4", "R5", "R6", "R7"]
    assert (annex_number("附件 序号12"), annex_number("四（二）")) == (12, None)


def test_focus_months_and_unit_files(plan):
    from nmx.schedule import engine
    from nmx.handouts.report import focus_months, report_month, unit_files

    items = engine.items(plan, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert focus_months(items) == {"2023-02", "2023-05", "2023-08", "2023-11"}
    assert report_month(plan, dt.date(2023, 5, 10)) == "2023-05"
    assert report_month(plan, dt.date(2024, 1, 1)) is None
    files = unit_files(plan)
    assert files["transport"] == "transport" and len(set(files.values())) == 33


def test_duties_by_unit_matches_duties_for(plan):
    from nmx.duties.reach import Reacher, duties_by_unit, duties_for

    everyone = duties_by_unit(plan)
    reacher = Reacher(plan)
    assert list(everyone) == [u.id for u in plan.units]
    for unit in plan.units:
        assert everyone[unit.id] == duties_for(plan, unit, reacher), unit.id
    assert [(d.task, d.role, d.possibly) for d in everyone["transport"]][:4] == [
        ("M2", "lead", False), ("M2", "lead", False), ("R5", "lead", False), ("R7", "lead", False)]
    assert ("A3", "lead", True) in [(d.task, d.role, d.possibly) for d in everyone["transport"]]


def test_unit_page_year_and_notes(site):
    text = (site / "units/transport.html").read_text(encoding="utf-8")
    assert "全年有期限的事项（8 项）" in text  # M2's focus months and reports (A3's focus month is M2's)
    # the long note of 各县区各部门 appears once, as a footnote the rows point to
    # once alone (M2's two duties and R5 point to it), once with R7's own note after it
    assert text.count("按公文用法理解为各县区人民政府") == 2
    assert text.count('href="#note1"') == 3 and 'id="note1"' in text


def test_status_page_shows_the_lights(run, plan_copy, tmp_path):
    (plan_copy / "records.yaml").write_text(
        "records:\n  - {task: M2, item: report, period: 2023-05, dept: 金安区, date: 2023-06-05}\n"
        "  - {task: M2, item: report, period: 2023-05, dept: 裕安区, date: 2023-06-09}\n", encoding="utf-8")
    out = tmp_path / "site"
    assert run("report", "-o", str(out), "--today", "2023-06-20", "--data", str(plan_copy)).exit_code == 0
    text = (out / "status.html").read_text(encoding="utf-8")
    assert text.count('class="light green"') == 3  # 金安区's report; the two media's June quota, not yet due
    assert text.count('class="light yellow"') == 1  # 裕安区 reported two days late
    assert text.count('class="light red"') == 18  # the other departments' reports
    assert 'href="status.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_a_month_of_many_obligations_gets_a_row_per_unit(run, plan_copy, tmp_path, monkeypatch):
    """Over MATRIX_LIMIT obligations in the month, the status page counts each unit's states
    (and its worst light) instead of drawing units × obligations."""
    from nmx.handouts import site as site_module

    (plan_copy / "records.yaml").write_text(
        "records:\n  - {task: M2, item: report, period: 2023-05, dept: 金安区, date: 2023-06-05}\n"
        "  - {task: M2, item: report, period: 2023-05, dept: 裕安区, date: 2023-06-09}\n", encoding="utf-8")
    monkeypatch.setattr(site_module, "MATRIX_LIMIT", 1)
    out = tmp_path / "site"
    assert run("report", "-o", str(out), "--today", "2023-06-20", "--data", str(plan_copy)).exit_code == 0
    text = (out / "status.html").read_text(encoding="utf-8")
    assert "本月有 2 项有期限的事项（多于 1 项不再逐项列成矩阵）" in text
    rows = text.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    assert len(rows) == 22  # the units owing something in June: 20 reports, the two media's quota
    jinan = next(r for r in rows if ">金安区人民政府<" in r)
    assert 'class="light green"' in jinan and '<td data-label="已完成">1</td>' in jinan  # its one obligation, done
    yuan = next(r for r in rows if ">裕安区人民政府<" in r)
    assert 'class="light yellow"' in yuan  # done two days late
    assert text.count('class="light red"') == 18


def build_workspace_site(run, root: Path) -> Path:
    """A city plan and two `nmx subplan` drafts (裕安区's loosened, A13 removed) as a workspace; its site."""
    import shutil

    from tests.test_coverage import WORKSPACE, _edit, _loosen, _subplan

    shutil.copytree(DATA, root / "city")
    _subplan(run, root / "city", "金安区", root / "jinan", "金安区委宣传部")
    _subplan(run, root / "city", "裕安区", root / "yuan", "裕安区委宣传部")
    _edit(root / "yuan", _loosen)
    (root / "nmx.yaml").write_text(WORKSPACE, encoding="utf-8")
    out = root.parent / (root.name + "-site")
    r = run("report", "--workspace", str(root), "-o", str(out), "--today", TODAY)
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def ws_site(tmp_path_factory, run) -> Path:
    return build_workspace_site(run, tmp_path_factory.mktemp("ws") / "ws")


def test_workspace_adds_county_pages_and_coverage(ws_site, site):
    index = (ws_site / "index.html").read_text(encoding="utf-8")
    assert 'href="coverage.html"' in index
    assert 'href="counties/1.html"' in index and 'href="counties/2.html"' in index
    county = (ws_site / "counties" / "2.html").read_text(encoding="utf-8")
    assert "裕安区方案" in county and "裕安区委宣传部" in county and "M2" in county
    assert "A13" not in county.split("<table", 1)[1]  # the removed task
    # without a workspace nothing of it
    assert not (site / "coverage.html").exists() and 'coverage.html' not in (site / "index.html").read_text(encoding="utf-8")


def test_coverage_page_cells(ws_site):
    text = (ws_site / "coverage.html").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"<tr><td[^>]*><strong>([^<]+)</strong>(.*?)</tr>", text, re.S)}
    a13 = rows["A13#1"]
    assert a13.count('data-state="covered"') == 1 and a13.count('data-state="missing"') == 1
    m2 = rows["M2/report"]
    assert 'data-state="looser"' in m2 and "截止日期晚于市级" in m2
    assert 'class="legend"' in text
