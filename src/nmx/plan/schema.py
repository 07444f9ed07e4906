"""JSON Schema of the data files, from the same models pydantic validates with."""

from __future__ import annotations

import json
from pathlib import Path

from nmx.errors import UsageError
from nmx.fileio import write_output
from nmx.i18n import t


def schemas() -> dict[str, dict]:
    """The plan's two files, then each optional file registered with the pipeline."""
    from nmx.plan.extras import EXTRAS
    from nmx.plan.validation import FILE_MODELS, json_schema

    models = {**FILE_MODELS, **{name: extra.model() for name, extra in EXTRAS.items()}}
    return {name: json_schema(cls, name) for name, cls in models.items()}


def schema_file_name(data_file: str) -> str:
    return data_file.replace(".yaml", ".schema.json")


def write_schemas(folder: Path) -> list[Path]:
    if not folder.is_dir():
        if not folder.parent.is_dir() and str(folder.parent):
            raise UsageError(t("output_dir_missing", path=folder.parent))
        folder.mkdir(exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / schema_file_name(name)
        if path.is_symlink():  # the folder is the named output, a link inside it is not
            raise UsageError(t("output_is_link", path=path))
        write_output(path, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        written.append(path)
    return written
