"""`nmx new YEAR --from DIR -o NEWDIR`: next year's plan, started from this one.

What the new folder gets:

- `tasks.yaml`, edited as text (PyYAML's node marks say where each value is), so comments,
  key order and flow style stay: the plan's metadata is reset and marked draft (`doc_number`
  empty, `year` and `period` the new year's, the title's year replaced, a `note` saying where
  it comes from); every absolute date in a rule that follows the period (an RRULE's DTSTART or
  UNTIL) moves with the period; relative schedules (windows, quotas, deadlines) need no change;
  a one-off (`kind: once`) moves by the years between the plans and is marked for review:
  `basis: assumed` and a note "由 2023 年顺延，待核对" (no new field: the import work may add one).
  The edited text is read back and must say exactly what the edits mean; when the layout
  defeats the text edits, the file is written by `yaml.safe_dump(sort_keys=False)` instead
  (comments lost) and the summary says so.
- `departments.yaml` and the `*.schema.json` files, copied byte for byte.
- `ledger.yaml`: every entry still open (without a closure), under its own id, its note saying
  which file and entry it came from; the ledger's history (closed entries, closures) stays in
  the old folder.
- Not copied: `records.yaml` (deliveries belong to the year they were made in) and the plan's
  text (`source/plan.txt` is the old year's document; a `source/README.md` says to put the new
  text there).

The new folder validates with warnings: the empty document number is the check `draft`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import field
from pathlib import Path

import yaml

from nmx.errors import UsageError
from nmx.i18n import CATALOG, t
from nmx.lazyclass import dataclass

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Moved:
    """A date the new plan moved: where, from, to, and whether it waits for review."""

    task: str
    item: str  # the schedule's id, or its position (#2)
    field: str  # date | start | rrule
    old: str
    new: str
    review: bool


@dataclass
class Draft:
    """The new folder's files (relative path → bytes) and what was done to make them."""

    year: int
    old_year: int
    files: dict[str, bytes]
    moved: list[Moved] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)  # ledger entry ids carried over
    closed_left: int = 0  # closed ledger entries left in the old folder
    records_left: int = 0  # records not copied
    text_edits: bool = True  # False: tasks.yaml was re-dumped (comments lost)
    text_copied: bool = False


def data_text(key: str, **fields: object) -> str:
    """A text written into the plan's files: always Chinese, the data's language, whatever --lang says."""
    return CATALOG[key][0].format(**fields)


# --- dates ---------------------------------------------------------------------------------------
def shift(day: dt.date, years: int, month_end: bool = False) -> dt.date:
    """`day` `years` later (Feb 29 → Feb 28); with `month_end`, the last day of a month stays the
    last (a period ending Feb 28 ends Feb 29 in a leap year)."""
    year = day.year + years
    last = calendar.monthrange(day.year, day.month)[1]
    new_last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=new_last if month_end and day.day == last else min(day.day, new_last))


_RRULE_DATE = re.compile(r"((?:DTSTART|UNTIL)[^:=]*[:=])(\d{4})(\d{2})(\d{2})")


def shift_rrule(rule: str, years: int) -> str:
    """The RRULE with its DTSTART and UNTIL dates `years` later (the rest is relative to the period)."""

    def one(m: re.Match) -> str:
        day = shift(dt.date(int(m.group(2)), int(m.group(3)), int(m.group(4))), years)
        return f"{m.group(1)}{day:%Y%m%d}"

    return _RRULE_DATE.sub(one, rule)


# --- text edits on YAML ------------------------------------------------------------------------
def _compose(text: str) -> yaml.Node:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _pairs(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _scalar(value: object) -> str:
    from nmx.supervision.yamltext import quote

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value)
    return quote(str(value))


