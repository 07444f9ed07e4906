"""The report's calendars made once per event for all the calendars of a build.

`views.feed.Feeds` sorts the year's items once and shares each event between the feeds that hold
it; `render.ics` writes each event's text once (`event_text`), folds without icalendar's loop per
character (`_fold`), writes a head per unit from one icalendar template (`calendar_head`) and the
events' identity lines in bulk (`vevent_pieces`); `handouts.calendars` keeps the history per calendar as
UIDs and hashes (`history`) and writes the state in parts. Each is compared here with what the
one-calendar-at-a-time path (the references below, as nmx wrote it before) gives, for every unit of
the shipped plan, of the plan with hostile texts and of a synthetic plan, for series that bind
their units unevenly, and for hostile previous states.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from itertools import groupby
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nmx.render import ics
from nmx.views import feed as feed_mod
from nmx.views.feed import Event, Feed, Feeds, feed_view

DAY = dt.timedelta(days=1)


# --- references: the per-unit path -------------------------------------------------------------------
def unit_items(plan, items, unit) -> list:
    """The unit's items as the report's calendars collected them: each item once per time it names the unit."""
    return [i for i in items for u in i.units if u == unit.id]


def reference_events(plan, items, unit, days: int) -> list[Event]:
    """The feed's events as feed_view made them for one unit: its items sorted, grouped by schedule entry."""
    order = {tk.id: n for n, tk in enumerate(plan.tasks)}
    scope = unit.id if unit else "*"
    ordered = sorted(items, key=lambda i: (order[i.task], i.index, i.start, i.due))
    out = []
    for _, group in groupby(ordered, key=lambda i: (order[i.task], i.index)):
        group = list(group)
        first = group[0]
        out += [e.but(uid=feed_mod.uid(first.task, first.index, scope, *suffix))
                for suffix, e in feed_mod._contents(plan, group, days)]
    return out


def _plans(plan, hostile_data, tmp_path_factory):
    import sys
    from pathlib import Path

    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import locate

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import synth

    folder = synth.write_plan(tmp_path_factory.mktemp("synth") / "plan", tasks=120, units=40)
    return [plan, load_plan(locate(hostile_data)), load_plan(locate(folder))]


@pytest.fixture(scope="module")
def plans(plan, hostile_data, tmp_path_factory):
    return _plans(plan, hostile_data, tmp_path_factory)


def _year(plan) -> list:
    from nmx.schedule import engine

    return engine.items(plan, plan.meta.period.start, plan.meta.period.end)


@pytest.mark.parametrize("days", [0, 1])
def test_every_units_feed_is_what_feed_view_made_for_it(plans, days):
    for plan in plans:
        items = _year(plan)
        feeds = Feeds(plan, items, days)
        whole = [m.event.but(uid=m.uid("*")) for m in feeds.events(None)]
        assert whole == reference_events(plan, items, None, days) == feed_view(plan, items, alarm_days=days).events
        held = 0
        for unit in plan.units:
            mine = unit_items(plan, items, unit)
            got = [m.event.but(uid=m.uid(unit.id)) for m in feeds.events(unit)]
            assert got == reference_events(plan, mine, unit, days), unit.id
            assert got == feed_view(plan, mine, unit=unit, alarm_days=days).events
            head = feeds.head(unit)
            assert head == replace(feed_view(plan, mine, unit=unit), events=[])
            assert head.name == f"{plan.meta.title} · {unit.name}" and head.note == feed_mod.items_note(mine)
            held += len(mine)
        assert feeds.bindings() == held and held > len(plan.units)


def test_events_are_made_once_for_all_the_feeds(plan):
    items = _year(plan)
    feeds = Feeds(plan, items, 1)
    whole = {id(m) for m in feeds.events(None)}
    mine = [m for unit in plan.units for m in feeds.events(unit)]
    assert len(mine) > len(whole) and {id(m) for m in mine} <= whole  # every unit's event is one of the plan's


