"""The loader: bytes → text → YAML nodes → plain data with positions, problems collected."""

from __future__ import annotations

import pytest

from nmx.plan import yaml_reader as loader
from nmx.plan.yaml_reader import ALIAS_BUDGET, MAX_DEPTH, parse
from nmx.problems import Level


def _one(raw: bytes) -> tuple[int, int, str, str]:
    doc = parse(raw, "f.yaml")
    assert len(doc.problems) == 1, doc.problems
    p = doc.problems[0]
    assert (p.file, p.level) == ("f.yaml", Level.ERROR)
    return p.line, p.col, p.rule, p.path


def test_data_and_positions() -> None:
    doc = parse("a: 1\nb:\n  - x\n  - {c: 2023-02-03, d: 中文}\n".encode(), "f.yaml")
    assert doc.problems == []
    assert doc.data == {"a": 1, "b": ["x", {"c": "2023-02-03", "d": "中文"}]}  # dates stay text
    assert doc.where(("b",)) == (2, 1)  # a key's position is its key
    assert doc.where(("b", 0)) == (3, 5)
    assert doc.where(("b", 1, "d")) == (4, 21)
    assert doc.where(("b", 1, "zzz", 3)) == (4, 5)  # nearest ancestor that exists
    assert doc.where(()) == (1, 1)
    assert doc.problem(("b", 1, "d"), "r", "m").path == "b[1].d"


def test_bom_is_dropped_and_positions_unchanged() -> None:
    doc = parse(b"\xef\xbb\xbfa: x\nb: y\n", "f.yaml")
    assert (doc.data, doc.problems) == ({"a": "x", "b": "y"}, [])
    assert doc.where(("a",)) == (1, 1)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused(encoding: str) -> None:
    raw = "a: 中文\n".encode(encoding)
    if encoding != "utf-16":
        raw = ("\ufeff" + "a: 中文\n").encode(encoding)
    assert _one(raw)[:3] == (1, 1, "encoding")


def test_gbk_is_named_at_the_first_bad_byte() -> None:
    doc = parse("a: ok\nb: 六安\n".encode("gbk"), "f.yaml")
    assert (doc.problems[0].line, doc.problems[0].col, doc.problems[0].rule) == (2, 4, "encoding")
    assert "GB18030" in doc.problems[0].message and "UTF-8" in doc.problems[0].message


def test_bytes_that_are_no_encoding_at_all() -> None:
    doc = parse(b"a: \xff\xff\n", "f.yaml")
    assert doc.problems[0].rule == "encoding"
    assert "GB18030" not in doc.problems[0].message


@pytest.mark.parametrize(
    "raw, where",
    [
        (b"a: 1\na: 2\n", ((2, 1), "a")),
        (b"x:\n  y: {a: 1, b: 2, a: 3}\n", ((2, 19), "x.y.a")),
        (b"l:\n- {k: 1}\n- {k: 1, k: 2}\n", ((3, 10), "l[1].k")),
    ],
)
def test_duplicate_keys_at_any_depth(raw: bytes, where: tuple) -> None:
    line, col, rule, path = _one(raw)
    assert ((line, col), path, rule) == (*where, "duplicate-key")


def test_duplicate_key_keeps_the_first_value() -> None:
    doc = parse(b"a: 1\na: 2\n", "f.yaml")
    assert doc.data == {"a": 1}


