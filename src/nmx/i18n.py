"""The message catalogue: every label and message nmx shows, in Chinese and English.

`t("key", **fields)` formats the entry in the current language (Chinese unless
`--lang en` or NMX_LANG=en). Keep entries grouped by the command that owns them.
"""

from __future__ import annotations

import os

LANGS = ("zh", "en")
_lang: str | None = None

# key: (中文, English)
CATALOG: dict[str, tuple[str, str]] = {
    # --- common -------------------------------------------------------------
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "hint": ("提示", "hint"),
    "internal_error": (
        "nmx 内部错误：{error}（设置 NMX_DEBUG=1 可查看调用栈，并请报告此问题）",
        "internal error in nmx: {error} (set NMX_DEBUG=1 for the traceback, and please report it)",
    ),
    "bad_lang": ("不支持的语言 {lang!r}，可选：zh、en", "unsupported language {lang!r}; choose zh or en"),
    "bad_format": (
        "此命令不支持输出格式 {fmt!r}，可选：{allowed}",
        "this command does not support format {fmt!r}; choose one of: {allowed}",
    ),
    "output_dir_missing": ("输出目录不存在：{path}", "output folder does not exist: {path}"),
    "output_not_writable": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    "output_is_dir": ("输出路径是一个目录：{path}", "output path is a folder: {path}"),
    "written": ("已写入 {path}", "written to {path}"),
    "bad_date": ("日期无效：{value!r}（应为 YYYY-MM-DD）", "invalid date {value!r} (expected YYYY-MM-DD)"),
    "bad_month": ("月份无效：{value!r}（应为 YYYY-MM）", "invalid month {value!r} (expected YYYY-MM)"),
    # --- data location --------------------------------------------------------
    "data_missing": ("数据目录不存在：{path}", "data folder does not exist: {path}"),
    "data_not_dir": ("不是目录：{path}", "not a folder: {path}"),
    "data_file_missing": ("数据目录 {path} 中缺少 {name}", "{name} is missing from data folder {path}"),
    "data_unreadable": ("无法读取 {path}：{reason}", "cannot read {path}: {reason}"),
    "source_option": ("--data 参数指定", "given by --data"),
    "source_env": ("环境变量 NMX_DATA 指定", "given by NMX_DATA"),
    "source_cwd": ("当前目录下的 ./data/", "./data/ in the current folder"),
    "source_bundled": ("nmx 内置的 2023 年方案", "the 2023 plan bundled with nmx"),
    "source_argument": ("命令行参数指定", "given as an argument"),
    "data_invalid": (
        "方案数据有 {n} 个问题，请先运行 nmx validate {path}",
        "the plan data has {n} problem(s); run nmx validate {path}",
    ),
    # --- loader -----------------------------------------------------------------
    "enc_gb18030": (
        "文件不是 UTF-8 编码（看起来是 GB18030/GBK），请另存为 UTF-8",
        "file is not UTF-8 (it decodes as GB18030/GBK); please save it as UTF-8",
    ),
    "enc_utf16": ("文件是 UTF-16 编码，请另存为 UTF-8", "file is UTF-16 encoded; please save it as UTF-8"),
    "enc_unknown": ("文件不是 UTF-8 编码（第 {byte} 字节无效），请另存为 UTF-8", "file is not UTF-8 (invalid byte at offset {byte}); please save it as UTF-8"),
    "empty_file": ("文件为空", "file is empty"),
    "yaml_syntax": ("YAML 语法错误：{problem}", "YAML syntax error: {problem}"),
    "multi_document": ("文件只能包含一个 YAML 文档", "the file must hold a single YAML document"),
    "duplicate_key": ("重复的键 {key!r}（第一次出现在第 {line} 行）", "duplicate key {key!r} (first at line {line})"),
    "alias_budget": (
        "锚点/别名展开超过 {budget} 个节点，拒绝处理（疑似“billion laughs”攻击）",
        "alias expansion exceeds {budget} nodes; refusing (looks like a \"billion laughs\" file)",
    ),
    "bad_tag": ("不允许的标签 {tag}", "tag {tag} is not allowed"),
    "merge_key": ("不支持合并键 <<，请写出完整内容", "merge keys (<<) are not supported; write the content out"),
    "yaml11_bool": (
        "{value!r} 在 YAML 1.1 中会被读成布尔值；若是文字请加引号，若是布尔值请写 true/false",
        "{value!r} reads as a boolean in YAML 1.1; quote it if it is text, or write true/false",
    ),
    "yaml11_sexagesimal": (
        "{value!r} 在 YAML 1.1 中会被读成六十进制数；请加引号",
        "{value!r} reads as a base-60 number in YAML 1.1; quote it",
    ),
    "complex_key": ("映射的键必须是字符串", "mapping keys must be strings"),
    "top_not_mapping": ("文件顶层必须是映射（键: 值）", "the top level of the file must be a mapping (key: value)"),
    # --- models / checks ----------------------------------------------------------
    "model_missing": ("缺少必填字段 {field!r}", "required field {field!r} is missing"),
    "model_extra": ("未知字段 {field!r}", "unknown field {field!r}"),
    "model_other": ("{msg}", "{msg}"),
    "hint_yaml_bool": ("（YAML 把 true/false 读作布尔值，文字请加引号）", " (YAML reads true/false as booleans; quote text)"),
    "unknown_unit": ("未知的单位或分组 {name!r}", "unknown unit or group {name!r}"),
    "unknown_unit_suggest": ("未知的单位或分组 {name!r}，是否指 {suggestion}？", "unknown unit or group {name!r}; did you mean {suggestion}?"),
    "duplicate_id": ("重复的 id {id!r}（第一次出现在第 {line} 行）", "duplicate id {id!r} (first at line {line})"),
    "bad_id": ("id {id!r} 格式不对：{why}", "id {id!r} is malformed: {why}"),
    "group_cycle": ("分组 {id!r} 通过 {chain} 包含了自己", "group {id!r} contains itself via {chain}"),
    "task_no_lead": ("任务 {id} 没有牵头单位", "task {id} has no lead unit"),
    "alias_clash": ("名称 {alias!r} 同时属于 {a} 和 {b}", "name {alias!r} is claimed by both {a} and {b}"),
    "unit_group_clash": ("{name!r} 既是单位又是分组", "{name!r} is both a unit and a group"),
    "bad_rrule": ("RRULE 无法解析：{error}", "RRULE does not parse: {error}"),
    "rrule_empty": ("RRULE 在方案期间内没有任何日期", "the RRULE yields no date inside the plan's period"),
    "date_outside": ("日期 {date} 不在方案期间 {start} 至 {end} 内", "date {date} is outside the plan's period {start} to {end}"),
    "period_order": ("期间的开始 {start} 晚于结束 {end}", "the period starts {start}, after it ends {end}"),
    "group_empty": ("分组 {id!r} 不包含任何单位", "group {id!r} reaches no unit"),
    "bad_after": ("期限引用了不存在的时间窗 {ref!r}", "the deadline refers to a window {ref!r} that does not exist"),
    "bad_timezone": ("未知的时区 {tz!r}", "unknown time zone {tz!r}"),
    "bad_relative": ("相对期限无效：{error}", "invalid relative deadline: {error}"),
    "bad_related": ("相关任务 {ref!r} 不存在", "related task {ref!r} does not exist"),
    # --- validate / info / schema -----------------------------------------------------
    "valid": ("{path}：数据有效（{tasks} 项任务，{units} 个单位，{groups} 个分组）", "{path}: valid ({tasks} tasks, {units} units, {groups} groups)"),
    "summary": ("{errors} 个错误，{warnings} 个警告", "{errors} error(s), {warnings} warning(s)"),
    "schema_written": ("已写入 {path}", "written {path}"),
    "info_plan": ("方案", "Plan"),
    "info_doc": ("文号", "Document"),
    "info_issuer": ("发文单位", "Issuer"),
    "info_year": ("年度", "Year"),
    "info_period": ("期间", "Period"),
    "info_tz": ("时区", "Time zone"),
    "info_data": ("数据目录", "Data folder"),
    "info_why": ("选择原因", "Chosen because"),
    "info_counts": ("数量", "Counts"),
    "info_counts_value": ("{tasks} 项任务，{units} 个单位，{groups} 个分组", "{tasks} tasks, {units} units, {groups} groups"),
    "info_notes": ("假设与说明", "Assumptions and notes"),
    # --- unit matching ----------------------------------------------------------------
    "unit_empty": ("单位名称不能为空", "the unit name is empty"),
    "unit_not_found": ("找不到单位 {name!r}", "unit not found: {name!r}"),
    "did_you_mean": ("是否指：{names}", "did you mean: {names}"),
    "unit_ambiguous": ("{name!r} 可以指多个单位：{units}，请写得更具体", "{name!r} matches several units: {units}; be more specific"),
    "is_group": ("{name!r} 是分组“{group}”，不是单个单位", "{name!r} is the group {group}, not a single unit"),
    "group_members": ("成员：{members}", "members: {members}"),
    "group_unlisted": ("方案未列出该分组的成员", "the plan does not list this group's members"),
    # --- duties / departments / tasks / matrix ---------------------------------------
    # --- deadlines / calendar / ics ------------------------------------------------------
    # --- checklist / export / report -------------------------------------------------------
    # --- supervision -----------------------------------------------------------------------------
}


def set_lang(lang: str | None) -> None:
    global _lang
    if lang is not None and lang not in LANGS:
        raise ValueError(lang)
    _lang = lang


def lang() -> str:
    if _lang:
        return _lang
    env = os.environ.get("NMX_LANG", "").lower()
    return "en" if env.startswith("en") else "zh"


def t(key: str, **fields: object) -> str:
    """The catalogue entry `key` in the current language, formatted with `fields`."""
    zh, en = CATALOG[key]
    text = en if lang() == "en" else zh
    return text.format(**fields) if fields else text
