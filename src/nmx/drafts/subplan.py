"""`nmx subplan UNIT --from CITY -o DIR`: the local plan of one county, started from the city's.

What the draft folder gets:

- `tasks.yaml`: the header (`parent:` the city plan's number and title; the document number
  empty, so the plan is a draft; `needs_review`), and one task for every city obligation that
  reaches the county, directly or through a group (what `duties_for` lists): `inherits:` the
  city task, the city's title and text, the county's role in it (lead or support, via which
  group) in `note`, the city's schedule entry copied as the minimum (a deadline takes its
  window along), and as lead a placeholder unit; each task is marked `needs_review`.
- `departments.yaml`: the county government itself, the placeholder lead, groups standing for
  its departments and its towns (all but the government marked `needs_review`), and the city
  units the copied schedules deliver to.
- `source/README.md`: where the county's own text goes.

The draft validates with warnings (needs-review, draft); `--strict` fails until they are gone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from enum import Enum
from pathlib import Path

import yaml

from nmx.drafts.new import data_text, link
from nmx.errors import UsageError
from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan.models import Deadline, Unit, UnitKind

#: Schedule fields that name the city plan's other clauses or units: not carried to the county.
_DROPPED = {"same_as", "why", "owed_by"}


@dataclass
class SubplanDraft:
    """The draft's files (relative path → bytes) and what is in it."""

    unit: Unit
    parent_doc: str
    parent_title: str
    files: dict[str, bytes]
    tasks: list[dict] = field(default_factory=list)  # {id, inherits, role, via, possibly}
    placeholders: int = 0