def test_what_a_caller_keeps_of_each_event(plan):
    """`keep` sees each event once (a whole series is shared by its units) and its result is handed out."""
    items = _year(plan)
    seen: list = []
    kept = Feeds(plan, items, 1, keep=lambda made: seen.append(made) or (made.before, made.after, made.event))
    plain = Feeds(plan, items, 1)
    for unit in [None, *plan.units]:
        scope = "*" if unit is None else unit.id
        befores, afters, events = zip(*kept.events(unit)) if kept.events(unit) else ((), (), ())
        uids = feed_mod.scoped_uids([b.encode() for b in befores], [a.encode() for a in afters], scope)
        assert [e.but(uid=u) for u, e in zip(uids, events)] == [m.event.but(uid=m.uid(scope)) for m in plain.events(unit)]
    assert len(seen) == len(plain.events(None)) == len({id(m) for m in seen})


def test_series_that_bind_units_unevenly(plan):
    """Items of one schedule entry naming different units, or a unit twice: each unit gets the items
    that name it (as often as they do), and their events are made for those items alone."""
    items = _year(plan)
    series = next(group for group in (list(g) for _, g in groupby(sorted(items, key=lambda i: (i.task, i.index)),
                                                                    key=lambda i: (i.task, i.index)))
                  if len(group) >= 3 and group[0].kind == "window")
    task, lead = series[0].task, series[0].lead[0]
    other = next(u.id for u in plan.units if u.id not in series[0].units)
    changed = {series[0]: series[0]._replace(support=(*series[0].support, other)),
               series[1]: series[1]._replace(lead=(lead, lead))}
    items = [changed.get(i, i) for i in items]
    feeds = Feeds(plan, items, 1)
    for unit in plan.units:
        mine = unit_items(plan, items, unit)
        assert [m.event.but(uid=m.uid(unit.id)) for m in feeds.events(unit)] == reference_events(plan, mine, unit, 1)
    assert feeds.bindings() == sum(len(unit_items(plan, items, u)) for u in plan.units)
    odd = [m.event for m in feeds.events(plan.unit_by_id[other]) if m.event.summary.startswith(task + " ")]
    assert len(odd) == 1 and odd[0].rule is None  # one item of the series: no rule for it alone
    twice = [m.event for m in feeds.events(plan.unit_by_id[lead]) if m.event.summary.startswith(task + " ")]
    assert len(twice) == len(series) + 1  # the item that names it twice, twice (as the report had it)


def test_a_shared_events_uid_is_the_feeds_uid():
    event = Event("", dt.date(2023, 1, 1), dt.date(2023, 1, 2), None, "s", "d", "c")
    for suffix in [(), (dt.date(2023, 1, 1), dt.date(2023, 1, 31))]:
        made = feed_mod.Shared(event, "T1\x1f3\x1f", "".join(f"\x1f{p}" for p in suffix))
        for scope in ["*", "u1", "市交通运输局", "a\x1fb"]:
            assert made.uid(scope) == feed_mod.uid("T1", 3, scope, *suffix)
            assert feed_mod.scoped_uids([made.before.encode()], [made.after.encode()], scope) == [made.uid(scope)]
            assert len(made.uid(scope)) == 28 and made.uid(scope).endswith("@nmx")


# --- render.ics: folding, the head, the identity lines --------------------------------------------------
def _foldline(line: str) -> bytes:
    return ics._text_tools()[1](line).encode("utf-8")


text = st.lists(st.sampled_from(list("ab ,;:\\^\"'中文、（）—…𠀀é") + ["\\n", "\\\\"]), max_size=300).map("".join)


@settings(max_examples=600, deadline=None)
@given(text, st.integers(0, 80))
def test_fold_is_icalendars_fold(value, pad):
    line = "DESCRIPTION:" + "x" * pad + value
    assert ics._fold(line) == _foldline(line)


def test_fold_where_an_escape_meets_the_end_of_a_piece():
    for pad in range(60, 80):
        for tail in ["\\n中文", "\\,abc", "^^^", "\\\\\\\\", "中\\文" * 30, "𠀀\\" * 40]:
            line = "SUMMARY:" + "a" * pad + tail + "b" * 100
            assert ics._fold(line) == _foldline(line), (pad, tail)
    assert ics._fold("x" * 74) == b"x" * 74 and ics._fold("x" * 75) == b"x" * 74 + b"\r\n x"


