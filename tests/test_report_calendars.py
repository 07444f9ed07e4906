"""`nmx report`'s calendars: per unit and whole plan, SEQUENCE and CANCELLED across builds, reminders,
the refresh hints, the subscription links and QR code, and a state file that cannot be trusted."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.conftest import DATA

TODAY = "2023-05-10"
BASE = "https://example.gov.cn/nmx/"
REPORT_WHAT = "归纳总结，形成书面报告报送市发改委"


def build(run, out: Path, data: Path = DATA, *extra: str):
    r = run("report", "-o", str(out), "--today", TODAY, "--data", str(data), *extra)
    assert r.exit_code == 0, r.output
    return r


def events(path: Path) -> dict[str, object]:
    """uid → VEVENT of the calendar file at `path`, read back as a phone would."""
    from icalendar import Calendar

    return {str(e["uid"]): e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def blocks(path: Path) -> dict[str, bytes]:
    """uid → the VEVENT's bytes as written."""
    raw = path.read_bytes()
    return {re.search(rb"\r\nUID:([^\r]+)\r\n", b).group(1).decode(): b
            for b in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", raw, re.S)}


def by_summary(found: dict, start: str) -> list:
    return [e for e in found.values() if str(e["summary"]).startswith(start)]


def edited(plan_copy: Path) -> Path:
    """The plan with M2's report renamed (one event changed) and task A14 removed (four gone)."""
    path = plan_copy / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(f"what: {REPORT_WHAT}") == 1 and text.count("  - id: A14\n") == 1
    text = text.replace(f"what: {REPORT_WHAT}", "what: 归纳总结，形成书面报告报送市民生办")
    text = text.replace("related: [A3, A14]", "related: [A3]")
    text = text[: text.index("  - id: A14\n")]  # the last task of the file
    path.write_text(text, encoding="utf-8")
    return plan_copy


def sequences(folder: Path) -> set[int]:
    return {int(e.get("sequence", -1)) for p in (folder / "calendars").rglob("*.ics") for e in events(p).values()}


# --- two builds, the plan edited in between ------------------------------------------------------
@pytest.fixture(scope="module")
def history(tmp_path_factory, run):
    """Build 1 from the shipped plan, build 2 from the edited one, into one folder; then build 3 again."""
    import shutil

    root = tmp_path_factory.mktemp("history")
    data = root / "data"
    shutil.copytree(DATA, data)
    out = root / "site"
    build(run, out, data)
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    build(run, out, edited(data))
    second = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    return out, data, first, second


def _saved(files: dict[str, bytes], rel: str, tmp_path: Path) -> Path:
    path = tmp_path / rel.replace("/", "_")
    path.write_bytes(files[rel])
    return path


def test_changed_event_gets_sequence_1_and_its_new_content(history, tmp_path):
    _, _, first, second = history
    before = events(_saved(first, "calendars/all.ics", tmp_path))
    after = events(_saved(second, "calendars/all.ics", tmp_path))
    (old,) = by_summary(before, "M2 截止")
    assert int(old["sequence"]) == 0 and REPORT_WHAT in str(old["summary"])
    new = after[str(old["uid"])]  # the same UID: the phone updates the event it has
    assert int(new["sequence"]) == 1
    assert str(new["summary"]) == "M2 截止：归纳总结，形成书面报告报送市民生办"
    assert "STATUS" not in new


def test_removed_events_stay_cancelled_with_sequence_1(history, tmp_path):
    _, _, first, second = history
    before = events(_saved(first, "calendars/all.ics", tmp_path))
    after = events(_saved(second, "calendars/all.ics", tmp_path))
    gone = by_summary(before, "A14 ")
    assert len(gone) == 4  # one per focus month
    for event in gone:
        copy = after[str(event["uid"])]
        assert str(copy["status"]) == "CANCELLED" and int(copy["sequence"]) == 1
        assert str(copy["summary"]) == f"【已取消】{event['summary']}"
        assert copy.decoded("dtstart") == event.decoded("dtstart") and "VALARM" not in copy.to_ical().decode()
    # the unit that led A14 sees it cancelled in its own calendar too
    unit = events(_saved(second, "calendars/units/telecom.ics", tmp_path))
    assert len(unit) == 4 and {str(e["status"]) for e in unit.values()} == {"CANCELLED"}


def test_untouched_events_keep_sequence_0_and_their_bytes(history, tmp_path):
    _, _, first, second = history
    old = blocks(_saved(first, "calendars/all.ics", tmp_path))
    new = blocks(_saved(second, "calendars/all.ics", tmp_path))
    focus = [uid for uid, b in old.items() if "SUMMARY:M2 策划开展主题宣传活动".encode() in b]
    assert len(focus) == 4
    for uid in focus:
        assert b"\r\nSEQUENCE:0\r\n" in new[uid] and new[uid] == old[uid]
    transport_old = blocks(_saved(first, "calendars/units/transport.ics", tmp_path))
    transport_new = blocks(_saved(second, "calendars/units/transport.ics", tmp_path))
    assert [transport_new[u] == b for u, b in transport_old.items()].count(False) == 1  # M2's report only


def test_a_third_identical_build_changes_no_bytes(history, run):
    out, data, _, second = history
    build(run, out, data)
    third = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert third == second


def test_the_state_remembers_what_was_published(history):
    _, _, _, second = history
    doc = json.loads(second["calendars/state.json"])
    assert (doc["format"], doc["version"]) == ("nmx-report-calendars", 1)
    assert len(doc["calendars"]) == 34  # all.ics and 33 units
    whole = doc["calendars"]["all.ics"]
    assert sorted(len(v) for v in whole.values()).count(3) == 4  # the four A14 windows, cancelled
    assert all(v[0] in doc["events"] for cal in doc["calendars"].values() for v in cal.values())


def test_a_removed_event_that_returns_is_live_again(tmp_path, run, plan_copy):
    out = tmp_path / "site"
    build(run, out)
    build(run, out, edited(plan_copy))
    build(run, out)  # the shipped plan again: A14 is back
    back = by_summary(events(out / "calendars/all.ics"), "A14 ")
    assert len(back) == 4 and all(int(e["sequence"]) == 2 and "STATUS" not in e for e in back)
    assert not by_summary(events(out / "calendars/all.ics"), "【已取消】")


# --- what every calendar carries ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory, run) -> Path:
    out = tmp_path_factory.mktemp("cal") / "site"
    build(run, out, DATA, "--base-url", BASE)
    return out


def test_reminder_of_a_deadline_counted_by_hand(site):
    """M2's report is due 2023-03-07, 06-07, 09-07, 12-07: all working days, so each last working
    day is its due day; one day before it at 09:00 is 15 hours before the due day's start."""
    from icalendar import Calendar

    (event,) = by_summary(events(site / "calendars/all.ics"), "M2 截止")
    assert event.decoded("dtstart") == dt.date(2023, 3, 7)
    (alarm,) = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and "M2 截止" in str(alarm["description"])
    trigger = alarm["trigger"].dt
    assert trigger == -dt.timedelta(hours=15)
    assert dt.datetime(2023, 6, 7) + trigger == dt.datetime(2023, 6, 6, 9)
    assert "TRIGGER:-PT15H" in Calendar.to_ical(event).decode()


def test_reminder_of_a_series_counts_back_from_its_latest_gap(site):
    """M3's quota falls due on each month's last day; 2023-04-30, 09-30 and 12-31 are days off whose
    last working days (04-28, 09-28, 12-29) lie two days before: one day before those, at 09:00."""
    (event,) = by_summary(events(site / "calendars/all.ics"), "M3 ")
    (alarm,) = event.walk("VALARM")
    trigger = alarm["trigger"].dt
    assert trigger == -dt.timedelta(days=2, hours=15)
    assert dt.datetime(2023, 9, 30) + trigger == dt.datetime(2023, 9, 27, 9)


def test_reminder_of_a_window_comes_before_its_first_day(site):
    for event in by_summary(events(site / "calendars/all.ics"), "M2 策划"):
        (alarm,) = event.walk("VALARM")
        assert alarm["trigger"].dt == -dt.timedelta(hours=15)  # 09:00 the day before it opens


def test_one_off_on_a_holiday_reminds_before_its_last_working_day():
    """A once due on 2023-10-01 (国庆节): last working day 09-28 (09-29 is 中秋节, 09-30 a day off);
    two days before that (09-26) at 09:00 is 4 days 15 hours before the due day's start."""
    from nmx.plan.models import Once
    from nmx.schedule import engine
    from nmx.views.feed import feed_view
    from tests.conftest import tiny

    plan = tiny(Once(kind="once", what="交材料", label="十月一日", date=dt.date(2023, 10, 1)))
    items = engine.items(plan, plan.meta.period.start, plan.meta.period.end)
    (event,) = feed_view(plan, items, alarm_days=2).events
    assert event.alarm.trigger == -dt.timedelta(days=4, hours=15)
    assert dt.datetime(2023, 10, 1) + event.alarm.trigger == dt.datetime(2023, 9, 26, 9)
    assert "2023-09-28" in event.alarm.description
    assert feed_view(plan, items).events[0].alarm is None  # a plain export has none


@pytest.mark.parametrize("days, trigger", [("0", None), ("3", "-P2DT15H")])
def test_alarm_days(run, tmp_path, days, trigger):
    out = tmp_path / "site"
    build(run, out, DATA, "--alarm-days", days)
    raw = (out / "calendars/all.ics").read_bytes().decode()
    if trigger is None:
        assert "BEGIN:VALARM" not in raw
        assert "提醒" not in (out / "units/transport.html").read_text(encoding="utf-8").split('id="subscribe"')[1]
    else:
        m2 = raw[raw.index("SUMMARY:M2 截止"):]
        assert m2[m2.index("TRIGGER:"):].startswith(f"TRIGGER:{trigger}\r\n")


def test_alarm_days_out_of_range(run, tmp_path):
    r = run("report", "-o", str(tmp_path / "s"), "--alarm-days", "-1")
    assert r.exit_code == 2 and not (tmp_path / "s").exists()


def test_every_calendar_asks_to_be_refreshed_daily(site):
    from icalendar import Calendar, vDuration

    for path in [site / "calendars/all.ics", site / "calendars/units/transport.ics"]:
        raw = path.read_bytes()
        assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:P1D\r\n" in raw and b"\r\nX-PUBLISHED-TTL:P1D\r\n" in raw
        cal = Calendar.from_ical(raw)  # icalendar < 7 reads both as text, later ones REFRESH-INTERVAL as a duration
        for name in ("refresh-interval", "x-published-ttl"):
            assert vDuration.from_ical(cal[name].to_ical().decode()) == dt.timedelta(days=1)


def test_same_plan_twice_same_bytes(run, tmp_path):
    out = tmp_path / "site"
    build(run, out)
    first = {p.name: p.read_bytes() for p in (out / "calendars").rglob("*") if p.is_file()}
    build(run, out)
    assert {p.name: p.read_bytes() for p in (out / "calendars").rglob("*") if p.is_file()} == first
    assert sequences(out) == {0}


@pytest.mark.parametrize("dept, stem", [("市交通运输局", "transport"), ("中国电信六安分公司", "telecom"), ("金安区", None)])
def test_a_units_calendar_holds_what_export_ics_dept_selects(site, run, tmp_path, dept, stem):
    from nmx.handouts.report import unit_files
    from nmx.duties.match import find_unit
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import DataSource

    if stem is None:
        plan = load_plan(DataSource(DATA, "argument"))
        stem = unit_files(plan)[find_unit(plan, dept).id]
    exported = tmp_path / "unit.ics"
    assert run("export", "ics", "--dept", dept, "-o", str(exported)).exit_code == 0
    mine = events(site / f"calendars/units/{stem}.ics")
    assert mine and set(mine) == set(events(exported))
    for uid, event in events(exported).items():
        assert str(mine[uid]["summary"]) == str(event["summary"])


def test_the_whole_plan_calendar_is_export_ics(site, run, tmp_path):
    exported = tmp_path / "all.ics"
    assert run("export", "ics", "-o", str(exported)).exit_code == 0
    assert set(events(site / "calendars/all.ics")) == set(events(exported))
    assert b"SEQUENCE" not in exported.read_bytes() and b"VALARM" not in exported.read_bytes()


# --- the pages -------------------------------------------------------------------------------------------
def _segno_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=4, svgclass="qr-code", lineclass=None)


