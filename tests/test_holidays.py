"""holidays.yaml: a plan folder's own holiday calendar, and `nmx holidays --from-text`."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, expectation

NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕99号）"
FALLBACK = "只把周末当作休息日"  # calendar_fallback's words


def year_2027(folder: Path) -> Path:
    """The plan in `folder` moved to 2027 (its year and period: every date of the data is derived from them)."""
    tasks = folder / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    assert text.count("2023-01-01") >= 1 and "year: 2023" in text
    text = text.replace("year: 2023", "year: 2027").replace("2023-01-01", "2027-01-01").replace("2023-12-31", "2027-12-31")
    tasks.write_text(text, encoding="utf-8")
    return folder


def holidays_2027(folder: Path, status: str = "official") -> Path:
    """2027 with 劳动节 from Friday 04-30 (a weekday an M3 quota is due on) to 05-03, and 国庆节."""
    (folder / "holidays.yaml").write_text(f"""\
year: 2027
source: {NOTICE_2027}
status: {status}
holidays:
  - name: 劳动节
    off: [2027-04-30, 2027-05-01, 2027-05-02, 2027-05-03]
    work: [2027-04-25]
  - name: 国庆节
    off: [2027-10-01, 2027-10-02, 2027-10-03, 2027-10-04, 2027-10-05, 2027-10-06, 2027-10-07]
    work: [2027-09-26, 2027-10-09]
