"""The core schemas written ahead of time (nmx/plan/corecodegen.py) validate as pydantic does.

- the generated modules are exactly what tools/core_schemas.py writes for the installed
  pydantic (a model changed without regenerating fails here);
- the validator built from them and the one pydantic derives give the same models and the
  same errors for every data file in the fixtures and for mutated ones;
- a generated module from another pydantic-core is not used: pydantic derives the schema.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pydantic_core
from pydantic import TypeAdapter

from nmx.plan import validation
from nmx.plan.yaml_reader import parse

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _tool():
    spec = importlib.util.spec_from_file_location("core_schemas_tool", ROOT / "tools" / "core_schemas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _current() -> bool:
    """Whether the installed pydantic-core is the one the shipped modules were generated with
    (CI's lowest-versions run installs an older one: then pydantic derives every schema)."""
    from nmx.plan import core_schemas

    return core_schemas.PYDANTIC_CORE == pydantic_core.__version__


def test_generated_modules_are_up_to_date():
    from nmx.plan.corecodegen import source

    targets = _tool().targets()
    assert {p.name for p, _, _ in targets} == {"core_schemas.py"} and len(targets) == 3
    versions = set()
    for path, module, classes in targets:
        text = path.read_text(encoding="utf-8")
        versions.add(text.split("PYDANTIC_CORE = ", 1)[1].split("\n", 1)[0])
        if _current():
            assert text == source(module, classes), f"{path} is out of date: run python tools/core_schemas.py"
    assert len(versions) == 1  # all three from one pydantic-core


def _models():
    import nmx.schedule.holidays  # noqa: F401  registers its generated module
    import nmx.supervision  # noqa: F401
    from nmx.schedule.holidays_file import HolidaysFile
    from nmx.supervision.models import FILE_MODELS

    plan = [*validation.FILE_MODELS.values(), *(m for s in validation.SECTIONS.values() for m, _, _ in s.values())]
    return [*dict.fromkeys(plan), *FILE_MODELS.values(), HolidaysFile]


def _counting(monkeypatch) -> list:
    """The classes pydantic derives a schema for from now on (TypeAdapter patched to count)."""
    import pydantic

    derived = []

    class Counting(TypeAdapter):
        def __init__(self, cls):
            derived.append(cls)
            super().__init__(cls)

    monkeypatch.setattr(pydantic, "TypeAdapter", Counting)
    return derived


def test_every_model_gets_the_generated_validator(monkeypatch):
    """While the generating pydantic-core is installed no model's schema is derived; with any
    other, every one is."""
    models = _models()
    derived = _counting(monkeypatch)
    try:
        for cls in models:
            validation.validator.cache_clear()
            assert type(validation.validator(cls)) is pydantic_core.SchemaValidator
    finally:
        validation.validator.cache_clear()
    assert derived == ([] if _current() else models)


def _documents():
    """(model, data) for every YAML file the fixtures and the shipped plan hold, and parts of them."""
    from nmx.schedule.holidays_file import HolidaysFile
    from nmx.supervision.models import LedgerFile, RecordsFile

    by_name = {"tasks": validation.FILE_MODELS["tasks.yaml"], "departments": validation.FILE_MODELS["departments.yaml"],
               "records": RecordsFile, "ledger": LedgerFile, "holidays": HolidaysFile}
    files = sorted(FIXTURES.rglob("*.yaml")) + sorted((ROOT / "data").glob("*.yaml"))
    for path in files:
        stem = path.name.split("--")[0].split(".")[0]
        cls = next((c for k, c in by_name.items() if stem.startswith(k) or path.parent.name.startswith(k)), None)
        if cls is None:
            continue
        data = parse(path.read_bytes(), path.name).data
        yield cls, data
        if isinstance(data, dict):
            for section, (item_cls, many, _) in validation.SECTIONS.get(f"{stem}.yaml", {}).items():
                items = data.get(section)
                for item in (items if many and isinstance(items, list) else [items])[:40]:
                    yield item_cls, item


def _outcome(made, data):
    try:
        return "ok", made.validate_python(data)
    except pydantic_core.ValidationError as exc:
        return "error", exc.errors(include_url=False)


def test_same_models_and_errors_as_pydantic():
    seen = {"ok": 0, "error": 0}
    for cls, data in _documents():
        validation.validator.cache_clear()
        ours = _outcome(validation.validator(cls), data)
        theirs = _outcome(TypeAdapter(cls).validator, data)
        assert ours == theirs, cls
        seen[ours[0]] += 1
    assert seen["ok"] >= 50 and seen["error"] >= 10, seen  # both kinds of outcome were compared


MUTATIONS = [None, 0, "", "x", [], {}, [1, "a", None], {"id": 5}, True, 3.5, "2023-13-40", {"kind": "nope"}]


def test_mutated_items_fail_the_same_way():
    """Each field of a real task and unit replaced by values of the wrong kind: the same errors."""
    data = parse((ROOT / "data" / "tasks.yaml").read_bytes(), "tasks.yaml").data
    units = parse((ROOT / "data" / "departments.yaml").read_bytes(), "departments.yaml").data
    cases = [(validation.SECTIONS["tasks.yaml"]["tasks"][0], data["tasks"][n]) for n in (0, 5, 12)]
    cases += [(validation.SECTIONS["departments.yaml"]["units"][0], units["units"][0])]
    compared = 0
    for cls, item in cases:
        ours, theirs = validation.validator(cls), TypeAdapter(cls).validator
        for key in list(item):
            for value in MUTATIONS:
                changed = {**item, key: value}
                assert _outcome(ours, changed) == _outcome(theirs, changed), (cls, key, value)
                compared += 1
            schedules = item.get("schedules") or []
            for value in MUTATIONS[:6]:
                if schedules:
                    changed = {**item, "schedules": [{**schedules[0], "kind": value}]}
                    assert _outcome(ours, changed) == _outcome(theirs, changed)
    assert compared > 100


def test_another_pydantic_core_falls_back_to_pydantic(monkeypatch):
    from nmx.plan import core_schemas

    derived = _counting(monkeypatch)
    cls = validation.FILE_MODELS["tasks.yaml"]
    validation.validator.cache_clear()
    try:
        monkeypatch.setattr(core_schemas, "PYDANTIC_CORE", "0.0.0-other")
        made = validation.validator(cls)
        assert derived == [cls]
        assert made.validate_python(parse((ROOT / "data" / "tasks.yaml").read_bytes(), "tasks.yaml").data)
    finally:
        validation.validator.cache_clear()


def test_validating_a_plan_does_not_import_pydantic_s_schema_builder(tmp_path):
    """A run with no cache validates without pydantic deriving a schema (that import alone costs
    more than the rest of the check), while the generating pydantic-core is installed."""
    import subprocess

    code = ("import atexit, sys\nfrom nmx.cli import main\nsys.argv=['nmx','validate',sys.argv[1]]\n"
            "atexit.register(lambda: print('pydantic._internal._generate_schema' in sys.modules))\nmain()\n")
    env = {"PATH": "/usr/bin:/bin", "NMX_NO_CACHE": "1", "NMX_CACHE_DIR": str(tmp_path / "c"),
           "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "data")], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split()[-1] == str(not _current()), done.stdout + done.stderr
