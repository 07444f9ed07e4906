"""Property: no mutation of the shipped YAML makes validation crash or hang.

Lines are deleted, duplicated, swapped, re-indented; characters YAML cares about are
inserted; the text is truncated; raw bytes are spliced in. Whatever comes out, the
pipeline returns problems (each at a real line and column) or a plan, never raises.
"""

from __future__ import annotations

import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nmx.plan.pipeline import validate_files
from nmx.problems import Level
from nmx.plan.source import FILES
from tests.conftest import DATA

pytestmark = pytest.mark.slow

SHIPPED = {name: (DATA / name).read_bytes() for name in FILES}
NAMES = {name: f"data/{name}" for name in FILES}
HANG = 10  # seconds before a single validation counts as a hang (it takes milliseconds)
ALPHABET = st.sampled_from([":", "-", "&", "*", "!", "\t", " ", "\n", "[", "]", "{", "}", "#", "|", ">", "'", '"',
                            "%", "@", "`", ",", "?", "<<", "~", "0", "7", "no", "2023-02-30", "FREQ=", ";", "中", "\ufeff"])


@contextmanager
def no_hang(seconds: int = HANG) -> Iterator[None]:
    """Fail (instead of waiting forever) when the body runs longer than `seconds`."""
    if not hasattr(signal, "SIGALRM"):  # pragma: no cover - not on Windows
        yield
        return

    def expire(signum, frame):
        raise TimeoutError(f"validation took more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """One of the two files with 1–4 random edits."""
    name = draw(st.sampled_from(FILES))
    lines = SHIPPED[name].decode("utf-8").split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "truncate"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            col = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:col] + "".join(draw(st.lists(ALPHABET, min_size=1, max_size=3))) + lines[i][col:]
        elif op == "indent":
            delta = draw(st.sampled_from([-4, -2, -1, 1, 2, 4]))
            lines[i] = " " * delta + lines[i] if delta > 0 else lines[i][-delta:]
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    raw = "\n".join(lines).encode("utf-8")
    if draw(st.integers(0, 9)) == 0:  # now and then, bytes that are not UTF-8 at all
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\x00", b"\xc3", b"\xb0\xb2", b"\xef\xbb\xbf"])) + raw[at:]
    return name, raw


def _check(problems, plan, raw: bytes, name: str) -> None:
    files = {NAMES[n]: content for n, content in {**SHIPPED, name: raw}.items()}
    for p in problems:
        assert 1 <= p.line <= files[p.file].count(b"\n") + 1, p
        assert p.col >= 1, p
        assert p.rule and "\n" not in str(p), p
    has_errors = any(p.level is Level.ERROR for p in problems)
    assert (plan is None) == has_errors


@settings(max_examples=200, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_never_crash_or_hang(case: tuple[str, bytes]) -> None:
    name, raw = case
    with no_hang():
        plan, problems = validate_files({**SHIPPED, name: raw}, NAMES)
    _check(problems, plan, raw, name)
    if raw == SHIPPED[name]:
        assert plan is not None


@settings(max_examples=25, deadline=timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_through_the_cli(run, case: tuple[str, bytes]) -> None:
    name, raw = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        for file, content in {**SHIPPED, name: raw}.items():
            (folder / file).write_bytes(content)
        with no_hang():
            result = run("validate", str(folder), "--no-cache")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert "内部错误" not in result.output


@pytest.mark.parametrize("name", FILES)
def test_every_prefix_of_a_file(name: str) -> None:
    """Truncation at each line: the common way a file is cut short."""
    lines = SHIPPED[name].split(b"\n")
    for i in range(len(lines)):
        raw = b"\n".join(lines[:i])
        with no_hang():
            plan, problems = validate_files({**SHIPPED, name: raw}, NAMES)
        _check(problems, plan, raw, name)