def test_unit_page_links_and_inline_qr(site):
    text = (site / "units/transport.html").read_text(encoding="utf-8")
    url = BASE + "calendars/units/transport.ics"
    assert 'href="../calendars/units/transport.ics"' in text
    assert f'href="{url}"' in text and 'href="webcal://example.gov.cn/nmx/calendars/units/transport.ics"' in text
    svgs = re.findall(r"<svg.*?</svg>", text, re.S)
    assert svgs == [_segno_svg(url)]
    assert "<?xml" not in text and "xmlns" not in text and "<script" not in text
    index = (site / "index.html").read_text(encoding="utf-8")
    whole = BASE + "calendars/all.ics"
    assert 'href="calendars/all.ics"' in index and f'href="{whole}"' in index
    assert 'href="webcal://example.gov.cn/nmx/calendars/all.ics"' in index
    assert re.findall(r"<svg.*?</svg>", index, re.S) == [_segno_svg(whole)]


def test_without_base_url_no_qr_but_the_hint(run, tmp_path):
    out = tmp_path / "site"
    build(run, out)
    for page in ("units/transport.html", "index.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert "<svg" not in text and 'href="webcal:' not in text and 'href="http' not in text
        assert "生成网站时给出 --base-url" in text
    assert 'href="../calendars/units/transport.ics"' in (out / "units/transport.html").read_text(encoding="utf-8")


def test_base_url_gets_its_slash(run, tmp_path):
    out = tmp_path / "site"
    build(run, out, DATA, "--base-url", "HTTPS://example.gov.cn:8443/nmx")
    text = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.gov.cn:8443/nmx/calendars/all.ics"' in text
    assert 'href="webcal://example.gov.cn:8443/nmx/calendars/all.ics"' in text


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "ftp://example.gov.cn/", "https://", "example.gov.cn/nmx/", "https://user:pw@example.gov.cn/",
    "https://example.gov.cn/?a=1", "https://example.gov.cn/#top", "https://exa mple.gov.cn/", "https://example.gov.cn:99999/",
    'https://example.gov.cn/"><script>alert(1)</script>', "https://example.gov.cn/\x1b[31m", "https://e.cn/" + "x" * 200,
])
def test_bad_base_url_is_a_usage_error(run, tmp_path, url):
    out = tmp_path / "site"
    r = run("report", "-o", str(out), "--today", TODAY, "--base-url", url)
    assert r.exit_code == 2, r.output
    assert "--base-url" in r.output and "Traceback" not in r.output
    assert not out.exists()


