"""Shared fixtures: one CLI runner with a fixed terminal width, isolated cache and env; fixture headers."""

from __future__ import annotations

import codecs
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


#: The tests' own settings (tests/test_browser.py), kept; every other NMX_* variable is nmx's and is cleared.
TEST_KNOBS = frozenset({"NMX_CHROMIUM", "NMX_SCREENSHOTS"})
#: Variables of the person's shell, besides NMX_*, that change what nmx or its libraries (typer, rich, the
#: Python of a subprocess) do: none of them reaches a test.
SHELL_VARS = ("NO_COLOR", "FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
              "COLORTERM", "TERM", "TERMINAL_WIDTH", "LINES", "JUPYTER_COLUMNS", "JUPYTER_LINES", "TYPER_USE_RICH",
              "_TYPER_STANDARD_TRACEBACK", "_TYPER_FORCE_DISABLE_TERMINAL", "SOURCE_DATE_EPOCH", "XDG_CACHE_HOME",
              "PYTHONIOENCODING")


def _clean_env(mp: pytest.MonkeyPatch, cache: Path) -> None:
    for var in [k for k in os.environ if k.startswith("NMX_") and k not in TEST_KNOBS] + list(SHELL_VARS):
        mp.delenv(var, raising=False)
    mp.setenv("NMX_CACHE_DIR", str(cache))  # never the user's own cache
    mp.setenv("COLUMNS", "80")


@pytest.fixture(scope="session", autouse=True)
def _session_env(tmp_path_factory: pytest.TempPathFactory):
    """The environment for the whole session, set before any session-scoped fixture runs."""
    with pytest.MonkeyPatch.context() as mp:
        _clean_env(mp, tmp_path_factory.getbasetemp() / "nmx-cache")
        yield


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    _clean_env(monkeypatch, tmp_path_factory.getbasetemp() / "nmx-cache")
    from nmx import fileio, i18n
    from nmx.plan import cache

    i18n.set_lang(None)
    cache.reset()
    fileio.forget_inputs()
    fileio.PAUSE = None


@pytest.fixture(scope="session")
def run():
    """Invoke nmx like a user would: `run("duties", "市交通运输局")` → click Result.

    The one CLI runner of the suite (no test file makes its own); session-scoped, so module-scoped
    fixtures and hypothesis tests use it too.
    """
    from nmx.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict | None = None):
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False, terminal_width=80)

    return invoke


@pytest.fixture
def plan_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped plan folder."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