class _Edits:
    """Replacements and insertions on a text, applied from the end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int, str]] = []
        self.broken: str | None = None  # a value no text edit could place: apply() refuses

    def set(self, mapping: yaml.MappingNode, key: str, value: object, after: tuple[str, ...] = ()) -> None:
        try:
            self._set(mapping, key, value, after)
        except _Layout:
            self.broken = self.broken or key

    def _set(self, mapping: yaml.MappingNode, key: str, value: object, after: tuple[str, ...]) -> None:
        """`key: value` in `mapping`: its value replaced, or the pair added after the first key of
        `after` the mapping has (else at its end); _Layout when no line of its own can take it."""
        pairs = _pairs(mapping)
        found = pairs.get(key)
        if found is not None:
            node = found[1]
            if not isinstance(node, yaml.ScalarNode) or "\n" in self.text[node.start_mark.index:node.end_mark.index]:
                raise _Layout(key)
            self.spans.append((node.start_mark.index, node.end_mark.index, _scalar(value)))
            return
        if mapping.flow_style:
            close = self.text.rindex("}", mapping.start_mark.index, mapping.end_mark.index)
            self.spans.append((close, close, f", {key}: {_scalar(value)}"))
            return
        anchor = next((pairs[k] for k in after if k in pairs), mapping.value[-1])
        last_key, last = anchor
        one_line = isinstance(last, yaml.ScalarNode) or bool(getattr(last, "flow_style", False))
        if not one_line or last.end_mark.line != last_key.start_mark.line:
            raise _Layout(key)
        end = self.text.find("\n", last.end_mark.index)
        at = len(self.text) if end < 0 else end + 1
        pad = " " * mapping.value[0][0].start_mark.column
        nl = "\r\n" if self.text[at - 2:at] == "\r\n" else "\n"
        lead = "" if end >= 0 else nl
        self.spans.append((at, at, f"{lead}{pad}{key}: {_scalar(value)}{nl}"))

    def insert(self, at: int, snippet: str) -> None:
        self.spans.append((at, at, snippet))

    def apply(self) -> str:
        if self.broken is not None:
            raise _Layout(self.broken)
        out = self.text
        for start, end, new in sorted(self.spans, key=lambda s: (s[0], s[1]), reverse=True):
            out = out[:start] + new + out[end:]
        return out


class _Layout(Exception):
    """A value the text edits cannot place safely: the file is re-dumped instead."""


# --- the new plan --------------------------------------------------------------------------------
def review_note(old_year: int) -> str:
    return data_text("nw_review_note", year=old_year)


def _plan_edits(data: dict, root: yaml.Node, edits: _Edits, year: int, old_meta, source_name: str) -> None:
    years = year - old_meta.year
    plan_node = _pairs(root)["plan"][1]
    meta = data["plan"]
    title = meta["title"].replace(str(old_meta.year), str(year))
    note = data_text("nw_plan_note", title=old_meta.title, doc=old_meta.doc_number or "—", path=source_name)
    period = _pairs(plan_node)["period"][1]
    start, end = shift(old_meta.period.start, years), shift(old_meta.period.end, years, month_end=True)
    for key, value in (("title", title), ("doc_number", ""), ("year", year), ("note", note)):
        meta[key] = value
        edits.set(plan_node, key, value, after=("source_document", "timezone", "doc_number"))
    meta["period"]["start"], meta["period"]["end"] = start, end
    edits.set(period, "start", start)
    edits.set(period, "end", end)


def _schedule_edits(data: dict, root: yaml.Node, edits: _Edits, years: int, old_year: int) -> list[Moved]:
    moved: list[Moved] = []
    tasks = _pairs(root)["tasks"][1]
    for task, task_node in zip(data["tasks"], tasks.value):
        sched_node = _pairs(task_node).get("schedules")
        for i, (sched, node) in enumerate(zip(task.get("schedules") or (), sched_node[1].value if sched_node else ())):
            item = sched.get("id") or f"#{i + 1}"
            if sched.get("kind") == "once":
                for key in ("date", "start"):
                    if isinstance(sched.get(key), dt.date):
                        new = shift(sched[key], years)
                        moved.append(Moved(task["id"], item, key, str(sched[key]), str(new), True))
                        sched[key] = new
                        edits.set(node, key, new)
                note = review_note(old_year)
                sched["note"] = f"{sched['note']}；{note}" if sched.get("note") else note
                sched["basis"] = "assumed"
                edits.set(node, "basis", "assumed", after=("date", "start", "label"))
                edits.set(node, "note", sched["note"], after=("date", "start", "label"))
            rule = sched.get("rrule")
            if isinstance(rule, str) and shift_rrule(rule, years) != rule:
                new_rule = shift_rrule(rule, years)
                moved.append(Moved(task["id"], item, "rrule", rule, new_rule, False))
                sched["rrule"] = new_rule
                edits.set(node, "rrule", new_rule)
    return moved


def new_tasks_text(raw: bytes, year: int, old_meta, source_name: str) -> tuple[str, list[Moved], bool]:
    """tasks.yaml for `year`: (text, the dates moved, whether text edits kept the layout)."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    data = yaml.load(text, Loader=_Loader)
    root = _compose(text)
    edits = _Edits(text)
    _plan_edits(data, root, edits, year, old_meta, source_name)
    moved = _schedule_edits(data, root, edits, year - old_meta.year, old_meta.year)
    header = data_text("nw_header", year=year, old=old_meta.year, path=source_name)
    try:
        first = text.split("\n", 1)[0]
        at = len(first) + 1 if first.startswith("# yaml-language-server") and "\n" in text else 0
        edits.insert(at, f"# {header}" + ("\r\n" if "\r\n" in text else "\n"))
        out = edits.apply()
        if yaml.load(out, Loader=_Loader) != data:  # the edits must mean exactly this
            raise _Layout("check")
        return ("\ufeff" if bom else "") + out, moved, True
    except (_Layout, yaml.YAMLError, ValueError):
        dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        header = data_text("nw_header_dumped", year=year, old=old_meta.year, path=source_name)
        return f"# yaml-language-server: $schema=./tasks.schema.json\n# {header}\n" + dumped, moved, False


