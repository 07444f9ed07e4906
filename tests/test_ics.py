"""iCalendar export: read the file back as a phone would and check the dates it shows."""

from __future__ import annotations

import datetime as dt

import pytest

D = dt.date


def occurrences(data: bytes) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """SUMMARY → [(first day, day after the last)] of every instance, RRULEs expanded with dateutil."""
    from dateutil.rrule import rrulestr
    from icalendar import Calendar

    cal = Calendar.from_ical(data)
    out: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for event in cal.walk("VEVENT"):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is dt.date and type(end) is dt.date  # all-day events
        length = end - start
        starts = [start]
        if "rrule" in event:
            rule = event["rrule"].to_ical().decode()
            starts = [d.date() for d in rrulestr(rule, dtstart=dt.datetime.combine(start, dt.time()))]
        out.setdefault(str(event["summary"]), []).extend((s, s + length) for s in starts)
    return {k: sorted(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def whole_plan(tmp_path_factory, run) -> bytes:
    path = tmp_path_factory.mktemp("ics") / "plan.ics"
    result = run("export", "ics", "--output", str(path))
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def test_m2_report_is_one_recurring_event(whole_plan):
    from icalendar import Calendar

    events = [e for e in Calendar.from_ical(whole_plan).walk("VEVENT") if str(e["summary"]).startswith("M2 截止")]
    assert len(events) == 1
    assert events[0]["rrule"].to_ical().decode() == "FREQ=MONTHLY;UNTIL=20231207;BYMONTHDAY=7;BYMONTH=3,6,9,12"
    dates = occurrences(whole_plan)["M2 截止：归纳总结，形成书面报告报送市发改委"]
    assert dates == [(D(2023, m, 7), D(2023, m, 8)) for m in (3, 6, 9, 12)]


def test_focus_months(whole_plan):
    dates = occurrences(whole_plan)
    expected = [(D(2023, 2, 1), D(2023, 3, 1)), (D(2023, 5, 1), D(2023, 6, 1)),
                (D(2023, 8, 1), D(2023, 9, 1)), (D(2023, 11, 1), D(2023, 12, 1))]
    assert dates["M2 策划开展主题宣传活动"] == expected  # DTEND exclusive: the phone shows 02-01..02-28
    assert "A3 开展暖民心集中宣传月活动" not in dates  # A3's focus month is M2's, exported once
    assert dates["A14 推送短信、彩信、彩铃等宣传内容"] == expected


def test_quota_on_each_month_end(whole_plan):
    found = occurrences(whole_plan)
    assert not [k for k in found if k.startswith("A2 ")]  # A2 restates M3's quota: one event series
    dates = found["M3 完成暖民心行动专题报道（本期至少2次）"]
    assert [s for s, _ in dates] == [D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 31), D(2023, 4, 30), D(2023, 5, 31),
                                     D(2023, 6, 30), D(2023, 7, 31), D(2023, 8, 31), D(2023, 9, 30), D(2023, 10, 31),
                                     D(2023, 11, 30), D(2023, 12, 31)]


def test_r6_survey_has_no_event(whole_plan):
    # the plan sets no date for the survey results: R6 is standing only, nothing on the calendar
    assert not [k for k in occurrences(whole_plan) if k.startswith("R6")]


def test_nothing_after_the_period(whole_plan):
    every = [span for spans in occurrences(whole_plan).values() for span in spans]
    assert len(every) == 24  # M2 4+4, M3 12, A14 4
    assert max(end for _, end in every) == D(2024, 1, 1)  # exclusive end of 2023-12-31
    # the first event is M3's January quota, shown on its due day (R6's quarter from 01-01 is gone)
    assert min(start for start, _ in every) == D(2023, 1, 31)


def test_calendar_properties(whole_plan):
    from icalendar import Calendar

    cal = Calendar.from_ical(whole_plan)
    assert str(cal["x-wr-calname"]) == "六安市2023年暖民心行动宣传方案"
    assert str(cal["x-wr-timezone"]) == "Asia/Shanghai"
    assert str(cal["version"]) == "2.0"
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    stamps = {e.decoded("dtstamp") for e in cal.walk("VEVENT")}
    assert stamps == {dt.datetime(2022, 12, 31, 16, 0, tzinfo=dt.timezone.utc)}  # 2023-01-01 00:00 Asia/Shanghai
    assert whole_plan.count(b"\r\n") == whole_plan.count(b"\n")  # CRLF line ends


def test_holiday_noted_in_description(whole_plan):
    from icalendar import Calendar

    m3 = next(e for e in Calendar.from_ical(whole_plan).walk("VEVENT") if str(e["summary"]).startswith("M3"))
    text = str(m3["description"])
    assert "2023-09-30 是国庆节，前一工作日 2023-09-28" in text
    assert "2023-04-30 是劳动节，前一工作日 2023-04-28" in text
    assert "依据：六民生办〔2023〕3号 四（三）" in text


def test_byte_stable_across_runs(run, tmp_path, whole_plan):
    second = tmp_path / "again.ics"
    assert run("export", "ics", "-o", str(second)).exit_code == 0
    assert second.read_bytes() == whole_plan


def test_uid_depends_on_department(run, tmp_path):
    from icalendar import Calendar

    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    assert run("export", "ics", "-o", str(a), "--dept", "金安区").exit_code == 0
    assert run("export", "ics", "-o", str(b), "--dept", "裕安区").exit_code == 0
    cal_a, cal_b = Calendar.from_ical(a.read_bytes()), Calendar.from_ical(b.read_bytes())
    assert str(cal_a["x-wr-calname"]) == "六安市2023年暖民心行动宣传方案 · 金安区人民政府"
    uids_a = {str(e["uid"]) for e in cal_a.walk("VEVENT")}
    uids_b = {str(e["uid"]) for e in cal_b.walk("VEVENT")}
    assert uids_a and not uids_a & uids_b
    # 金安区: M2 (4 windows + 1 recurring report) + M3 (1 recurring quota, as A2's supporting unit)
    assert len(cal_a.walk("VEVENT")) == 6
    assert {str(e["summary"]).split()[0] for e in cal_a.walk("VEVENT")} == {"M2", "M3"}


def test_deadlines_format_ics_for_a_month(run, tmp_path):
    out = tmp_path / "may.ics"
    result = run("deadlines", "--month", "2023-06", "--format", "ics", "--output", str(out), "--today", "2023-06-01")
    assert result.exit_code == 0, result.output
    dates = occurrences(out.read_bytes())
    assert dates["M2 截止：归纳总结，形成书面报告报送市发改委"] == [(D(2023, 6, 7), D(2023, 6, 8))]
    assert dates["M3 完成暖民心行动专题报道（本期至少2次）"] == [(D(2023, 6, 30), D(2023, 7, 1))]
    assert len(dates) == 2  # no R6 quarter window any more


def test_export_ics_without_output_goes_to_stdout(run):
    result = run("export", "ics")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("BEGIN:VCALENDAR") and result.stdout.rstrip().endswith("END:VCALENDAR")


# --- the RRULE finder ---------------------------------------------------------------------
def test_series_rule_verifies_every_date():
    from nmx.schedule.recurrence import expand, series_rule

    dues = [D(2023, 3, 7), D(2023, 6, 7), D(2023, 9, 7), D(2023, 12, 7)]
    rule = series_rule(dues)
    assert rule == "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=7;UNTIL=20231207"
    assert expand(rule, dues[0]) == dues
    weekly = [D(2023, 1, 2) + dt.timedelta(weeks=n) for n in range(5)]
    assert series_rule(weekly) == "FREQ=WEEKLY;INTERVAL=1;UNTIL=20230130"
    ends = [D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 31)]
    assert series_rule(ends) == "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20230331"
    assert series_rule([D(2023, 1, 5), D(2023, 1, 9), D(2023, 3, 1)]) is None  # irregular → copies
    assert series_rule([D(2023, 1, 5)]) is None
    assert series_rule(dues[:2], hint="FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=7") == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=7;UNTIL=20230607"


def test_ics_is_not_imported_by_other_commands():
    import subprocess
    import sys

    code = "import sys; from nmx.cli import app; import nmx.render.calendar; print('icalendar' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"

