"""Random option values thrown at every command: the exit code is 0, 1 or 2, never 3 (issue 9).

Exit 3 means a bug in nmx. Whatever a person types — dates off the calendar, huge or
negative numbers, control characters, empty strings, paths that are folders, inputs or
missing — nmx answers with a result, a data problem or a usage error.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA, commands

pytestmark = pytest.mark.slow

COMMANDS = commands()

TEXT = st.one_of(
    st.sampled_from(["", " ", "-", "0", "-1", "2147483648", "1e309", "nan", "inf", "9999-12-31", "0001-01-01",
                     "2023-02-30", "2023-13", "2023-05", "2023-05-10", "2031-01", "9999", "0001", "市交通运输局",
                     "jtysj", "金安区", "M2", "A2", "M2/report", "report", "L0001", "zh", "en", "json", "xlsx",
                     "table", "ics", "走访", "\x1b[2J", "a\x00b", "\u202e局", "市交通\u200b运输局", "..", "/", "~"]),
    st.text(max_size=12),
)


def _paths(root: Path) -> list[str]:
    return ["out.txt", "-", "sub/out.json", str(root / "plan"), str(root / "plan" / "tasks.yaml"),
            str(root / "plan" / "records.yaml"), str(root / "missing"), "site", str(root), "", "."]


def _args(draw, root: Path, path: tuple[str, ...], cmd) -> list[str]:
    args = list(path)
    for param in cmd.params:
        if not draw(st.booleans()):
            continue
        if param.param_type_name == "option":
            name = draw(st.sampled_from(param.opts))
            if param.is_flag:
                args.append(name)
                continue
            args.append(name)
        choices = getattr(param.type, "choices", None)
        if "Path" in type(param.type).__name__ or param.name in ("data", "output", "data_dir"):
            args.append(draw(st.sampled_from(_paths(root))))
        elif choices:
            args.append(draw(st.one_of(st.sampled_from([str(getattr(c, "value", c)) for c in choices]), TEXT)))
        else:
            args.append(draw(TEXT))
    if draw(st.booleans()):
        args += ["--data", str(root / "plan")]
    return args


@pytest.fixture
def sandbox(tmp_path_factory, monkeypatch) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(DATA, root / "plan")
    (root / "home").mkdir()
    monkeypatch.setenv("HOME", str(root / "home"))
    monkeypatch.chdir(root)
    return root


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_option_values_give_exit_0_1_or_2(run, sandbox, data):
    path, cmd = data.draw(st.sampled_from(COMMANDS))
    args = data.draw(st.composite(lambda draw: _args(draw, sandbox, path, cmd))())
    plan = sandbox / "plan"
    result = run(*args)
    assert result.exit_code in (0, 1, 2), (args, result.output)
    assert "Traceback" not in result.output and "内部错误" not in result.output, (args, result.output)
    reads_plan = "--data" in args and args[len(args) - 1 - args[::-1].index("--data") + 1] == str(plan)
    intact = all((plan / n).is_file() and (plan / n).read_bytes() == (DATA / n).read_bytes()
                 for n in ("tasks.yaml", "departments.yaml"))
    if not intact:
        assert not reads_plan, args  # an input of the run was replaced
        shutil.rmtree(plan, ignore_errors=True)  # it was named as the output of a run on another plan
        if plan.exists():
            plan.unlink()
        shutil.copytree(DATA, plan)


def test_every_command_is_fuzzed():
    assert len(COMMANDS) >= 18 and ("ledger", "add") in {p for p, _ in COMMANDS}
