"""Write the core schemas of nmx's file models as Python literals (see nmx/plan/corecodegen.py).

    python tools/core_schemas.py          # rewrite src/nmx/*/core_schemas.py
    python tools/core_schemas.py --check  # exit 1 when one is out of date

Run it after changing a model class or upgrading pydantic; tests/test_core_schemas.py fails
until the files match what the installed pydantic derives.
"""

from __future__ import annotations

import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def targets() -> list[tuple[Path, object, list[type]]]:
    """(generated file, models module, classes) for every module whose models nmx validates."""
    from nmx.plan import models as plan_models
    from nmx.plan.validation import FILE_MODELS, SECTIONS
    from nmx.schedule import holidays_file
    from nmx.supervision import models as supervision_models

    plan = list(dict.fromkeys([*FILE_MODELS.values(), *(m for s in SECTIONS.values() for m, _, _ in s.values())]))
    return [
        (SRC / "nmx/plan/core_schemas.py", plan_models, plan),
        (SRC / "nmx/supervision/core_schemas.py", supervision_models, list(supervision_models.FILE_MODELS.values())),
        (SRC / "nmx/schedule/core_schemas.py", holidays_file, [holidays_file.HolidaysFile]),
    ]


def main() -> int:
    sys.path.insert(0, str(SRC))
    from nmx.plan.corecodegen import source

    stale = []
    for path, module, classes in targets():
        text = source(module, classes)
        if "--check" in sys.argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(SRC.parent)} ({len(classes)} models)")
    for path in stale:
        print(f"out of date: {path.relative_to(SRC.parent)} (run python tools/core_schemas.py)")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
