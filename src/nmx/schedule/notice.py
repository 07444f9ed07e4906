"""A holidays.yaml drafted from the text of the State Council's notice (`nmx holidays --from-text`).

The notices (国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号 …) state each
holiday in one numbered paragraph, in a handful of regular sentences:

    一、元旦：1月1日（周三）放假1天，不调休。
    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
    五、端午节：6月10日放假，与周末连休。
    六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
    一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。

A range's end inherits the start's year and month when it leaves them out; a parenthesis
(weekday, lunar date) is skipped; "与周末连休" adds the adjacent weekend days; a sentence ending
in 上班 lists make-up workdays; other sentences (鼓励……休息) are advice and are left out. Days
outside the year (2022年12月31日 in the 2023 notice) belong to the previous year's calendar and are
left out, with a comment. What the text does not say plainly is reported, not guessed: the draft
is for a person to check against the notice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field

from nmx.lazyclass import dataclass

_NUM = "一二三四五六七八九十"
_PARA = re.compile(rf"(?:^|\n|\s)[{_NUM}]+、\s*([^：:\n]+?)[：:](.*?)(?=(?:\n|\s)[{_NUM}]+、|\Z)", re.S)
_DATE = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"
_PAREN = r"(?:（[^）]*）|\([^)]*\))?"
_OFF = re.compile(rf"{_DATE}{_PAREN}(?:至{_DATE}{_PAREN})?放假")
_ONE = re.compile(_DATE)
_DAYS = re.compile(r"共(\d+)天")
_TITLE = re.compile(r"国务院办公厅关于\s*\d{4}\s*年部分节假日安排的通知")
_NUMBER = re.compile(r"国办发明电〔\d{4}〕\d+号")


@dataclass
class DraftHoliday:
    name: str
    off: list[dt.date] = field(default_factory=list)
    work: list[dt.date] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass
class Draft:
    year: int
    source: str | None
    holidays: list[DraftHoliday]
    unread: list[str]  # sentences with a date that were not understood
    notice_year: int | None = None  # the year the notice's title names

def _day(year: int, y: str | None, m: str | None, d: str, default_month: int | None) -> dt.date:
    month = int(m) if m else default_month
    if month is None:
        raise ValueError("no month")
    return dt.date(int(y) if y else year, month, int(d))


def parse_notice(text: str, year: int) -> Draft:
    text = text.replace("\r\n", "\n").replace("\u3000", " ")
    title, number = _TITLE.search(text), _NUMBER.search(text)
    source = "".join(x for x in (title and re.sub(r"\s+", "", title.group(0)),
                                  number and f"（{number.group(0)}）") if x) or None
    holidays, unread = [], []
    for para in _PARA.finditer(text):
        name = re.sub(r"\s+", "", para.group(1))
        body = para.group(2)
        if not _ONE.search(body):
            continue
        h = DraftHoliday(name)
        for sentence in (s.strip() for s in re.split(r"[。；;]", body)):
            if not sentence or not _ONE.search(sentence):
                continue
            try:
                if "放假" in sentence and (m := _OFF.search(sentence)):
                    _read_off(h, m, sentence, year)
                elif re.search(r"上班\s*$", sentence):
                    month = None
                    for d in _ONE.finditer(re.sub(r"（[^）]*）|\([^)]*\)", "", sentence)):
                        day = _day(year, d.group(1), d.group(2), d.group(3), month)
                        month = day.month
                        h.work.append(day)
                elif "上班" in sentence or "放假" in sentence:
                    unread.append(f"{name}：{sentence}")
            except ValueError:
                unread.append(f"{name}：{sentence}")
        for key in ("off", "work"):
            days = getattr(h, key)
            outside = [d for d in days if d.year != year]
            if outside:
                h.comments.append(f"通知中的 {'、'.join(map(str, outside))} 不在 {year} 年，属上一年/下一年的安排，未列入")
            setattr(h, key, sorted({d for d in days if d.year == year}))
        holidays.append(h)
    named = re.search(r"(\d{4})\s*年", title.group(0)) if title else None
    return Draft(year, source, holidays, unread, int(named.group(1)) if named else None)


def _read_off(h: DraftHoliday, m: re.Match, sentence: str, year: int) -> None:
    start = _day(year, m.group(1), m.group(2), m.group(3), None)
    end = start
    if m.group(6):
        end = _day(int(m.group(4)) if m.group(4) else start.year, m.group(4), m.group(5), m.group(6), start.month)
    if end < start:
        raise ValueError("range ends before it starts")
    days = [start + dt.timedelta(n) for n in range((end - start).days + 1)]
    if "与周末连休" in sentence:  # the weekend days beside it are part of the holiday
        before, after = start - dt.timedelta(1), end + dt.timedelta(1)
        while before.weekday() >= 5:
            days.insert(0, before)
            before -= dt.timedelta(1)
        while after.weekday() >= 5:
            days.append(after)
            after += dt.timedelta(1)
    stated = _DAYS.search(sentence)
    if stated and int(stated.group(1)) != len(days):
        h.comments.append(f"通知写“共{stated.group(1)}天”，读出 {len(days)} 天：请核对")
    h.off.extend(days)


def to_yaml(draft: Draft, status: str, origin: str) -> str:
    """The draft as holidays.yaml text, with comments for what to check."""
    lines = [f"# 由 nmx holidays {draft.year} --from-text {origin} 起草：请对照通知原文核对后再改 status",
             f"year: {draft.year}",
             f"source: {_quote(draft.source or '（请填写通知标题和文号）')}",
             f"status: {status}  # provisional | official",
             "holidays:" if draft.holidays else "holidays: []"]
    for text in draft.unread:
        lines.insert(1, f"# 未读懂、未写入：{text}")
    for h in draft.holidays:
        for c in h.comments:
            lines.append(f"  # {c}")
        lines.append(f"  - name: {_quote(h.name)}")
        lines.append(f"    off: [{', '.join(d.isoformat() for d in h.off)}]")
        lines.append(f"    work: [{', '.join(d.isoformat() for d in h.work)}]")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
