"""iCalendar (RFC 5545) of a calendar feed, with the `icalendar` library (imported here only).

All-day dates are floating, so no VTIMEZONE is needed; X-WR-TIMEZONE names the plan's
zone for apps that want one. What the events are is decided in `nmx.views.feed`.

An event is written as its identity (UID, DTSTAMP, SEQUENCE, STATUS) followed by its
content (dates, rule, texts, reminder). The content is written once per distinct content
(`event_text`) with icalendar's escaping, rule text and folding rule and reused: the report
writes the same event into the whole plan's calendar and into every unit's that has a role
in it, under a UID per calendar (`vevent_pieces`), each calendar's head from one icalendar
template (`calendar_head`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache, partial
from typing import Any

from nmx.fileio import Parts
from nmx.render.formats import Format
from nmx.views.feed import Event, Feed

PRODID = "-//nmx//暖民心行动宣传方案//ZH"
END = b"END:VCALENDAR\r\n"
#: A UID that needs no escaping (RFC 5545 TEXT escapes only \ ; , and newlines) nor folding.
_PLAIN_UID = re.compile(r"[A-Za-z0-9@._-]{1,60}")


def calendar_bytes(feed: Feed, contents: dict | None = None) -> bytes:
    """The feed as CRLF-terminated iCalendar bytes. `contents`: a dict kept across the calendars
    of one build, where each distinct event content is serialised once."""
    cache = {} if contents is None else contents
    events = feed.events
    body = vevent_pieces(feed.stamp, [e.uid for e in events], [e.sequence for e in events],
                         [e.cancelled for e in events], [event_text(e, cache) for e in events])
    return b"".join([calendar_head(feed), *body, END])


def calendar_head(feed: Feed) -> bytes:
    """The calendar's lines before its first event, as icalendar writes them. icalendar writes
    them once per distinct zone, description, note and refresh with a stand-in name, and each
    feed's two name lines on their own (the report writes a calendar per unit)."""
    template = _head_template(feed.timezone, feed.description, feed.note, feed.refresh)
    lines = _name_lines(feed.name)
    if template is None or set(lines) != set(_NAMES):
        return _head(feed)
    for name, line in lines.items():
        template = template.replace(_stand_in(name), b"\r\n" + line + b"\r\n", 1)
    return template


_NAMES = (b"X-WR-CALNAME", b"NAME")
_STAND_IN = "N"


def _stand_in(name: bytes) -> bytes:
    return b"\r\n" + name + b":" + _STAND_IN.encode("ascii") + b"\r\n"


@lru_cache(maxsize=64)
def _head_template(timezone: str, description: str, note: str | None, refresh: dt.timedelta | None) -> bytes | None:
    """The head with the stand-in name, or None when its name lines are not found once each."""
    head = _head(Feed(_STAND_IN, timezone, description, note, dt.datetime(2000, 1, 1), [], refresh))
    return head if all(head.count(_stand_in(name)) == 1 for name in _NAMES) else None


