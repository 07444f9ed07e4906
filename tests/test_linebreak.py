"""Terminal tables that read: lines break only where Chinese text may (避头尾), never inside a
date, a count, an id or a unit name (issue 12, point 5)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nmx.render.linebreak import display_width, min_width, pieces, wrap

NO_START = "）)，,、。；：！？"


@pytest.mark.parametrize("text, kept", [
    ("完成情况 2023-05-01 至 2023-05-31（截至 2023-06-08）：已完成 0，逾期完成 0，逾期 26",
     ["2023-05-01", "2023-05-31", "截至 2023-06-08）：", "已完成 0，", "逾期完成 0，", "逾期 26"]),
    ("各县区各部门（32个单位）、市开发区管委", ["（32个单位）、"]),
    ("督查清单：26 个单位 148 项逾期未完成", ["26 个单位", "148 项"]),
    ("M3/special_reports：完成专题报道（每月至少2次）", ["M3/special_reports：", "少2次）"]),
    ("日期 05-01—05-31 依据 四（二）", ["05-01—05-31", "四（二）"]),
])
def test_pieces_keep_tokens_whole(text, kept):
    got = pieces(text)
    assert "".join(got) == text
    for token in kept:
        assert any(token in piece for piece in got), (token, got)


TEXT = "高度重视、各司其职、各负其责，把宣传工作抓实抓细抓到位；以市民的知晓率、满意度为检验工作成效的第一标准（贯穿全年（推定））。"


@pytest.mark.parametrize("width", range(min_width(TEXT), 41))
def test_wrap_never_starts_a_line_with_closing_punctuation(width):
    text = TEXT
    lines = wrap(text, width)
    assert "".join(lines) == text
    assert all(display_width(line) <= width for line in lines)
    assert not [line for line in lines if line[0] in NO_START]


def test_wrap_drops_spaces_at_breaks_and_keeps_latin_words():
    lines = wrap("only count the units that lead, not those that support", 16)
    assert lines == ["only count the", "units that lead,", "not those that", "support"]


def test_a_list_breaks_between_names():
    names = "中国电信六安分公司、中国移动六安分公司、中国联通六安分公司"
    assert wrap(names, 24, items=True) == ["中国电信六安分公司、", "中国移动六安分公司、", "中国联通六安分公司"]
    assert min_width(names, items=True) == display_width("中国电信六安分公司、")
    assert min_width(names) == display_width("司、")


def test_a_piece_wider_than_the_line_is_cut_rather_than_lost():
    assert wrap("2023-05-31", 4) == ["2023", "-05-", "31"]


def _greedy(text: str, width: int, items: bool, measure) -> list[str]:
    """What `wrap` promises, measured the slow way: each candidate line measured whole."""
    from nmx.render.linebreak import _fit, _items

    lines: list[str] = []
    for para in text.split("\n"):
        out: list[str] = []
        cur = ""

        def put(piece: str) -> None:
            nonlocal cur
            if cur and measure(cur + piece.rstrip()) <= width:
                cur += piece
                return
            if cur:
                out.append(cur.rstrip())
            piece = piece.lstrip()
            while measure(piece.rstrip()) > width:
                cut = _fit(piece, width, measure)
                out.append(piece[:cut])
                piece = piece[cut:]
            cur = piece

        for item in (_items(para) if items else [[p] for p in pieces(para)]):
            whole = "".join(item)
            if items and cur and measure(cur + whole.rstrip()) > width and measure(whole.strip()) <= width:
                out.append(cur.rstrip())
                cur = ""
            for piece in ([whole] if measure(whole.strip()) <= width else item):
                put(piece)
        out.append(cur.rstrip())
        lines += out
    return lines


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from(list("六安市民生办、（）。，ab 1-2\n") + ["\u200d", "\ufe0f", "👩", "\u0301", "é"]),
                    max_size=40),
       width=st.integers(1, 14), items=st.booleans())
def test_wrap_keeps_a_running_width_yet_breaks_as_measuring_each_line_whole(text, width, items):
    """`wrap` adds pieces' widths instead of measuring each candidate line again; Rich's widths
    do not add up across a joiner or a variation selector, where it measures whole."""
    from rich.cells import cell_len

    assert wrap(text, width, items, measure=cell_len) == _greedy(text, max(width, 1), items, cell_len)
    assert wrap(text, width, items) == _greedy(text, max(width, 1), items, display_width)


# --- the commands, at three widths -------------------------------------------------------------
COMMANDS = [
    ("duties", "市交通运输局"),
    ("status", "--month", "2023-05", "--today", "2023-06-08"),
    ("deadlines", "--month", "2023-05", "--today", "2023-05-10"),
    ("overdue", "--today", "2023-09-10"),
    ("checklist", "-d", "市交通运输局", "-m", "2023-05", "--today", "2023-05-10"),
]
#: What must never be split over two lines: dates, spans, counts, ids, "N个单位", unit names.
TOKENS = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}-\d{2}—\d{2}-\d{2}|\d+ ?个单位|\d+ 天|逾期 \d+|\d+/\d+|[A-Z]\d+/\w+"
                    r"|四（二）|五（[一二三]）|中国(?:电信|移动|联通)六安分公司|皖西日报社|市交通运输局")


def _tokens(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for m in TOKENS.finditer(text):
        found[m.group()] = found.get(m.group(), 0) + 1
    return found


@pytest.fixture(scope="module")
def wide(run):
    """Each command's output on a screen wide enough that nothing wraps."""
    return {args: run(*args, env={"COLUMNS": "400"}).stdout for args in COMMANDS}


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize("args", COMMANDS, ids=[a[0] for a in COMMANDS])
def test_tables_break_lines_only_where_they_may(run, wide, args, columns):
    from rich.cells import cell_len

    result = run(*args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(cell_len(line) <= columns for line in lines), max(lines, key=cell_len)
    starts = [line for line in lines if line.strip() and line.strip()[0] in NO_START]
    assert not starts
    expected = _tokens(wide[args])
    assert expected  # the command shows dates and ids at all
    assert _tokens(result.stdout) == expected


def test_a_narrow_screen_shows_records_rather_than_cut_columns(run):
    out = run("status", "--month", "2023-05", "--today", "2023-06-08", env={"COLUMNS": "60"}).stdout
    assert "截止：2023-05-31" in out and "单位：中国电信六安分公司" in out
    wide = run("status", "--month", "2023-05", "--today", "2023-06-08", env={"COLUMNS": "120"}).stdout
    assert re.search(r"2023-05-31 +中国电信六安分公司 +A14/focus", wide)
