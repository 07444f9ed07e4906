"""The burden the plan puts on each unit: how many deliveries it demands of it, month by month,
and to how many recipients (issue 15 part 5; 基层减负: 多头填报、过度留痕).

A *delivery* is a dated obligation (schedule.engine.Item) that a unit owes — it is among the
item's `owers` (the plan's rule owed-by: organisers and supporting units owe nothing) — and
that hands something over. Which items hand something over is read from the schedule's kind
and its `deliver_to`, never from task ids:

- `deadline` (形成书面报告于次月7日前报送): one delivery;
- `quota` (每月至少完成两次专题报道): `count` deliveries — a quota of 2 is 2;
- `once` (a dated one-off document or product): one delivery;
- `window`: one delivery only when it names a recipient (`deliver_to`); a window without one
  is a period for holding activities (集中宣传月: 策划开展主题宣传活动) and hands nothing over.

Standing, irregular and undated entries have no date, so they cannot weigh on a month: they are
left out (counted in `Burden.undated`). An item whose date the data only assumes
(`Item.counts` False) is never owed: it is listed apart in `Burden.assumptions`.

The month of a delivery is the month of its due day: the report after May's focus month, due
06-07, weighs on June. Its recipient is its `deliver_to` as the plan's unit or group name where
`plan.resolve` finds it, the text as written otherwise, and None (shown 未写明) when the plan
names none; None counts as one recipient.

Flags, both assumptions of nmx's since the plan sets no limit:
- a unit's month with more than `threshold` deliveries (THRESHOLD: 4, about one a week);
- the same thing asked twice: two deliveries of one unit in one month to one recipient, from
  different obligations, whose `what` is near-identical (rapidfuzz ratio ≥ SIMILAR over the text
  without spaces and punctuation); `exact` when the texts are the same (a restatement that the
  obligations merge did not catch).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from dataclasses import field
from functools import lru_cache
from operator import attrgetter

from nmx.lazyclass import dataclass
from nmx.plan.plan import Plan
from nmx.schedule.engine import Item

#: Deliveries in one month above which a unit's month is flagged: nmx's assumption (the plan
#: gives no number). 4 is about one a week; the shipped plan's heaviest month asks 2 of a unit.
THRESHOLD = 4
#: rapidfuzz ratio (0–100) from which two deliveries' `what` count as the same demand: 90 keeps
#: 报送集中宣传月活动总结报告 / 报送集中宣传月总结报告 (91.7) and parts 报送季度工作总结 /
#: 报送年度工作总结 (87.5).
SIMILAR = 90

_HANDS_OVER = ("deadline", "quota", "once")
_ITEM, _RECIPIENT = attrgetter("item"), attrgetter("recipient")


@dataclass(frozen=True, slots=True)
class Delivery:
    """One dated item a unit owes, and whom it goes to (None: the plan names no one)."""

    item: Item
    recipient: str | None

    @property
    def count(self) -> int:
        """A quota's count, else 1."""
        return size(self.item)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """Two deliveries asking one unit for the same thing in one month, to one recipient."""

    first: Delivery
    second: Delivery
    ratio: float
    exact: bool


@dataclass
class MonthBurden:
    """One unit's month: its deliveries (by due day) and what stands out."""

    month: str                                   # "YYYY-MM"
    deliveries: list[Delivery] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    flagged: bool = False
    count: int = 0                               # deliveries: the sum of their counts
    recipients: list[str | None] = field(default_factory=list)  # distinct, by first delivery; None: not stated

    def settle(self, threshold: int, similar: int, plain: dict[str, str]) -> None:
        """Count the month once its deliveries are in, and flag it."""
        self.count = sum(map(size, map(_ITEM, self.deliveries)))  # Delivery.count, without its call
        self.recipients = list(dict.fromkeys(map(_RECIPIENT, self.deliveries)))
        self.flagged = self.count > threshold
        self.duplicates = duplicates(self, similar, plain)


@dataclass
class UnitBurden:
    unit: str                                    # unit id
    months: dict[str, MonthBurden]               # every month of the range, in order

    @property
    def count(self) -> int:
        return sum(m.count for m in self.months.values())

    @property
    def recipients(self) -> list[str | None]:
        return list(dict.fromkeys(r for m in self.months.values() for r in m.recipients))


