"""The plan's data model.

These are frozen stdlib dataclasses (no __slots__: unpickling those costs a
fields() call per object) that pydantic validates (see `validation.py`)
with `extra="forbid"`; their methods are written when first used (`nmx.lazyclass`: a
command answered from the cache never constructs, compares or prints most of them).
They are not `BaseModel`s so that a command answering from the validated-plan cache
does not pay for importing pydantic and building its validators: that alone costs more
than the whole command is allowed to take.
"""

from __future__ import annotations

import datetime as _dt
from enum import Enum
from typing import Annotated, Any, Literal, Union

from nmx.lazyclass import dataclass

#: The dates nmx computes with. Python's calendar ends at years 1 and 9999; a window, a
#: deadline a month later or a working day found backwards from a date near either end
#: would leave it. Every date in a plan or given by a user must lie here, so no computation can.
EARLIEST = _dt.date(1900, 1, 1)
LATEST = _dt.date(2999, 12, 31)

_FORBID = {"extra": "forbid", "strict": False, "str_strip_whitespace": False}



def model(cls):  # the shared "base class": one decorator, one config
    cls.__pydantic_config__ = _FORBID
    return dataclass(frozen=True, kw_only=True)(cls)


class UnitKind(str, Enum):
    PARTY = "party"            # 党委及其部门
    GOVERNMENT = "government"  # 市政府部门
    COUNTY = "county"          # 县区人民政府、开发区管委
    MEDIA = "media"            # 新闻媒体
    ENTERPRISE = "enterprise"  # 企业（通信运营商）
    PEOPLE = "people"          # 人民团体
    FINANCE = "finance"        # 金融监管机构、银行
    OFFICE = "office"          # 议事协调机构办公室