def test_merge_key_is_refused() -> None:
    doc = parse(b"base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert [(p.line, p.col, p.rule) for p in doc.problems] == [(3, 3, "merge-key")]
    assert doc.data["c"] == {"y": 2}  # nothing merged in silently


@pytest.mark.parametrize(
    "value, rule",
    [
        ("!!python/object/apply:os.system [ls]", "tag"),
        ("!!python/name:os.system", "tag"),
        ("!!binary aGk=", "tag"),
        ("!!set {a}", "tag"),
        ("!custom x", "tag"),
        ("no", "yaml11-bool"),
        ("Yes", "yaml11-bool"),
        ("off", "yaml11-bool"),
        ("12:30", "yaml11-sexagesimal"),
        ("010", "yaml11-int"),
        ("0b11", "yaml11-int"),
        ("1_000", "yaml11-int"),
        ("1" * 5000, "bad-number"),
    ],
)
def test_refused_scalars(value: str, rule: str) -> None:
    assert _one(f"k: {value}\n".encode()) == (1, 4, rule, "k")


@pytest.mark.parametrize(
    "value, data",
    [("'no'", "no"), ('"yes"', "yes"), ("true", True), ("False", False), ("7", 7), ("-3", -3),
     ("0x1f", 31), ("1.5", 1.5), ("~", None), ("", None), ("'010'", "010"), ("2023-02-30", "2023-02-30"),
     ("=", "="), ("<<", "<<")],
)
def test_accepted_scalars(value: str, data: object) -> None:
    doc = parse(f"k: {value}\n".encode(), "f.yaml")
    assert (doc.problems, doc.data) == ([], {"k": data})


def _bomb(items: int, uses: int) -> bytes:
    """An anchor of `items` scalars (so 1 + items nodes) expanded `uses` times."""
    return (f"a: &a [{', '.join(['x'] * items)}]\n" + f"b: [{', '.join(['*a'] * uses)}]\n").encode()


def test_alias_budget_is_exact() -> None:
    per_use = 1000  # 999 scalars and their list
    assert parse(_bomb(per_use - 1, ALIAS_BUDGET // per_use), "f.yaml").problems == []
    assert _one(_bomb(per_use - 1, ALIAS_BUDGET // per_use + 1))[:3] == (2, 4, "alias-budget")


def test_billion_laughs_is_refused_fast() -> None:
    import time

    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    raw = ("\n".join(lines) + "\n").encode()
    assert len(raw) < 1024
    start = time.perf_counter()
    line, _, rule, _ = _one(raw)
    assert (line, rule) == (6, "alias-budget")  # f: 9 × 66,430 added nodes passes 100,000
    assert time.perf_counter() - start < 5  # generous: it takes about a millisecond


@pytest.mark.parametrize("raw", [b"a: &x [1, *x]\n", b"a: &x {b: [*x]}\n", b"&x [a, {b: *x}]\n"])
def test_recursive_alias(raw: bytes) -> None:
    assert _one(raw)[2] == "alias-recursive"


def test_shared_anchor_is_fine() -> None:
    doc = parse(b"a: &x [p, q]\nb: *x\nc: *x\n", "f.yaml")
    assert (doc.problems, doc.data) == ([], {"a": ["p", "q"], "b": ["p", "q"], "c": ["p", "q"]})


def test_nesting_depth() -> None:
    ok = "k: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"  # the root mapping is one level
    assert parse(ok.encode(), "f.yaml").problems == []
    deep = "k: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    assert _one(deep.encode())[2] == "nesting-depth"
    block = "".join("  " * i + "k:\n" for i in range(900))  # libyaml's own limit is 1000
    assert _one(block.encode())[2] == "nesting-depth"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"", (1, 1, "empty")),
        (b"# only\n# comments\n", (1, 1, "empty")),
        (b"   \n\n", (1, 1, "empty")),
        (b"- a\n- b\n", (1, 1, "structure")),
        (b"just text\n", (1, 1, "structure")),
        (b"a: 1\n---\nb: 2\n", (2, 1, "multi-document")),
        (b"a:\n\tb: 1\n", (2, 1, "syntax")),
        (b"a: [1, 2\nb: 3\n", (2, 2, "syntax")),
        (b"a: *nope\n", (1, 4, "syntax")),
        ("名称: 好\nb: \x07\n".encode(), (2, 4, "syntax")),  # offset counted in characters, not bytes
        (b"? [a, b]\n: 1\n", (1, 3, "key-type")),
    ],
)
def test_structure_and_syntax(raw: bytes, expected: tuple) -> None:
    assert _one(raw)[:3] == expected


def test_syntax_messages_are_one_line() -> None:
    for raw in (b"a: [1, 2\nb: 3\n", b"a: \x00\n", b"a: \"\\ud800\"\n", b"a: 'x\n"):
        doc = parse(raw, "f.yaml")
        assert doc.problems and all("\n" not in str(p) for p in doc.problems)


def test_unclosed_bracket_says_where_it_opened() -> None:
    doc = parse(b"a: [1, 2\nb: 3\n", "f.yaml")
    assert "1" in doc.problems[0].message.split("(")[-1]


def test_all_problems_are_collected() -> None:
    doc = parse(b"a: no\nb: !!binary aGk=\nc: 1\nc: 2\nd: 010\n", "f.yaml")
    assert [(p.line, p.rule) for p in doc.problems] == [
        (1, "yaml11-bool"), (2, "tag"), (4, "duplicate-key"), (5, "yaml11-int"),
    ]


def test_uses_libyaml_when_available() -> None:
    import yaml

    if getattr(yaml, "__with_libyaml__", False):
        assert issubclass(loader._Loader, yaml.CSafeLoader)


INDENTS = [  # (text, line:col, sibling line, line's indentation, sibling's)
    ("tasks:\n  - id: A1\n    title: x\n     text: y\n", (4, 6), 3, 5, 4),  # deeper: YAML reads 'x text' as one value
    ("tasks:\n  - id: A1\n    title: x\n   text: y\n", (4, 4), 3, 3, 4),  # shallower
    ("tasks:\n  - id: A1\n  # a comment\n\n    title: x\n   - id: A2\n", (6, 4), 2, 3, 2),  # a list item out of line
    ("plan:\n  title: x\n    doc: y\n", (3, 5), 2, 4, 2),
]


@pytest.mark.parametrize("text, where, sibling, own, indent", INDENTS)
def test_an_indentation_error_names_the_line_and_its_sibling(text, where, sibling, own, indent) -> None:
    from nmx.i18n import set_lang

    set_lang("en")
    try:
        (problem,) = parse(text.encode(), "f.yaml").problems
    finally:
        set_lang(None)
    assert (problem.rule, problem.line, problem.col) == ("syntax", *where)
    assert problem.message.startswith(f"indentation problem: line {where[0]} is indented {own} spaces but its "
                                      f"sibling at line {sibling} is indented {indent}; line up keys of the same level")
    (zh,) = parse(text.encode(), "f.yaml").problems
    assert zh.message.startswith(f"缩进问题：第 {where[0]} 行缩进 {own} 格，而同级的第 {sibling} 行缩进 {indent} 格")


def test_a_colon_in_a_value_is_not_called_indentation() -> None:
    (problem,) = parse(b"plan:\n  title: a: b\n", "f.yaml").problems
    assert (problem.line, problem.col) == (2, 11)
    assert problem.message.startswith("值里有“: ”：给这个值加上引号")