@dataclass
class Burden:
    start: dt.date
    end: dt.date
    months: list[str]                            # every month of [start, end] inside the plan's period
    units: list[UnitBurden]                      # in plan order
    threshold: int
    similar: int
    assumptions: list[Item]                      # hand-overs whose date is only assumed: never owed
    activities: list[Item]                       # dated windows that hand nothing over (one per obligation)
    undated: int                                 # standing, irregular and undated entries: no month to weigh on
    unlisted: list[str]                          # groups owing deliveries whose members the plan does not list


def hands_over(item: Item) -> bool:
    """Whether a dated item hands something over (the rule above): deadline, quota, once, or a
    window that names its recipient."""
    return item.kind in _HANDS_OVER or (item.kind == "window" and bool(item.deliver_to))


def size(item: Item) -> int:
    """How many deliveries one item is: a quota's count, else 1."""
    return item.count if item.kind == "quota" and item.count else 1


def recipient(plan: Plan, deliver_to: str | None) -> str | None:
    """`deliver_to` as the plan's unit or group name when it resolves, as written otherwise."""
    if not deliver_to or not deliver_to.strip():
        return None
    ref = plan.resolve(deliver_to)
    if ref is None:
        return deliver_to.strip()
    return plan.unit_by_id[ref.id].name if ref.kind == "unit" else plan.group_by_id[ref.id].name