class Span(str, Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@model
class Period:
    """The dates a plan covers, both inclusive."""

    start: _dt.date
    end: _dt.date


@model
class Channel:
    """A way of publicising the plan names (三、工作内容)."""

    id: str
    name: str
    text: str
    source: str


@model
class Rule:
    """How nmx reads a kind of clause (who owes a count, what a collective name covers …):
    stated once in the data, shown in the output notes."""

    id: str
    text: str
    source: str | None = None


@model
class Parent:
    """The plan a local plan implements (`nmx subplan`): the parent's document number and title."""

    doc_number: str
    title: str


@model
class PlanMeta:
    """The plan document: title, number, issuer, period, time zone."""

    title: str
    doc_number: str
    issuer: str
    issuer_short: str
    year: int
    period: Period
    timezone: str
    source_document: str
    note: str | None = None
    channels: tuple[Channel, ...] = ()
    rules: tuple[Rule, ...] = ()
    #: A local plan's parent plan (set by `nmx subplan`); its tasks may then `inherit` the parent's.
    parent: Parent | None = None
    #: Set by `nmx import` on a header it drafted (an assumed period, a number not found):
    #: `nmx validate` warns [needs-review] until a person checks it and removes it.
    needs_review: str | None = None


@model
class Relative:
    """A date relative to a window's first day, as dateutil's relativedelta takes it."""

    months: int = 0
    weeks: int = 0
    days: int = 0
    day: int | None = None


@model
class _ScheduleBase:
    """What every schedule entry says: what is done, when in words, for whom.

    `basis` says whether the plan states the date or label (`stated`) or the data assumes
    it (`assumed`, with a `note`): assumed dates are shown marked and never made overdue
    unless `binding`. `same_as` ("M3/special_reports") makes this entry a restatement of
    another clause's obligation (`why` says so): it is counted once, under that entry,
    with the units of both clauses. `owed_by` names who owes a count or a dated delivery
    when it is not every lead unit (see the plan's rule `owed-by`).
    """

    what: str
    label: str
    id: str | None = None
    deliver_to: str | None = None
    source: str | None = None
    note: str | None = None
    basis: Literal["stated", "assumed"] = "stated"
    binding: bool = False
    same_as: str | None = None
    why: str | None = None
    owed_by: tuple[str, ...] | None = None
    #: Set by `nmx import` on what it drafted and could not be sure of (why, and the text it came
    #: from); `nmx validate` warns [needs-review] until a person checks the item and removes it.
    needs_review: str | None = None


@model
class Window(_ScheduleBase):
    """A recurring window: each RRULE occurrence opens one, `span` long."""

    kind: Literal["window"]
    rrule: str
    span: Span


@model
class Deadline(_ScheduleBase):
    """Due a fixed offset after each occurrence of a window in the same task."""

    kind: Literal["deadline"]
    after: str
    due: Relative


@model
class Quota(_ScheduleBase):
    """At least `count` deliveries in each occurrence of a recurring window."""

    kind: Literal["quota"]
    rrule: str
    span: Span
    count: int


@model
class Once(_ScheduleBase):
    """A one-off on a date."""

    kind: Literal["once"]
    date: _dt.date
    start: _dt.date | None = None


@model
class Standing(_ScheduleBase):
    """常态化: in force all period, no date."""

    kind: Literal["standing"]


@model
class Irregular(_ScheduleBase):
    """不定期: happens, but the plan gives no date."""

    kind: Literal["irregular"]


@model
class Undated(_ScheduleBase):
    """A one-off the plan names without a date."""

    kind: Literal["undated"]


class Tagged:
    """`Annotated` metadata: pydantic picks a union's member by the field `tag`, so an
    error names one member instead of seven. Pydantic is imported only when it builds
    its validator, never by a command answered from the cache."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic import Discriminator

        return Discriminator(self.tag).__get_pydantic_core_schema__(source, handler)


Schedule = Union[Window, Deadline, Quota, Once, Standing, Irregular, Undated]
ScheduleField = Annotated[Schedule, Tagged("kind")]
DATED_KINDS = ("window", "deadline", "quota", "once")


@model
class Task:
    """One task of the plan: an annex row (A*), a main task (M*) or a requirement (R*)."""

    id: str
    title: str
    text: str
    source: str
    lead: tuple[str, ...]
    support: tuple[str, ...] = ()
    schedules: tuple[ScheduleField, ...] = ()
    related: tuple[str, ...] = ()
    note: str | None = None
    #: The parent plan's task this one carries out locally (only with `plan.parent`; `nmx subplan`).
    inherits: str | None = None
    #: Set by `nmx import` on what it drafted and could not be sure of (why, and the text it came
    #: from); `nmx validate` warns [needs-review] until a person checks the item and removes it.
    needs_review: str | None = None


@model
class TasksFile:
    """tasks.yaml."""

    plan: PlanMeta
    tasks: tuple[Task, ...]


@model
class Unit:
    """A unit the plan names."""

    id: str
    name: str
    full_name: str
    kind: UnitKind
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    short_name: str | None = None
    division_code: str | None = None
    note: str | None = None
    part_of: str | None = None  # the unit this one sits in (市民生办 in 市发改委): it never reports to it
    #: Set by `nmx import` on what it drafted and could not be sure of (why, and the text it came
    #: from); `nmx validate` warns [needs-review] until a person checks the item and removes it.
    needs_review: str | None = None


@model
class Group:
    """A collective name the plan uses for several units."""

    id: str
    name: str
    members: tuple[str, ...] = ()
    everyone: bool = False
    kinds: tuple[UnitKind, ...] = ()           # every unit of these kinds is a member
    possibly_kinds: tuple[UnitKind, ...] = ()  # units of these kinds: "may apply", never owed
    excluding: tuple[str, ...] = ()
    members_listed: bool = True
    aliases: tuple[str, ...] = ()
    source: str | None = None
    note: str | None = None
    #: Set by `nmx import` on what it drafted and could not be sure of (why, and the text it came
    #: from); `nmx validate` warns [needs-review] until a person checks the item and removes it.
    needs_review: str | None = None


@model
class Action:
    """One of the ten 暖民心行动 and its lead units in 六安."""

    id: str
    name: str
    lead: tuple[str, ...]
    note: str | None = None


@model
class DepartmentsFile:
    """departments.yaml."""

    units: tuple[Unit, ...]
    groups: tuple[Group, ...] = ()
    actions: tuple[Action, ...] = ()