""", encoding="utf-8")
    return folder


def deadlines_json(run, data: Path) -> dict:
    result = run("deadlines", "--month", "2027-04", "--today", "2027-04-01", "--data", str(data), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def due_on(doc: dict, day: str) -> dict:
    found = [i for i in doc["items"] if i["due"] == day]
    assert found, f"no item due {day}"
    return found[0]


# --- a year the package does not know ---------------------------------------------------------
def test_a_declared_day_off_moves_the_due_day_back_and_no_weekends_only_note(run, plan_copy):
    data = year_2027(plan_copy)
    without = deadlines_json(run, data)  # the package has no 2027: weekends only, and said
    assert FALLBACK in without["calendar_note"]
    assert due_on(without, "2027-04-30")["due_workday"] == "2027-04-30"

    holidays_2027(data)
    doc = deadlines_json(run, data)
    item = due_on(doc, "2027-04-30")
    assert item["due_workday"] == "2027-04-29"  # Friday 04-30 is 劳动节: Thursday before it
    assert item["holiday"] == "劳动节" and item["provisional"] is False
    assert doc["calendar_note"] is None
    table = run("deadlines", "--month", "2027-04", "--today", "2027-04-01", "--data", str(data))
    assert table.exit_code == 0, table.output
    assert "劳动节→04-29" in run("deadlines", "--month", "2027-04", "--today", "2027-04-01", "--data", str(data),
                                 "--format", "md").stdout
    assert FALLBACK not in table.output and "待定" not in table.output
    assert run("validate", str(data), "--strict").exit_code == 0


def test_a_make_up_workday_from_the_file_is_a_working_day(run, plan_copy):
    data = holidays_2027(year_2027(plan_copy))
    result = run("calendar", "2027-09", "--data", str(data), "--format", "json")
    assert result.exit_code == 0, result.output
    days = {d["date"]: d for d in json.loads(result.stdout)["days"]}
    assert days["2027-09-26"]["workday"] is True  # a Sunday, 调休上班
    assert days["2027-09-25"]["workday"] is False


def test_each_plan_folder_answers_with_its_own_holidays(run, plan_copy, tmp_path):
    with_file = holidays_2027(year_2027(plan_copy))
    without = tmp_path / "plain"
    shutil.copytree(with_file, without)
    (without / "holidays.yaml").unlink()
    assert due_on(deadlines_json(run, with_file), "2027-04-30")["due_workday"] == "2027-04-29"
    assert due_on(deadlines_json(run, without), "2027-04-30")["due_workday"] == "2027-04-30"  # not the last folder's
    assert due_on(deadlines_json(run, with_file), "2027-04-30")["due_workday"] == "2027-04-29"


# --- provisional → 待定 -----------------------------------------------------------------------
@pytest.fixture
def provisional(plan_copy) -> Path:
    return holidays_2027(year_2027(plan_copy), status="provisional")


def test_provisional_deadlines_are_marked_in_table_json_csv_md_and_ics(run, provisional):
    args = ("deadlines", "--month", "2027-04", "--today", "2027-04-01", "--data", str(provisional))
    table = run(*args)
    assert table.exit_code == 0, table.output
    assert "（待定）" in table.stdout  # in the cell (the note below says 状态为待定（…）)
    doc = json.loads(run(*args, "--format", "json").stdout)
    assert "待定" in doc["calendar_note"] and NOTICE_2027 in doc["calendar_note"]
    assert due_on(doc, "2027-04-30")["due_workday"] == "2027-04-29"
    assert due_on(doc, "2027-04-30")["provisional"] is True
    csv_rows = run(*args, "--format", "csv").stdout.splitlines()
    head = csv_rows[0].split(",")
    note_col = head.index("calendar_note")
    assert all("待定" in row.split(",")[note_col] for row in csv_rows[1:] if "2027-04-30" in row)
    assert "劳动节→04-29（待定）" in run(*args, "--format", "md").stdout
    ics = run(*args, "--format", "ics").stdout.replace("\r\n ", "")  # unfolded
    assert "X-NMX-CALENDAR-NOTE" in ics and "待定" in ics


def test_provisional_deadlines_are_marked_in_checklists_and_the_workbook(run, provisional, tmp_path):
    base = ("checklist", "--dept", "皖西日报社", "--month", "2027-04", "--today", "2027-04-01", "--data", str(provisional))
    for fmt in ("table", "md", "html"):
        out = run(*base, "--format", fmt)
        assert out.exit_code == 0, out.output
        assert "待定" in out.stdout, fmt
    doc = json.loads(run(*base, "--format", "json").stdout)
    assert "待定" in doc["checklists"][0]["calendar_note"]
    assert any(line["provisional"] for line in doc["checklists"][0]["dated"])
    from openpyxl import load_workbook

    for args, name in ((base + ("--format", "xlsx"), "清单.xlsx"), (("export", "xlsx", "--data", str(provisional)), "方案.xlsx")):
        path = tmp_path / name
        result = run(*args, "-o", str(path))
        assert result.exit_code == 0, result.output
        cells = [str(c.value) for ws in load_workbook(io.BytesIO(path.read_bytes())).worksheets
                 for row in ws.iter_rows() for c in row if c.value]
        assert any("劳动节（待定）" in c for c in cells), name


def test_official_deadlines_are_not_marked(run, plan_copy):
    data = holidays_2027(year_2027(plan_copy), status="official")
    out = run("checklist", "--dept", "皖西日报社", "--month", "2027-04", "--today", "2027-04-01", "--data", str(data))
    assert out.exit_code == 0 and "待定" not in out.output
    assert "04-29" in out.stdout


# --- checking the file ------------------------------------------------------------------------
INVALID = sorted((FIXTURES / "holidays" / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_holidays_files(run, plan_copy, fixture):
    expect = expectation(fixture)
    shutil.copy(fixture, plan_copy / "holidays.yaml")
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1, result.output
    assert expect.found_in(result.output, "holidays.yaml"), result.output
    assert "Traceback" not in result.output


def test_an_invalid_file_stops_what_needs_working_days_only(run, plan_copy):
    data = year_2027(plan_copy)
    shutil.copy(FIXTURES / "holidays" / "invalid" / "off-and-work.yaml", data / "holidays.yaml")
    assert run("departments", "--data", str(data)).exit_code == 0  # no date shown: the file is not read
    result = run("deadlines", "--month", "2027-04", "--today", "2027-04-01", "--data", str(data))
    assert result.exit_code == 1
    assert "holidays.yaml" in result.output and "holiday-off-and-work" in result.output
    assert "Traceback" not in result.output


def _file_like_the_package(year: int, drop: dt.date | None = None) -> str:
    """holidays.yaml text with `year` as chinesecalendar has it (less the day off `drop`)."""
    import chinese_calendar

    from nmx.schedule.workdays import _NAMES

    names: dict[str, list[dt.date]] = {}
    work = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if not chinese_calendar.is_workday(day) and name and day != drop:
            names.setdefault(_NAMES[chinese_calendar.Holiday(name).name], []).append(day)
        elif chinese_calendar.is_workday(day) and day.weekday() >= 5:
            work.append(day)
        day += dt.timedelta(days=1)
    lines = [f"year: {year}", "source: 国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号）",
             "status: official", "holidays:"]
    for i, (name, days) in enumerate(names.items()):
        lines += [f"  - name: {name}", f"    off: [{', '.join(map(str, days))}]"]
        if i == 0:
            lines.append(f"    work: [{', '.join(map(str, work))}]")
    return "\n".join(lines) + "\n"


def test_validate_warns_day_by_day_where_the_file_and_the_package_differ(run, plan_copy):
    path = plan_copy / "holidays.yaml"
    path.write_text(_file_like_the_package(2023), encoding="utf-8")
    same = run("validate", str(plan_copy), "--strict")
    assert same.exit_code == 0, same.output
    path.write_text(_file_like_the_package(2023, drop=dt.date(2023, 10, 6)), encoding="utf-8")
    result = run("validate", str(plan_copy), "--format", "json")
    assert result.exit_code == 0, result.output  # warnings only
    found = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "holiday-disagrees"]
    assert len(found) == 1 and "2023-10-06" in found[0]["message"], found
    assert found[0]["file"].endswith("holidays.yaml") and found[0]["line"] == 4  # a day the file leaves out: `holidays:`
    assert run("validate", str(plan_copy), "--strict").exit_code == 1
    # and the file wins: an item due on the day answers from it (a working day there)
    from nmx.plan.pipeline import load
    from nmx.plan.source import locate
    from nmx.schedule import workdays

    load(locate(plan_copy))
    assert workdays.is_workday(dt.date(2023, 10, 6)) and workdays.holiday_name(dt.date(2023, 10, 5)) == "国庆节"


# --- nmx info ---------------------------------------------------------------------------------
def test_info_says_which_years_each_source_covers(run, provisional):
    doc = json.loads(run("info", "--data", str(provisional), "--format", "json").stdout)
    cal = doc["calendar"]
    assert cal["holidays_yaml"] == [{"year": 2027, "status": "provisional", "source": NOTICE_2027}]
    assert 2023 in cal["package"]["years"] and 2027 not in cal["package"]["years"]
    table = run("info", "--data", str(provisional)).stdout.replace("\n", "").replace(" ", "")
    assert "2027（待定" in table and "2004–" in table


# --- nmx holidays --from-text -------------------------------------------------------------------
NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周三）放假1天，不调休。
　　二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
　　三、清明节：4月4日（周五）至6日（周日）放假，共3天。
　　四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
　　五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
　　六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，确保人民群众祥和平安度过节日假期。

国务院办公厅
2024年11月12日
"""