def _plain(value: object) -> object:
    """A model value as YAML takes it: None and defaults are dropped by the caller."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return _fields(value)
    return value


def _fields(item: object, drop: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    out = {}
    for f in dataclasses.fields(item):  # type: ignore[arg-type]
        value = getattr(item, f.name)
        if f.name in drop or value is None or value == f.default or value == ():
            continue
        out[f.name] = _plain(value)
    if "kind" in out and not isinstance(item, Unit):  # a schedule's tag first, as the plan writes it
        out = {"kind": out.pop("kind"), **out}
    return out


def county_unit(plan, query: str) -> Unit:
    """The county `query` names, or UsageError: unknown, or not a county."""
    from nmx.duties.match import find_unit

    unit = find_unit(plan, query)
    if unit.kind is not UnitKind.COUNTY:
        counties = [u.short_name or u.name for u in plan.units if u.kind is UnitKind.COUNTY]
        raise UsageError(t("sp_not_county", name=unit.name, kind=unit.kind.value),
                         hint=t("sp_county_hint", names="、".join(counties)) if counties else None)
    return unit


def start_subplan(source_dir: Path, query: str, dest: Path) -> SubplanDraft:
    """The county's draft plan from the valid city plan in `source_dir` (nothing is written)."""
    from nmx.duties.reach import duties_for
    from nmx.plan.pipeline import load_valid
    from nmx.plan.source import locate

    source = locate(argument=source_dir)
    plan = load_valid(source).plan
    unit = county_unit(plan, query)
    meta = plan.meta
    county = unit.short_name or unit.name
    lead_name = data_text("sp_lead_name", county=county)
    order = {task.id: i for i, task in enumerate(plan.tasks)}
    duties = sorted(duties_for(plan, unit), key=lambda d: (order[d.task], -1 if d.index is None else d.index))
    per_task: dict[str, int] = {}
    for d in duties:
        per_task[d.task] = per_task.get(d.task, 0) + 1
    local = {(d.task, d.index): d.task if per_task[d.task] == 1 else f"{d.task}.{(d.index or 0) + 1}" for d in duties}
    delivered: list[str] = []
    tasks, summary = [], []
    for d in duties:
        task = plan.task_by_id[d.task]
        tid = local[(d.task, d.index)]
        role = data_text("sp_role_" + d.role, county=unit.name)
        if d.via:
            role += data_text("sp_via", via=d.via)
        if d.possibly:
            role += data_text("sp_possibly")
        item: dict = {"id": tid, "inherits": task.id, "title": task.title, "text": task.text,
                      "source": f"{meta.doc_number} {d.source}".strip(), "lead": [lead_name]}
        schedules = []
        if d.index is not None:
            sched = task.schedules[d.index]
            if isinstance(sched, Deadline):
                at = next((i for i, s in enumerate(task.schedules) if s.id == sched.after), None)
                if at is not None:  # a deadline counts from its window, in the same task
                    copied = _fields(task.schedules[at], _DROPPED)
                    if (task.id, at) in local:  # the window is the county's own task too: counted there
                        copied["same_as"] = f"{local[(task.id, at)]}/{sched.after}"
                        copied["why"] = data_text("sp_window_note", id=sched.id or "")
                    schedules.append(copied)
            schedules.append(_fields(sched, _DROPPED))
        for s in schedules:
            if s.get("deliver_to") and s["deliver_to"] not in delivered:
                delivered.append(s["deliver_to"])
        if schedules:
            item["schedules"] = schedules
        item["note"] = role + "。" + (d.note or "")
        item["needs_review"] = data_text("sp_task_review", task=task.id)
        tasks.append(item)
        summary.append({"id": tid, "inherits": task.id, "index": d.index, "role": d.role, "via": d.via,
                        "possibly": d.possibly})
    rel = lambda name: link(source.path / name, dest)  # noqa: E731
    header = {
        "title": data_text("sp_title", county=county, year=meta.year), "doc_number": "",
        "issuer": unit.name, "issuer_short": county, "year": meta.year,
        "period": {"start": meta.period.start, "end": meta.period.end}, "timezone": meta.timezone,
        "source_document": "source/plan.txt",
        "note": data_text("sp_plan_note", title=meta.title, doc=meta.doc_number or "—", path=rel("tasks.yaml"),
                          county=county),
        "parent": {"doc_number": meta.doc_number, "title": meta.title},
        "needs_review": data_text("sp_plan_review"),
    }
    units = [_fields(unit),
             {"id": "lead-tbd", "name": lead_name, "full_name": lead_name, "kind": "government",
              "needs_review": data_text("sp_lead_review")}]
    for name in delivered:  # the city units the copied schedules deliver to
        ref = plan.resolve(name)
        if ref is not None and ref.kind == "unit" and ref.id != unit.id:
            city = _fields(plan.unit_by_id[ref.id], {"part_of", "note"})
            city["note"] = data_text("sp_parent_unit_note")
            units.append(city)
    groups = [
        {"id": "local-departments", "name": data_text("sp_depts_name", county=county), "members_listed": False,
         "needs_review": data_text("sp_depts_review", county=county)},
        {"id": "local-towns", "name": data_text("sp_towns_name", county=county), "members_listed": False,
         "needs_review": data_text("sp_towns_review", county=county)},
    ]
    files = {
        "tasks.yaml": _dump({"plan": header, "tasks": tasks}, "tasks"),
        "departments.yaml": _dump({"units": units, "groups": groups}, "departments"),
        "source/README.md": data_text("sp_source_readme", county=county, title=meta.title,
                                      doc=meta.doc_number).encode("utf-8"),
    }
    for schema in ("tasks", "departments"):
        path = source.path / f"{schema}.schema.json"
        if path.is_file():
            from nmx.fileio import read_input

            files[path.name] = read_input(path)  # type: ignore[assignment]
    draft = SubplanDraft(unit, meta.doc_number, meta.title, files, summary)
    draft.placeholders = check(draft)
    return draft


def _dump(data: dict, schema: str) -> bytes:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return f"# yaml-language-server: $schema=./{schema}.schema.json\n{text}".encode("utf-8")


def check(draft: SubplanDraft) -> int:
    """The draft must validate (warnings allowed), else a bug said as one; the needs-review count."""
    from nmx.plan.pipeline import validate_files
    from nmx.problems import Level

    names = {"tasks.yaml": "tasks.yaml", "departments.yaml": "departments.yaml"}
    plan, problems = validate_files({k: draft.files[k] for k in names}, names)
    errors = [p for p in problems if p.level is Level.ERROR]
    if plan is None or errors:
        raise RuntimeError("the county plan does not validate: " + "; ".join(map(str, (errors or problems)[:3])))
    return sum(1 for p in problems if p.rule == "needs-review")


def write_subplan(draft: SubplanDraft, dest: Path) -> None:
    """The files into a folder beside `dest`, then swapped in: all of them, or none."""
    from nmx.fileio import write_new_folder

    write_new_folder(dest, draft.files.items())