names = st.lists(st.sampled_from(list("ab ,;:\\\"中文、·𠀀") + ["\n", "\r\n", "N"]), min_size=1, max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(names, st.one_of(st.none(), names), st.sampled_from([None, DAY]))
def test_calendar_head_is_icalendars(name, note, refresh):
    feed = Feed(name, "Asia/Shanghai", "六民生办〔2023〕3号 方案", note, dt.datetime(2023, 1, 1), [], refresh)
    assert _outcome(ics.calendar_head, feed) == _outcome(ics._head, feed)


def _outcome(write, feed: Feed) -> bytes | str:
    """What `write` makes of the feed, or the error it raises (icalendar refuses a raw newline)."""
    try:
        return write(feed)
    except AssertionError as exc:
        return f"{type(exc).__name__}: {exc}"


def test_calendar_head_of_every_unit(plans):
    for plan in plans:
        items = _year(plan)
        feeds = Feeds(plan, items)
        for unit in [None, *plan.units]:
            head = replace(feeds.head(unit), refresh=DAY)
            assert ics.calendar_head(head) == ics._head(head)


def reference_vevent(event: Event, stamp: dt.datetime) -> bytes:
    """An event as calendar_bytes wrote it: identity lines, then its content lines (icalendar's)."""
    from tests.test_ics_lines import reference

    lines = [b"BEGIN:VEVENT\r\n", ics._line("uid", event.uid), ics._line("dtstamp", stamp)]
    if event.sequence is not None:
        lines.append(b"SEQUENCE:%d\r\n" % event.sequence)
    if event.cancelled:
        lines.append(b"STATUS:CANCELLED\r\n")
    return b"".join([*lines, reference(event.content()), b"END:VEVENT\r\n"])


@pytest.mark.parametrize("uids", [
    ["0123456789abcdef01234567@nmx", "f@nmx"],
    ["f@nmx", 'a"b;c,d\\e', "x" * 61, "中文@nmx", "a b"],
])
def test_vevent_pieces_write_what_calendar_bytes_wrote(plan, uids):
    stamp = dt.datetime(2022, 12, 31, 16, tzinfo=dt.UTC)
    made = [m.event for m in Feeds(plan, _year(plan), 1).events(None)][: len(uids)]
    events = [e.but(uid=u, sequence=n * 7) for n, (u, e) in enumerate(zip(uids, made))]
    events[-1] = replace(events[-1], cancelled=True, alarm=None)
    cache: dict = {}
    got = b"".join(ics.vevent_pieces(stamp, [e.uid for e in events], [e.sequence for e in events],
                                     [e.cancelled for e in events], [ics.event_text(e, cache) for e in events]))
    assert got == b"".join(reference_vevent(e, stamp) for e in events)
    assert ics.vevent_pieces(stamp, [], [], [], []) == []


@pytest.mark.parametrize("cancel", [False, True])  # the bulk path, and the path event by event
def test_vevent_pieces_are_whole_events_in_order(plan, cancel):
    stamp = dt.datetime(2022, 12, 31, 16, tzinfo=dt.UTC)
    made = [m.event for m in Feeds(plan, _year(plan), 1).events(None)]
    n = 2 * ics.PIECE_EVENTS + 5
    events = [made[k % len(made)].but(uid=f"{k:024x}@nmx", sequence=k % 20) for k in range(n)]
    if cancel:
        events[3] = replace(events[3], cancelled=True, alarm=None)
    args = (stamp, [e.uid for e in events], [e.sequence for e in events], [e.cancelled for e in events],
            [ics.event_text(e, {}) for e in events])
    pieces = ics.vevent_pieces(*args)
    assert len(pieces) == 3 and all(p.startswith(b"BEGIN:VEVENT\r\n") and p.endswith(b"END:VEVENT\r\n") for p in pieces)
    assert [p.count(b"BEGIN:VEVENT") for p in pieces] == [ics.PIECE_EVENTS, ics.PIECE_EVENTS, 5]
    assert b"".join(pieces) == b"".join(reference_vevent(e, stamp) for e in events)
    parts = ics.vevent_parts(*args)  # the same pieces, each made as it is read, as often as it is read
    assert list(parts) == pieces and list(parts) == pieces and parts.size == len(b"".join(pieces))


# --- handouts.calendars: history and the state ---------------------------------------------------------
class Remembered(NamedTuple):
    """What the old state held of an event (it reads the file's [hash, sequence(, "cancelled")] now)."""

    hash: str
    sequence: int
    cancelled: bool = False


def reference_history(events, previous, name, bodies, hashes):
    """handouts.calendars.history as it was: events in, events with SEQUENCE and what to remember out."""
    from nmx.handouts.calendars import content_hash
    from nmx.i18n import t

    old = {uid: Remembered(e[0], e[1], len(e) == 3) for uid, e in previous.calendars.get(name, {}).items()}
    out, kept = [], {}
    for event in events:
        content = event.content()
        digest = hashes.get(content)
        if digest is None:
            digest = hashes[content] = content_hash(content)
            bodies.setdefault(digest, replace(event, uid="", alarm=None))
        before = old.get(event.uid)
        sequence = 0 if before is None else before.sequence + (before.cancelled or before.hash != digest)
        out.append(event.but(sequence=sequence))
        kept[event.uid] = Remembered(digest, sequence)
    for uid, before in old.items():
        if uid in kept:
            continue
        body = previous.events[before.hash]
        sequence = before.sequence if before.cancelled else before.sequence + 1
        out.append(replace(body, uid=uid, sequence=sequence, cancelled=True, alarm=None,
                           summary=t("cal:cancelled_summary", summary=body.summary),
                           description=f"{t('cal:cancelled_note')}\n{body.description}"))
        kept[uid] = Remembered(before.hash, sequence, True)
        bodies.setdefault(before.hash, body)
    return out, kept


def reference_state(calendars: dict, bodies: dict) -> bytes:
    from nmx.safetext import json_safe

    doc = {"format": "nmx-report-calendars", "version": 1,
           "calendars": {name: {uid: [r.hash, r.sequence, "cancelled"] if r.cancelled else [r.hash, r.sequence]
                                for uid, r in events.items()} for name, events in calendars.items()},
           "events": {digest: {"start": e.start.isoformat(), "end": e.end.isoformat(), "rule": e.rule,
                               "summary": e.summary, "description": e.description, "category": e.category}
                      for digest, e in bodies.items()}}
    return (json_safe(json.dumps(doc, ensure_ascii=False, separators=(",", ":"))) + "\n").encode("utf-8")


def reference_build(plan, items, files, previous, days: int) -> tuple[list[bytes], bytes]:
    """Every calendar and the state, one calendar at a time as the report made them."""
    from nmx.handouts.calendars import REFRESH

    bodies, hashes, remembered, out = {}, {}, {}, []
    for unit in [None, *plan.units]:
        name = "all.ics" if unit is None else f"units/{files[unit.id]}.ics"
        mine = items if unit is None else unit_items(plan, items, unit)
        feed = replace(feed_view(plan, mine, unit=unit, alarm_days=days), refresh=REFRESH)
        events, remembered[name] = reference_history(feed.events, previous, name, bodies, hashes)
        out.append(b"".join([ics._head(feed), *(reference_vevent(e, feed.stamp) for e in events), ics.END]))
    return out, reference_state(remembered, bodies)


def new_build(plan, items, files, previous, days: int) -> tuple[list[bytes], bytes]:
    from nmx.handouts.calendars import _Build

    build = _Build(previous)
    feeds = Feeds(plan, items, days, keep=build.keep)
    calendars = [build.calendar("all.ics" if u is None else f"units/{files[u.id]}.ics", feeds, u)
                 for u in [None, *plan.units]]
    out = [b"".join(parts) for parts in calendars]
    assert [parts.size for parts in calendars] == list(map(len, out))  # what LastBuild compares sizes with
    return out, b"".join(build.state())


def _hostile_previous(plan, items, files):
    """A state as an earlier build of an edited plan would have left it, with UIDs that need escaping."""
    from nmx.handouts.calendars import State, parse_state

    state = parse_state(json.loads(new_build(plan, items[: len(items) // 2], files, State(), 1)[1]))
    digests = list(state.events)
    for n, name in enumerate(list(state.calendars)[:5]):
        remembered = state.calendars[name]
        first = next(iter(remembered), None)
        if first is not None:  # its content changed since
            remembered[first] = [digests[1] if remembered[first][0] == digests[0] else digests[0], 3]
        remembered[f'gone"{n}\\@x;y,z'] = [digests[n], n]  # gone from the plan: to be cancelled
        remembered[f"back{n}@nmx"] = [digests[0], 5, "cancelled"]  # cancelled by the last build
    return state


def test_the_build_writes_what_the_per_calendar_path_wrote(plans):
    from nmx.handouts.calendars import State
    from nmx.handouts.report import unit_files

    for plan in plans:
        items, files = _year(plan), unit_files(plan)
        for previous in [State(), _hostile_previous(plan, items, files)]:
            got, want = new_build(plan, items, files, previous, 1), reference_build(plan, items, files, previous, 1)
            assert got[1] == want[1]
            assert len(got[0]) == len(want[0]) == len(plan.units) + 1
            for n, (mine, theirs) in enumerate(zip(got[0], want[0])):
                assert mine == theirs, n
        assert b"STATUS:CANCELLED" in got[0][0] and b'gone\\"0\\\\@x;y,z' in got[1]


def test_history_keeps_the_last_of_a_repeated_uid():
    from nmx.handouts.calendars import State, history, remembered_json

    sequences, gone, kept = history(["a@nmx", "b@nmx", "a@nmx"], ["1" * 16, "2" * 16, "3" * 16], State(), "all.ics")
    assert sequences == [0, 0, 0] and gone == []
    assert remembered_json(kept) == '"a@nmx":["3333333333333333",0],"b@nmx":["2222222222222222",0]'
    assert json.loads("{" + remembered_json({'q"\\\x7f': ("1" * 16, 2, True)}) + "}") == {'q"\\\x7f': ["1" * 16, 2, "cancelled"]}
    assert "\x7f" not in remembered_json({"\x7f": ("1" * 16, 2, True)})  # json_safe, as the whole state had


# --- views.feed: what the events of one series share ----------------------------------------------------
def test_items_of_a_series_share_only_what_they_have_in_common(plans):
    """An item's event is the same whether its description's common lines come from an earlier item
    of its series or are made for it alone, also for items that differ in what those lines say."""
    for plan in plans:
        items = _year(plan)
        changed = [items[0]._replace(deliver_to="别处"), items[1]._replace(note="另注"),
                   items[2]._replace(support=()), items[3]._replace(title="另一个标题", label="另一标签"),
                   items[4]._replace(due=dt.date(2024, 10, 1), start=dt.date(2024, 10, 1))]
        for days in (0, 2):
            known: dict = {}
            for item in [*items, *changed]:
                alone = feed_mod._event(plan, item, [item], None, days, {})
                assert feed_mod._event(plan, item, [item], None, days, known) == alone
        assert any(isinstance(key, frozenset) for key in known) and len(known) > 2


def test_a_rule_is_expanded_afresh_for_each_caller():
    from nmx.schedule.recurrence import expand

    rule = "FREQ=MONTHLY;BYMONTH=2,5,8,11;BYMONTHDAY=1;UNTIL=20231231"
    first = expand(rule, dt.date(2023, 2, 1))
    assert first == [dt.date(2023, m, 1) for m in (2, 5, 8, 11)]
    first.append(dt.date(2030, 1, 1))
    assert expand(rule, dt.date(2023, 2, 1)) == [dt.date(2023, m, 1) for m in (2, 5, 8, 11)]
    assert expand(rule, dt.date(2023, 5, 1)) == [dt.date(2023, m, 1) for m in (5, 8, 11)]


def _json_hash(content: tuple) -> str:
    """content_hash as it was: sha256 of json.dumps of the content's parts."""
    import hashlib

    start, end, rule, summary, description, category, alarm = content
    parts = [start.isoformat(), end.isoformat(), rule, summary, description, category,
             None if alarm is None else [alarm.trigger.total_seconds(), alarm.description]]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


hostile = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)


@settings(max_examples=400, deadline=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2999, 1, 1)), st.one_of(st.none(), hostile), hostile, hostile, hostile,
       st.one_of(st.none(), st.builds(feed_mod.Alarm, st.timedeltas(min_value=dt.timedelta(days=-400),
                                                                    max_value=dt.timedelta(days=400)), hostile)))
def test_content_hash_is_the_json_documents(start, rule, summary, description, category, alarm):
    from nmx.handouts.calendars import content_hash

    content = (start, start + DAY, rule, summary, description, category, alarm)
    assert content_hash(content) == _json_hash(content)


def test_content_hash_of_every_event(plans):
    from nmx.handouts.calendars import content_hash

    for plan in plans:
        for made in Feeds(plan, _year(plan), 2).events(None):
            assert content_hash(made.event.content()) == _json_hash(made.event.content())


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(999, 12, 31), dt.date(1000, 1, 1), dt.date(2023, 5, 9),
                                 dt.date(9999, 12, 31)])
