"""Issue 12: help and errors in the user's language, one output contract (stdout, JSON envelope)."""

from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len

from nmx import __version__
from tests.conftest import DATA, commands

COMMANDS = commands()
GROUPS = [(), ("export",), ("import",), ("ledger",), ("notice",)]


def _formats(cmd) -> list[str] | None:
    fmt = next((p for p in cmd.params if p.name == "fmt"), None)
    return None if fmt is None else [str(c) for c in fmt.type.choices]


# --- help -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [p for p, _ in COMMANDS] + GROUPS, ids=lambda p: " ".join(p) or "nmx")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_is_never_cut_at_80_columns(run, path, lang):
    result = run(*path, "--help", "--lang", lang) if path not in GROUPS else run("--lang", lang, *path, "--help")
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    wide = [line for line in result.stdout.splitlines() if cell_len(line) > 80]
    assert not wide, wide[:2]


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_lists_the_formats_the_command_accepts(run, path, cmd):
    formats = _formats(cmd)
    if formats is None:
        return
    text = " ".join(run(*path, "--help").stdout.split())
    assert "输出格式：" + ",".join(formats) + "。" in re.sub(r"[│╭╮╰╯─\s]+", "", text)
    unsupported = next(f for f in ("xlsx", "ics", "github", "text", "html") if f not in formats)
    result = run(*path, "--format", unsupported)
    assert result.exit_code == 2 and f"'{unsupported}' 不是可选值" in result.stderr


def test_help_in_chinese_and_in_english(run):
    zh = run("duties", "-h").stdout
    assert "显示此帮助并退出。" in zh and "─ 选项 ─" in zh and "─ 参数 ─" in zh and "用法：" in zh
    en = run("duties", "-h", "--lang", "en").stdout
    assert "Show this message and exit." in en and "─ Options ─" in en and "Usage:" in en
    assert "─ 命令 ─" in run("-h").stdout


@pytest.mark.parametrize("args", [("--lang", "en", "duties", "jtysj"), ("duties", "jtysj", "--lang", "en")])
def test_lang_before_or_after_the_command(run, args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("市交通运输局 (六安市交通运输局): leads")


def test_the_commands_own_lang_wins_over_the_roots(run):
    assert "牵头" in run("--lang", "en", "duties", "jtysj", "--lang", "zh").stdout


@pytest.mark.parametrize("args, zh, en", [
    (("duties",), "nmx: 错误: 缺少参数 'DEPT'。", "nmx: error: Missing argument 'DEPT'."),
    (("duties", "x", "--bogus"), "nmx: 错误: 没有选项 --bogus", "nmx: error: No such option: --bogus"),
    (("deadlines", "--upcoming", "x"), "的值无效：'x' 不是有效的整数。", "Invalid value for '--upcoming'"),
    (("nosuch",), "nmx: 错误: 没有命令 'nosuch'。", "nmx: error: No such command 'nosuch'."),
])
def test_usage_errors_speak_like_nmx(run, args, zh, en):
    for lang, expected in (("zh", zh), ("en", en)):
        result = run("--lang", lang, *args)
        assert result.exit_code == 2
        assert expected in result.stderr
        assert "╭" not in result.output and "Traceback" not in result.output
    hint = run(*args).stderr.splitlines()[-1]
    assert hint.startswith("nmx: 提示: 用法：nmx ") and "-h 查看帮助" in hint


def test_no_arguments_shows_the_help(run):
    result = run()
    assert result.exit_code == 0 and "用法：nmx" in result.stdout


# --- JSON: the envelope ------------------------------------------------------------------------
READS = {
    ("duties",): (("duties", "jtysj"), "duties/1"),
    ("departments",): (("departments",), "departments/1"),
    ("tasks",): (("tasks",), "tasks/1"),
    ("matrix",): (("matrix",), "matrix/1"),
    ("deadlines",): (("deadlines", "--month", "2023-05"), "deadlines/1"),
    ("calendar",): (("calendar", "2023-05"), "calendar/1"),
    ("checklist",): (("checklist", "--dept", "jtysj", "--month", "2023-05"), "checklist/1"),
    ("validate",): (("validate",), "validate/1"),
    ("info",): (("info",), "info/1"),
    ("source",): (("source", "四（二）"), "source/1"),
    ("status",): (("status", "--today", "2023-06-08"), "status/1"),
    ("overdue",): (("overdue", "--today", "2023-06-08"), "overdue/1"),
    ("remind",): (("remind", "--today", "2023-06-05"), "remind/1"),
    ("ledger", "list"): (("ledger", "list"), "ledger/1"),
    ("diff",): (("diff", str(DATA), str(DATA)), "diff/1"),
    ("notice", "prompt"): (("notice", "prompt", "--dept", "金安区", "--today", "2023-06-05"), "notice/1"),
    ("notice", "urge"): (("notice", "urge", "--dept", "金安区", "--today", "2023-06-12"), "notice/1"),
    ("notice", "bulletin"): (("notice", "bulletin", "--month", "2023-05", "--today", "2023-06-12"), "notice/1"),
    ("burden",): (("burden", "--month", "2023-06"), "burden/1"),
}
WRITES = {("done",), ("ledger", "add"), ("ledger", "close"), ("new",), ("subplan",), ("import", "records")}  # their kinds:
# tests/test_ledger.py, tests/test_newdiff.py, tests/test_subplan.py, tests/test_receipts.py, below
IN_WORKSPACE = {("coverage",)}  # needs a workspace made in the test: its kind in tests/test_coverage.py


def test_every_json_command_is_covered():
    with_json = {p for p, cmd in COMMANDS if "json" in (_formats(cmd) or [])}
    assert with_json == set(READS) | WRITES | IN_WORKSPACE


@pytest.mark.parametrize("path", list(READS), ids=" ".join)
def test_every_json_document_carries_the_envelope(run, path):
    args, kind = READS[path]
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc)[:2] == ["nmx", "kind"] and doc["nmx"] == __version__ and doc["kind"] == kind


