"""iCalendar (RFC 5545) of a calendar feed, with the `icalendar` library (imported here only).

All-day dates are floating, so no VTIMEZONE is needed; X-WR-TIMEZONE names the plan's
zone for apps that want one. What the events are is decided in `nmx.views.feed`.
"""

from __future__ import annotations

from typing import Any

from nmx.render.formats import Format
from nmx.views.feed import Event, Feed

PRODID = "-//nmx//暖民心行动宣传方案//ZH"


def calendar_bytes(feed: Feed) -> bytes:
    """The feed as CRLF-terminated iCalendar bytes."""
    from icalendar import Calendar

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
    for event in feed.events:
        cal.add_component(_event(event, feed))
    return cal.to_ical()


def _event(item: Event, feed: Feed) -> Any:
    from icalendar import Event as VEvent, vRecur

    event = VEvent()
    event.add("uid", item.uid)
    event.add("dtstamp", feed.stamp)
    event.add("dtstart", item.start)
    event.add("dtend", item.end)
    if item.rule:
        event.add("rrule", vRecur.from_ical(item.rule))
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("categories", [item.category])
    event.add("transp", "TRANSPARENT")  # a duty, not a meeting: never blocks free/busy time
    return event


RENDERERS = {Format.ICS: calendar_bytes}
