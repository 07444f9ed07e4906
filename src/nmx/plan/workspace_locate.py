"""Finding a workspace and its city plan's folder, cheaply: `stat` calls, then (only when one is
found) the YAML reader on nmx.yaml — no pydantic, no plan. `nmx.plan.workspace` validates it."""

from __future__ import annotations

import os
from pathlib import Path

from nmx.errors import DataError, UsageError
from nmx.i18n import t

FILE = "nmx.yaml"


def find(option: Path | None = None, data_given: bool = False) -> Path | None:
    """The workspace folder: `--workspace`, else (no --data/NMX_DATA) NMX_WORKSPACE or an nmx.yaml upward."""
    if option is not None:
        return _checked(option)
    if data_given or os.environ.get("NMX_DATA"):
        return None
    env = os.environ.get("NMX_WORKSPACE")
    if env:
        return _checked(Path(env))
    here = Path.cwd()
    for up, folder in enumerate((here, *here.parents)):
        if (folder / FILE).is_file():
            return Path(*([".."] * up)) if up else Path(".")  # shown as the user sees it
    return None


def _checked(path: Path) -> Path:
    if path.is_file() and path.name == FILE:
        path = path.parent
    if not (path / FILE).is_file():
        raise UsageError(t("ws:missing", path=path / FILE))
    return path


def _read_bytes(root: Path) -> bytes:
    from nmx.fileio import read_input

    return read_input(root / FILE)  # type: ignore[return-value]


def _entries(root: Path) -> tuple[list[dict], object]:
    from nmx.fileio import display
    from nmx.plan.yaml_reader import parse

    doc = parse(_read_bytes(root), display(root / FILE))
    plans = doc.data.get("plans") if isinstance(doc.data, dict) else None
    return ([p for p in plans if isinstance(p, dict)] if isinstance(plans, list) else []), doc


def plan_folders(root: Path) -> list[Path]:
    """Every plan folder nmx.yaml lists (read cheaply; what is not a path is left out)."""
    return [root / p["path"] for p in _entries(root)[0] if isinstance(p.get("path"), str)]


def city_folder(root: Path) -> Path:
    """The city plan's folder, read cheaply (no pydantic); DataError when nmx.yaml names none or several."""
    from nmx.fileio import display

    entries, doc = _entries(root)
    cities = [p for p in entries if p.get("role") == "city"]
    if len(cities) != 1 or not isinstance(cities[0].get("path"), str):
        raise DataError(t("ws:invalid", path=display(root / FILE)), doc.problems)  # type: ignore[attr-defined]
    return root / cities[0]["path"]