def test_the_task_detail_and_status_matrix_have_their_own_kinds(run):
    assert json.loads(run("tasks", "M2", "-f", "json").stdout)["kind"] == "task/1"
    assert json.loads(run("status", "--matrix", "--today", "2023-06-08", "-f", "json").stdout)["kind"] == "status-matrix/1"


def test_a_write_command_answers_with_its_kind(run, plan_copy):
    result = run("done", "M2", "--item", "report", "--dept", "金安区", "--period", "2023-05", "--on", "2023-06-05",
                 "--data", str(plan_copy), "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kind"] == "done/1"


def test_every_kind_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "commands.md").read_text(encoding="utf-8")
    for kind in {k for _, k in READS.values()} | {"task/1", "status-matrix/1", "done/1", "ledger-add/1",
                                                   "ledger-close/1", "error/1", "new/1", "subplan/1",
                                                   "coverage/1", "remind-send/1", "import-records/1", "receipt/1"}:
        assert f"| `{kind}` |" in doc, kind


# --- JSON: errors -------------------------------------------------------------------------------
def test_an_error_under_json_is_a_json_object_on_stderr(run):
    result = run("duties", "无此单位", "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    doc = json.loads(result.stderr)
    assert doc["nmx"] == __version__ and doc["kind"] == "error/1" and doc["code"] == 2
    assert "找不到单位 '无此单位'" in doc["message"] and doc["problems"] == []


def test_a_usage_error_under_json_is_json_too(run):
    result = run("duties", "-f", "json")
    assert result.exit_code == 2
    assert json.loads(result.stderr)["message"] == "缺少参数 'DEPT'。"


def test_a_data_error_under_json_carries_the_problems(run, plan_copy):
    tasks = plan_copy / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("市交通运输局", "市交通运输厅", 1), encoding="utf-8")
    result = run("duties", "金安区", "--data", str(plan_copy), "-f", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stderr)
    assert doc["code"] == 1 and doc["problems"] and doc["problems"][0]["rule"] == "unknown-unit"


def test_without_json_errors_stay_lines(run):
    result = run("duties", "无此单位")
    assert result.stderr.startswith("nmx: 错误: 找不到单位")


# --- one output contract: `-o -`, binary formats ----------------------------------------------------
@pytest.mark.parametrize("args", [("export", "ics", "-o", "-"), ("export", "ics")])
def test_export_ics_goes_to_stdout(run, args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("BEGIN:VCALENDAR")


@pytest.mark.parametrize("args", [("export", "xlsx", "-o", "-"), ("export", "xlsx"),
                                  ("status", "--today", "2023-06-08", "-f", "xlsx", "-o", "-")])
def test_a_workbook_goes_into_a_pipe(run, args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"PK\x03\x04")


def test_a_workbook_refuses_a_terminal(run, monkeypatch):
    from nmx.cli import output

    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    result = run("export", "xlsx")
    assert result.exit_code == 2 and "是二进制格式，不能输出到终端" in result.stderr
    assert result.stdout_bytes == b""


def test_report_refuses_stdout_clearly(run):
    result = run("report", "-o", "-")
    assert result.exit_code == 2 and "不能写到标准输出" in result.stderr


@pytest.mark.parametrize("args, start", [(("schema", "-o", "-"), "{"),
                                         (("checklist", "--dept", "jtysj", "--month", "2023-05", "-f", "md",
                                           "-o", "-"), "#")])
def test_dash_is_stdout(run, args, start):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith(start) and "已写入" not in result.stderr


# --- colour -------------------------------------------------------------------------------------
def test_force_color_styles_a_table_in_a_pipe(run):
    assert "\x1b[" not in run("duties", "jtysj").stdout
    assert "\x1b[" in run("duties", "jtysj", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in run("duties", "jtysj", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run("duties", "jtysj", env={"FORCE_COLOR": "0"}).stdout


# --- shell completion -----------------------------------------------------------------------------
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell", "pwsh"])
def test_completion_scripts(run, shell):
    result = run("completion", shell)
    assert result.exit_code == 0, result.output
    assert "_NMX_COMPLETE" in result.stdout and "complete_" in result.stdout


def test_completion_of_an_unknown_shell(run):
    result = run("completion", "tcsh")
    assert result.exit_code == 2 and "不支持的 shell 'tcsh'" in result.stderr


def _complete(run, words: str) -> list[str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    result = run(env={"_NMX_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    return result.stdout.split()


@pytest.mark.parametrize("words, expected", [
    ("nmx duties jtys", ["市交通运输局"]),      # pinyin initials, as `nmx duties jtysj` finds it
    ("nmx duties 市交", ["市交通运输局"]),
    ("nmx checklist --dept jinan", ["金安区人民政府"]),  # the id
    ("nmx done a1", ["A1", "A10", "A11", "A12", "A13", "A14"]),
    ("nmx deadlines --task m", ["M1", "M2", "M3", "M4", "M5"]),
    ("nmx duties jtysj --format ", ["table", "json", "csv", "md"]),
    ("nmx deadlines --format ", ["table", "json", "csv", "md", "ics"]),
])
def test_completion_offers_units_tasks_and_only_the_accepted_formats(run, words, expected):
    assert _complete(run, words) == expected