def carried_ledger(ledger, year: int, old_year: int, link: str) -> tuple[str | None, list[str], int]:
    """ledger.yaml of the new folder: (text or None when nothing is open, ids carried, closed left behind)."""
    from nmx.supervision.ledger import closures_by_id, entry_fields
    from nmx.supervision.yamltext import render_item

    closed = closures_by_id(ledger)
    items, ids = [], []
    for entry in ledger.entries:
        if entry.id in closed:
            continue
        came = data_text("nw_carried_note", year=old_year, path=link, id=entry.id)
        fields = [(k, (f"{v}；{came}" if v else came) if k == "note" else v) for k, v in entry_fields(entry)]
        items.append(render_item(fields, 2, 4))
        ids.append(entry.id)
    left = sum(1 for e in ledger.entries if e.id in closed)
    if not items:
        return None, ids, left
    head = f"# {data_text('nw_ledger_header', year=year, old=old_year, path=link)}\nentries:\n"
    return head + "".join(items), ids, left


def start_plan(source_dir: Path, year: int, dest: Path) -> Draft:
    """The new folder's files for `year`, from the valid plan in `source_dir` (nothing is written)."""
    from nmx.fileio import read_input
    from nmx.plan.models import EARLIEST, LATEST
    from nmx.supervision import files as sv
    from nmx.supervision.names import LEDGER, RECORDS

    source, plan, key, state, _path = sv.load_ledger(source_dir)
    meta = plan.meta
    if year == meta.year:
        raise UsageError(t("nw_same_year", year=year))
    if not EARLIEST.year < year < LATEST.year:
        raise UsageError(t("nw_bad_year", year=year, earliest=EARLIEST.year + 1, latest=LATEST.year - 1))
    folder = source.path
    rel = lambda name: link(folder / name, dest)  # noqa: E731
    text, moved, kept = new_tasks_text(read_input(folder / "tasks.yaml"), year, meta, rel("tasks.yaml"))
    out: dict[str, bytes] = {"tasks.yaml": text.encode("utf-8"),
                             "departments.yaml": read_input(folder / "departments.yaml")}  # type: ignore[dict-item]
    for schema in sorted(folder.glob("*.schema.json")):
        if schema.is_file():
            out[schema.name] = read_input(schema)  # type: ignore[assignment]
    ledger_text, carried, left = carried_ledger(state.ledger, year, meta.year, rel(LEDGER))
    if ledger_text is not None:
        out[LEDGER] = ledger_text.encode("utf-8")
    records = sv.records_state(plan, key, folder / RECORDS, sv.read(folder / RECORDS))
    readme = _readme_path(meta.source_document)
    out[readme] = data_text("nw_source_readme", year=year, old=meta.year, doc=meta.doc_number, path=rel(meta.source_document),
                    name=meta.source_document).encode("utf-8")
    draft = Draft(year, meta.year, out, moved, carried, left, records.count, kept)
    check(draft)
    return draft


def _readme_path(source_document: str) -> str:
    """Where the note on the plan's text goes: beside where the text is to go, inside the folder."""
    doc = Path(source_document)
    if doc.is_absolute() or ".." in doc.parts:  # not a path inside the folder (nmx source refuses it)
        return "source/README.md"
    readme = doc.parent / "README.md"
    return "source/README.md" if readme == doc else readme.as_posix()


def link(path: Path, dest: Path) -> str:
    """`path` as seen from inside the folder `dest` (absolute when no relative path leads there)."""
    try:
        return Path(os.path.relpath(path.resolve(), dest.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return path.resolve().as_posix()


def check(draft: Draft) -> None:
    """The new plan must validate (warnings allowed) with its ledger: else a bug, said as one."""
    from nmx.plan.pipeline import validate_files
    from nmx.supervision.files import validate_ledger
    from nmx.supervision.names import LEDGER

    names = {"tasks.yaml": "tasks.yaml", "departments.yaml": "departments.yaml"}
    plan, problems = validate_files({k: draft.files[k] for k in names}, names)
    if plan is None:
        raise RuntimeError("the new plan does not validate: " + "; ".join(map(str, problems[:3])))
    if LEDGER in draft.files:
        state = validate_ledger(plan, draft.files[LEDGER], LEDGER)
        if state.errors:
            raise RuntimeError("the carried ledger does not validate: " + "; ".join(map(str, state.errors[:3])))


def write_plan(draft: Draft, dest: Path) -> None:
    """The files into a folder beside `dest`, then swapped in: all of them, or none."""
    from nmx.fileio import write_new_folder

    write_new_folder(dest, draft.files.items())