"""Where a line of Chinese (or mixed) text may break, and greedy wrapping at those points.

Rules, in the spirit of the Chinese line-breaking rules (避头尾) and for the data nmx shows:

- Closing and pausing punctuation never starts a line: `）」》、，。；：！？…` and their ASCII kin
  stay with the character before them; opening brackets `（「《“` never end one.
- Dates, numbers, ids and counts are one piece: `2023-07-05`, `05-01—05-31`, `M3/special_reports`,
  `0/2`, `32个单位`, `3 项`, `222 天`. A count after a short label stays with it (`逾期 26`).
- A clause of the plan is one piece (`四（二）`); a number stays with the character before it.
- Between Chinese characters a line may break anywhere else; between Latin words, at spaces
  (which are dropped at the break).
- A list joined with `、` (unit names) breaks, when it can, only after a `、`: each name whole.

Nothing here knows Rich: widths come from a `measure` function (display cells by default).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

NO_START = frozenset("）)]｝}〕〉》」』】〗〙〛’”｠»、。，,．.：:；;！!？?%‰℃°…·・ー～〜々")
NO_END = frozenset("（([｛{〔〈《「『【〖〘〚‘“｟«")
#: Words that count: after a number they are one piece with it (`32个单位`, `3 项`, `7日`).
COUNTERS = ("个单位", "个工作日", "工作日", "个月", "个", "项", "天", "次", "日", "月", "年", "号", "份", "条", "家",
            "名", "人", "处", "周", "批", "届", "级", "篇", "期", "场", "万", "亿", "%")
LABEL_MAX = 4  # a count glues to the label before it when that label is this many characters or fewer

_NUMBER = r"\d[\d\-./:,]*(?:[—～~]\d[\d\-./:]*)?(?:[ \u00a0]?(?:" + "|".join(map(re.escape, COUNTERS)) + "))?"
_CLAUSE = r"[一二三四五六七八九十]+（[一二三四五六七八九十\d]+）"  # a clause of the plan: 四（二）
_ATOM = re.compile(r"\s+|" + _CLAUSE + r"|(?P<num>" + _NUMBER + r")|[A-Za-z0-9][A-Za-z0-9_\-./:%+#'*&]*|.", re.S)


def display_width(line: str) -> int:
    """Terminal cells `line` takes: wide (CJK) characters count 2."""
    return len(line) if line.isascii() else sum(map(_CHAR_WIDTHS.__getitem__, line))


class _CharWidths(dict):
    """Each character's width, asked of unicodedata once: a 10,000-task plan's workbook measures
    2.5 million characters of 3,000 distinct ones."""

    def __missing__(self, char: str) -> int:
        width = self[char] = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        return width


_CHAR_WIDTHS = _CharWidths()


def _ideograph(atom: str) -> bool:
    return len(atom) == 1 and unicodedata.east_asian_width(atom) in "WF" and atom not in NO_START | NO_END


def pieces(text: str) -> list[str]:
    """`text` (one line) cut where a line may break; a piece after a break point keeps the
    spaces before it (they are dropped when it starts a line)."""
    return list(_pieces(text))


@lru_cache(maxsize=1 << 17)
def _pieces(text: str) -> tuple[str, ...]:
    """`pieces`, found once for each distinct line (a column is measured, then wrapped)."""
    out: list[str] = []
    prev = ""  # the previous non-space atom
    pending_space = ""
    for m in _ATOM.finditer(text):
        atom = m.group()
        if atom.isspace():
            pending_space += atom
            continue
        glue = bool(out) and (atom[0] in NO_START or (prev and prev[-1] in NO_END and not pending_space)
                              or (prev == "—" and atom == "—"))
        if m.group("num") and not pending_space and _ideograph(prev):
            glue = True  # 序号3, 至少2次: a number stays with the character before it
        elif m.group("num") and pending_space and _ideograph(prev):
            # 'label N': the count stays with the short label before it (or its last character)
            run = 0
            while run < len(out) and _ideograph(out[-1 - run].lstrip().lstrip("".join(NO_END))):
                run += 1
                if out[-run][:1].isspace() or out[-run].lstrip()[0] in NO_END:
                    break  # the label starts here
            take = run if run <= LABEL_MAX else min(run, 1)
            if take:
                out[-take:] = ["".join(out[-take:])]
            glue = True
        if glue:
            out[-1] += pending_space + atom
        else:
            out.append(pending_space + atom)
        pending_space = ""
        prev = atom
    if pending_space and out:
        out[-1] += pending_space
    return tuple(out)


def _items(text: str) -> list[list[str]]:
    """A 、-joined list as items, each its pieces; a 、 inside brackets does not end an item."""
    items: list[list[str]] = [[]]
    depth = 0
    for piece in _pieces(text):
        items[-1].append(piece)
        for ch in piece:
            depth += ch in NO_END
            depth -= ch in "）)]｝}〕〉》」』】〗〙〛’”｠»" and depth > 0
        if piece.endswith("、") and depth == 0:
            items.append([])
    return [item for item in items if item]


def min_width(text: str, items: bool = False, measure: Callable[[str], int] = display_width) -> int:
    """The narrowest column `text` fits without breaking a piece (an item, with `items`)."""
    widest = 0
    for line in text.split("\n"):
        units = ["".join(i) for i in _items(line)] if items else _pieces(line)
        widest = max(widest, *(measure(u.strip()) for u in units), 0)
    return widest


def wrap(text: str, width: int, items: bool = False, measure: Callable[[str], int] = display_width) -> list[str]:
    """`text` as lines at most `width` wide, broken only where the rules above allow (a piece
    wider than `width` alone is cut by characters: the caller sizes columns so it never is).
    A line's width is kept as the sum of its pieces' widths, except in a paragraph with a
    zero-width joiner or a variation selector (Rich measures `a + b` across those as one)."""
    width = max(width, 1)
    lines: list[str] = []
    for para in text.split("\n"):
        out: list[str] = []
        cur = ""
        cur_width = 0  # measure(cur)
        joins = "\u200d" in para or "\ufe0f" in para

        def width_with(more: str) -> int:
            return measure(cur + more) if joins else cur_width + measure(more)

        def put(piece: str) -> None:
            nonlocal cur, cur_width
            if cur and width_with(piece.rstrip()) <= width:
                cur_width = width_with(piece)
                cur += piece
                return
            if cur:
                out.append(cur.rstrip())
            piece = piece.lstrip()
            while measure(piece.rstrip()) > width:  # a piece too wide for any line
                cut = _fit(piece, width, measure)
                out.append(piece[:cut])
                piece = piece[cut:]
            cur, cur_width = piece, measure(piece)

        if items:
            for item in _items(para):
                whole = "".join(item)
                if cur and width_with(whole.rstrip()) > width and measure(whole.strip()) <= width:
                    out.append(cur.rstrip())
                    cur, cur_width = "", 0
                for piece in ([whole] if measure(whole.strip()) <= width else item):
                    put(piece)
        else:
            for piece in _pieces(para):
                put(piece)
        out.append(cur.rstrip())
        lines += out
    return lines


def _fit(piece: str, width: int, measure: Callable[[str], int]) -> int:
    n = 1
    while n < len(piece) and measure(piece[: n + 1]) <= width:
        n += 1
    return n