def _drafted(path: Path) -> dict:
    from nmx.plan.yaml_reader import parse

    return parse(path.read_bytes(), path.name).data


def test_from_text_drafts_the_notice_and_it_agrees_with_the_package(run, plan_copy, tmp_path):
    notice = tmp_path / "通知.txt"
    notice.write_text(NOTICE_2025, encoding="utf-8")
    out = plan_copy / "holidays.yaml"
    result = run("holidays", "2025", "--from-text", str(notice), "-o", str(out), "--status", "official")
    assert result.exit_code == 0, result.output
    doc = _drafted(out)
    assert doc["source"] == "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）"
    assert doc["status"] == "official"
    by_name = {h["name"]: h for h in doc["holidays"]}
    assert list(by_name) == ["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节"]
    assert by_name["春节"]["off"] == [str(dt.date(2025, 1, 28) + dt.timedelta(n)) for n in range(8)]
    assert by_name["春节"]["work"] == ["2025-01-26", "2025-02-08"]
    assert by_name["端午节"]["off"] == ["2025-05-31", "2025-06-01", "2025-06-02"]
    assert len(by_name["国庆节、中秋节"]["off"]) == 8 and by_name["元旦"]["work"] == []
    checked = run("validate", str(plan_copy), "--strict")  # valid, and not one day differs from chinesecalendar
    assert checked.exit_code == 0, checked.output
    other = run("holidays", "2026", "--from-text", str(notice))  # the 2025 notice read as 2026's: refused
    assert other.exit_code == 2 and "2025" in other.output


