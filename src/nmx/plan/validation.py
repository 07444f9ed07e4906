"""Stage one of validation: pydantic checks the structure of each file.

Imported only when a plan is not in the cache (pydantic is the slow import).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import field
from functools import lru_cache
from typing import Any

from pydantic_core import ValidationError

from nmx.lazyclass import dataclass
from nmx.plan import models
from nmx.plan.extras import PRECOMPILED, precompiled
from nmx.i18n import t
from nmx.plan.yaml_reader import Document
from nmx.problems import Problem

FILE_MODELS: dict[str, type] = {
    "tasks.yaml": models.TasksFile,
    "departments.yaml": models.DepartmentsFile,
}


def _plan_schemas():
    from nmx.plan import core_schemas

    return core_schemas


precompiled(models.__name__, _plan_schemas)


@lru_cache(maxsize=None)
def validator(cls: type) -> Any:
    """pydantic-core's validator for `cls`: from the core schema generated ahead of time
    (`nmx.plan.corecodegen`) when the installed pydantic-core wrote it, else as pydantic derives
    it (`TypeAdapter`; the same schema, some 70–100 ms more on a run that validates)."""
    generated = PRECOMPILED.get(cls.__module__)
    if generated is not None:
        import pydantic_core

        module = generated()
        if module.PYDANTIC_CORE == pydantic_core.__version__:
            schema = module.schemas().get(cls)
            if schema is not None:
                return pydantic_core.SchemaValidator(schema)
    from pydantic import TypeAdapter

    return TypeAdapter(cls).validator


#: Each file's parts that are validated one by one when the file as a whole is not valid:
#: section → (the model of one item, whether the section is a list of them, its default when absent).
SECTIONS: dict[str, dict[str, tuple[type, bool, Any]]] = {
    "tasks.yaml": {"plan": (models.PlanMeta, False, None), "tasks": (models.Task, True, None)},
    "departments.yaml": {"units": (models.Unit, True, None), "groups": (models.Group, True, ()),
                         "actions": (models.Action, True, ())},
}


@dataclass
class Part:
    """What of one file validated: its model, whole, or built from the items that validated.

    When the file is not valid as a whole, every item of every section (each task, unit,
    group, action; the `plan` header) is validated on its own and kept when it is valid.
    `index[section]` is then each kept item's position in the file, `failed[section]` the
    data of each item that was not kept, and `lost` the sections of which nothing can be
    trusted (absent though required, not a list, or a fault in the section itself).
    """

    model: Any
    index: dict[str, tuple[int, ...]] = field(default_factory=dict)
    failed: dict[str, list] = field(default_factory=dict)
    lost: set[str] = field(default_factory=set)
    vague: set[str] = field(default_factory=set)  # sections with a failed item whose own name is not known

    @property
    def whole(self) -> bool:
        return not self.lost and not any(self.failed.values())


def validate_part(doc: Document, name: str) -> tuple[Part, list[Problem]]:
    """`doc` validated as the file `name`: the model of what is valid in it, and one problem per
    pydantic error (none for the values whose fault the YAML reader has reported already)."""
    cls, sections = FILE_MODELS[name], SECTIONS[name]
    data = doc.data
    errors = [p for p in doc.problems if p.level.value == "error"]
    if not isinstance(data, dict) or any(len(path) == 0 for path in doc.faults) or (errors and not doc.faults):
        return _empty(cls, sections), []
    broken = {tuple(path[:2]) if path[0] in sections and sections[path[0]][1] else tuple(path[:1])
              for path in doc.faults}
    if not broken:
        model, problems = validate_document(doc, cls)
        if model is not None:
            return Part(model), []
    else:
        problems = [p for p, loc in _problems(doc, cls) if not any(loc[:len(b)] == b for b in broken)]
    part = Part(None)
    values: dict[str, Any] = {}
    for section, (item_cls, many, default) in sections.items():
        raw = data.get(section, default)
        if (section,) in broken or raw is None or (many and not isinstance(raw, list)):
            part.lost.add(section)
            values[section] = () if many else None
            continue
        if not many:
            values[section] = _valid(item_cls, raw)
            if values[section] is None:
                part.lost.add(section)
            continue
        kept, index, failed = [], [], []
        for i, item in enumerate(raw):
            model = None if (section, i) in broken else _valid(item_cls, item)
            if model is None:
                failed.append(item)
                if _nameless(item, section, [f[2:] for f in doc.faults if f[:2] == (section, i)]):
                    part.vague.add(section)
            else:
                kept.append(model)
                index.append(i)
        values[section], part.index[section], part.failed[section] = tuple(kept), tuple(index), failed
    part.model = cls(**values)  # a dataclass built from validated parts: no validator runs
    return part, problems


#: the fields that name an item: a failed item without all of them as trusted text could be named anything
_NAME_FIELDS = {"tasks": ("id",), "units": ("id", "name", "full_name"), "groups": ("id", "name")}


def _nameless(item: object, section: str, faults: list[tuple]) -> bool:
    """Whether a failed item's names are unknown: not a mapping, a name that is not text, or a
    name the YAML reader found a fault in (`name: no`, read as text but meant as who knows)."""
    keys = _NAME_FIELDS.get(section, ())
    if not isinstance(item, dict):
        return bool(keys)
    return any(not isinstance(item.get(k), str) for k in keys) or any(
        f and f[0] in (*keys, "aliases", "former_names", "short_name") for f in faults)


def _empty(cls: type, sections: dict) -> Part:
    return Part(cls(**{s: () if many else None for s, (_, many, _) in sections.items()}), lost=set(sections))


def _valid(cls: type, raw: object) -> Any:
    try:
        return validator(cls).validate_python(raw)
    except ValidationError:
        return None


def _problems(doc: Document, cls: type) -> list[tuple[Problem, tuple]]:
    """Each pydantic error of the whole document, with the data path it is at."""
    try:
        validator(cls).validate_python(doc.data)
    except ValidationError as exc:
        return [(_problem(doc, err, cls), _data_path(doc.data, err["loc"])) for err in exc.errors(include_url=False)]
    return []


def validate_document(doc: Document, cls: type) -> tuple[Any, list[Problem]]:
    """The model built from `doc.data`, or None and one problem per pydantic error."""
    try:
        return validator(cls).validate_python(doc.data), []
    except ValidationError as exc:
        return None, [_problem(doc, err, cls) for err in exc.errors(include_url=False)]


def read_document(raw: bytes, name: str, cls: type) -> tuple[Document, Any, list[Problem]]:
    """(document, model or None, problems) of one file's bytes: the YAML reader, then pydantic
    when the reader found no error and the file is a mapping (optional files start here)."""
    from nmx.plan.yaml_reader import parse
    from nmx.problems import Level

    doc = parse(raw, name)
    problems = list(doc.problems)
    model = None
    if isinstance(doc.data, dict) and not any(p.level is Level.ERROR for p in problems):
        model, found = validate_document(doc, cls)
        problems.extend(found)
    return doc, model, problems


def _problem(doc: Document, err: dict, cls: type | None = None) -> Problem:
    """One pydantic error as a problem in the user's language: the value, and what to write."""
    path = _data_path(doc.data, err["loc"])
    kind = err["type"]
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        kind = "unknown_key"  # one rule name, whichever way pydantic words it
    if kind == "missing":
        path = path[:-1]
    return doc.problem(path, kind.replace("_", "-"), _message(err, kind, cls))