def _name_lines(name: str) -> dict[bytes, bytes]:
    """Property name → its line (folded, without the last CRLF) of the two that name a calendar."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    out: dict[bytes, bytes] = {}
    key = b""
    for line in _inner(cal.to_ical()).removesuffix(b"\r\n").split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and key:  # a folded line goes on with the property before it
            out[key] += b"\r\n" + line
        else:
            key = line.split(b":", 1)[0].split(b";", 1)[0].upper()
            out[key] = line
    return out


def _head(feed: Feed) -> bytes:
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
    return cal.to_ical()[: -len(END)]


def event_text(event: Event, cache: dict) -> bytes:
    """The event's lines after its identity (its content, then END:VEVENT): the same for every
    calendar that holds the event, so written once per distinct content into `cache`."""
    content = event.content()
    text = cache.get(content)
    if text is None:
        text = cache[content] = content_text(content)
    return text


def content_text(content: tuple, lines: dict | None = None) -> bytes:
    """`event_text` of an event's content (Event.content()). `lines`: a dict kept across the
    events of one build, where each distinct summary, category and description line is written
    once (the events of a series share them: a 10,000-task plan has 76,000 contents and 26,000
    descriptions)."""
    return _content(content, lines) + b"END:VEVENT\r\n"


#: How many events `vevent_pieces` joins into one piece: some 45 KB, below the size from which the C
#: library maps fresh pages for each buffer (128 KB) that are then faulted in one by one.
PIECE_EVENTS = 64


def vevent_pieces(stamp: dt.datetime, uids: Sequence[str], sequences: Sequence[int | None],
                  cancelled: Sequence[bool], texts: Sequence[bytes]) -> list[bytes]:
    """The events, each its UID, DTSTAMP, SEQUENCE (None: not written), STATUS:CANCELLED when
    cancelled, then its `event_text`; in pieces of `PIECE_EVENTS` events, one after the other, so
    that a file is written from them as they are, without joining a unit's calendar (up to
    megabytes) in memory first."""
    return list(vevent_parts(stamp, uids, sequences, cancelled, texts))


def vevent_parts(stamp: dt.datetime, uids: Sequence[str], sequences: Sequence[int | None],
                 cancelled: Sequence[bool], texts: Sequence[bytes]) -> Parts:
    """`vevent_pieces`, each piece joined as it is written (the whole plan's calendar of a
    10,000-task plan is 66 MB: its pieces were all in memory at once)."""
    stamp_line = _stamp_line(stamp)
    plain = _plain(uids)
    if plain and uids and None not in sequences and not any(cancelled):  # a report's live events: in bulk
        n = len(uids)
        out = [b"BEGIN:VEVENT\r\nUID:"] * (5 * n)
        joined = "\n".join(uids).encode("ascii")
        out[1::5] = joined.split(b"\n")
        out[2::5] = [b"\r\n" + stamp_line] * n
        out[3::5] = lines = [_SEQUENCES[s] if s < len(_SEQUENCES) else b"SEQUENCE:%d\r\n" % s for s in sequences]
        out[4::5] = texts
        size = n * (len(out[0]) + len(out[2])) + len(joined) - (n - 1) + sum(map(len, lines)) + sum(map(len, texts))
        step = 5 * PIECE_EVENTS
        return Parts(size, lambda: (b"".join(out[k:k + step]) for k in range(0, len(out), step)))
    pieces, out = [], []
    for n, (uid, sequence, gone, text) in enumerate(zip(uids, sequences, cancelled, texts), 1):
        out += (b"BEGIN:VEVENT\r\nUID:" + uid.encode("ascii") + b"\r\n" if plain
                else b"BEGIN:VEVENT\r\n" + _uid_line(uid), stamp_line)
        if sequence is not None:
            out.append(_SEQUENCES[sequence] if sequence < len(_SEQUENCES) else b"SEQUENCE:%d\r\n" % sequence)
        if gone:
            out.append(b"STATUS:CANCELLED\r\n")
        out.append(text)
        if n % PIECE_EVENTS == 0:
            pieces.append(b"".join(out))
            out = []
    if out:
        pieces.append(b"".join(out))
    return Parts(sum(map(len, pieces)), lambda: pieces)


_SEQUENCES = tuple(b"SEQUENCE:%d\r\n" % n for n in range(16))
_PLAIN_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@._-"


def _plain(uids: Sequence[str]) -> bool:
    """Whether `_PLAIN_UID` matches every one of `uids` (the feed's own always), checked at once."""
    if not uids:
        return True
    rest = "\n".join(uids).encode("utf-8").translate(None, _PLAIN_BYTES)  # only the separators are left
    return len(rest) == len(uids) - 1 and 0 < min(map(len, uids)) and max(map(len, uids)) <= 60


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


def _content(content: tuple, lines: dict | None = None) -> bytes:
    """An event's content lines, once per distinct content: the lines icalendar writes for the
    same properties, in its order (SUMMARY, DTSTART, DTEND, RRULE, then by name, then the
    alarm), with its own escaping and rule text and its folding (`_fold`), without building its
    component and parameter objects for each (tests/test_ics_lines.py compares the two on every
    event of the plan, a large plan and random texts)."""
    start, end, rule, summary, description, category, alarm = content
    line = text_line if lines is None else partial(_line_once, lines)
    out = [line("SUMMARY", summary), f"DTSTART;VALUE=DATE:{_ymd(start)}\r\n".encode("ascii"),
           f"DTEND;VALUE=DATE:{_ymd(end)}\r\n".encode("ascii")]
    if rule:
        out.append(_fold(f"RRULE:{_rule(rule)}") + b"\r\n")
    out += [line("CATEGORIES", category), line("DESCRIPTION", description), b"TRANSP:TRANSPARENT\r\n"]
    if alarm is not None:
        out += [b"BEGIN:VALARM\r\nACTION:DISPLAY\r\n", text_line("DESCRIPTION", alarm.description),
                _fold(f"TRIGGER:{_duration(alarm.trigger)}") + b"\r\n", b"END:VALARM\r\n"]
    return b"".join(out)


def _line_once(lines: dict, name: str, value: str) -> bytes:
    """`text_line(name, value)`, written once into `lines`."""
    found = lines.get((name, value))
    if found is None:
        found = lines[name, value] = text_line(name, value)
    return found


def text_line(name: str, value: str) -> bytes:
    """A TEXT property's line as icalendar writes it: its escaping, then folded; CRLF-terminated."""
    return _fold(f"{name}:{_escaped(value)}") + b"\r\n"


def _escaped(value: str) -> str:
    """icalendar's TEXT escaping (its replacements of \\N, \\, ;, ",", CRLF, LF and, since 7.x, CR):
    a text with no backslash, semicolon, comma, LF or CR is every step's unchanged input."""
    if "\\" in value or ";" in value or "," in value or "\n" in value or "\r" in value:
        return _text_tools()[0](value)
    return value


def _ymd(day: dt.date) -> str:
    """A DATE value, as `f"{day:%Y%m%d}"` (strftime) writes it, without strftime for four-digit years."""
    return day.isoformat().replace("-", "") if day.year >= 1000 else f"{day:%Y%m%d}"


_ESCAPES = b"\\^"


def _fold(line: str) -> bytes:
    """`line` in UTF-8, folded as icalendar folds it: into the longest pieces of whole characters
    that fit 74 octets, joined by CRLF and a space; where a piece would end with \\ or ^, the
    installed icalendar's way (`_keeps_escapes`): since 7.x it keeps such an escape with what
    follows. This takes a step per piece where icalendar takes several per character (the report
    folds some 80,000 long descriptions of a 10,000-task plan)."""
    raw = line.encode("utf-8")
    if len(raw) < 75:
        return raw
    pieces, start = [], 0
    while len(raw) - start > 74:
        end = start + 74
        while raw[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to the character's start
            end -= 1
        if raw[end - 1] in _ESCAPES:  # an ASCII character: one octet
            keep = _keeps_escapes()
            if keep is None:  # a way of its own: left to it
                return _text_tools()[1](line).encode("utf-8")
            if keep:
                end -= 1
        pieces.append(raw[start:end])
        start = end
    pieces.append(raw[start:])
    return b"\r\n ".join(pieces)


@lru_cache(maxsize=1)
def _keeps_escapes() -> bool | None:
    """Whether the installed icalendar's folding moves a \\ or ^ that would end a piece to the
    next one (7.x) or not (6.x), asked of its own `_foldline` once; None: neither."""
    folded = _text_tools()[1]("a" * 73 + "\\n")
    return {"a" * 73 + "\r\n \\n": True, "a" * 73 + "\\\r\n n": False}.get(folded)


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
