"""The rectification ledger: add, close (销号), list; history kept, comments kept."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, expectation

NMX = str(Path(sys.executable).parent / "nmx")

HAND = """\
# 整改台账（手工维护）
entries:
  - id: L0001
    dept: 市城管局          # 便民停车行动牵头单位
    problem: 停车泊位标识不清
    measure: 重新施划
    found_on: 2023-06-02
    due: 2023-07-31
  - id: 2023-走访-7           # 手写编号也可以
    dept: 金安区
    problem: 宣传栏破损
    measure: 更换
    found_on: 2023-06-08
    due: 2023-06-30
    source: 督查
# 以上为 entries
closures: []   # 销号记录
"""


def ledger(run, folder: Path, *args: str):
    return run("ledger", *args, "--data", str(folder))


def data_of(folder: Path) -> dict:
    from nmx.plan.yaml_reader import parse

    doc = parse((folder / "ledger.yaml").read_bytes(), "ledger.yaml")
    assert not doc.problems, doc.problems
    return doc.data


def add(run, folder: Path, *extra: str, today: str = "2023-06-08"):
    return ledger(run, folder, "add", "--dept", "市交通局", "--problem", "客运站无宣传", "--measure", "设置展板",
                  "--due", "2023-07-15", "--today", today, *extra)


def test_add_prints_the_new_id_and_appends(run, plan_copy):
    first = add(run, plan_copy, "--found-on", "2023-06-01")
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0] == "已登记整改事项 L0001"
    second = add(run, plan_copy, "--source", "督查", "--format", "json")
    assert json.loads(second.output)["id"] == "L0002"
    assert data_of(plan_copy)["entries"] == [
        {"id": "L0001", "dept": "市交通运输局", "problem": "客运站无宣传", "measure": "设置展板",
         "found_on": "2023-06-01", "due": "2023-07-15", "source": "走访"},
        {"id": "L0002", "dept": "市交通运输局", "problem": "客运站无宣传", "measure": "设置展板",
         "found_on": "2023-06-08", "due": "2023-07-15", "source": "督查"},
    ]


def test_close_appends_a_closure_and_keeps_the_history(run, plan_copy):
    (plan_copy / "ledger.yaml").write_text(HAND, encoding="utf-8")
    result = ledger(run, plan_copy, "close", "L0001", "--on", "2023-07-20", "--note", "已重新施划并验收",
                    "--today", "2023-07-21")
    assert result.exit_code == 0, result.output
    assert "2023-07-20（按期）" in result.output
    data = data_of(plan_copy)
    assert data["closures"] == [{"id": "L0001", "closed_on": "2023-07-20", "note": "已重新施划并验收"}]
    assert data["entries"][0]["found_on"] == "2023-06-02"  # the entry itself is untouched
    listing = json.loads(ledger(run, plan_copy, "list", "--today", "2023-07-21", "-f", "json").output)
    assert listing["entries"][0] == {
        "id": "L0001", "department": "市城管局", "problem": "停车泊位标识不清", "measure": "重新施划",
        "found_on": "2023-06-02", "source": "走访", "due": "2023-07-31", "state": "closed", "days_overdue": 0,
        "closed_on": "2023-07-20", "close_note": "已重新施划并验收", "note": None,
    }


def test_hand_comments_survive_add_and_close(run, plan_copy):
    (plan_copy / "ledger.yaml").write_text(HAND, encoding="utf-8")
    assert add(run, plan_copy).exit_code == 0
    assert ledger(run, plan_copy, "close", "2023-走访-7", "--note", "已更换", "--today", "2023-06-20").exit_code == 0
    assert add(run, plan_copy, today="2023-06-21").exit_code == 0
    text = (plan_copy / "ledger.yaml").read_text(encoding="utf-8")
    for line in HAND.splitlines():
        if "#" in line:
            assert line.split("#", 1)[1] in text, line
    data = data_of(plan_copy)
    assert [e["id"] for e in data["entries"]] == ["L0001", "2023-走访-7", "L0002", "L0003"]
    assert data["closures"] == [{"id": "2023-走访-7", "closed_on": "2023-06-20", "note": "已更换"}]
    assert text.index("L0003") < text.index("# 以上为 entries")  # new entries go to the end of their list
    assert run("validate", str(plan_copy)).exit_code == 0


@pytest.mark.parametrize("args, says", [
    (("close", "L0001", "--note", "again", "--today", "2023-08-01"), "已于 2023-07-20 销号"),
    (("close", "L0042", "--note", "x", "--today", "2023-08-01"), "L0042"),
    (("close", "L0001", "--today", "2023-08-01"), "--note"),
    (("close", "2023-走访-7", "--on", "2023-06-01", "--note", "x", "--today", "2023-08-01"), "早于发现日期"),
    (("close", "2023-走访-7", "--on", "2023-08-02", "--note", "x", "--today", "2023-08-01"), "晚于今天"),
    (("add", "--dept", "市城管局", "--problem", "p", "--measure", "m", "--due", "2023-05-01", "--today", "2023-06-08"),
     "早于发现日期"),
    (("add", "--dept", "各县区人民政府", "--problem", "p", "--measure", "m", "--due", "2023-09-01", "--today", "2023-06-08"),
     "分组"),
    (("add", "--dept", "市城管局", "--problem", " ", "--measure", "m", "--due", "2023-09-01", "--today", "2023-06-08"),
     "--problem"),
    (("add", "--dept", "市城管局", "--problem", "p", "--measure", "m", "--due", "2023-09-01", "--source", "暗访",
      "--today", "2023-06-08"), "暗访"),
    (("add", "--dept", "市城管局", "--problem", "p", "--measure", "m", "--due", "2023-09-01", "--found-on", "2023-09-02",
      "--today", "2023-08-01"), "晚于今天"),
])
def test_refusals_are_clear_and_change_nothing(run, plan_copy, args, says):
    text = HAND.replace("closures: []   # 销号记录\n", "closures:   # 销号记录\n  - {id: L0001, closed_on: 2023-07-20, note: 已验收}\n")
    (plan_copy / "ledger.yaml").write_text(text, encoding="utf-8")
    before = (plan_copy / "ledger.yaml").read_bytes()
    result = ledger(run, plan_copy, *args)
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Traceback" not in result.output
    assert (plan_copy / "ledger.yaml").read_bytes() == before


def test_list_filters_and_states_as_of_today(run, plan_copy):
    (plan_copy / "ledger.yaml").write_text(HAND, encoding="utf-8")
    ledger(run, plan_copy, "close", "L0001", "--on", "2023-08-05", "--note", "延期完成", "--today", "2023-08-06")

    def ids(*args: str) -> list[tuple[str, str]]:
        result = ledger(run, plan_copy, "list", *args, "-f", "json")
        assert result.exit_code == 0, result.output
        return [(e["id"], e["state"]) for e in json.loads(result.output)["entries"]]

    assert ids("--today", "2023-06-05") == [("L0001", "open")]  # the second was found on 06-08
    assert ids("--today", "2023-07-01") == [("L0001", "open"), ("2023-走访-7", "overdue")]
    assert ids("--today", "2023-08-06") == [("L0001", "closed"), ("2023-走访-7", "overdue")]
    assert ids("--today", "2023-08-06", "--open") == [("2023-走访-7", "overdue")]
    assert ids("--today", "2023-08-04", "--overdue") == [("L0001", "overdue"), ("2023-走访-7", "overdue")]
    assert ids("--today", "2023-08-06", "--dept", "城管局") == [("L0001", "closed")]
    table = ledger(run, plan_copy, "list", "--today", "2023-08-06", "-f", "md")
    assert "| 2023-走访-7 | 金安区人民政府 | 宣传栏破损 | 2023-06-30 | 逾期 37 天 |  |" in table.output, table.output
    assert "| 已销号（超期 5 天） | 2023-08-05 延期完成 |" in table.output, table.output


def test_list_on_an_absent_ledger_is_empty(run, plan_copy):
    result = ledger(run, plan_copy, "list", "--today", "2023-06-01", "-f", "json")
    assert json.loads(result.output)["entries"] == []


INVALID = sorted((FIXTURES / "ledger" / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_ledger_files(run, plan_copy, fixture):
    expect = expectation(fixture)
    shutil.copy(fixture, plan_copy / "ledger.yaml")
    result = run("validate", str(plan_copy))
    assert result.exit_code == 1, result.output
    assert expect.found_in(result.output, "ledger.yaml"), result.output
    listing = ledger(run, plan_copy, "list")
    assert listing.exit_code == 1 and "请先修正" in listing.output and "未做任何改动" not in listing.output


@pytest.mark.slow
def test_concurrent_adds_get_distinct_ids(plan_copy, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMX_")}
    env.update(NMX_CACHE_DIR=str(tmp_path / "cache"))
    cmd = [NMX, "ledger", "add", "--dept", "市城管局", "--problem", "p", "--measure", "m", "--due", "2023-09-01",
           "--today", "2023-08-01", "--data", str(plan_copy), "-f", "json"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(8)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [o[1].decode() for o in outs]
    printed = sorted(json.loads(o[0])["id"] for o in outs)
    assert printed == [f"L{i:04d}" for i in range(1, 9)]
    assert sorted(e["id"] for e in data_of(plan_copy)["entries"]) == printed