def test_a_date_value_is_strftimes(day):
    assert ics._ymd(day) == f"{day:%Y%m%d}"


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(list("a中,;:\\\n\rNn "))))
def test_text_escaping_is_icalendars(value):
    assert ics._escaped(value) == ics._text_tools()[0](value)


# --- reading a state: all of a calendar's entries checked at once, the first fault named as before ----------
_DIGEST = "0123456789abcdef"
_ENTRIES = st.one_of(
    st.builds(lambda n: [_DIGEST, n], st.integers(0, 2**31 - 2)),
    st.builds(lambda n: [_DIGEST, n, "cancelled"], st.integers(0, 2**31 - 2)),
    st.sampled_from([[_DIGEST, -1], [_DIGEST, 2**31 - 1], [_DIGEST, True], [_DIGEST, 1.0], [_DIGEST, None],
                     ["fedcba9876543210", 1], [[], 1], [{}, 1], [None, 1], [1, 1], [_DIGEST, 1, "x"],
                     [_DIGEST, 1, True], [_DIGEST], [_DIGEST, 1, "cancelled", 1], [], "x", {}, None, 3]),
)
_UIDS = st.one_of(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30),
                  st.sampled_from(["", "a b", "é@nmx", "x" * 200, "x" * 201, "\x7f", "a\nb"]))


