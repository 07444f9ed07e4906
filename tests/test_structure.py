"""The layout's rules, read from the imports (ast), so a change that breaks one fails here.

The rooms, from the ground up: the base modules (errors, problems, i18n, fileio, safetext,
bulk), plan/ (reading and checking a plan folder), schedule/ (dates), duties/ (who owes
what), supervision/ (records and ledger), views/ (plain data per subject), render/ (formats),
handouts/ (what the office hands out, composed of views and renderers), cli/. A module
imports only from its own room and the rooms below it; every import counts, including the
ones inside functions (they were how the old circle hid).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
BASE = {"nmx", "nmx.errors", "nmx.problems", "nmx.i18n", "nmx.fileio", "nmx.safetext", "nmx.bulk", "nmx.lazyclass", "nmx.beside"}
ROOMS = ["plan", "schedule", "duties", "supervision", "drafts", "compare", "views", "render", "handouts", "cli"]
TOP = {"nmx.__main__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / "nmx").rglob("*.py"))}


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(module imported, line) for every import in the file, resolved to nmx's own modules
    where it names one (`from nmx.plan import cache` is nmx.plan.cache), else its top package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in MODULES else base, node.lineno))
    return found


def _room(module: str) -> str | None:
    parts = module.split(".")
    if module in BASE or module in TOP:
        return "base" if module in BASE else "top"
    return parts[1] if len(parts) > 1 and parts[1] in ROOMS else None


def _edges() -> dict[str, set[str]]:
    return {name: {m for m, _ in _imports(name, path) if m in MODULES and m != name}
            for name, path in MODULES.items()}


def test_every_module_has_a_room():
    assert sorted(m for m in MODULES if _room(m) is None) == []


def test_no_import_circle():
    edges = _edges()
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                circles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert circles == []


def _violations(rule) -> list[str]:
    out = []
    for name, path in MODULES.items():
        for imported, line in _imports(name, path):
            why = rule(name, imported)
            if why:
                out.append(f"{path.relative_to(SRC)}:{line}: {name} imports {imported}: {why}")
    return sorted(set(out))


def test_a_room_imports_only_from_itself_and_below():
    order = ["base", *ROOMS, "top"]

    def rule(name: str, imported: str) -> str | None:
        if not imported.startswith("nmx"):
            return None
        mine, theirs = _room(name), _room(imported)
        if theirs is None or order.index(theirs) <= order.index(mine):
            return None
        return f"{theirs}/ stands above {mine}/"

    assert _violations(rule) == []


def test_the_plan_reads_and_checks_alone():
    """plan/ imports only itself and the base: the loader can be read without the rest."""
    def rule(name: str, imported: str) -> str | None:
        if _room(name) == "plan" and imported.startswith("nmx") and _room(imported) not in ("plan", "base"):
            return "plan/ imports only plan/ and the base modules"
        return None

    assert _violations(rule) == []


def test_renderers_compute_nothing_about_the_plan():
    """render/ takes views: it may import views/, the base and other renderers, nothing that
    reads or computes the plan."""
    def rule(name: str, imported: str) -> str | None:
        if _room(name) == "render" and imported.startswith("nmx") and _room(imported) not in ("render", "views", "base"):
            return "a renderer takes a view; it does not reach into the plan"
        return None

    assert _violations(rule) == []


@pytest.mark.parametrize("library, room", [("typer", "cli"), ("click", "cli"), ("rich", "render")])
def test_libraries_stay_in_their_room(library: str, room: str):
    def rule(name: str, imported: str) -> str | None:
        if imported.split(".")[0] == library and _room(name) != room:
            return f"{library} is imported only in {room}/"
        return None

    assert _violations(rule) == []


def test_the_cli_reaches_renderers_only_through_the_registry():
    """A command hands its view to `nmx.render.render`; it never calls a format's module itself."""
    def rule(name: str, imported: str) -> str | None:
        if _room(name) == "cli" and _room(imported) == "render" and imported not in ("nmx.render", "nmx.render.terminal"):
            return "render(subject, fmt) is the one way to a format"
        return None

    assert _violations(rule) == []


def test_one_atomic_writer():
    """os.replace / os.rename appear in one module, the one that fsyncs the folder (fileio)."""
    users = sorted({
        str(path.relative_to(SRC))
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in ("replace", "rename")
        and isinstance(node.value, ast.Name) and node.value.id == "os"
    })
    assert users == ["nmx/fileio.py"]