def _message(err: dict, kind: str, cls: type | None) -> str:
    loc, value, ctx = err["loc"], err.get("input"), err.get("ctx") or {}
    field = next((str(part) for part in reversed(loc) if isinstance(part, str) and part not in _UNION_TAGS), "?")
    shown = _show(value)
    if kind == "missing":
        return t("v:missing", field=field)
    if kind == "unknown_key":
        allowed = _fields(cls, loc[:-1]) if cls else []
        if not allowed:
            return t("model_extra", field=field)
        close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.6)
        names = t("v:sep").join(allowed)
        return t("v:extra_close", field=field, close=close[0], allowed=names) if close else t(
            "v:extra", field=field, allowed=names)
    if kind in ("tuple_type", "list_type"):
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return t("v:list", field=field, value=value)
        return t("v:list_other", field=field, value=shown)
    if kind in ("model_attributes_type", "dataclass_type", "dict_type", "model_type", "dataclass_exact_type"):
        return t("v:mapping", field=field, value=shown)
    if kind == "string_type":
        if value is None:
            return t("v:text_empty", field=field)
        return t("v:text", field=field, value=shown) + (t("hint_yaml_bool") if isinstance(value, bool) else "")
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return t("v:int", field=field, value=shown)
    if kind in ("bool_type", "bool_parsing"):
        return t("v:bool", field=field, value=shown)
    if kind in ("enum", "literal_error", "union_tag_invalid", "union_tag_not_found"):
        allowed = _choices(ctx.get("expected") or ctx.get("expected_tags") or "")
        if kind == "union_tag_not_found":
            return t("v:tag_missing", field=ctx.get("discriminator", "kind").strip("'"), allowed=t("v:sep").join(allowed))
        if kind == "union_tag_invalid":
            field, value = ctx.get("discriminator", "kind").strip("'"), ctx.get("tag")
            shown = _show(value)
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
        names = t("v:sep").join(allowed)
        return t("v:choice_close", field=field, value=shown, close=close[0], allowed=names) if close else t(
            "v:choice", field=field, value=shown, allowed=names)
    if kind.startswith("date") or kind.startswith("datetime"):
        return _date_message(field, value)
    message = t("model_other", msg=err["msg"])
    if isinstance(value, bool) and kind == "string_type":
        message += t("hint_yaml_bool")
    return message


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _date_message(field: str, value: object) -> str:
    """Why `value` is not a date: its format, its month, or its day (2023-02-30: February has 28)."""
    import calendar

    found = _DATE.match(value) if isinstance(value, str) else None
    if found is None:
        return t("v:date_format", field=field, value=_show(value))
    year, month, day = map(int, found.groups())
    if not 1 <= month <= 12:
        return t("v:date_month", field=field, value=value, month=month)
    days = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= days:
        return t("v:date_day", field=field, value=value, year=year, month=month, days=days)
    return t("v:date_format", field=field, value=_show(value))  # 2023-6-1: a real day, not written YYYY-MM-DD