def _per_entry(doc: dict) -> str | None:
    """The state's first fault as reading one entry after another finds it (None: none)."""
    from nmx.handouts.calendars import _CALENDAR, _UID, _Unusable, _checked, _event, _remembered

    try:
        events = {h: _event(e) for h, e in doc["events"].items()}
        for name, remembered in doc["calendars"].items():
            _checked(_CALENDAR, name, "calendars")
            for uid, entry in remembered.items():
                _checked(_UID, uid, name)
                _remembered(entry, events, name)
    except _Unusable as exc:
        return str(exc)
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(_UIDS, _ENTRIES, max_size=6), min_size=1, max_size=3))
def test_a_state_is_read_as_one_entry_after_another_would(parts):
    from nmx.handouts.calendars import _Unusable, parse_state

    event = {"start": "2023-06-07", "end": "2023-06-08", "rule": None, "summary": "s", "description": "d",
             "category": "c"}
    names = ["all.ics", "units/u1.ics", "units/u2.ics"]
    doc = {"format": "nmx-report-calendars", "version": 1, "calendars": dict(zip(names, parts)),
           "events": {_DIGEST: event}}
    want = _per_entry(json.loads(json.dumps(doc)))
    try:
        state = parse_state(doc)
    except _Unusable as exc:
        assert str(exc) == want
    else:
        assert want is None
        assert state.calendars == doc["calendars"]


