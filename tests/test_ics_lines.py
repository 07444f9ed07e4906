"""An event's content lines written directly (render/ics.py `_content`) are what icalendar writes.

The reference below builds the same event with icalendar's components, as nmx did before;
the two must give the same bytes for every event of the shipped plan (with and without
reminders), of a synthetic plan, and for random texts that need escaping and folding.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from nmx.render import ics
from nmx.views.feed import Alarm, feed_view


def reference(content: tuple) -> bytes:
    from icalendar import Alarm as VAlarm, Event as VEvent, vRecur

    start, end, rule, summary, description, category, alarm = content
    event = VEvent()
    event.add("dtstart", start)
    event.add("dtend", end)
    if rule:
        event.add("rrule", vRecur.from_ical(rule))
    event.add("summary", summary)
    event.add("description", description)
    event.add("categories", [category])
    event.add("transp", "TRANSPARENT")
    if alarm is not None:
        reminder = VAlarm()
        reminder.add("action", "DISPLAY")
        reminder.add("description", alarm.description)
        reminder.add("trigger", alarm.trigger)
        event.add_component(reminder)
    return ics._inner(event.to_ical())


def _contents(plan, alarm_days: int) -> list[tuple]:
    from nmx.schedule import engine

    period = plan.meta.period
    items = engine.items(plan, period.start, period.end)
    found = [e.content() for e in feed_view(plan, items, alarm_days=alarm_days).events]
    for unit in plan.units[:12]:
        mine = [i for i in items if unit.id in i.units]
        found += [e.content() for e in feed_view(plan, mine, unit=unit, alarm_days=alarm_days).events]
    return list(dict.fromkeys(found))


def test_every_event_of_the_plan(tmp_path):
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    plan = load_plan(locate(None))
    contents = _contents(plan, 0) + _contents(plan, 1) + _contents(plan, 3)
    assert len(contents) >= 30 and any(c[2] for c in contents) and any(c[6] for c in contents)
    for content in contents:
        assert ics._content(content) == reference(content), content


def test_every_event_of_a_synthetic_plan(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import synth

    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    plan = load_plan(locate(synth.write_plan(tmp_path / "plan", tasks=150, units=60)))
    contents = _contents(plan, 1)
    assert len(contents) > 100 and any(c[2] for c in contents)
    for content in contents:
        assert ics._content(content) == reference(content), content


text = st.lists(st.sampled_from(list("ab ,;:\\\n\"'中文、（）—…𠀀é") + ["\r\n"]), max_size=160).map("".join)
rules = st.sampled_from([None, "FREQ=MONTHLY;BYMONTH=2,5,8,11;BYMONTHDAY=1;UNTIL=20231231",
                         "FREQ=WEEKLY;BYDAY=MO;UNTIL=20231225", "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20231231"])
alarms = st.one_of(st.none(), st.builds(Alarm, st.timedeltas(min_value=dt.timedelta(days=-30),
                                                              max_value=dt.timedelta(0)), text))


@settings(max_examples=400, deadline=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2999, 1, 1)), rules, text, text, text, alarms)
def test_random_texts_escape_and_fold_alike(start, rule, summary, description, category, alarm):
    content = (start, start + dt.timedelta(days=1), rule, summary, description, category or "x", alarm)
    assert ics._content(content) == reference(content)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(list("a,;\\^中é") + ["𠀀", "\\n"]), min_size=60, max_size=200).map("".join))
def test_long_lines_fold_where_icalendar_folds_them(line):
    """Folding by octets, without icalendar's character loop, gives its pieces: each at most 74
    octets, never inside a character, and (icalendar 7) never after a lone `\\` or `^`."""
    from icalendar import parser

    fold = getattr(parser, "_foldline", None) or parser.foldline
    assert ics._fold(line).decode("utf-8") == fold(line)


def test_folding_follows_the_installed_icalendar_on_escapes(monkeypatch):
    """Where a piece would end with an escape, `_fold` does what the installed icalendar does (7.x
    moves it to the next piece), as its own `_foldline` answers once; icalendar 6's way (octets
    only) and one nmx does not know (left to icalendar) are taken when it answers so."""
    line = "a" * 73 + "\\n" + "中" * 40
    assert ics._keeps_escapes() is (ics._text_tools()[1]("a" * 73 + "\\n") == "a" * 73 + "\r\n \\n")
    assert ics._fold(line).decode("utf-8") == ics._text_tools()[1](line)
    monkeypatch.setattr(ics, "_keeps_escapes", lambda: False)
    six = ics._fold(line).split(b"\r\n ")
    assert six[0] == b"a" * 73 + b"\\" and all(len(p) <= 74 for p in six) and b"".join(six) == line.encode()
    monkeypatch.setattr(ics, "_keeps_escapes", lambda: None)
    monkeypatch.setattr(ics, "_text_tools", lambda: (None, lambda text: "theirs"))
    assert ics._fold(line) == b"theirs"