@pytest.fixture(scope="session")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped plan folder with tests/fixtures/hostile/*.patch applied: markup and formulas as text."""
    dest = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(DATA, dest)
    for patch in sorted((FIXTURES / "hostile").glob("*.patch")):
        name, raw = patched(patch)
        (dest / name).write_bytes(raw)
    return dest


@pytest.fixture(scope="session")
def plan():
    """The shipped plan, validated."""
    from nmx.plan.pipeline import load_plan
    from nmx.plan.source import DataSource

    return load_plan(DataSource(DATA, "argument"))


def tiny(*schedules, start=None, end=None, lead=("U1",)):
    """A plan of one task T1 with these schedules, led by `lead`, units U1 and U2 and the unlisted group G."""
    import datetime as dt

    from nmx.plan.models import DepartmentsFile, Group, Period, PlanMeta, Task, TasksFile, Unit, UnitKind
    from nmx.plan.plan import Plan

    start, end = start or dt.date(2023, 1, 1), end or dt.date(2023, 12, 31)
    meta = PlanMeta(title="t", doc_number="n", issuer="i", issuer_short="s", year=start.year,
                    period=Period(start=start, end=end), timezone="Asia/Shanghai", source_document="x")
    task = Task(id="T1", title="title", text="text", source="src", lead=lead, schedules=tuple(schedules))
    units = (Unit(id="u1", name="U1", full_name="Unit one", kind=UnitKind.GOVERNMENT),
             Unit(id="u2", name="U2", full_name="Unit two", kind=UnitKind.GOVERNMENT))
    groups = (Group(id="g", name="G", members_listed=False),)
    return Plan.build(TasksFile(plan=meta, tasks=(task,)), DepartmentsFile(units=units, groups=groups))


# --- what a bad-input fixture expects ----------------------------------------------------------------
#: The first line of every bad-input fixture (tests/fixtures/README.md).
EXPECT = re.compile(r"# expect: (?P<rule>[\w-]+) (?P<line>\d+)(?::(?P<col>\d+))?(?P<texts>(?: \S+)*)")


@dataclass(frozen=True)
class Expect:
    """The problem a bad-input fixture must give: rule, line (and column), words its message contains."""

    rule: str
    line: int
    col: int | None = None
    texts: tuple[str, ...] = ()

    def found_in(self, output: str, file: str) -> str | None:
        """The line of `output` that reports this error in a path ending with `file`, if there is one."""
        col = str(self.col) if self.col is not None else r"\d+"
        head = re.compile(rf"(?:^|/){re.escape(file)}:{self.line}:{col}: error \[{re.escape(self.rule)}\] ")
        return next((ln for ln in output.splitlines() if head.search(ln) and all(t in ln for t in self.texts)), None)


def expectation(path: Path) -> Expect:
    """The `# expect:` header on the first line of `path`, read in the file's own encoding."""
    raw = path.read_bytes()
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        text = raw.decode("utf-16")
    else:  # UTF-8, or a file that is meant not to be: its header is ASCII all the same
        text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    m = EXPECT.fullmatch(first)
    if m is None:
        pytest.fail(f"{path}: its first line must be '# expect: RULE LINE[:COL] [TEXT ...]', not {first[:80]!r}",
                    pytrace=False)
    return Expect(m["rule"], int(m["line"]), int(m["col"]) if m["col"] else None, tuple(m["texts"].split()))


def also_expected(path: Path) -> list[Expect]:
    """The further `# expect:` lines right below the first: a fixture showing that one run finds
    several faults states each one (tests/fixtures/README.md)."""
    text = path.read_bytes().decode("utf-8", "replace")
    out = []
    for line in text.split("\n")[1:]:
        m = EXPECT.fullmatch(line.rstrip("\r"))
        if m is None:
            break
        out.append(Expect(m["rule"], int(m["line"]), int(m["col"]) if m["col"] else None, tuple(m["texts"].split())))
    return out


# --- a fault as a patch over the shipped data ------------------------------------------------------
HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@.*")
FILE_HEADER = re.compile(r"^--- (?:a/)?(?P<old>\S+)[^\n]*\n\+\+\+ (?:b/)?(?P<new>\S+)[^\n]*$", re.M)


class PatchError(Exception):
    """A patch that does not apply to the text it is over."""


def apply_patch(patch: str, base: list[str]) -> list[str]:
    """The lines `base` with the one-file unified diff `patch` applied, strictly: no offset, no fuzz.

    Whatever comes before the `---`/`+++` lines is the patch's header (`# expect:`, `# fixture:`,
    `diff --git`, `index`). Every context and removed line must be the line of `base` at the number
    its hunk states, and every hunk must hold the lines its `@@` line counts (an omitted count is 1);
    a hunk's blank line is taken as an empty context line, as an editor that strips trailing spaces
    leaves it. Anything else raises PatchError, saying where.
    """
    lines = patch.split("\n")
    if lines[-1] == "":
        lines.pop()
    heads = [n for n, ln in enumerate(lines) if ln.startswith("--- ")]
    if not heads or heads[0] + 1 >= len(lines) or not lines[heads[0] + 1].startswith("+++ "):
        raise PatchError("it has no '--- a/FILE' and '+++ b/FILE' lines")
    i, out, pos = heads[0] + 2, [], 0
    while i < len(lines):
        m = HUNK.fullmatch(lines[i])
        if m is None:
            raise PatchError(f"line {i + 1} of the patch should begin a hunk ('@@ -L,N +L,N @@'), not {lines[i]!r}")
        old_n, new_n = int(m[2] or 1), int(m[4] or 1)
        start = int(m[1]) - 1 if old_n else int(m[1])  # an empty old range names the line it follows
        if start < pos:
            raise PatchError(f"the hunk on line {i + 1} of the patch overlaps the one before it")
        out += base[pos:start]
        pos, seen_old, seen_new, i = start, 0, 0, i + 1
        while seen_old < old_n or seen_new < new_n:
            if i >= len(lines) or lines[i][:1] not in (" ", "-", "+", ""):
                raise PatchError(f"the hunk that ends before line {i + 1} of the patch has fewer lines than its @@ line counts")
            tag, text = lines[i][:1] or " ", lines[i][1:]
            if (tag in " -" and seen_old == old_n) or (tag in " +" and seen_new == new_n):
                raise PatchError(f"the hunk that line {i + 1} of the patch is in has more lines than its @@ line counts")
            if tag in " -":
                here = base[pos] if pos < len(base) else None
                if here != text:
                    shown = "past its end" if here is None else repr(here)
                    raise PatchError(f"line {pos + 1} of the shipped file is {shown}; "
                                     f"line {i + 1} of the patch expects {text!r} there")
                pos, seen_old = pos + 1, seen_old + 1
            if tag in " +":
                out.append(text)
                seen_new += 1
            i += 1
    return out + base[pos:]


def patched(patch: Path, root: Path = ROOT) -> tuple[str, bytes]:
    """(the name of the shipped file `patch` is over, that file's bytes with the patch applied).

    The file is `root`/data/FILE as the patch's `--- a/data/FILE` line names it. Fails the test,
    naming the patch, when that file has changed so that the patch no longer applies.
    """
    name = patch.relative_to(ROOT) if patch.is_relative_to(ROOT) else patch
    text = patch.read_text(encoding="utf-8")
    m = FILE_HEADER.search(text)
    if m is None or m["old"] != m["new"] or not m["old"].startswith("data/"):
        pytest.fail(f"{name}: a fixture patch is over one shipped file: '--- a/data/FILE', '+++ b/data/FILE'",
                    pytrace=False)
    shipped = root / m["old"]
    base = shipped.read_text(encoding="utf-8")
    try:
        lines = apply_patch(text, base.split("\n")[:-1] if base.endswith("\n") else base.split("\n"))
    except PatchError as exc:
        pytest.fail(f"{name} no longer applies to {m['old']}: {exc}. The shipped file has changed: "
                    "make the patch again over it (tests/fixtures/README.md)", pytrace=False)
    return shipped.name, ("\n".join(lines) + ("\n" if base.endswith("\n") else "")).encode("utf-8")


def commands() -> list[tuple[tuple[str, ...], object]]:
    """Every command as (its words, its click command); typer's click is read by duck typing."""
    from nmx.cli import app

    out = []

    def walk(cmd, path: tuple[str, ...]) -> None:
        if getattr(cmd, "commands", None):
            for name, sub in sorted(cmd.commands.items()):
                walk(sub, path + (name,))
        else:
            out.append((path, cmd))

    from typer.main import get_command

    walk(get_command(app), ())
    return out
