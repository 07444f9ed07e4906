"""Date phrases of a plan's text, read into draft schedules (each one to be reviewed).

What is recognised, in this order (a phrase is read once: 每季度第二个月 is not also 每季度):

- 每季度第N个月 — a window, the N-th month of each quarter;
- 每月至少N次 — a quota of N a month;
- 每月 / 每季度 / 每半年 / 每年 — a window of that span (每半年: the first month of each half);
- 次月N日前 — a deadline the N-th of the month after the window before it (undated without one);
- N月N日前 — a one-off due that day of the plan's year; 年底前 — due 31 December;
- 不定期 — irregular; 常态化 / 长期坚持 — standing.

Every schedule carries the phrase it came from (`note`, `needs_review`) and its clause (`source`).
"""

from __future__ import annotations

import re

from nmx.lazyclass import dataclass

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_N = r"(\d+|[一二两三四五六七八九十]+)"


def number(text: str) -> int:
    """1–99 written in digits or Chinese numerals (十二, 二十, 三十一)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return _DIGITS[text]


@dataclass(frozen=True)
class Phrase:
    kind: str    # window, deadline, quota, once, standing, irregular
    phrase: str  # as written
    at: int      # where in the text
    fields: dict


_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"每季度第{_N}个?月"), "quarter_month"),
    (re.compile(rf"每月至少(?:完成|开展|报送)?{_N}次"), "monthly_quota"),
    (re.compile(rf"次月{_N}日前"), "next_month"),
    (re.compile(rf"{_N}月{_N}日[前之]"), "date"),
    (re.compile(r"年底前|年末前"), "year_end"),
    (re.compile(r"不定期"), "irregular"),
    (re.compile(r"常态化|长期坚持"), "standing"),
    (re.compile(r"每半年"), "half_year"),
    (re.compile(r"每季度"), "quarter"),
    (re.compile(r"每月"), "month"),
    (re.compile(r"每年"), "year"),
]


def phrases(text: str, year: int) -> list[Phrase]:
    """The date phrases of `text`, in the order they are written."""
    taken: list[tuple[int, int]] = []
    found: list[Phrase] = []
    for pattern, name in _PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            phrase = _read(name, m, year)
            if phrase is not None:
                taken.append((m.start(), m.end()))
                found.append(phrase)
    return sorted(found, key=lambda p: p.at)


def _read(name: str, m: re.Match, year: int) -> Phrase | None:
    text, at = m.group(0), m.start()
    if name == "quarter_month":
        n = number(m.group(1))
        if not 1 <= n <= 3:
            return None
        months = ",".join(str(q * 3 + n) for q in range(4))
        return Phrase("window", text, at, {"rrule": f"FREQ=MONTHLY;BYMONTH={months};BYMONTHDAY=1", "span": "month"})
    if name == "monthly_quota":
        return Phrase("quota", text, at, {"rrule": "FREQ=MONTHLY;BYMONTHDAY=1", "span": "month",
                                          "count": number(m.group(1))})
    if name == "next_month":
        day = number(m.group(1))
        return Phrase("deadline", text, at, {"due": {"months": 1, "day": day}}) if 1 <= day <= 28 else None
    if name == "date":
        import datetime as dt

        try:
            return Phrase("once", text, at, {"date": dt.date(year, number(m.group(1)), number(m.group(2)))})
        except ValueError:
            return None
    if name == "year_end":
        import datetime as dt

        return Phrase("once", text, at, {"date": dt.date(year, 12, 31)})
    if name in ("irregular", "standing"):
        return Phrase(name, text, at, {})
    spans = {"half_year": ("FREQ=MONTHLY;BYMONTH=1,7;BYMONTHDAY=1", "quarter"),
             "quarter": ("FREQ=MONTHLY;BYMONTH=1,4,7,10;BYMONTHDAY=1", "quarter"),
             "month": ("FREQ=MONTHLY;BYMONTHDAY=1", "month"),
             "year": ("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1", "year")}
    rrule, span = spans[name]
    return Phrase("window", text, at, {"rrule": rrule, "span": span})


def sentence(text: str, at: int) -> str:
    """The sentence of `text` around position `at` (what a schedule does), without its end mark."""
    start = max(text.rfind(mark, 0, at) for mark in "。；！？\n") + 1
    ends = [i for i in (text.find(mark, at) for mark in "。；！？\n") if i >= 0]
    return text[start:min(ends) if ends else len(text)].strip(" ，,")


def schedules(text: str, year: int, source: str, review: str) -> list[dict]:
    """Draft schedule entries (as YAML data) for the date phrases of `text`; `review` formats the
    needs_review text from the phrase (`review.format(phrase=...)`)."""
    out: list[dict] = []
    last_window: str | None = None
    for n, p in enumerate(phrases(text, year), start=1):
        entry: dict = {"id": f"d{n}", "kind": p.kind, "what": sentence(text, p.at) or p.phrase, "label": p.phrase}
        if p.kind == "deadline":
            if last_window is None:
                entry["kind"] = "undated"
                entry.update(source=source, note=p.phrase, needs_review=review["alone"].format(phrase=p.phrase))
                out.append(entry)
                continue
            entry["after"] = last_window
        entry.update(p.fields)
        entry.update(source=source, note=p.phrase, needs_review=review["phrase"].format(phrase=p.phrase))
        if p.kind == "window":
            last_window = entry["id"]
        out.append(entry)
    return out
