"""iCalendar (RFC 5545) of a calendar feed, with the `icalendar` library (imported here only).

All-day dates are floating, so no VTIMEZONE is needed; X-WR-TIMEZONE names the plan's
zone for apps that want one. What the events are is decided in `nmx.views.feed`.

An event is written as its identity (UID, DTSTAMP, SEQUENCE, STATUS) followed by its
content (dates, rule, texts, reminder). The content is serialised by icalendar once per
distinct content and reused (`calendar_bytes`'s `contents`): the report writes the same
event into the whole plan's calendar and into every unit's that has a role in it, under a
UID per calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from nmx.render.formats import Format
from nmx.views.feed import Event, Feed

PRODID = "-//nmx//暖民心行动宣传方案//ZH"
_END = b"END:VCALENDAR\r\n"
#: A UID that needs no escaping (RFC 5545 TEXT escapes only \ ; , and newlines) nor folding.
_PLAIN_UID = re.compile(r"[A-Za-z0-9@._-]{1,60}")


def calendar_bytes(feed: Feed, contents: dict | None = None) -> bytes:
    """The feed as CRLF-terminated iCalendar bytes. `contents`: a dict kept across the calendars
    of one build, where each distinct event content is serialised once."""
    from icalendar import Calendar, vDuration

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", feed.name)
    cal.add("name", feed.name)
    cal.add("x-wr-timezone", feed.timezone)
    cal.add("x-wr-caldesc", feed.description)
    if feed.note:
        cal.add("x-nmx-calendar-note", feed.note)
    if feed.refresh is not None:  # RFC 7986, and the older property Outlook and others read
        cal.add("refresh-interval", vDuration(feed.refresh), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(feed.refresh))
    head = cal.to_ical()
    stamp = _stamp_line(feed.stamp)
    cache = {} if contents is None else contents
    return b"".join([head[: -len(_END)], *(_event(e, stamp, cache) for e in feed.events), _END])


def _event(item: Event, stamp: bytes, cache: dict) -> bytes:
    lines = [b"BEGIN:VEVENT\r\n", _uid_line(item.uid), stamp]
    if item.sequence is not None:
        lines.append(b"SEQUENCE:%d\r\n" % item.sequence)
    if item.cancelled:
        lines.append(b"STATUS:CANCELLED\r\n")
    content = item.content()
    body = cache.get(content)
    if body is None:
        body = cache[content] = _content(content)
    lines += [body, b"END:VEVENT\r\n"]
    return b"".join(lines)


def _uid_line(uid: str) -> bytes:
    if _PLAIN_UID.fullmatch(uid):  # the feed's own UIDs (24 hex digits @nmx): as icalendar writes them
        return b"UID:" + uid.encode("ascii") + b"\r\n"
    return _line("uid", uid)


@lru_cache(maxsize=16)
def _stamp_line(stamp: dt.datetime) -> bytes:
    return _line("dtstamp", stamp)


def _line(name: str, value: Any) -> bytes:
    """One property as icalendar writes it (escaped, folded), CRLF-terminated."""
    from icalendar import Event as VEvent

    event = VEvent()
    event.add(name, value)
    return _inner(event.to_ical())


def _inner(component: bytes) -> bytes:
    """The lines between a component's BEGIN and END lines."""
    begin, _, rest = component.partition(b"\r\n")
    return rest.removesuffix(b"END:" + begin.removeprefix(b"BEGIN:") + b"\r\n")


def _content(content: tuple) -> bytes:
    """An event's content lines, once per distinct content: the lines icalendar writes for the
    same properties, in its order (SUMMARY, DTSTART, DTEND, RRULE, then by name, then the
    alarm), with its own escaping, rule text and folding, without building its component and
    parameter objects for each (tests/test_ics_lines.py compares the two on every event of
    the plan, a large plan and random texts)."""
    escape_char = _text_tools()[0]
    start, end, rule, summary, description, category, alarm = content
    lines = [f"SUMMARY:{escape_char(summary)}", f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
             f"DTEND;VALUE=DATE:{end:%Y%m%d}"]
    if rule:
        lines.append(f"RRULE:{_rule(rule)}")
    lines += [f"CATEGORIES:{escape_char(category)}", f"DESCRIPTION:{escape_char(description)}",
              "TRANSP:TRANSPARENT"]
    if alarm is not None:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_char(alarm.description)}",
                  f"TRIGGER:{_duration(alarm.trigger)}", "END:VALARM"]
    return "".join(_folded(line) + "\r\n" for line in lines).encode("utf-8")


def _folded(line: str) -> str:
    """`line` folded as icalendar folds it: after the most characters that fit 74 octets, again
    and again. icalendar 7 also keeps a `\\` or `^` that would end a folded piece for the next
    one (icalendar 6 does not): such a line is folded by the installed icalendar itself."""
    if len(line) <= 18:  # at most 4 octets a character
        return line
    data = line.encode("utf-8")
    if len(data) < 75:
        return line
    pieces, start = [], 0
    while len(data) - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # inside a character: the piece ends before it
            end -= 1
        if data[end - 1] in b"\\^":
            return _text_tools()[1](line)
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


@lru_cache(maxsize=1)
def _text_tools():
    """icalendar's own TEXT escaping and line folding: the functions its `to_ical` calls (private
    names since 7.0, where the public ones warn that they are deprecated)."""
    from icalendar import parser

    return (getattr(parser, "_escape_char", None) or parser.escape_char,
            getattr(parser, "_foldline", None) or parser.foldline)


@lru_cache(maxsize=1024)
def _rule(rule: str) -> str:
    """An RRULE's value as icalendar writes it (its order of the parts)."""
    from icalendar import vRecur

    return vRecur.from_ical(rule).to_ical().decode("ascii")


@lru_cache(maxsize=1024)
def _duration(delta: dt.timedelta) -> str:
    from icalendar import vDuration

    return vDuration(delta).to_ical().decode("ascii")


RENDERERS = {Format.ICS: calendar_bytes}