# --- reading a state as nmx wrote it: each calendar's part kept as text until it is built -----------------
def _slow(text: str):
    """The state as json.loads and parse_state read it; None when they refuse it."""
    from nmx.handouts.calendars import _Unusable, parse_state

    try:
        return parse_state(json.loads(text))
    except (_Unusable, ValueError, RecursionError):
        return None


def _whole(state) -> tuple[dict, dict]:
    from nmx.handouts.calendars import Written

    return ({name: part.parsed() if type(part) is Written else part for name, part in state.calendars.items()},
            state.events)


@pytest.fixture(scope="module")
def written(plans):
    """States as the report writes them: of a synthetic plan's half, then of the whole over it (some
    events cancelled, some changed), and of the hostile plan over an edited state."""
    from nmx.handouts.calendars import State, parse_state
    from nmx.handouts.report import unit_files

    out = []
    for plan in plans[1:]:
        items, files = _year(plan), unit_files(plan)
        half = new_build(plan, items[: len(items) // 2], files, State(), 1)[1]
        out += [half, new_build(plan, items, files, parse_state(json.loads(half)), 1)[1],
                new_build(plan, items, files, _hostile_previous(plan, items, files), 1)[1]]
    return [(plans[1:][n // 3], state.decode()) for n, state in enumerate(out)]


def test_a_state_as_written_is_read_as_json_would_read_it(written):
    from nmx.handouts.calendars import _written_state

    taken = 0
    for _, text in written:
        fast = _written_state(text.encode())
        taken += fast is not None
        if fast is not None:
            assert _whole(fast) == _whole(_slow(text))
    assert taken >= 4  # the hostile UIDs' states are not as the feed writes them: read whole, as before


_SNIPPETS = ["0", "1", "9", "a", '"', ",", "]", "}", " ", "\\", "\n", ',"cancelled"', ',"units/u1.ics":{}',
             '"all.ics":{}', "1234567890", "2147483647", '["0123456789abcdef",0]', ""]


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_a_state_changed_anywhere_is_read_as_json_would_read_it_or_whole(written, data):
    """A change at any place (a character replaced, put in or taken out): read as written only when
    json.loads and parse_state read it to the same state."""
    from nmx.handouts.calendars import _written_state

    _, text = data.draw(st.sampled_from(written))
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 2))
    text = text[:at] + data.draw(st.sampled_from(_SNIPPETS)) + text[at + cut:]
    fast = _written_state(text.encode())
    if fast is not None:
        slow = _slow(text)
        assert slow is not None and _whole(fast) == _whole(slow)


def test_a_state_that_json_reads_otherwise_is_not_taken_as_written(written):
    """A calendar named twice, a UID twice, a long SEQUENCE, a hash without its event, spaces:
    json.loads has the last of two names; the others are read whole (and found sound or not)."""
    from nmx.handouts.calendars import _written_state

    _, text = written[0]
    head, rest = text.split('"all.ics":{', 1)
    body, tail = rest.split("}", 1)
    first = body.split("],", 1)[0] + "]"
    twice = f'{head}"all.ics":{{}},"all.ics":{{{body}}}{tail}'
    fast = _written_state(twice.encode())
    assert fast is not None and _whole(fast) == _whole(_slow(twice))
    for changed in [f'{head}"all.ics":{{{first},{body}}}{tail}',  # the UID twice: the calendar is read whole
                    text.replace('",0]', '",2147483646]', 1), text.replace('",0]', '",2147483647]', 1),
                    text.replace('"all.ics":{', '"all.ics": {', 1), text.replace("}", "} ", 1)]:
        fast, slow = _written_state(changed.encode()), _slow(changed)
        if fast is not None:
            assert _whole(fast) == _whole(slow)
    digest = first.split('["', 1)[1][:16]
    assert _written_state(text.replace(f'"{digest}":{{', '"ffffffffffffffff":{', 1).encode()) is None
    assert _slow(text.replace(f'"{digest}":{{', '"ffffffffffffffff":{', 1)) is None


def test_a_build_over_a_state_as_written_is_the_build_over_it_read_whole(plans, written):
    """Each calendar compared in one piece with its written part, or read from it when changed:
    the same calendars and the same next state as a build over the state json.loads read."""
    from nmx.handouts.calendars import Written, _written_state
    from nmx.handouts.report import unit_files

    unchanged = 0
    for plan, text in written:
        items, files = _year(plan), unit_files(plan)
        for mine in (items, items[: len(items) // 3], items[1:]):
            fast = _written_state(text.encode())
            if fast is None:
                continue
            parts = dict(fast.calendars)
            got = new_build(plan, mine, files, fast, 1)
            assert got == new_build(plan, mine, files, _slow(text), 1)
            unchanged += sum(type(fast.calendars[name]) is Written for name in parts)
    assert unchanged  # some calendars were taken as they were written


_SOUND = {"start": "2023-06-07", "end": "2023-06-08", "rule": None, "summary": "s", "description": "d", "category": "c"}
_FAULTS = {"start": ["2023-06-08", "2023-06-09", "0001-01-01", "20230607", "2023-13-01", "", 20230607, None, ["x"]],
           "end": ["2023-06-07", "2024-01-01", "9999-12-31", "x", 1],
           "rule": ["FREQ=MONTHLY;BYMONTHDAY=1", "FREQ=NEVER", "FREQ=DAILY;X=<", "", 1, ["FREQ=DAILY"], {}],
           "summary": ["a\r", "a\rb", "\x00", "\x1f", "\x7f", "\x85", "中\n\t", None, 1, "x" * 100_001, "x" * 100_000],
           "description": ["b\n\x9f", "\x0b", ""], "category": ["", "\x1b[31m", None]}
_BODIES = st.one_of(
    st.just(_SOUND),
    st.sampled_from([(k, v) for k, values in _FAULTS.items() for v in values]).map(lambda kv: {**_SOUND, kv[0]: kv[1]}),
    st.sampled_from([{**_SOUND, "extra": 1}, {k: v for k, v in _SOUND.items() if k != "rule"}, None, [], "x", 1]))
_HASHES = st.one_of(st.text("0123456789abcdef", min_size=16, max_size=16),
                    st.sampled_from(["", "0" * 15, "A" * 16, "g" * 16, "0" * 17]))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_HASHES, _BODIES, max_size=4))
def test_a_states_events_are_read_as_one_after_another_would(events):
    """_all_events, every event checked at once, accepts what _event and the hash check accept one
    after another, and makes the same events; what it refuses is then read one at a time."""
    from nmx.handouts.calendars import _HASH, _all_events, _checked, _event, _events, _Unusable

    try:
        want = {_checked(_HASH, h, "events"): _event(e) for h, e in events.items()}
    except _Unusable as exc:
        assert _all_events(events) is None
        with pytest.raises(_Unusable) as got:
            _events(events)
        assert str(got.value) == str(exc)
    else:
        assert _all_events(events) == want and _events(events) == want


@pytest.mark.parametrize("sequences, cancelled, same", [
    ([0, 0, 0], None, True), ([0, 2, 0], None, True), ([1, 1, 1], None, True), ([0, 0, 0], 1, True),
    ([0, 0, 0], None, False), ([3, 0, 0], None, False), ([0, 0, 7], 2, True)])
def test_unchanged_takes_a_part_only_as_written_for_these_events(sequences, cancelled, same):
    """`Written.unchanged` gives the part's SEQUENCEs exactly when the part remembers these events
    with these contents, none cancelled; all of them 0 or not, the same answer as reading it."""
    from nmx.handouts.calendars import Written, history, remembered_json, State

    uids = [f"{n:024x}@nmx" for n in (1, 2, 3)]
    digests = [f"{n:016x}" for n in (7, 8, 9)]
    kept = {u: (d, s, n == cancelled) for n, (u, d, s) in enumerate(zip(uids, digests, sequences))}
    part = Written(remembered_json(kept))
    asked = digests if same else [digests[0], digests[1], "f" * 16]
    read = part.parsed()
    want, gone, remembered = history(uids, asked, State({"x": read}, {}), "x")
    as_written = not gone and remembered_json(remembered) == part.text
    assert part.unchanged(uids, asked) == (want if as_written else None)
    assert (part.unchanged(uids, asked) is not None) == (same and cancelled is None)
    assert part.unchanged([uids[0], uids[0], uids[2]], asked) is None  # one UID twice
    assert part.unchanged(uids[:2], asked[:2]) is None  # one event fewer than remembered
