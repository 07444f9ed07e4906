"""holidays.yaml's model, reading, checks and cache (`nmx.schedule.holidays` is the light part:
the registration and the calendar this process answers for). See that module for the format."""

from __future__ import annotations

import datetime as _dt
from dataclasses import field
from pathlib import Path
from typing import Literal

from nmx.lazyclass import dataclass
from nmx.plan.models import EARLIEST, LATEST, model
from nmx.problems import Problem


#: the names State Council notices give (a joint holiday is written 中秋节、国庆节)
NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


@model
class Holiday:
    """One holiday of the notice: its days off and the weekend days worked instead."""

    name: str
    off: tuple[_dt.date, ...]
    work: tuple[_dt.date, ...] = ()
    note: str | None = None


@model
class HolidaysFile:
    """holidays.yaml."""

    year: int
    source: str  # the notice's title and number
    status: Literal["provisional", "official"]
    holidays: tuple[Holiday, ...] = ()
    note: str | None = None


@dataclass
class HolidaysState:
    """What reading the file gave: the model (None when invalid or absent) and its problems."""

    file: HolidaysFile | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        from nmx.problems import Level

        return [p for p in self.problems if p.level is Level.ERROR]


@dataclass(frozen=True)
class YearCalendar:
    """One year's official days: days off by holiday name, make-up workdays."""

    year: int
    status: str
    source: str
    off: dict[_dt.date, str] = field(default_factory=dict)
    work: frozenset[_dt.date] = frozenset()

    @property
    def provisional(self) -> bool:
        return self.status == "provisional"

    def is_workday(self, day: _dt.date) -> bool:
        return day in self.work or (day.weekday() < 5 and day not in self.off)

    @staticmethod
    def of(f: HolidaysFile) -> YearCalendar:
        off = {d: h.name.split("、")[0] for h in f.holidays for d in h.off}
        return YearCalendar(f.year, f.status, f.source, off, frozenset(d for h in f.holidays for d in h.work))


# --- reading and checking -------------------------------------------------------------------
def validate(raw: bytes, name: str) -> HolidaysState:
    """Every problem in the file's bytes, and its model when it has no error."""
    from nmx.i18n import t
    from nmx.plan.validation import read_document
    from nmx.problems import Level

    doc, f, problems = read_document(raw, name, HolidaysFile)
    if not isinstance(doc.data, dict) and not any(p.level is Level.ERROR for p in problems):
        problems.append(doc.problem((), "holidays-shape", t("hol_shape")))
    if f is not None:
        problems.extend(_checks(doc, f))
    problems.sort(key=lambda p: p.sort_key())
    if any(p.level is Level.ERROR for p in problems):
        f = None
    return HolidaysState(f, tuple(problems))


def _checks(doc, f: HolidaysFile) -> list[Problem]:
    from nmx.i18n import t
    from nmx.problems import Level

    out = []
    if not EARLIEST.year <= f.year <= LATEST.year:
        out.append(doc.problem(("year",), "holiday-year", t("hol_year_range", year=f.year, lo=EARLIEST.year, hi=LATEST.year)))
        return out
    off: dict[_dt.date, tuple] = {}
    work: dict[_dt.date, tuple] = {}
    for i, h in enumerate(f.holidays):
        parts = h.name.split("、")
        if not all(p in NAMES for p in parts):
            out.append(doc.problem(("holidays", i, "name"), "holiday-name",
                                   t("hol_name", name=h.name, names="、".join(NAMES))))
        for key, days, seen in (("off", h.off, off), ("work", h.work, work)):
            for j, d in enumerate(days):
                where = ("holidays", i, key, j)
                if d.year != f.year:
                    out.append(doc.problem(where, "holiday-outside-year", t("hol_outside", day=d, year=f.year)))
                if d in seen:
                    out.append(doc.problem(where, "holiday-duplicate", t("hol_duplicate", day=d), Level.WARNING))
                seen.setdefault(d, where)
                if key == "work" and d.weekday() < 5:
                    out.append(doc.problem(where, "holiday-makeup-weekday", t("hol_makeup_weekday", day=d), Level.WARNING))
    for d, where in work.items():
        if d in off:
            out.append(doc.problem(where, "holiday-off-and-work", t("hol_both", day=d)))
    return out


def read_state(path: Path) -> HolidaysState | None:
    """The file's state (from the cache when these bytes validated before); None when absent."""
    from nmx.fileio import display, read_input
    from nmx.plan import cache

    raw = read_input(path, missing_ok=True)
    if raw is None:
        return None
    name = display(path)
    key = cache.key("holidays", name, raw)
    hit = cache.read(key, HolidaysState)
    if hit is not None:
        return hit
    state = validate(raw, name)
    if not state.errors:
        cache.write(key, state, HolidaysState)
    return state


def disagreements(state: HolidaysState, path: Path) -> list[Problem]:
    """A warning per day where the file and the installed calendar package differ (when it knows the year)."""
    f = state.file
    if f is None or not package_knows(f.year):
        return []
    import chinese_calendar

    from nmx.fileio import display, read_input
    from nmx.i18n import t
    from nmx.plan.yaml_reader import parse
    from nmx.problems import Level

    doc = parse(read_input(path), display(path))  # positions for the days the file lists
    where: dict[_dt.date, tuple] = {}
    for i, h in enumerate(f.holidays):
        for key in ("off", "work"):
            for j, d in enumerate(getattr(h, key)):
                where.setdefault(d, ("holidays", i, key, j))
    cal = YearCalendar.of(f)
    out = []
    day = _dt.date(f.year, 1, 1)
    while day.year == f.year:
        mine, theirs = cal.is_workday(day), chinese_calendar.is_workday(day)
        if mine != theirs:
            out.append(doc.problem(where.get(day, ("holidays",)), "holiday-disagrees",
                                   t("hol_disagrees", day=day, file=t("hol_work" if mine else "hol_off"),
                                     package=t("hol_work" if theirs else "hol_off")), Level.WARNING))
        day += _dt.timedelta(days=1)
    return out


def package_knows(year: int) -> bool:
    """Whether the installed chinesecalendar has `year`'s holidays."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(_dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def problems_of(path: Path) -> list[Problem]:
    """What `nmx validate` finds in holidays.yaml at `path` (nothing when it is absent)."""
    state = read_state(path)
    if state is None:
        return []
    return sorted([*state.problems, *disagreements(state, path)], key=lambda p: p.sort_key())


