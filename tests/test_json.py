"""`--format json` text: orjson's, byte for byte what json.dumps(ensure_ascii=False, indent=2) writes."""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st

from nmx.render.tabular import _json_default, to_json
from nmx.safetext import json_safe


def _reference(payload) -> str:
    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default)) + "\n"


class Light(str, Enum):
    RED = "red"


class Pair(NamedTuple):
    a: int
    b: str


scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.text(max_size=12),
                    st.floats(allow_nan=False, allow_infinity=False), st.dates(),
                    st.just(Light.RED), st.builds(Pair, st.integers(-5, 5), st.text(max_size=3)))
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                         max_leaves=30)


@settings(max_examples=600, deadline=None)
@given(documents)
def test_any_document_is_written_as_json_dumps_writes_it(payload):
    assert to_json(payload) == _reference(payload)


def test_the_cases_where_the_two_encoders_differ_fall_back():
    for payload in ({"x": 1e-07}, [1e20, 2.5e-9], {"n": 2**70}, {"s": "1e-7", "t": ": 1e-7,"},
                    {"d": dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)}, {"ctl": "a\x1f\x7f\u2028\x9f"}):
        assert to_json(payload) == _reference(payload)


def test_real_outputs_are_unchanged():
    """Every JSON the golden files hold is what nmx writes (the golden tests check the commands)."""
    from pathlib import Path

    for path in sorted((Path(__file__).parent / "golden").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert to_json(json.loads(text)) == text
