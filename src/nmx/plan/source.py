"""Where the plan comes from: an argument, --data, --workspace, NMX_DATA, NMX_WORKSPACE, an
nmx.yaml found upward (a workspace: its city plan), ./data/, or the bundled 2023 plan."""

from __future__ import annotations

import os
from pathlib import Path

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.lazyclass import dataclass

FILES = ("tasks.yaml", "departments.yaml")


@dataclass(frozen=True)
class DataSource:
    path: Path
    reason: str  # option | env | cwd | bundled | argument | workspace

    @property
    def reason_text(self) -> str:
        return t(f"source_{self.reason}")


def bundled_dir() -> Path:
    package = Path(__file__).resolve().parent.parent  # src/nmx, or site-packages/nmx
    packaged = package / "data"
    if (packaged / FILES[0]).is_file():
        return packaged
    return package.parent.parent / "data"  # a source checkout (editable install)


def is_plan_dir(path: Path) -> bool:
    return all((path / name).exists() for name in FILES)


def locate(option: Path | None = None, argument: Path | None = None, workspace: Path | None = None) -> DataSource:
    """Pick the plan folder: argument, --data, --workspace's city plan, NMX_DATA, NMX_WORKSPACE's
    or an upward nmx.yaml's city plan, a ./data/ holding a plan, bundled."""
    if argument is not None:
        return _checked(argument, "argument")
    if option is not None:
        return _checked(option, "option")
    from nmx.plan import workspace_locate as ws

    if workspace is not None:
        return _checked(ws.city_folder(ws.find(workspace)), "workspace")  # type: ignore[arg-type]
    env = os.environ.get("NMX_DATA")
    if env:
        return _checked(Path(env), "env")
    root = ws.find()
    if root is not None:
        return _checked(ws.city_folder(root), "workspace")
    if is_plan_dir(Path("data")):
        return DataSource(Path("data"), "cwd")
    return DataSource(bundled_dir(), "bundled")


def _checked(path: Path, reason: str) -> DataSource:
    if not path.exists():
        raise UsageError(t("data_missing", path=path))
    if not path.is_dir():
        raise UsageError(t("data_not_dir", path=path))
    for name in FILES:
        if not (path / name).exists():
            raise UsageError(t("data_file_missing", name=name, path=path))
    return DataSource(path, reason)


def read_files(source: DataSource) -> dict[str, bytes]:
    """Both files' bytes (regular files only, size-limited: see `fileio.read_input`)."""
    from nmx.fileio import read_input

    return {name: read_input(source.path / name) for name in FILES}  # type: ignore[misc]


def input_paths(source: DataSource) -> list[Path]:
    """Every file a command may read from the plan folder (outputs must not be one of them)."""
    return [source.path / name for name in (*FILES, "records.yaml", "ledger.yaml")]
