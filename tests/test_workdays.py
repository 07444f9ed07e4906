"""Working days, holidays and make-up workdays (chinesecalendar), checked against the 2023 notice."""

from __future__ import annotations

import datetime as dt

import pytest

from nmx.schedule import workdays

D = dt.date
YEAR_2023 = [D(2023, 1, 1) + dt.timedelta(days=n) for n in range(365)]


def test_2023_has_249_working_days():
    assert sum(map(workdays.is_workday, YEAR_2023)) == 249


def test_2023_make_up_workdays():
    makeup = [d.isoformat() for d in YEAR_2023 if workdays.is_makeup_workday(d)]
    assert makeup == ["2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08"]


def test_2023_weekdays_off():
    off = [d.isoformat() for d in YEAR_2023 if d.weekday() < 5 and not workdays.is_workday(d)]
    assert off == [
        "2023-01-02", "2023-01-23", "2023-01-24", "2023-01-25", "2023-01-26", "2023-01-27", "2023-04-05",
        "2023-05-01", "2023-05-02", "2023-05-03", "2023-06-22", "2023-06-23", "2023-09-29",
        "2023-10-02", "2023-10-03", "2023-10-04", "2023-10-05", "2023-10-06",
    ]


@pytest.mark.parametrize("day, name", [
    ("2023-10-02", "国庆节"), ("2023-09-29", "中秋节"), ("2023-01-23", "春节"), ("2023-04-05", "清明节"),
    ("2023-05-01", "劳动节"), ("2023-06-22", "端午节"), ("2023-01-02", "元旦"),
    ("2023-10-14", "周末"),          # a plain Saturday
    ("2023-10-07", None),            # make-up Saturday: a working day
    ("2023-10-09", None),            # a plain Monday
])
def test_holiday_name(day, name):
    assert workdays.holiday_name(D.fromisoformat(day)) == name


@pytest.mark.parametrize("day, workday", [
    ("2023-10-07", "2023-10-07"),    # make-up Saturday counts
    ("2023-10-06", "2023-09-28"),    # whole National Day break, back to the Thursday before
    ("2023-10-02", "2023-09-28"),
    ("2023-04-30", "2023-04-28"),    # Sunday inside the Labour Day break (04-29..05-03)
    ("2023-05-06", "2023-05-06"),    # make-up Saturday
    ("2023-12-31", "2023-12-29"),
    ("2023-03-07", "2023-03-07"),
    ("2023-01-29", "2023-01-29"),    # make-up Sunday
    ("2023-01-27", "2023-01-20"),    # Spring Festival week
])
def test_due_workday(day, workday):
    assert workdays.due_workday(D.fromisoformat(day)).isoformat() == workday


def test_calendar_note_only_for_missing_years():
    assert workdays.calendar_note(2023) is None
    assert workdays.calendar_note([2022, 2023]) is None
    note = workdays.calendar_note([2023, 2031, 2030])
    assert note is not None and "2030、2031" in note and "周末" in note


def test_fallback_is_weekends_only():
    assert not workdays.has_data(2031)
    jan1 = D(2031, 1, 1)  # a Wednesday, and New Year's Day: without data only weekends are off
    assert workdays.is_workday(jan1) and workdays.holiday_name(jan1) is None
    assert workdays.holiday_name(D(2031, 1, 4)) == "周末"
    assert workdays.due_workday(D(2031, 1, 5)) == D(2031, 1, 3)


def test_holiday_label_in_english(monkeypatch):
    from nmx import i18n

    i18n.set_lang("en")
    try:
        assert i18n.holiday_label("国庆节") == "National Day"
        assert i18n.holiday_label("周末") == "weekend"
        assert i18n.holiday_label(None) == ""
    finally:
        i18n.set_lang(None)


def test_chinese_calendar_is_imported_lazily():
    import subprocess
    import sys

    code = "import sys, nmx.schedule.workdays, nmx.schedule.engine, nmx.cli; print('chinese_calendar' in sys.modules, 'icalendar' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
