"""Progress records: `nmx done`, the records file's validation, and writes that never lose data."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, expectation

NMX = str(Path(sys.executable).parent / "nmx")
TODAY = "--today"


def done(run, folder: Path, *args: str):
    return run("done", *args, "--data", str(folder))


def records_of(folder: Path) -> list[dict]:
    from nmx.plan.yaml_reader import parse

    doc = parse((folder / "records.yaml").read_bytes(), "records.yaml")
    assert not doc.problems, doc.problems
    return doc.data["records"]


# --- rendering and inserting text ------------------------------------------------------------
_TEXT = st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\t\n"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_TEXT, max_size=40))
def test_quoted_text_reads_back_exactly(text):
    from nmx.plan.yaml_reader import parse
    from nmx.supervision.yamltext import quote

    doc = parse(f"note: {quote(text)}\n".encode(), "x.yaml")
    assert not doc.problems
    assert doc.data == {"note": text}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_TEXT, max_size=10), st.characters(whitelist_categories=("Cc",), blacklist_characters="\t\n"),
       st.text(alphabet=_TEXT, max_size=10))
def test_quoted_text_with_a_control_character_is_an_error_where_it_is(before, char, after):
    from nmx.plan.yaml_reader import parse
    from nmx.supervision.yamltext import quote

    doc = parse(f"records: []\nnote: {quote(before + char + after)}\n".encode(), "x.yaml")
    assert [(p.rule, p.line, p.col, p.path) for p in doc.problems] == [("control-char", 2, 7, "note")]


def test_quote_escapes_what_yaml_treats_as_line_breaks():
    from nmx.supervision.yamltext import quote

    assert quote("a\u2028b\x85c\ufeff") == '"a\\u2028b\\u0085c\\ufeff"'
    assert quote('="1"+1') == '"=\\"1\\"+1"'


FIELDS = [("task", "M2"), ("item", "report"), ("period", "2023-05"), ("dept", "金安区人民政府"),
          ("date", dt.date(2023, 6, 5)), ("note", None)]
NEW = {"task": "M2", "item": "report", "period": "2023-05", "dept": "金安区人民政府", "date": "2023-06-05"}

LAYOUTS = {
    "absent": ("", []),
    "comments only": ("# 记录\n# 第二行\n", []),
    "null": ("# 头\nrecords:   # 还没有\n", []),
    "tilde": ("records: ~\n", []),
    "empty flow": ("records: []  # 空\n", []),
    "flow with items": ('records: [{task: M3, dept: 皖西日报社, date: 2023-05-09}]\n',
                        [{"task": "M3", "dept": "皖西日报社", "date": "2023-05-09"}]),
    "block": ("records:\n  - task: M3   # 手写\n    dept: 皖西日报社\n    date: 2023-05-09\n# 尾注\n",
              [{"task": "M3", "dept": "皖西日报社", "date": "2023-05-09"}]),
    "indentless": ("records:\n- task: M3\n  dept: 皖西日报社\n  date: 2023-05-09\n",
                   [{"task": "M3", "dept": "皖西日报社", "date": "2023-05-09"}]),
    "no final newline": ("records:\n  - task: M3\n    dept: 皖西日报社\n    date: 2023-05-09",
                         [{"task": "M3", "dept": "皖西日报社", "date": "2023-05-09"}]),
    "block scalar last": ("records:\n  - task: M3\n    dept: 皖西日报社\n    date: 2023-05-09\n    note: |\n      两行\n      备注\n",
                          [{"task": "M3", "dept": "皖西日报社", "date": "2023-05-09", "note": "两行\n备注\n"}]),
    "crlf": ("records:\r\n  - task: M3\r\n    dept: 皖西日报社\r\n    date: 2023-05-09\r\n",
             [{"task": "M3", "dept": "皖西日报社", "date": "2023-05-09"}]),
}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_append_item_keeps_every_line_and_adds_one_item(name):
    from nmx.plan.yaml_reader import parse
    from nmx.supervision.yamltext import append_item

    text, before = LAYOUTS[name]
    out = append_item(text, "records", FIELDS, header="# 新文件\n")
    doc = parse(out.encode(), "r.yaml")
    assert not doc.problems, (out, doc.problems)
    assert doc.data["records"] == before + [NEW], out
    for line in text.splitlines():
        if "#" in line:  # every comment survives, verbatim
            assert line.split("#", 1)[1] in out
    if name == "crlf":
        assert out.count("\r\n") == out.count("\n")


def test_append_item_inserts_before_a_following_list():
    from nmx.plan.yaml_reader import parse
    from nmx.supervision.yamltext import append_item

    text = "entries:\n  - id: L0001   # 手写\n# entries 完\nclosures:\n  - id: L0001\n"
    out = append_item(text, "entries", [("id", "L0002")])
    assert parse(out.encode(), "l.yaml").data == {"entries": [{"id": "L0001"}, {"id": "L0002"}],
                                                  "closures": [{"id": "L0001"}]}
    assert out.index("L0002") < out.index("# entries 完")


# --- nmx done: what it writes and prints -----------------------------------------------------------
def test_done_appends_and_prints_what_it_recorded(run, plan_copy):
    result = done(run, plan_copy, "M2", "--item", "report", "--dept", "金安区", "--period", "2023-05",
                  "--on", "2023-06-05", "--evidence", "https://example.org/r1", "--note", "书面报告", TODAY, "2023-06-08")
    assert result.exit_code == 0, result.output
    assert "金安区人民政府" in result.output and "2023-06-07（按期）" in result.output
    assert records_of(plan_copy) == [{"task": "M2", "item": "report", "period": "2023-05", "dept": "金安区人民政府",
                                      "date": "2023-06-05", "evidence": "https://example.org/r1", "note": "书面报告"}]
    assert (plan_copy / "records.yaml").read_text(encoding="utf-8").startswith("# nmx 完成情况记录")


def test_done_json_and_default_period(run, plan_copy):
    result = done(run, plan_copy, "M2", "--item", "report", "--dept", "yuan", "--on", "2023-06-09", TODAY, "2023-06-10",
                  "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # 06-09 is after every report window: it is the late report on the May focus month
    assert data["recorded"]["period"] == "2023-05"
    assert (data["due"], data["late"], data["department"], data["records"]) == ("2023-06-07", True, "裕安区人民政府", 1)


def test_done_single_dated_entry_needs_no_item(run, plan_copy):
    result = done(run, plan_copy, "m3", "--dept", "皖西日报社", "--on", "2023-05-09", TODAY, "2023-05-10")
    assert result.exit_code == 0, result.output
    assert records_of(plan_copy)[0]["item"] == "special_reports"
    assert records_of(plan_copy)[0]["period"] == "2023-05"


def test_done_standing_task_has_no_period(run, plan_copy):
    result = done(run, plan_copy, "A6", "--dept", "市交通局", "--on", "2023-04-01", TODAY, "2023-04-02")
    assert result.exit_code == 0, result.output
    assert records_of(plan_copy) == [{"task": "A6", "dept": "市交通运输局", "date": "2023-04-01"}]


def test_done_unlisted_group_member_is_a_warning(run, plan_copy):
    # A3's own entry (signs): only 市民生工作领导小组成员单位, whose members the plan does not list, names 市交通运输局
    result = done(run, plan_copy, "A3", "--item", "signs", "--dept", "市交通运输局", "--on", "2023-05-20", TODAY, "2023-06-01")
    assert result.exit_code == 0, result.output
    assert "市民生工作领导小组成员单位" in result.output  # the warning (stderr is mixed in by CliRunner)
    valid = run("validate", str(plan_copy))
    assert valid.exit_code == 0 and "[unit-maybe]" in valid.output, valid.output


def test_done_on_a_restatement_counts_for_its_obligation(run, plan_copy):
    # A3/focus is M2/focus (same_as): M2's 各县区各部门 reaches 市交通运输局 definitely, so no warning,
    # and the record stays on the focus month (not on A3's other entry)
    result = done(run, plan_copy, "A3", "--item", "focus", "--dept", "市交通运输局", "--on", "2023-05-20", TODAY, "2023-06-01")
    assert result.exit_code == 0, result.output
    assert "市民生工作领导小组成员单位" not in result.output and "2023-05-31（按期）" in result.output
    (record,) = records_of(plan_copy)
    assert (record["task"], record["item"], record["period"]) == ("M2", "focus", "2023-05")  # written as its obligation
    valid = run("validate", str(plan_copy))
    assert valid.exit_code == 0 and "[unit-maybe]" not in valid.output, valid.output


REFUSALS = {
    "unknown task": (["M9", "--dept", "金安区"], "M9"),
    "unknown unit": (["M2", "--item", "report", "--dept", "市火星局"], "市火星局"),
    "a group": (["M2", "--item", "report", "--dept", "各县区人民政府"], "分组"),
    "unit not reached": (["A6", "--dept", "金安区"], "不涉及"),
    "partly listed group": (["M3", "--dept", "市交通运输局"], "不涉及"),  # in neither M3's nor A2's lists
    "ambiguous item": (["M2", "--dept", "金安区"], "--item"),
    "unknown item": (["M2", "--item", "summary", "--dept", "金安区"], "summary"),
    "period outside plan": (["M2", "--item", "report", "--dept", "金安区", "--period", "2024-02"], "不在方案期间"),
    "bad period": (["M2", "--item", "report", "--dept", "金安区", "--period", "2023-5x"], "YYYY-MM"),
    "no occurrence": (["M2", "--item", "report", "--dept", "金安区", "--period", "2023-03"], "2023-02、2023-05"),
    "date after today": (["M3", "--dept", "皖西日报社", "--on", "2023-06-09"], "晚于今天"),
    "bad date": (["M3", "--dept", "皖西日报社", "--on", "2023-13-01"], "2023-13-01"),
    "no dept": (["M3"], "--dept"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refused_writes_leave_the_file_byte_identical(run, plan_copy, name):
    original = (FIXTURES / "records" / "hand.yaml").read_bytes()
    (plan_copy / "records.yaml").write_bytes(original)
    args, says = REFUSALS[name]
    result = done(run, plan_copy, *args, TODAY, "2023-06-08")
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Traceback" not in result.output
    assert (plan_copy / "records.yaml").read_bytes() == original


def test_refusal_without_a_file_creates_none(run, plan_copy):
    result = done(run, plan_copy, "M9", "--dept", "金安区", TODAY, "2023-06-08")
    assert result.exit_code == 2
    assert not (plan_copy / "records.yaml").exists()


def test_invalid_file_on_disk_is_refused_untouched(run, plan_copy):
    bad = "records:\n  - task: M2\n    item: report\n    dept: 金安区\n    date: 2023-06-31\n"
    (plan_copy / "records.yaml").write_text(bad, encoding="utf-8")
    result = done(run, plan_copy, "M3", "--dept", "皖西日报社", "--on", "2023-05-09", TODAY, "2023-06-08")
    assert result.exit_code == 1, result.output
    assert "records.yaml:5:5" in result.output and "未做任何改动" in result.output
    assert (plan_copy / "records.yaml").read_text(encoding="utf-8") == bad


def test_bundled_plan_is_never_written(run):
    from nmx.plan.source import bundled_dir

    bundled = bundled_dir()
    result = run("done", "M3", "--dept", "皖西日报社", "--on", "2023-05-09", TODAY, "2023-06-08", "--data", str(bundled))
    assert result.exit_code == 2, result.output
    assert "内置" in result.output
    assert not (bundled / "records.yaml").exists()


# --- hand-written content survives ------------------------------------------------------------------
def test_hand_comments_and_entries_survive_every_append(run, plan_copy):
    original = (FIXTURES / "records" / "hand.yaml").read_text(encoding="utf-8")
    (plan_copy / "records.yaml").write_text(original, encoding="utf-8")
    before = records_of(plan_copy)
    for i, unit in enumerate(["金安区", "裕安区", "叶集区"]):
        result = done(run, plan_copy, "M2", "--item", "report", "--dept", unit, "--period", "2023-05",
                      "--on", f"2023-06-0{i + 1}", "--note", f"# 不是注释 {i}", TODAY, "2023-06-08")
        assert result.exit_code == 0, result.output
    text = (plan_copy / "records.yaml").read_text(encoding="utf-8")
    assert text.startswith(original)  # every byte written by hand is still there, in place
    after = records_of(plan_copy)
    assert after[: len(before)] == before
    assert [r["dept"] for r in after[len(before):]] == ["金安区人民政府", "裕安区人民政府", "叶集区人民政府"]
    assert after[-1]["note"] == "# 不是注释 2"
    assert run("validate", str(plan_copy)).exit_code == 0


def test_quick_and_full_append_write_the_same_bytes(run, plan_copy, tmp_path, monkeypatch):
    """The cached quick check (5,000 records without a re-parse) and the full re-parse agree."""
    other = tmp_path / "other"
    shutil.copytree(plan_copy, other)
    hand = (FIXTURES / "records" / "hand.yaml").read_bytes()
    for folder in (plan_copy, other):
        (folder / "records.yaml").write_bytes(hand)
    args = ("M3", "--dept", "市广电台", "--on", "2023-05-09", "--evidence", "\u2028=1+1", TODAY, "2023-06-08")
    assert done(run, plan_copy, *args).exit_code == 0
    assert done(run, plan_copy, *args, "--allow-duplicate").exit_code == 0  # the second append takes the quick path
    monkeypatch.setenv("NMX_NO_CACHE", "1")
    assert done(run, other, *args).exit_code == 0
    assert done(run, other, *args, "--allow-duplicate").exit_code == 0
    assert (plan_copy / "records.yaml").read_bytes() == (other / "records.yaml").read_bytes()


def test_quick_path_is_taken_and_falls_back_when_unsure(plan_copy, tmp_path, monkeypatch):
    from nmx.supervision import append, files

    source, plan, key = files.load_plan_keyed(plan_copy)
    path = plan_copy / "records.yaml"
    text = "records:\n  - &first {task: M3, dept: 皖西日报社, date: 2023-05-09}\n  - *first\n"
    path.write_text(text, encoding="utf-8")
    calls = []
    real = append._checked_append
    monkeypatch.setattr(append, "_checked_append", lambda *a: calls.append(a) or real(*a))
    from nmx.supervision.records import prepare

    rec = prepare(plan, "M3", "latv", None, None, dt.date(2023, 5, 10), None, None, dt.date(2023, 5, 11))
    append.add_record(plan, key, path, rec, dt.date(2023, 5, 10))
    assert len(calls) == 1  # the last item is an alias: the quick check cannot see its anchor
    append.add_record(plan, key, path, rec, dt.date(2023, 5, 10), allow_duplicate=True)
    assert len(calls) == 1  # now it can
    assert len(records_of(plan_copy)) == 4


# --- validation of the records file ------------------------------------------------------------------
INVALID = sorted((FIXTURES / "records" / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_records_files(run, plan_copy, fixture):
    expect = expectation(fixture)
    shutil.copy(fixture, plan_copy / "records.yaml")
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1, result.output
    assert expect.found_in(result.output, "records.yaml"), result.output
    assert "Traceback" not in result.output


def test_validate_sees_each_new_version_of_the_records(run, plan_copy):
    path = plan_copy / "records.yaml"
    path.write_text("records:\n  - {task: M3, dept: 皖西日报社, date: 2023-05-09}\n", encoding="utf-8")
    assert run("validate", str(plan_copy)).exit_code == 0
    path.write_text("records:\n  - {task: M3, dept: 市交通运输局, date: 2023-05-09}\n", encoding="utf-8")
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1 and "[unit-not-reached]" in result.output, result.output


def test_schema_lists_the_supervision_files(run):
    result = run("schema")
    schemas = json.loads(result.output)
    assert set(schemas) >= {"records.yaml", "ledger.yaml"}
    root = Path(__file__).resolve().parent.parent / "data"  # shipped beside the plan
    for name in ("records", "ledger"):
        assert json.loads((root / f"{name}.schema.json").read_text(encoding="utf-8")) == schemas[f"{name}.yaml"]


# --- concurrency and crashes (real processes) ---------------------------------------------------------
def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMX_")}
    env.update(NMX_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1", **extra)
    return env


def _done_cmd(folder: Path, i: int) -> list[str]:
    units = ["金安区", "裕安区", "叶集区", "霍邱县", "舒城县", "金寨县", "霍山县", "市开发区管委"]
    return [NMX, "done", "M2", "--item", "report", "--dept", units[i % len(units)], "--period", "2023-08",
            "--on", "2023-09-05", "--today", "2023-09-08", "--note", f"run {i}", "--evidence", f"run-{i}.pdf",
            "--data", str(folder)]


@pytest.mark.slow
def test_twenty_concurrent_writers_leave_twenty_records(plan_copy, tmp_path):
    env = _env(tmp_path)
    procs = [subprocess.Popen(_done_cmd(plan_copy, i), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(20)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 20, [o[1].decode() for o in outputs]
    records = records_of(plan_copy)
    assert sorted(r["note"] for r in records) == sorted(f"run {i}" for i in range(20))
    check = subprocess.run([NMX, "validate", str(plan_copy)], env=env, capture_output=True)
    assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()
    assert not list(plan_copy.glob(".records.yaml.*.tmp"))


#: nmx with every step of a write slowed by 0.1 s, through the test hook `fileio.PAUSE`
#: (set here, in the child process: no environment variable in nmx serves tests).
SLOW_NMX = [sys.executable, "-c", "import sys, time; import nmx.fileio as f; f.PAUSE = lambda step: time.sleep(0.1); "
            "from nmx.cli import app; sys.argv[0] = 'nmx'; app()"]


@pytest.mark.slow
def test_writer_killed_at_any_moment_leaves_old_or_new_file(plan_copy, tmp_path):
    """50 SIGKILLs: half at a random delay after start, half at a random moment after the
    temporary file appears (mid-write, by the pauses of `fileio.PAUSE`)."""
    from nmx.plan.yaml_reader import parse

    env = _env(tmp_path)
    path = plan_copy / "records.yaml"
    path.write_bytes((FIXTURES / "records" / "hand.yaml").read_bytes())
    subprocess.run(_done_cmd(plan_copy, 99), env=_env(tmp_path), check=True, capture_output=True)  # warm caches
    rng = random.Random(6)
    outcomes = {"old": 0, "new": 0, "mid-write": 0}
    for i in range(50):
        old = path.read_bytes()
        proc = subprocess.Popen(SLOW_NMX + _done_cmd(plan_copy, i)[1:], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if i % 2:
            time.sleep(rng.uniform(0.0, 0.8))
        else:
            while proc.poll() is None and not list(plan_copy.glob(".records.yaml.*.tmp")):
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        outcomes["mid-write"] += bool(list(plan_copy.glob(".records.yaml.*.tmp")))
        now = path.read_bytes()
        doc = parse(now, "records.yaml")
        assert not doc.problems, (i, doc.problems)
        if now == old:
            outcomes["old"] += 1
        else:
            assert now.startswith(old), i  # the new file: the old bytes and one more record
            assert len(doc.data["records"]) == len(parse(old, "x").data["records"]) + 1
            outcomes["new"] += 1
    result = subprocess.run([NMX, "validate", str(plan_copy)], env=_env(tmp_path), capture_output=True)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert outcomes["old"] and outcomes["new"] and outcomes["mid-write"], outcomes