def owing_unlisted(plan: Plan, item: Item) -> list[str]:
    """Groups that owe `item` (its `owed_by`, else its clauses' lead lists) whose members the plan
    does not list: the listed members are all that can be counted."""
    if not item.unlisted:
        return []
    from nmx.plan import obligations

    sched = plan.task_by_id[item.task].schedules[item.index]
    named = sched.owed_by or obligations.names(obligations.obligation(plan, item.task, item.index), "lead")
    refs = [plan.resolve(name) for name in named]
    return [plan.group_by_id[r.id].name for r in refs
            if r is not None and r.kind == "group" and not plan.group_by_id[r.id].members_listed]


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(start: dt.date, end: dt.date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def burden(plan: Plan, start: dt.date, end: dt.date, *, units: set[str] | None = None,
           threshold: int = THRESHOLD, similar: int = SIMILAR, items: list[Item] | None = None) -> Burden:
    """Every unit's (or these units') deliveries due in [start, end], month by month, flagged.

    `items`: engine.items over a range holding [start, end], when the caller has them already."""
    from nmx.schedule import engine

    lo, hi = max(start, plan.meta.period.start), min(end, plan.meta.period.end)
    months = months_between(lo, hi) if lo <= hi else []
    chosen = [u.id for u in plan.units if units is None or u.id in units]
    table = {uid: UnitBurden(uid, {m: MonthBurden(m) for m in months}) for uid in chosen}
    assumptions: list[Item] = []
    activities: dict[tuple[str, int], Item] = {}
    unlisted: dict[str, None] = {}
    names: dict[str | None, str | None] = {}
    # id(owers) → the month → deliveries lists of those in the table: the items, alive here, share owers
    owing_by: dict[int, list[dict[str, list[Delivery]]]] = {}
    lists = {uid: {m: mb.deliveries for m, mb in ub.months.items()} for uid, ub in table.items()}
    month_by: dict[dt.date, str] = {}
    for item in engine.items(plan, start, end) if items is None else items:
        if not start <= item.due <= end:
            continue
        owing = owing_by.get(id(item.owers))
        if owing is None:
            owing = owing_by[id(item.owers)] = [lists[u] for u in item.owers if u in lists]
        if not owing:
            continue
        if not hands_over(item):
            activities.setdefault((item.task, item.index), item)
            continue
        if not item.counts:
            assumptions.append(item)
            continue
        if item.unlisted:
            unlisted.update(dict.fromkeys(owing_unlisted(plan, item)))
        if item.deliver_to not in names:
            names[item.deliver_to] = recipient(plan, item.deliver_to)
        month = month_by.get(item.due) or month_by.setdefault(item.due, month_of(item.due))
        delivery = Delivery(item, names[item.deliver_to])
        for by_month in owing:  # units reached through one group share the record
            by_month[month].append(delivery)
    plain: dict[str, str] = {}
    for ub in table.values():
        for mb in ub.months.values():
            mb.settle(threshold, similar, plain)
    undated = len(engine.undated(plan, units=units))
    return Burden(start, end, months, list(table.values()), threshold, similar, assumptions,
                  list(activities.values()), undated, list(unlisted))


def duplicates(mb: MonthBurden, similar: int, plain: dict[str, str] | None = None) -> list[Duplicate]:
    """Pairs of one month's deliveries, from different obligations, to one recipient, asking
    near-identical things (`plain`: texts already stripped, shared between calls)."""
    plain = {} if plain is None else plain
    if len(mb.deliveries) < 2:
        return []
    cells: dict[str | None, dict[str, list[int]]] = {}  # recipient → plain text → positions in mb.deliveries
    for n, d in enumerate(mb.deliveries):
        what = d.item.what
        text = plain.get(what)
        if text is None:
            text = plain[what] = _plain(what)
        texts = cells.get(d.recipient)
        if texts is None:
            cells[d.recipient] = {text: [n]}
        elif (at := texts.get(text)) is None:
            texts[text] = [n]
        else:
            at.append(n)
    found: list[tuple[int, int, float, bool]] = []
    for texts in cells.values():
        if len(texts) == 1 and len(next(iter(texts.values()))) == 1:
            continue
        for key, positions in texts.items():
            if len(positions) > 1:  # one delivery makes no pair with itself
                found += _pairs(mb, positions, positions, 100.0, True)
        if len(texts) > 1:
            for key, other, ratio in _similar_pairs(list(texts), similar):
                found += _pairs(mb, texts[key], texts[other], round(ratio, 1), False)
    found.sort()  # each pair is found once: the order they are found in does not matter
    return [Duplicate(mb.deliveries[a], mb.deliveries[b], ratio, exact) for a, b, ratio, exact in found]


def _pairs(mb: MonthBurden, left: list[int], right: list[int], ratio: float, exact: bool):
    """(position, position, ratio, exact) of each pair of deliveries from different obligations."""
    items = mb.deliveries
    of = {n: (items[n].item.task, items[n].item.index) for n in (*left, *right)}  # position → its obligation
    if len(set(of.values())) == 1:  # all of one obligation (a weekly one's month): no pair
        return []
    return [(min(a, b), max(a, b), ratio, exact) for a in left for b in right
            if (a < b or left is not right) and a != b and of[a] != of[b]]


def _similar_pairs(keys: list[str], cutoff: int) -> Iterator[tuple[str, str, float]]:
    """(text, other, ratio) of each two of the distinct `keys` whose rapidfuzz ratio is at least
    `cutoff`, once per two. A text is compared only with those no shorter and not too long to
    reach the cutoff: the ratio is 100·(1 − d/(m+n)) with an edit distance d ≥ n − m, so a text
    of m characters reaches it only with one of at most m·(200 − cutoff)/cutoff (a character
    more is compared, for rounding). Two distinct texts of one length m are at least 2 apart
    (d is m + n less twice their common part), so they reach it only where 100·(1 − 1/m) does:
    short texts of one length (报送1203, 报送1207) are not compared. Most texts of a month then
    have no one to be compared with."""
    from bisect import bisect_right

    order = sorted(keys, key=len)
    lengths = list(map(len, order))
    for n, text in enumerate(order):
        m = lengths[n]
        longest = lengths[-1] if cutoff <= 0 else int(m * (200 - cutoff) / cutoff) + 1
        end = bisect_right(lengths, longest, n + 1)
        # its own length's texts only where two of one length can reach the cutoff (room left for rounding)
        first = n + 1 if m and 100 * (m - 1) / m >= cutoff - 1e-6 else bisect_right(lengths, m, n + 1)
        if end > first:
            for other, ratio in _similar(text, order[first:end], cutoff):
                yield text, other, ratio


def _similar(text: str, others: list[str], cutoff: int) -> list[tuple[str, float]]:
    """The texts of `others` whose rapidfuzz ratio with `text` is at least `cutoff` (compared in C)."""
    if not others:
        return []
    extract, ratio = _rapidfuzz()
    return [(choice, score) for choice, score, _ in extract(text, others, scorer=ratio, score_cutoff=cutoff, limit=None)]


@lru_cache(maxsize=1)
def _rapidfuzz():
    """rapidfuzz's extract and ratio, imported on first use (a 10,000-task plan asks 300,000 times)."""
    from rapidfuzz import fuzz, process

    return process.extract, fuzz.ratio


def _plain(text: str) -> str:
    """The text without spaces, punctuation and symbols, full-width forms folded."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c)[0] not in "PZS")
