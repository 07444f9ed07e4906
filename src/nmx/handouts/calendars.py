"""The report's calendars: one per unit and one for the whole plan, made to be subscribed to.

`calendars/all.ics` holds every dated item, `calendars/units/<unit file stem>.ics` the items
a unit has a role in (what `nmx export ics --dept` selects), with the feed's UIDs. A phone
subscribed to the URL fetches it again every day (REFRESH-INTERVAL, X-PUBLISHED-TTL) and
learns what changed from the history kept in `calendars/state.json`, read from the last
build before the new one replaces it:

- an event whose content (dates, rule, texts, reminder) changed gets SEQUENCE + 1;
- an event gone from the plan stays in the file, STATUS:CANCELLED, SEQUENCE + 1, its summary
  marked; it is kept (unchanged) as long as the state remembers it, so a phone that was
  offline for several builds still learns of it; one that comes back becomes live again,
  SEQUENCE + 1;
- nothing changed: the same bytes.

A state that cannot be used (not nmx's, not JSON, wrong types, out of range, too large)
is said in one warning line and the calendars are built from scratch (SEQUENCE 0).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import field, replace
from functools import lru_cache
from itertools import chain
from pathlib import Path

from nmx.errors import UsageError
from nmx.fileio import Parts
from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.render.html import Safe

WHOLE = "all.ics"
FOLDER = "calendars"
STATE = f"{FOLDER}/state.json"
FORMAT = "nmx-report-calendars"
VERSION = 1
REFRESH = dt.timedelta(days=1)
#: SEQUENCE is a 32-bit INTEGER (RFC 5545 3.8.7.4) that a build may raise by one.
MAX_SEQUENCE = 2**31 - 2
MAX_BASE_URL = 200  # keeps the QR code of a unit's URL inside a phone's width
#: A state may be as large as this plan's calendars could need: 1 MiB + 2 KiB per dated item
#: and per unit it binds (the 2023 plan's is some 14 KB; its limit 1.9 MB).
_STATE_BASE, _STATE_PER = 1 << 20, 2 << 10
_CALENDAR = re.compile(r"all\.ics|units/[A-Za-z0-9][A-Za-z0-9_-]{0,60}\.ics")
_HASH = re.compile(r"[0-9a-f]{16}")
_UID = re.compile(r"[\x21-\x7e]{1,200}")
_RULE = re.compile(r"[A-Za-z0-9=;,+-]{1,500}")
_MAX_TEXT = 100_000
_STATE_CHUNK = 512  # events per piece of the state's events object


@dataclass(frozen=True)
class Options:
    alarm_days: int = 1
    base_url: str | None = None  # checked by `check_base_url`
    previous: Path | None = None  # the output folder: its last build's state is read
    warn: Callable[[str], None] | None = None


@dataclass
class State:
    """A build's state as the next build reads it (`read_state`); a build writes its own in parts.

    Each event of a calendar is remembered as the state file writes it: [its content's hash, its
    SEQUENCE], and "cancelled" third when it was (a 10,000-task plan's state has 1.4 million)."""

    # file → uid → [hash, sequence(, "cancelled")], or that calendar's part of the state file as
    # nmx wrote it (`Written`), read when the calendar is built
    calendars: dict[str, dict[str, list] | Written] = field(default_factory=dict)
    events: dict = field(default_factory=dict)  # content hash → Event (uid ""): for a cancelled copy


def calendar_path(stem: str | None) -> str:
    """The site path of a unit's calendar (by its file stem), or of the whole plan's (None)."""
    return f"{FOLDER}/{WHOLE}" if stem is None else f"{FOLDER}/units/{stem}.ics"


class Calendars:
    """The calendars of one report build: the feeds of the plan and its units, the last build's
    state, the files."""

    def __init__(self, plan: Plan, items: Sequence, files: dict[str, str], options: Options) -> None:
        self.plan, self.items, self.files, self.options = plan, items, files, options
        self.said: list[str] = []  # what reading the last build's state had to say

    @property
    def count(self) -> int:
        """How many files `files_out` yields."""
        return len(self.plan.units) + 2

    def share(self, jobs: Sequence = ()):
        """The calendars as a share of the site's files (`nmx.beside`), with more `jobs` for either
        process: written by a second process while the pages are, where the platform allows; a
        warning about the last state is said here."""
        from nmx.beside import Beside

        warn = self.options.warn
        return Beside(self.files_out, notes=lambda: self.said, jobs=jobs,
                      told=None if warn is None else lambda notes: [*map(warn, notes)])

    def files_out(self) -> Iterator[tuple[str, Parts | list[bytes]]]:
        """Every calendar, then the state that the next build reads: the feeds are made and the
        last build's state is read first, and what they hold is let go when the state is out."""
        from nmx.views.feed import Feeds

        build = _Build()
        feeds = Feeds(self.plan, self.items, self.options.alarm_days, keep=build.keep)
        limit = _STATE_BASE + _STATE_PER * (len(self.items) + feeds.bindings())  # of the last state
        build.previous, why = read_state(self.options.previous, limit)
        if why:
            self.said.append(why)
        yield calendar_path(None), build.calendar(WHOLE, feeds, None)
        for unit in self.plan.units:
            stem = self.files[unit.id]
            yield calendar_path(stem), build.calendar(f"units/{stem}.ics", feeds, unit)
        del feeds  # the events' texts, kept for the calendars, are let go before the state is written
        yield STATE, build.state()

    # --- on the pages -------------------------------------------------------------------------
    def section(self, unit_id: str | None, up: str = "") -> Safe:
        """The subscription links (and with --base-url the absolute and webcal:// URLs and a QR code)."""
        from nmx.render.html import el, join

        rel = calendar_path(None if unit_id is None else self.files[unit_id])
        base = self.options.base_url
        days = self.options.alarm_days
        intro = t("cal:intro_unit" if unit_id else "cal:intro_all")
        if days:
            intro += t("cal:intro_alarm", n=days)
        links = [el("li", t("cal:file"), el("a", rel.rsplit("/", 1)[1], href=up + rel))]
        body = [el("h2", t("cal:title"), id="subscribe"), el("p", intro)]
        if base is None:
            return join([*body, el("ul", links), el("p", t("cal:no_base_url"), class_="note")])
        from nmx.render.qr import qr_svg

        url = base + rel
        links += [el("li", t("cal:url"), el("a", url, href=url)),
                  el("li", el("a", t("cal:webcal"), href="webcal://" + url.split("://", 1)[1]))]
        figure = el("figure", qr_svg(url), el("figcaption", t("cal:qr_caption")), class_="qr")
        return join([*body, el("ul", links), figure])


class _Build:
    """What the calendars of one build share: each event's content hash and text, made once for
    all the calendars that hold it, and the state the next build reads, written as they come."""

    def __init__(self, previous: State | None = None) -> None:
        self.previous = State() if previous is None else previous  # the last build's, once read
        self._contents: dict = {}  # event content → (its hash, its iCalendar text: render.ics.event_text)
        self._bodies: dict = {}  # content hash → content (Event.content()): what the state remembers
        self._lines: dict = {}  # what render.ics.content_text keeps of the texts' lines
        self._remembered: list[bytes] = []  # each calendar's part of the state, as JSON

    def calendar(self, name: str, feeds, unit) -> Parts:
        """The calendar file `name` of the unit's feed (None: the whole plan's), with its history,
        in pieces made as they are written."""
        from nmx.render.ics import END, calendar_head, event_text, vevent_parts
        from nmx.views.feed import scoped_uids

        kept = feeds.events(unit)
        befores, afters, digests, texts = zip(*kept) if kept else ((), (), (), ())
        uids = scoped_uids(befores, afters, "*" if unit is None else unit.id)
        old = self._unbuilt.pop(name, None)  # each calendar is built once: what it remembered is let go after
        sequences = old.unchanged(uids, digests) if type(old) is Written else None
        if sequences is not None:  # the calendar's events as the last build left them: its part of the state too
            gone, members = [], old.text
        else:
            last = State({} if old is None else {name: old.parsed() if type(old) is Written else old},
                         self.previous.events)
            sequences, gone, remembered = history(uids, digests, last, name)
            for event in gone:
                digest = remembered[event.uid][0]
                self._bodies.setdefault(digest, self.previous.events[digest].content())
            members = remembered_json(remembered)
        self._remembered.append(f"{_json(name)}:{{{members}}}".encode())
        del old, members
        head = feeds.head(unit)
        body = vevent_parts(head.stamp, [*uids, *(e.uid for e in gone)], [*sequences, *(e.sequence for e in gone)],
                            [False] * len(uids) + [True] * len(gone), [*texts, *(event_text(e, {}) for e in gone)])
        first = calendar_head(replace(head, refresh=REFRESH))
        return Parts(len(first) + body.size + len(END), lambda: chain((first,), body, (END,)))

    @property
    def previous(self) -> State:
        """The last build's state but for its calendars' parts, which are taken as they are built."""
        return self._previous

    @previous.setter
    def previous(self, state: State) -> None:
        # the calendars of `state` not built yet: held only here (`state` itself is not changed), so
        # that each part is let go once its calendar is built (a 10,000-task plan's are 66 MB)
        self._unbuilt = dict(state.calendars)
        self._previous = State({}, state.events)

    def keep(self, made) -> tuple[bytes, bytes, str, bytes]:
        """What the calendars keep of an event (`Feeds`' keep): the parts of its UID around the
        scope (UTF-8), its content's hash and its text; a content is hashed and written once."""
        from nmx.render.ics import content_text

        content = made.event.content()
        found = self._contents.get(content)
        if found is None:
            digest = content_hash(content)
            self._bodies.setdefault(digest, content)
            found = self._contents[content] = (digest, content_text(content, self._lines))
        return made.before.encode(), made.after.encode(), *found

    def state(self) -> list[bytes]:
        """The state as JSON (docs/commands.md, "nmx report"), in parts: the same state, the same bytes."""
        from itertools import islice

        from nmx.safetext import json_safe

        self._contents.clear()  # every calendar is built: their events' texts are let go first
        self._lines.clear()
        parts = [f'{{"format":{_json(FORMAT)},"version":{VERSION},"calendars":{{'.encode("ascii")]
        for n, remembered in enumerate(self._remembered):
            parts += (b",", remembered) if n else (remembered,)
        parts.append(b'},"events":{')
        # the events object in pieces of a few hundred members, each written by json.dumps as the whole
        # object's would be: the whole as one str (UCS-2 for its Chinese) was twice its bytes again at once
        bodies, sep = iter(self._bodies.items()), b""
        while chunk := list(islice(bodies, _STATE_CHUNK)):
            members = _json({digest: {"start": start.isoformat(), "end": end.isoformat(), "rule": rule,
                                      "summary": summary, "description": description, "category": category}
                             for digest, (start, end, rule, summary, description, category, _) in chunk})[1:-1]
            parts.append(sep + json_safe(members).encode("utf-8"))
            sep = b","
        parts.append(b"}}\n")
        return parts


# --- SEQUENCE and STATUS from the last build -------------------------------------------------------
def history(uids: Sequence[str], digests: Sequence[str], previous: State, name: str) -> tuple[list[int], list, dict]:
    """The SEQUENCE of each event of calendar `name` (its UIDs and content hashes, in order),
    then the cancelled events that the last build's state remembers and the plan no longer has,
    and what the next build's state remembers of the calendar: uid → (hash, SEQUENCE, cancelled)."""
    old = previous.calendars.get(name)
    if not old:
        return [0] * len(uids), [], {uid: (digest, 0, False) for uid, digest in zip(uids, digests)}
    sequences, kept = [], {}
    for uid, digest in zip(uids, digests):
        before = old.get(uid)
        sequence = 0 if before is None else before[1] + (len(before) == 3 or before[0] != digest)
        sequences.append(sequence)
        kept[uid] = (digest, sequence, False)
    gone = []
    for uid, before in old.items():
        if uid in kept:
            continue
        body = previous.events[before[0]]
        sequence = before[1] if len(before) == 3 else before[1] + 1
        gone.append(replace(body, uid=uid, sequence=sequence, cancelled=True, alarm=None,
                            summary=t("cal:cancelled_summary", summary=body.summary),
                            description=f"{t('cal:cancelled_note')}\n{body.description}"))
        kept[uid] = (before[0], sequence, True)
    return sequences, gone, kept


_JSON_SPECIAL = re.compile(r'[\x00-\x1f"\\\x7f-\x9f]')  # what json.dumps or json_safe would escape


def remembered_json(kept: dict) -> str:
    """`kept` (what `history` returns last) as the members of a JSON object, as json.dumps writes
    them (and `json_safe`): written directly when no UID needs escaping (the feed's own never do)."""
    from nmx.safetext import json_safe

    if _JSON_SPECIAL.search("".join(kept)):
        return json_safe(_json({uid: [digest, sequence, "cancelled"] if gone else [digest, sequence]
                                for uid, (digest, sequence, gone) in kept.items()})[1:-1])
    return ",".join([f'"{uid}":["{digest}",{sequence},"cancelled"]' if gone else f'"{uid}":["{digest}",{sequence}]'
                     for uid, (digest, sequence, gone) in kept.items()])


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def content_hash(content: tuple) -> str:
    """A short hash of an event's content (Event.content()): equal contents, equal hashes. It hashes
    json.dumps([start, end, rule, summary, description, category, null | [trigger seconds, text]],
    ensure_ascii=False), written here with json's own string and float writing (its encoder's
    Python layer costs more than the hash for the 76,000 contents of a 10,000-task plan)."""
    start, end, rule, summary, description, category, alarm = content
    text = json.encoder.encode_basestring
    reminder = "null" if alarm is None else f"[{float.__repr__(alarm.trigger.total_seconds())}, {text(alarm.description)}]"
    doc = (f"[{text(start.isoformat())}, {text(end.isoformat())}, {'null' if rule is None else text(rule)}, "
           f"{text(summary)}, {text(description)}, {text(category)}, {reminder}]")
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()[:16]


# --- reading the last build's state, trusting nothing --------------------------------------------
class _Unusable(Exception):
    pass


def read_state(folder: Path | None, limit: int) -> tuple[State, str | None]:
    """The state the build in `folder` left, or an empty one; and, when there was one that
    cannot be used, the warning that says so."""
    from nmx.fileio import display, read_input
    from nmx.handouts.publish import own_file

    path = own_file(folder, STATE) if folder is not None and folder.is_dir() else None
    if path is None:
        return State(), None
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise _Unusable(t("cal:state_not_file"))
        if info.st_size > limit:
            raise _Unusable(t("cal:state_too_large", size=info.st_size, limit=limit))
        raw = read_input(path, limit=limit) or b""  # its own limit, not NMX_MAX_FILE_MB's (a large plan's
        # state is over 1 GB: under that general cap, its history would be lost at every build)
        try:
            state = _written_state(raw)
            if state is not None:  # as nmx wrote it: its calendars' parts are read as they are built
                return state, None
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _Unusable(t("cal:state_not_json")) from None
        return parse_state(doc), None
    except _Unusable as exc:
        reason = str(exc)
    except OSError as exc:
        reason = exc.strerror or str(exc)
    except UsageError as exc:
        reason = exc.message
    return State(), t("cal:state_ignored", path=display(path), reason=reason)


# --- the state as nmx writes it, read without making an object per remembered event ---------------
_HEAD = f'{{"format":{json.dumps(FORMAT)},"version":{VERSION},"calendars":{{'.encode("ascii")
_ENTRY = r'"[0-9a-f]{24}@nmx":\["[0-9a-f]{16}",(?:0|[1-9][0-9]{0,9})(?:,"cancelled")?\]'
_PART = re.compile(rf'"({_CALENDAR.pattern})":\{{((?:{_ENTRY}(?:,{_ENTRY})*)?)\}}'.encode("ascii"))
_EVENTS = b'},"events":'
_DIGESTS = re.compile(r'\["([0-9a-f]{16})"')
_LONG_SEQUENCE = re.compile(rb'",[0-9]{10}')  # might be over MAX_SEQUENCE: left to parse_state
_SEQUENCES = re.compile(r'",([0-9]+)\]')


class Written:
    """One calendar's part of a state file exactly as nmx writes it (`remembered_json`, UIDs as
    the feed makes them): kept as text until its calendar is built, when the events the plan
    still has, unchanged, are compared with it in one piece; anything else is read from it then."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def unchanged(self, uids: Sequence[str], digests: Sequence[str]) -> list[int] | None:
        """The SEQUENCE of each event when the calendar remembers exactly these events, with these
        contents, none cancelled (what `history` would find: nothing gone, every SEQUENCE kept,
        and this same text to remember); else None."""
        text = self.text
        if len(set(uids)) != len(uids):
            return None
        zero = text.count('",0]') == len(uids)  # every SEQUENCE 0 (a calendar no build has changed): no search
        if zero:
            sequences = ["0"] * len(uids)
        elif '"cancelled"' in text:
            return None
        else:
            sequences = _SEQUENCES.findall(text)
            if len(sequences) != len(uids):
                return None
        if ",".join([f'"{uid}":["{digest}",{n}]' for uid, digest, n in zip(uids, digests, sequences)]) != text:
            return None
        return [0] * len(uids) if zero else list(map(int, sequences))

    def parsed(self) -> dict[str, list]:
        """uid → [hash, sequence(, "cancelled")], as json.loads reads the part (`parse_state`)."""
        return json.loads(f"{{{self.text}}}")


def _written_state(raw: bytes) -> State | None:
    """The state when the file's bytes `raw` are one as nmx writes it, read as
    `parse_state(json.loads(raw))` would read it but for each calendar's part, kept as `Written`;
    None when it is not, or when anything in it is not sound (parse_state then finds what).

    The calendars' parts (ASCII, most of a large state) are matched in the bytes and only the
    events are decoded: the whole file as one str (UCS-2 for its Chinese texts) was twice its
    size again at once (a 10,000-task plan's state is 100 MB)."""
    if not raw.startswith(_HEAD):
        return None
    pos, parts, digests = len(_HEAD), {}, set()
    while not raw.startswith(_EVENTS, pos):
        if parts and not raw.startswith(b",", pos):
            return None
        found = _PART.match(raw, pos + bool(parts))
        if found is None:
            return None
        text = found.group(2).decode("ascii")
        parts[found.group(1).decode("ascii")] = Written(text)  # a name twice: the last
        digests.update(_DIGESTS.findall(text))  # a part at a time: all 1.27 million at once were 90 MB more
        pos = found.end()
    calendars = memoryview(raw)[len(_HEAD):pos]
    try:
        tail = raw[pos + len(_EVENTS):].decode("utf-8")
        events, end = json.JSONDecoder().raw_decode(tail)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(events, dict) or tail[end:].strip(" \t\n\r") != "}" or _LONG_SEQUENCE.search(calendars):
        return None
    del tail
    try:
        state = State(events=_events(events))
    except _Unusable:
        return None
    if not digests <= state.events.keys():
        return None
    state.calendars.update(parts)
    return state


def parse_state(doc: object) -> State:
    """A state from its JSON document; _Unusable when anything in it is not as nmx writes it."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise _Unusable(t("cal:state_not_ours"))
    calendars, events = doc.get("calendars"), doc.get("events")
    if not isinstance(calendars, dict) or not isinstance(events, dict):
        raise _Unusable(t("cal:state_shape", what="calendars/events"))
    state = State(events=_events(events))
    for name, remembered in calendars.items():
        if not isinstance(remembered, dict):
            raise _Unusable(t("cal:state_shape", what=_shown(name)))
        _checked(_CALENDAR, name, "calendars")
        if not _all_sound(remembered, state.events):
            for uid, entry in remembered.items():  # the first fault, as one entry after another finds it
                _checked(_UID, uid, name)
                _remembered(entry, state.events, name)
            raise AssertionError(f"_all_sound refused the sound calendar {name!r}")  # a bug: the two disagree
        state.calendars[name] = remembered
    return state


_UIDS = re.compile(r"[\x21-\x7e]*")


def _all_sound(remembered: dict, events: dict) -> bool:
    """Whether every UID and entry of a calendar's part of the state is as `_checked(_UID, …)` and
    `_remembered` want them, asked of all at once (one calendar of a large plan remembers thousands)."""
    from operator import itemgetter

    uids, entries = remembered.keys(), list(remembered.values())
    if not uids:
        return True
    if min(map(len, uids)) < 1 or max(map(len, uids)) > 200 or not _UIDS.fullmatch("".join(uids)):
        return False
    if set(map(type, entries)) != {list} or not set(map(len, entries)) <= {2, 3}:
        return False
    sequences = list(map(itemgetter(1), entries))
    if set(map(type, sequences)) != {int} or min(sequences) < 0 or max(sequences) > MAX_SEQUENCE:
        return False
    try:
        if not set(map(itemgetter(0), entries)) <= events.keys():  # events' keys are checked hashes
            return False
    except TypeError:  # a digest that is a list or an object
        return False
    return all(entry[2] == "cancelled" for entry in entries if len(entry) == 3)


def _events(events: dict) -> dict:
    """content hash → Event of a state's events; _Unusable at the first that is not sound."""
    found = _all_events(events)
    if found is None:  # the first fault, as one event after another finds it
        found = {_checked(_HASH, h, "events"): _event(e) for h, e in events.items()}
    return found


_HASHES = re.compile(r"[0-9a-f]*")
#: What a state remembers of an event, in the order Event takes it (after its uid).
_EVENT_KEYS = ("start", "end", "rule", "summary", "description", "category")
_EVENT_FIELDS = operator.itemgetter(*_EVENT_KEYS)


def _all_events(events: dict) -> dict | None:
    """The events as `_checked(_HASH, …)` and `_event` make them, when every one is sound, checked
    all at once (a large plan's state remembers some 76,000); None when any is not."""
    from nmx.plan.models import EARLIEST, LATEST
    from nmx.safetext import first_control
    from nmx.views.feed import Event

    hashes, bodies = list(events), list(events.values())
    if not bodies:
        return {}
    if set(map(type, hashes)) != {str} or set(map(len, hashes)) != {16} or not _HASHES.fullmatch("".join(hashes)):
        return None
    keys = set(_EVENT_KEYS)
    if set(map(type, bodies)) != {dict} or any(body.keys() != keys for body in bodies):
        return None
    starts, ends, rules, summaries, descriptions, categories = zip(*map(_EVENT_FIELDS, bodies))
    texts = summaries + descriptions + categories
    if set(map(type, texts)) != {str} or max(map(len, texts)) > _MAX_TEXT:
        return None
    joined = "".join(texts)
    if "\r" in joined or first_control(joined) is not None:
        return None
    if not set(map(type, starts)) | set(map(type, ends)) <= {str}:
        return None
    try:
        starts, ends = list(map(dt.date.fromisoformat, starts)), list(map(dt.date.fromisoformat, ends))
    except ValueError:
        return None
    if min(starts) < EARLIEST or max(ends) > LATEST or not all(map(operator.lt, starts, ends)):
        return None
    try:
        distinct = set(rules)
    except TypeError:  # a rule that is a list or an object
        return None
    if not all(rule is None or (type(rule) is str and _RULE.fullmatch(rule) and _rule_reads(rule)) for rule in distinct):
        return None
    return {h: Event("", *fields) for h, fields in zip(hashes, zip(starts, ends, rules, summaries, descriptions, categories))}


def _remembered(entry: object, events: dict, where: str) -> None:
    if not isinstance(entry, list) or len(entry) not in (2, 3) or (len(entry) == 3 and entry[2] != "cancelled"):
        raise _Unusable(t("cal:state_shape", what=_shown(where)))
    digest, sequence = entry[0], entry[1]
    if not isinstance(digest, str) or digest not in events:
        raise _Unusable(t("cal:state_shape", what=_shown(where)))
    if type(sequence) is not int or not 0 <= sequence <= MAX_SEQUENCE:
        raise _Unusable(t("cal:state_sequence", where=_shown(where)))


def _event(body: object):
    from nmx.plan.models import EARLIEST, LATEST
    from nmx.safetext import first_control
    from nmx.views.feed import Event

    if not isinstance(body, dict) or set(body) != set(_EVENT_KEYS):
        raise _Unusable(t("cal:state_shape", what="events"))
    try:
        start, end = dt.date.fromisoformat(body["start"]), dt.date.fromisoformat(body["end"])
    except (TypeError, ValueError):
        raise _Unusable(t("cal:state_shape", what="events")) from None
    if not EARLIEST <= start < end <= LATEST:
        raise _Unusable(t("cal:state_shape", what="events"))
    texts = [body["summary"], body["description"], body["category"]]
    if any(not isinstance(x, str) or len(x) > _MAX_TEXT or first_control(x) is not None or "\r" in x for x in texts):
        raise _Unusable(t("cal:state_shape", what="events"))
    rule = body["rule"]
    if rule is not None and not (isinstance(rule, str) and _RULE.fullmatch(rule) and _rule_reads(rule)):
        raise _Unusable(t("cal:state_shape", what="events"))
    return Event("", start, end, rule, *texts)


@lru_cache(maxsize=1 << 12)  # a large plan's events share a few thousand rules
def _rule_reads(rule: str) -> bool:
    from icalendar import vRecur

    try:
        vRecur.from_ical(rule)
    except Exception:  # noqa: BLE001 - whatever icalendar makes of it, the state is not nmx's
        return False
    return True


def _checked(pattern: re.Pattern, value: object, where: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _Unusable(t("cal:state_shape", what=_shown(where)))
    return value


def _shown(value: object) -> str:
    return repr(value)[:40] if not isinstance(value, str) else value[:40]


# --- the --base-url option ----------------------------------------------------------------------
def check_base_url(value: str) -> str:
    """The address the site is published at, as the links start: http(s), a host, no user
    name, query or fragment, ending with "/" (added when missing). UsageError otherwise."""
    from urllib.parse import urlsplit

    bad = UsageError(t("cal:bad_base_url", url=value[:80]), hint=t("cal:base_url_hint"))
    if len(value) > MAX_BASE_URL:
        raise UsageError(t("cal:base_url_long", n=MAX_BASE_URL))
    if re.search(r'[\x00-\x20\x7f-\x9f"<>\\^`{|}]', value):
        raise bad
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise bad from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc \
            or parts.query or parts.fragment or value.endswith(("?", "#")):
        raise bad
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme.lower()}://{parts.netloc}{path}"
