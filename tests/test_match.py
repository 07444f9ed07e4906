"""Finding units, groups and tasks from what a user types (nmx.duties.match)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nmx.errors import UsageError
from nmx.i18n import set_lang
from nmx.duties.match import find_group, find_task, find_unit, id_ranges
from nmx.plan.names import spells, suggest


@pytest.mark.parametrize(
    ("query", "unit_id"),
    [
        ("transport", "transport"),                     # id
        ("TRANSPORT", "transport"),                     # id, any case
        ("市交通运输局", "transport"),                  # the name as the plan writes it
        ("六安市交通运输局", "transport"),              # full name
        ("市交通局", "transport"),                      # alias
        ("交通运输局", "transport"),                    # without 市
        ("六安交通运输局", "transport"),                # 六安 instead of 市
        ("市 交通 运输局", "transport"),                # spaces do not matter
        ("\u3000市交通运输局 ", "transport"),           # nor full-width spaces
        ("ｔｒａｎｓｐｏｒｔ", "transport"),            # full-width letters
        ("市教育局", "edu"),                            # the annex's row 9 name
        ("六安市教育局", "edu"),
        ("市教体局", "edu"),
        ("六安银保监分局", "nfra"),                     # the name in the plan …
        ("国家金融监督管理总局六安监管分局", "nfra"),   # … its new name
        ("中国银行保险监督管理委员会六安监管分局", "nfra"),  # … and the old full name
        ("人行六安中心支行", "pboc"),
        ("中国人民银行六安市分行", "pboc"),
        ("中国人民银行六安市中心支行", "pboc"),
        ("金安区", "jinan"),                            # a county's short name
        ("霍山县", "huoshan"),
        ("开发区", "devzone"),
        ("市粮食和物资储备局", "drc"),                  # the second name of 市发改委
        ("各县区政府(管委)", None),                     # half-width brackets find the group (below)
    ],
)
def test_exact_lookups(plan, query, unit_id):
    if unit_id is None:
        with pytest.raises(UsageError, match="分组"):
            find_unit(plan, query)
        return
    assert find_unit(plan, query).id == unit_id


@pytest.mark.parametrize(
    ("query", "unit_id"),
    [
        ("jtysj", "transport"),                     # initials
        ("JTYSJ", "transport"),
        ("ｊｔｙｓｊ", "transport"),
        ("jiaotongyunshuju", "transport"),          # full pinyin
        ("jiaotongysj", "transport"),               # a mix
        ("sjtysj", "transport"),                    # with 市
        ("jiaotiju", "edu"),
        ("luanyinbaojianfenju", "nfra"),            # 六安 as the place name reads: lù ān
        ("liuanyinbaojianfenju", "nfra"),           # and as people often type it
        ("lu'an yin bao jian fen ju", "nfra"),      # apostrophes and spaces are ignored
        ("rhlazxzh", "pboc"),                       # 行 as háng
        ("jaq", "jinan"),                           # the short name's initials
        ("hqx", "huoqiu"),
        ("yejiqu", "yeji"),
        ("tsw", "youth"),
        ("wxrbs", "wxdaily"),
        ("msb", "livelihood"),
        ("dianxin", "telecom"),                     # the alias 六安电信 without 六安
    ],
)
def test_pinyin_lookups(plan, query, unit_id):
    assert find_unit(plan, query).id == unit_id


def test_ambiguous_pinyin_lists_the_units(plan):
    with pytest.raises(UsageError) as err:
        find_unit(plan, "jtj")  # 市教体局 and 市交通局 (the alias of 市交通运输局)
    assert err.value.message == "'jtj' 可以指多个单位：市教体局、市交通运输局，请写得更具体"


def test_unknown_unit_suggests_up_to_three(plan):
    with pytest.raises(UsageError) as err:
        find_unit(plan, "市交通")
    assert err.value.message == "找不到单位 '市交通'"
    assert err.value.hint.startswith("是否指：市交通运输局")
    assert len(err.value.hint.removeprefix("是否指：").split("、")) <= 3


def test_unknown_pinyin_suggests_by_pinyin(plan):
    assert suggest(plan, "jtysjj")[0] == "市交通运输局"
    assert suggest(plan, "银保监") == ["六安银保监分局"]


@pytest.mark.parametrize("query", ["", "   ", "\u3000"])
def test_empty_query(plan, query):
    with pytest.raises(UsageError) as err:
        find_unit(plan, query)
    assert err.value.message == "单位名称不能为空"


def test_group_given_as_unit_lists_members(plan):
    with pytest.raises(UsageError) as err:
        find_unit(plan, "各县区人民政府")
    assert err.value.message == "'各县区人民政府' 是分组“各县区人民政府”，不是单个单位"
    assert err.value.hint == ("成员：金安区人民政府、裕安区人民政府、叶集区人民政府、霍邱县人民政府、"
                              "舒城县人民政府、金寨县人民政府、霍山县人民政府")


def test_group_without_member_list(plan):
    with pytest.raises(UsageError) as err:
        find_unit(plan, "市民生工作领导小组成员单位")
    assert err.value.hint == "方案未列出该分组的成员"


def test_group_partly_listed(plan):
    with pytest.raises(UsageError) as err:
        find_unit(plan, "市（县区）属各媒体平台")
    assert err.value.hint == "成员：皖西日报社、市广电台；方案未列出全部成员"


def test_everyone_group(plan):
    with pytest.raises(UsageError) as err:
        find_unit(plan, "各地各单位")  # an alias of 各县区各部门
    assert "各县区各部门" in err.value.message
    # 各县区各部门: county governments, 市开发区管委 and the city party/government departments (not 市委,
    # not the office 市民生办, not media, carriers, banks or people's organisations)
    assert err.value.hint == (
        "成员：市委宣传部、市发改委、市教体局、市人社局、市卫健委、市民政局、市商务局、市城管局、市交通运输局、"
        "市文旅局、市住建局、市自然资源局、市数管局、金安区人民政府、裕安区人民政府、叶集区人民政府、霍邱县人民政府、"
        "舒城县人民政府、金寨县人民政府、霍山县人民政府、市开发区管委"
    )


def test_messages_in_english(plan):
    set_lang("en")
    try:
        with pytest.raises(UsageError) as err:
            find_unit(plan, "nowhere")
        assert err.value.message == "unit not found: 'nowhere'"
    finally:
        set_lang(None)


def test_spells():
    readings = [{"jiao"}, {"tong"}, {"ju"}]
    assert spells("jiaotongju", readings)
    assert spells("jtj", readings)
    assert spells("jiaotj", readings)
    assert not spells("jiaotong", readings)  # every character must be spelt
    assert not spells("jtjj", readings)


def test_fuzzy_libraries_only_on_the_fallback_path():
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from nmx.plan.pipeline import load_plan\n"
        "from nmx.plan.source import DataSource\n"
        "from nmx.duties.match import find_unit\n"
        "plan = load_plan(DataSource(Path(sys.argv[1]), 'argument'))\n"
        "find_unit(plan, '市交通运输局'); find_unit(plan, '金安区'); find_unit(plan, 'TRANSPORT')\n"
        "before = [m for m in ('rapidfuzz', 'pypinyin') if m in sys.modules]\n"
        "find_unit(plan, 'jtysj')\n"
        "print(before, [m for m in ('rapidfuzz', 'pypinyin') if m in sys.modules])\n"
    )
    from tests.conftest import DATA

    out = subprocess.run([sys.executable, "-c", code, str(DATA)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] ['pypinyin']"


# --- groups and tasks --------------------------------------------------------------------
def test_find_group(plan):
    assert find_group(plan, "counties").name == "各县区人民政府"
    assert find_group(plan, "各县区政府").id == "counties"
    with pytest.raises(UsageError) as err:
        find_group(plan, "市交通运输局")
    assert err.value.message == "'市交通运输局' 不是分组"
    assert "各县区人民政府" in err.value.hint


@pytest.mark.parametrize("query", ["A6", "a6", "Ａ６", " A6 "])
def test_find_task(plan, query):
    assert find_task(plan, query).title == "公交、出租车和客运站宣传"


def test_unknown_task_suggests_ids(plan):
    with pytest.raises(UsageError) as err:
        find_task(plan, "A15")
    assert err.value.message == "没有编号为 'A15' 的任务"
    assert err.value.hint == "是否指：A5、A1、A14"
    with pytest.raises(UsageError) as err:
        find_task(plan, "Z")
    assert err.value.hint == "已有任务：M1–M5、R1–R7、A1–A14"  # R7 is 五（一）


def test_id_ranges():
    assert id_ranges(["A1", "A2", "A3", "A5", "M1", "B", "T01"]) == "A1–A3、A5、M1、B、T01"