def _show(value: object) -> str:
    """A value as the message shows it: YAML's words for null and booleans, long text cut short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        text = repr(value)
    else:
        text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _choices(expected: str) -> list[str]:
    """pydantic's "'a', 'b' or 'c'" as ['a', 'b', 'c']."""
    return re.findall(r"'([^']*)'", expected)


def _fields(cls: type, loc: tuple) -> list[str]:
    """The field names of the model at `loc` (pydantic's location) under `cls`, or [] if none."""
    import dataclasses
    import typing

    tp: Any = cls
    for part in loc:
        tp = _unwrap(tp, part)
        if dataclasses.is_dataclass(tp) and isinstance(part, str) and part not in _UNION_TAGS:
            hints = typing.get_type_hints(tp, include_extras=True)
            if part not in hints:
                return []
            tp = hints[part]
        elif isinstance(part, int):
            args = typing.get_args(tp)
            tp = args[0] if args else None
    tp = _unwrap(tp, None)
    return [f.name for f in dataclasses.fields(tp)] if dataclasses.is_dataclass(tp) else []


def _unwrap(tp: Any, tag: object) -> Any:
    """`tp` without Annotated and Optional; a union's member whose `kind` is `tag`."""
    import dataclasses
    import typing

    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin is typing.Union:
            members = [m for m in typing.get_args(tp) if m is not type(None)]
            tagged = [m for m in members if dataclasses.is_dataclass(m) and tag in typing.get_args(
                typing.get_type_hints(m).get("kind", None))]
            if len(members) == 1 or not tagged:
                if len(members) != 1:
                    return tp
                tp = members[0]
            else:
                tp = tagged[0]
        else:
            return tp


def _data_path(data: object, loc: tuple) -> tuple:
    """`loc` without pydantic's own steps (union tags, '[key]'), as a path into `data`."""
    path: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in _UNION_TAGS:
            path.append(part)  # a missing field: point at its parent, name it
            node = None
    return tuple(path)


_UNION_TAGS = {"window", "deadline", "quota", "once", "standing", "irregular", "undated"}


def json_schema(cls: type, file_name: str) -> dict:
    from pydantic import TypeAdapter

    schema = TypeAdapter(cls).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://nmx.invalid/schema/{file_name.replace('.yaml', '.schema.json')}",
        **schema,
    }