# --- a state that cannot be trusted --------------------------------------------------------------------
def _valid_looking(**change) -> str:
    event = {"start": "2023-06-07", "end": "2023-06-08", "rule": None, "summary": "伪造", "description": "x",
             "category": "截止"}
    doc = {"format": "nmx-report-calendars", "version": 1,
           "calendars": {"all.ics": {"f@nmx": ["0123456789abcdef", 3]}}, "events": {"0123456789abcdef": event}}
    for key, value in change.items():
        if key == "sequence":
            doc["calendars"]["all.ics"]["f@nmx"][1] = value
        elif key in event:
            event[key] = value
        else:
            doc[key] = value
    return json.dumps(doc)


HOSTILE = {
    "not json": b"not json at all {",
    "not utf-8": b"\xff\xfe\x00{",
    "a list": b"[]",
    "deep": b"[" * 100_000,
    "other format": _valid_looking(format="something-else").encode(),
    "float sequence": _valid_looking().replace(", 3]", ", 1e400]").encode(),
    "huge sequence": _valid_looking(sequence=2**31).encode(),
    "huge number": _valid_looking().replace(", 3]", ", " + "9" * 5000 + "]").encode(),
    "negative sequence": _valid_looking(sequence=-1).encode(),
    "bool sequence": _valid_looking(sequence=True).encode(),
    "bad date": _valid_looking(start="2023-02-30").encode(),
    "end before start": _valid_looking(end="2023-06-01").encode(),
    "control character": _valid_looking(summary="a\x1b]52;c;x\x07").encode(),
    "bad rule": _valid_looking(rule="FREQ=SOMETIMES").encode(),
    "wrong types": _valid_looking(calendars={"all.ics": ["x"]}).encode(),
    "unknown calendar": _valid_looking(calendars={"../../etc/passwd": {}}).encode(),
    "dangling hash": _valid_looking(events={}).encode(),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_state_warns_and_builds_from_scratch(run, tmp_path, name):
    out = tmp_path / "site"
    build(run, out)
    (out / "calendars/state.json").write_bytes(HOSTILE[name])
    r = build(run, out)
    warnings = [ln for ln in r.stderr.splitlines() if "state.json" in ln]
    assert len(warnings) == 1 and "从头生成" in warnings[0], r.stderr
    assert "\x1b" not in r.stderr
    assert sequences(out) == {0}
    assert "CANCELLED" not in (out / "calendars/all.ics").read_text(encoding="utf-8")
    assert json.loads((out / "calendars/state.json").read_bytes())["format"] == "nmx-report-calendars"


def test_a_50_mb_state_is_refused_unread(run, tmp_path):
    out = tmp_path / "site"
    build(run, out)
    with open(out / "calendars/state.json", "wb") as fh:
        fh.write(_valid_looking().encode())
        fh.write(b" " * (50 * 1024 * 1024))
    r = build(run, out)
    assert r.stderr.count("state.json") == 1 and "字节" in r.stderr
    assert sequences(out) == {0}


def test_a_state_that_is_a_link_is_not_followed(run, tmp_path):
    out = tmp_path / "site"
    build(run, out)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(_valid_looking(), encoding="utf-8")
    (out / "calendars/state.json").unlink()
    (out / "calendars/state.json").symlink_to(elsewhere)
    r = build(run, out, DATA, "--force")  # a link is not a file nmx wrote: only --force replaces the folder
    assert r.stderr.count("state.json") == 1 and "不是普通文件" in r.stderr
    assert sequences(out) == {0} and elsewhere.exists()


def test_a_folder_nmx_did_not_write_is_not_read(run, tmp_path):
    out = tmp_path / "site"
    (out / "calendars").mkdir(parents=True)
    (out / "calendars/state.json").write_text(_valid_looking(), encoding="utf-8")
    r = build(run, out, DATA, "--force")
    assert "state.json" not in r.stderr
    assert "伪造" not in (out / "calendars/all.ics").read_text(encoding="utf-8")


def test_a_valid_state_is_honoured(run, tmp_path):
    """The other side of the checks above: a state shaped as nmx writes it is used."""
    out = tmp_path / "site"
    build(run, out)
    (out / "calendars/state.json").write_text(_valid_looking(), encoding="utf-8")
    r = build(run, out)
    assert "state.json" not in r.stderr
    forged = events(out / "calendars/all.ics")["f@nmx"]
    assert str(forged["status"]) == "CANCELLED" and int(forged["sequence"]) == 4


def test_a_state_over_nmx_max_file_mb_but_within_the_plans_limit_is_honoured(run, tmp_path):
    """The state is nmx's own file: its limit is what the plan's calendars could need, not the cap
    on the user's inputs (a 100,000-task plan's state is over 1 GB; under NMX_MAX_FILE_MB's 128 MB
    its history was lost at every build)."""
    out = tmp_path / "site"
    build(run, out)
    with open(out / "calendars/state.json", "wb") as fh:  # 1.2 MB: over 1 MB, under the plan's 1.9 MB
        fh.write(_valid_looking().encode())
        fh.write(b" " * (1200 * 1024))
    r = run("report", "-o", str(out), "--today", TODAY, env={"NMX_MAX_FILE_MB": "1"})
    assert r.exit_code == 0, r.output
    assert "state.json" not in r.stderr
    forged = events(out / "calendars/all.ics")["f@nmx"]
    assert str(forged["status"]) == "CANCELLED" and int(forged["sequence"]) == 4
