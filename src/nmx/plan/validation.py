"""Stage one of validation: pydantic checks the structure of each file.

Imported only when a plan is not in the cache (pydantic is the slow import).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from nmx.plan import models
from nmx.i18n import t
from nmx.plan.yaml_reader import Document
from nmx.problems import Problem

FILE_MODELS: dict[str, type] = {
    "tasks.yaml": models.TasksFile,
    "departments.yaml": models.DepartmentsFile,
}


@lru_cache(maxsize=None)
def adapter(cls: type) -> TypeAdapter:
    return TypeAdapter(cls)


def validate_document(doc: Document, cls: type) -> tuple[Any, list[Problem]]:
    """The model built from `doc.data`, or None and one problem per pydantic error."""
    try:
        return adapter(cls).validate_python(doc.data), []
    except ValidationError as exc:
        return None, [_problem(doc, err) for err in exc.errors(include_url=False)]


def _problem(doc: Document, err: dict) -> Problem:
    path = _data_path(doc.data, err["loc"])
    kind = err["type"]
    if kind == "missing":
        message = t("model_missing", field=path[-1] if path else "?")
        path = path[:-1]
    elif kind in ("extra_forbidden", "unexpected_keyword_argument"):
        message = t("model_extra", field=path[-1] if path else "?")
        kind = "unknown_key"  # one rule name, whichever way pydantic words it
    else:
        message = t("model_other", msg=err["msg"])
        if isinstance(err.get("input"), bool) and kind == "string_type":
            message += t("hint_yaml_bool")
    return doc.problem(path, kind.replace("_", "-"), message)


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
    schema = adapter(cls).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://nmx.invalid/schema/{file_name.replace('.yaml', '.schema.json')}",
        **schema,
    }