def test_from_text_reads_the_older_wordings(run, tmp_path):
    notice = tmp_path / "通知.txt"
    notice.write_text("一、元旦：2023年12月30日至2024年1月1日放假调休，共3天。\n"
                      "五、端午节：6月10日放假，与周末连休。\n"
                      "六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。鼓励各单位安排职工在除夕（2月9日）休息。\n",
                      encoding="utf-8")
    result = run("holidays", "2024", "--from-text", str(notice))
    assert result.exit_code == 0, result.output
    assert "status: provisional" in result.stdout
    doc = _yaml_of(result.stdout)
    by_name = {h["name"]: h for h in doc["holidays"]}
    assert by_name["元旦"]["off"] == ["2024-01-01"]  # 2023-12-30/31 are the previous year's
    assert "2023-12-30" in result.stdout.split("holidays:")[1]  # … said in a comment
    assert by_name["端午节"]["off"] == ["2024-06-08", "2024-06-09", "2024-06-10"]  # 与周末连休
    assert by_name["中秋节"]["work"] == ["2024-09-14"]  # the 除夕 advice is no workday


def _yaml_of(text: str):
    from nmx.plan.yaml_reader import parse

    return parse(text.encode("utf-8"), "draft.yaml").data


def test_from_text_without_any_holiday_sentence_is_a_data_error(run, tmp_path):
    notice = tmp_path / "空.txt"
    notice.write_text("国务院办公厅\n2024年11月12日\n", encoding="utf-8")
    result = run("holidays", "2025", "--from-text", str(notice))
    assert result.exit_code == 1
    assert "空.txt" in result.output and "Traceback" not in result.output
    assert run("holidays", "2025", "--from-text", str(tmp_path / "missing.txt")).exit_code in (1, 2)


def test_the_file_is_cached_by_its_bytes(plan_copy, monkeypatch):
    from nmx.schedule import holidays_file

    path = holidays_2027(plan_copy) / "holidays.yaml"
    first = holidays_file.read_state(path)
    assert first is not None and first.file is not None and not first.errors

    def no_validation(*args):
        raise AssertionError("validated again")

    monkeypatch.setattr(holidays_file, "validate", no_validation)
    assert holidays_file.read_state(path) == first  # the same bytes: from the cache
    path.write_text(path.read_text(encoding="utf-8").replace("status: official", "status: provisional"), encoding="utf-8")
    with pytest.raises(AssertionError, match="validated again"):
        holidays_file.read_state(path)


def test_working_days_are_counted_by_the_calendar_in_use(tmp_path):
    """A span's count is remembered per holiday calendar: another plan's holidays.yaml counts anew."""
    from nmx.schedule import holidays
    from nmx.schedule.workdays import working_days_between

    start, end = dt.date(2027, 4, 23), dt.date(2027, 5, 7)  # 劳动节 2027, in holidays_2027
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    with_file = holidays_2027(tmp_path / "with")
    try:
        holidays.use_folder(tmp_path / "without")
        weekdays_only = working_days_between(start, end)
        holidays.use_folder(with_file)
        declared = working_days_between(start, end)
        holidays.use_folder(tmp_path / "without")
        again = working_days_between(start, end)
    finally:
        holidays.use_folder(None)
    assert weekdays_only == 10  # 04-24 … 05-07: two weeks of Monday to Friday
    assert declared == 10 - 2 + 1  # 04-30 and 05-03 off, Sunday 04-25 a make-up working day
    assert again == weekdays_only
