"""`nmx notice prompt|urge|bulletin`: the 提示单, 督办单 and 通报, read back from the documents.

The rows expected are computed here from the supervision's own functions (attention, statuses) for
the same day, and one row of each is spelled out by hand from the plan: 四（二） has every county and
department send its report on May's focus month to 市发改委 by 7 June (次月7日前), so on Monday
2023-06-05 that report (M2/report, 2023-05) is due within three working days.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from tests.conftest import DATA

RECORDS = """\
records:
  - {task: M2, item: focus, period: 2023-05, dept: 金安区, date: 2023-05-20}
  - {task: M2, item: report, period: 2023-05, dept: 金安区, date: 2023-06-05}
  - {task: M2, item: focus, period: 2023-05, dept: 裕安区, date: 2023-06-02}
"""
JINAN = "六安市金安区人民政府"


@pytest.fixture
def data(plan_copy: Path) -> Path:
    (plan_copy / "records.yaml").write_text(RECORDS, encoding="utf-8")
    return plan_copy


def _docx(path: Path):
    import docx

    return docx.Document(io.BytesIO(path.read_bytes()))


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def _ok(result) -> None:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def _library(data: Path | None = None):
    """The plan and records as the command reads them, for computing what it must list."""
    from nmx.supervision import files

    plan, records, _ = files.load_records(data or DATA)
    return plan, records


def _expected_row_start(s) -> str:
    from nmx.views.supervision import item_name

    return f"{item_name(s.item)} {s.item.period} {s.item.what}"


def _sources(plan, s) -> str:
    return "、".join(dict.fromkeys(plan.task_by_id[c].source for c in s.item.clauses))


# --- 提示单 ----------------------------------------------------------------------------------------
def test_a_prompt_lists_what_attention_finds_due_soon(run, tmp_path):
    from nmx.schedule.workdays import due_workday
    from nmx.supervision.status import attention

    out = tmp_path / "提示单.docx"
    _ok(run("notice", "prompt", "--dept", "金安区", "--today", "2023-06-05", "--data", str(DATA), "-o", str(out)))
    doc = _docx(out)
    texts = _texts(doc)
    assert texts[0] == "六安市民生工作领导小组办公室"  # the plan's issuer: tasks.yaml plan.issuer
    assert texts[1] == "〔　　　　〕　　号"  # no --number: a blank to fill in
    assert texts[2] == "关于《六安市2023年暖民心行动宣传方案》任务即将到期的提示单"
    assert texts[3] == f"{JINAN}："
    assert "截至2023年6月5日" in texts[4] and "3个工作日内（至2023年6月8日）" in texts[4]

    plan, records = _library()
    [(unit, soon, _late)] = attention(plan, records, dt.date(2023, 6, 5), 3, {"jinan"})
    assert unit == "jinan" and soon
    [table] = doc.tables
    rows = _rows(table)
    assert rows[0] == ["序号", "事项", "截止日期", "最后工作日", "报送对象", "方案依据"]
    assert len(rows) - 1 == len(soon)
    for n, (row, s) in enumerate(zip(rows[1:], soon), 1):
        assert row[0] == str(n) and row[1].startswith(_expected_row_start(s))
        assert row[2:] == [s.item.due.isoformat(), due_workday(s.item.due).isoformat(), s.item.deliver_to or "—",
                           _sources(plan, s)]
    # by hand, from 四（二）: the report on May's focus month, to 市发改委 by 7 June
    assert rows[1] == ["1", "M2/report 2023-05 归纳总结，形成书面报告报送市发改委（次月7日前）", "2023-06-07",
                       "2023-06-07", "市发改委", "四（二）"]
    _signed(doc, "六安市民生工作领导小组办公室", "2023年6月5日")


def _signed(doc, issuer: str, date: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paras = doc.paragraphs
    where = next(i for i, p in enumerate(paras) if p.text == date)
    assert paras[where - 1].text == issuer
    assert paras[where].alignment == paras[where - 1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # GB/T 9704 7.3.5.2: the date starts two characters right of the signature's first character
    assert paras[where].paragraph_format.right_indent > paras[where - 1].paragraph_format.right_indent


def test_the_layout_is_a_gongwen(run, tmp_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    out = tmp_path / "p.docx"
    _ok(run("notice", "prompt", "-d", "jinan", "--today", "2023-06-05", "--data", str(DATA), "-o", str(out),
            "--number", "六民生办督〔2023〕1号"))
    doc = _docx(out)
    mark, number, title = doc.paragraphs[:3]
    assert mark.runs[0].font.color.rgb == RGBColor(0xC0, 0, 0) and mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert number.text == "六民生办督〔2023〕1号" and number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert number._p.pPr.xpath("w:pBdr/w:bottom[@w:color='C00000']")  # the red rule under it
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].font.size == Pt(22)
    body = doc.paragraphs[4]
    assert body.runs[0].font.size == Pt(16) and body.paragraph_format.first_line_indent == Pt(32)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm), round(section.top_margin.mm)) == (210, 297, 37)
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert 'w:instr="PAGE"' in xml and footer.paragraphs[0].text.startswith("— ")
    assert section.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_the_same_notice_gives_the_same_bytes(run, tmp_path):
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    for out in (first, second):
        _ok(run("notice", "urge", "--dept", "金安区", "--today", "2023-06-12", "--data", str(DATA), "-o", str(out)))
    assert first.read_bytes() == second.read_bytes()


def test_issuer_and_number_are_the_users(run, tmp_path):
    out = tmp_path / "p.md"
    _ok(run("notice", "prompt", "--dept", "金安区", "--today", "2023-06-05", "--data", str(DATA), "-o", str(out),
            "--issuer", "六安市民生工作领导小组办公室督查组", "--number", "六民生办督〔2023〕7号"))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("**六安市民生工作领导小组办公室督查组**\n\n六民生办督〔2023〕7号\n")
    assert "六安市民生工作领导小组办公室督查组  \n2023年6月5日\n" in text


# --- 督办单 ----------------------------------------------------------------------------------------
def test_an_urge_lists_what_attention_finds_overdue_and_asks_for_a_reply(run, tmp_path):
    from nmx.schedule.workdays import add_working_days
    from nmx.supervision.status import attention

    out = tmp_path / "督办单.docx"
    _ok(run("notice", "urge", "--dept", "金安区", "--today", "2023-06-12", "--data", str(DATA), "-o", str(out),
            "--number", "六民生办督〔2023〕1号"))
    doc = _docx(out)
    texts = _texts(doc)
    assert texts[1] == "六民生办督〔2023〕1号"
    assert texts[2] == "关于《六安市2023年暖民心行动宣传方案》任务逾期未完成的督办单" and texts[3] == f"{JINAN}："
    plan, records = _library()
    today = dt.date(2023, 6, 12)
    [(_, _soon, late)] = attention(plan, records, today, 3, {"jinan"})
    rows = _rows(doc.tables[0])
    assert rows[0] == ["序号", "事项", "截止日期", "逾期天数", "方案依据"]
    assert [r[1:] for r in rows[1:]] == [[r[1], s.item.due.isoformat(), f"{(today - s.item.due).days}天",
                                          _sources(plan, s)] for r, s in zip(rows[1:], late)]
    assert len(rows) - 1 == len(late) and all(r[1].startswith(_expected_row_start(s)) for r, s in zip(rows[1:], late))
    # by hand: May's report was due on 7 June, five days before the 12th
    assert ["M2/report 2023-05 归纳总结，形成书面报告报送市发改委（次月7日前）", "2023-06-07", "5天", "四（二）"] in [
        r[1:] for r in rows[1:]]
    reply = add_working_days(today, 3)
    assert reply == dt.date(2023, 6, 15)
    assert any("整改" in p and "于2023年6月15日前" in p for p in texts)
    assert any("方案未规定督办回复期限" in p for p in texts)  # the assumption, said in the 附注
    _signed(doc, "六安市民生工作领导小组办公室", "2023年6月12日")


def test_reply_days_moves_the_reply_date_over_the_weekend(run):
    result = run("notice", "urge", "--dept", "金安区", "--today", "2023-06-12", "--reply-days", "5", "--data",
                 str(DATA), "-f", "json")
    _ok(result)
    doc = json.loads(result.stdout)
    assert (doc["reply_days"], doc["reply_by"]) == (5, "2023-06-19")  # Mon 12th + 5 working days: Mon 19th
    assert "于2023年6月19日前" in doc["blocks"][-1]["text"]


# --- 通报 -----------------------------------------------------------------------------------------
def test_a_bulletin_counts_states_by_unit_with_lights(run, data, tmp_path):
    from nmx.supervision.status import statuses

    out = tmp_path / "通报.docx"
    _ok(run("notice", "bulletin", "--from", "2023-05-01", "--to", "2023-06-30", "--today", "2023-06-06",
            "--data", str(data), "-o", str(out)))
    doc = _docx(out)
    texts = _texts(doc)
    assert texts[2] == "关于《六安市2023年暖民心行动宣传方案》2023年5月1日至2023年6月30日任务落实情况的通报"
    assert texts[3] == "各有关单位："
    plan, records = _library(data)
    found = statuses(plan, records, dt.date(2023, 5, 1), dt.date(2023, 6, 30), dt.date(2023, 6, 6), soon=3)
    counts = {k: sum(s.state == k for s in found) for k in ("done", "done_late", "overdue", "due_soon", "pending")}
    summary = next(p for p in texts if p.startswith("2023年5月1日至2023年6月30日，"))
    assert f"共有{len(found)}项" in summary and f"已完成{counts['done']}项" in summary
    assert f"逾期完成{counts['done_late']}项" in summary and f"逾期未完成{counts['overdue']}项" in summary
    assert any(p.startswith("灯色按单位所有事项中最差的一项确定：有逾期未完成事项的为红灯") for p in texts)

    units, overdue = (_rows(t) for t in doc.tables)
    assert units[0] == ["序号", "单位", "应完成", "已完成", "逾期完成", "逾期", "即将到期", "未到期", "灯色"]
    by_unit: dict[str, list] = {}
    for s in found:
        by_unit.setdefault(plan.unit_by_id[s.unit].name, []).append(s)
    worst = {"overdue": "红灯", "done_late": "黄灯", "due_soon": "黄灯"}
    for row in units[1:]:
        mine = by_unit.pop(row[1])
        states = [s.state for s in mine]
        light = next((worst[k] for k in ("overdue", "done_late", "due_soon") if k in states), "绿灯")
        assert row[2:] == [str(len(mine)), *(str(states.count(k)) for k in
                                              ("done", "done_late", "overdue", "due_soon", "pending")), light]
    assert by_unit == {}  # every owing unit has its row
    # by hand: 金安区 did May's focus month and its report on time; 裕安区 did the focus month late
    # (2 June) and its report is due on the 7th; 金安区's light is green, 裕安区's yellow
    rows = {r[1]: r[2:] for r in units[1:]}
    assert rows["金安区人民政府"] == ["2", "2", "0", "0", "0", "0", "绿灯"]
    assert rows["裕安区人民政府"] == ["2", "0", "1", "0", "1", "0", "黄灯"]
    assert rows["叶集区人民政府"] == ["2", "0", "0", "1", "1", "0", "红灯"]

    late = [s for s in found if s.state == "overdue"]
    assert overdue[0] == ["序号", "单位", "事项", "截止日期", "逾期天数"] and len(overdue) - 1 == len(late)
    named = [r[1] for r in overdue[1:] if r[1]]
    assert len(named) == len(set(named))  # each unit named once, on its first row
    assert "金安区人民政府" not in named and "叶集区人民政府" in named
    yeji = next(i for i, r in enumerate(overdue) if r[1] == "叶集区人民政府")
    assert overdue[yeji][2:] == ["M2/focus 2023-05 策划开展主题宣传活动（每季度第二个月）", "2023-05-31", "6天"]


def test_a_month_bulletin_in_markdown_and_json(run, data, tmp_path):
    out = tmp_path / "通报.md"
    _ok(run("notice", "bulletin", "--month", "2023-05", "--today", "2023-06-12", "--data", str(data), "-o", str(out)))
    text = out.read_text(encoding="utf-8")
    assert "# 关于《六安市2023年暖民心行动宣传方案》2023年5月任务落实情况的通报" in text
    assert "| 序号 | 单位 | 应完成 | 已完成 | 逾期完成 | 逾期 | 即将到期 | 未到期 | 灯色 |" in text
    assert "金安区人民政府 | 1 | 1 | 0 | 0 | 0 | 0 | 绿灯 |" in text
    result = run("notice", "bulletin", "--month", "2023-05", "--today", "2023-06-12", "--data", str(data), "-f", "json")
    _ok(result)
    doc = json.loads(result.stdout)
    assert list(doc)[:3] == ["nmx", "kind", "notice"] and (doc["kind"], doc["notice"]) == ("notice/1", "bulletin")
    jinan = next(u for u in doc["units"] if u["unit"] == "jinan")
    assert jinan["light"] == "green" and jinan["counts"]["done"] == 1
    assert {u["light"] for u in doc["units"]} == {"green", "yellow", "red"}
    assert all(item["state"] == "overdue" for item in doc["overdue"])


def test_nothing_owed_in_the_range_writes_no_bulletin(run, tmp_path):
    result = run("notice", "bulletin", "--from", "2022-01-01", "--to", "2022-01-31", "--today", "2023-03-01",
                 "--data", str(DATA), "-o", str(tmp_path / "none.docx"))
    _ok(result)
    assert "不生成通报" in result.stderr and not (tmp_path / "none.docx").exists()


# --- formats, languages, folders ---------------------------------------------------------------------
def test_markdown_and_json_on_stdout(run):
    result = run("notice", "prompt", "--dept", "金安区", "--today", "2023-06-05", "--data", str(DATA), "-o", "-")
    _ok(result)
    assert result.stdout.startswith("**六安市民生工作领导小组办公室**\n")
    assert ("| 1 | M2/report 2023-05 归纳总结，形成书面报告报送市发改委（次月7日前） | 2023-06-07 | 2023-06-07 | 市发改委 | "
            "四（二） |") in result.stdout
    result = run("notice", "prompt", "--dept", "金安区", "--today", "2023-06-05", "--data", str(DATA), "-f", "json")
    _ok(result)
    doc = json.loads(result.stdout)
    assert (doc["kind"], doc["notice"], doc["number"], doc["date"]) == ("notice/1", "prompt", None, "2023-06-05")
    assert doc["unit"] == {"id": "jinan", "name": "金安区人民政府", "full_name": JINAN}
    assert [(i["task"], i["item"], i["period"], i["due"], i["state"]) for i in doc["items"]] == [
        ("M2", "report", "2023-05", "2023-06-07", "due_soon")]
    assert doc["items"][0]["sources"] == ["四（二）"] and doc["until"] == "2023-06-08"


def test_the_format_follows_the_file_name(run, tmp_path):
    for name, check in (("n.json", lambda b: json.loads(b)["kind"] == "notice/1"),
                        ("n.md", lambda b: b.startswith(b"**")), ("n.docx", lambda b: b[:2] == b"PK")):
        _ok(run("notice", "urge", "-d", "金安区", "--today", "2023-06-12", "--data", str(DATA), "-o", str(tmp_path / name)))
        assert check((tmp_path / name).read_bytes()), name


def test_english(run, tmp_path):
    out = tmp_path / "p.docx"
    _ok(run("notice", "prompt", "--dept", "金安区", "--today", "2023-06-05", "--data", str(DATA), "-o", str(out),
            "--lang", "en"))
    doc = _docx(out)
    texts = _texts(doc)
    assert texts[1] == "No. 〔    〕" and texts[2].startswith("Reminder: tasks of the 六安市2023年暖民心行动宣传方案")
    assert "as of 2023-06-05" in texts[4] and "(by 2023-06-08)" in texts[4]
    assert _rows(doc.tables[0])[0] == ["No.", "Item", "Due", "Last working day", "Deliver to", "Clause"]
    assert "2023-06-05" in texts
    result = run("notice", "prompt", "--dept", "市发改委", "--today", "2023-06-05", "--data", str(DATA), "--lang", "en")
    assert result.exit_code == 0 and "no reminder written" in result.stderr


def test_all_writes_one_document_per_unit_into_an_empty_folder(run, tmp_path):
    from nmx.supervision.status import attention

    folder = tmp_path / "提示单"
    folder.mkdir()  # empty: taken
    result = run("notice", "prompt", "--all", "--today", "2023-06-05", "--data", str(DATA), "-o", str(folder))
    _ok(result)
    plan, records = _library()
    owing = [u for u, soon, _ in attention(plan, records, dt.date(2023, 6, 5), 3) if soon]
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"{n:02d}-{plan.unit_by_id[u].name}.docx" for n, u in enumerate(owing, 1)]
    assert "drc" not in owing  # 市发改委 receives the reports: it owes none to itself
    for name, unit in zip(names, owing):
        assert _texts(_docx(folder / name))[3] == f"{plan.unit_by_id[unit].full_name}："
    assert f"已写入 {len(owing)} 份提示单" in result.stderr


def test_all_refuses_a_folder_that_is_not_empty(run, tmp_path):
    folder = tmp_path / "督办单"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep", encoding="utf-8")
    result = run("notice", "urge", "--all", "--today", "2023-06-12", "--data", str(DATA), "-o", str(folder))
    assert result.exit_code == 2 and "不为空" in result.stderr and "Traceback" not in result.output
    assert [p.name for p in folder.iterdir()] == ["mine.txt"]
    result = run("notice", "urge", "--all", "--today", "2023-06-12", "--data", str(DATA), "-o", str(tmp_path / "new"),
                 "-f", "md")
    _ok(result)
    assert all(p.suffix == ".md" for p in (tmp_path / "new").iterdir())


def test_a_unit_with_nothing_gets_no_document(run, tmp_path):
    out = tmp_path / "p.docx"
    result = run("notice", "prompt", "--dept", "市发改委", "--today", "2023-06-05", "--data", str(DATA), "-o", str(out))
    _ok(result)
    assert "市发改委 截至 2023-06-05 没有 3 个工作日内到期的未完成事项：不生成提示单" in result.stderr
    assert not out.exists() and result.stdout == ""
    result = run("notice", "urge", "--dept", "市民生办", "--today", "2023-06-12", "--data", str(DATA), "-o", str(out))
    _ok(result)
    assert "不生成督办单" in result.stderr and not out.exists()


@pytest.mark.parametrize("args, says", [
    (("prompt", "--dept", "无此单位", "--today", "2023-06-05"), "找不到单位 '无此单位'"),
    (("prompt", "--dept", "金安区", "--today", "2023-13-05"), "日期无效：'2023-13-05'"),
    (("urge", "--dept", "金安区", "--today", "2023-06-12", "-f", "docx"), "docx 是二进制文件，不能写到标准输出"),
    (("urge", "--dept", "金安区", "--today", "2023-06-12", "-f", "docx", "-o", "-"), "docx 是二进制文件"),
    (("bulletin", "--today", "2023-06-12", "-f", "docx"), "docx 是二进制文件"),
    (("prompt", "--dept", "金安区", "-o", "n.txt"), "无法从文件名 n.txt 判断格式"),
    (("prompt", "--dept", "金安区", "--all", "-o", "d"), "--dept 和 --all 只能用一个"),
    (("prompt",), "请给出 --dept 单位，或用 --all"),
    (("urge", "--all"), "--all 需要 -o 目录"),
    (("urge", "--all", "-o", "-"), "不能写到标准输出"),
    (("bulletin", "--month", "2023-05", "--from", "2023-05-01"), "--month"),
    (("prompt", "--dept", "金安区", "--days", "-1"), "--days"),
])
def test_usage_errors(run, tmp_path, monkeypatch, args, says):
    monkeypatch.chdir(tmp_path)
    result = run("notice", *args, "--data", str(DATA))
    assert result.exit_code == 2, result.output
    assert says in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_input_is_never_the_output(run, data):
    before = (data / "records.yaml").read_bytes()
    result = run("notice", "prompt", "--dept", "金安区", "--today", "2023-06-05", "--data", str(data),
                 "-o", str(data / "records.yaml"), "-f", "md")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (data / "records.yaml").read_bytes() == before
    result = run("notice", "bulletin", "--today", "2023-06-05", "--data", str(data), "-o", str(data / "tasks.yaml"),
                 "-f", "md")
    assert result.exit_code == 2 and (data / "tasks.yaml").read_bytes() == (DATA / "tasks.yaml").read_bytes()


# --- the pieces ------------------------------------------------------------------------------------
def test_a_units_light_is_its_worst_items():
    from nmx.supervision.status import Status
    from nmx.views.notice import unit_light

    def of(*states):
        return [Status(item=None, unit="u", done=0, required=1, state=s, dates=()) for s in states]

    assert unit_light(of("done", "pending")) == "green"
    assert unit_light(of("done", "done_late")) == "yellow"
    assert unit_light(of("due_soon", "pending")) == "yellow"
    assert unit_light(of("done_late", "overdue", "done")) == "red"
    assert unit_light([]) == "green"


@pytest.mark.parametrize("name, expected", [
    ("市交通运输局", "01-市交通运输局.docx"), ('a<b>c:"d/e\\f|g?h*', "01-a_b_c__d_e_f_g_h_.docx"),
    ("CON", "01-_CON.docx"), ("nul.txt", "01-_nul.txt.docx"), ("尾点. ", "01-尾点.docx"), ("控\x07制", "01-控_制.docx"),
    ("长" * 80, "01-" + "长" * 60 + ".docx"),
])
def test_file_names_are_safe_on_windows(name, expected):
    from nmx.views.notice import Notice, file_name

    notice = Notice("prompt", "i", None, "t", "a", [], dt.date(2023, 6, 5), payload={"unit": {"name": name, "id": "x"}})
    assert file_name(1, notice, "docx") == expected


def test_hostile_names_stay_text(run, tmp_path, hostile_data):
    base = ("notice", "prompt", "--dept", "市交通运输局", "--today", "2023-06-05", "--data", str(hostile_data))
    md = run(*base, "-f", "md")
    _ok(md)
    assert "&lt;img src=x onerror=alert(2)&gt;六安市交通运输局：" in md.stdout and "<img" not in md.stdout
    out = tmp_path / "h.docx"
    _ok(run(*base, "-o", str(out)))
    assert _texts(_docx(out))[3] == "<img src=x onerror=alert(2)>六安市交通运输局："  # text in Word, not markup
