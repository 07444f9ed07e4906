"""`nmx import`: a plan folder drafted from the plan's document, every field traced to its text.

The document is read into plain text (the clauses, as `nmx source` cuts them:
`nmx.plan.document`) and the rows of its tables (`nmx.drafts.tables`):

- `.txt` — a plain-text copy like `data/source/plan.txt` (tables as tab-separated lines);
- `.docx` — its paragraphs and real Word tables, in document order (python-docx);
- `.xlsx` / `.csv` — an annex kept as a sheet (openpyxl; merged cells filled).

The draft: the plan's header (title, document number, issuer, year) from the head of the
text; one task per row of the task-division table (`source: 附件 序号N`) and per numbered
item of the other sections (`source: 四（二）`), with schedules read from their date
phrases (`nmx.drafts.dates`); the names of units resolved against a registry (a
`departments.yaml`): exact names, aliases and former names as written, the city prefix
folded; a collective name not in it becomes a group, any other name a new unit. Whatever
was guessed says so in `needs_review` (which `nmx validate` reports as warnings), and
every item's `source` and `note` say where it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field, fields, is_dataclass
from enum import Enum
from pathlib import Path

from nmx.drafts import dates as _dates
from nmx.drafts.tables import Table, clean, fill_merged, read_table, split_units
from nmx.errors import DataError, UsageError
from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.plan import document as _document
from nmx.plan.models import DepartmentsFile, TasksFile
from nmx.plan.plan import Plan, normalize

SUFFIXES = (".txt", ".docx", ".xlsx", ".csv")
_GROUP = re.compile(r"^各|成员单位$|各单位$|各部门$|牵头部门$|有关单位$|相关单位$")
_CHANNEL_SECTIONS = ("工作内容", "宣传方式", "宣传形式", "工作方式")


@dataclass
class Source:
    """A document read into text and tables."""

    path: Path
    text: str                      # the plan's text, tables as tab-separated lines (source/plan.txt)
    tables: list[Table]
    sheet: bool = False            # an annex alone (.xlsx, .csv): no head, no clauses but its rows


@dataclass
class Review:
    """One drafted item and the text it came from, for the review page."""

    item: str       # tasks[3] A4, units new1, schedule A3/d1 …
    drafted: str    # what was drafted, in short
    source: str     # the clause or cell it came from, and its text
    warning: str | None = None


@dataclass
class Draft:
    source: Source
    meta: dict
    tasks: list[dict]
    channels: list[dict]
    units: list[dict]   # new units (needs_review)
    groups: list[dict]  # new groups (needs_review)
    registry: DepartmentsFile
    reviews: list[Review] = field(default_factory=list)

    @property
    def review_count(self) -> int:
        return sum(r.warning is not None for r in self.reviews)


# --- reading ----------------------------------------------------------------------------------
def read_document(path: Path) -> Source:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(t("imp:unknown_type", path=path))
    from nmx.fileio import read_input

    data = read_input(path, missing_ok=True)
    if data is None:
        raise UsageError(t("imp:missing", path=path))
    try:
        if suffix == ".txt":
            return _from_text(path, _decode(path, data))
        if suffix == ".csv":
            import csv
            import io

            rows = [[clean(c) for c in row] for row in csv.reader(io.StringIO(_decode(path, data)))]
            return _from_sheets(path, [(path.stem, rows)])
        if suffix == ".xlsx":
            return _from_sheets(path, _xlsx_sheets(data))
        return _from_docx(path, data)
    except (UsageError, DataError):
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file is the user's input, not a bug
        raise UsageError(t("imp:unreadable", path=path, reason=f"{type(exc).__name__}: {exc}")) from None


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(t("imp:not_utf8", path=path, offset=exc.start)) from None


def _from_text(path: Path, text: str) -> Source:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = [[c.strip() for c in line.split("\t")] for line in lines if "\t" in line]
    table = read_table(rows, "附件表") if rows else None
    return Source(path, text, [table] if table else [])


def _from_docx(path: Path, data: bytes) -> Source:
    import io

    import docx  # python-docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    doc = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    tables: list[Table] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines += [Paragraph(child, doc).text.strip(), ""]
        elif tag == "tbl":
            grid = DocxTable(child, doc)
            rows = []
            for row in grid.rows:
                cells, seen = [], []
                for cell in row.cells:  # a cell merged across columns comes once per column: once here
                    if any(cell._tc is s for s in seen):
                        continue
                    seen.append(cell._tc)
                    cells.append(clean(cell.text))
                rows.append(cells)
            table = read_table(rows, f"表{len(tables) + 1}")
            if table is not None:
                tables.append(table)
            lines += [_tab_line(r) for r in rows] + [""]
    return Source(path, "\n".join(lines), tables)


def _xlsx_sheets(data: bytes) -> list[tuple[str, list[list[str]]]]:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    out = []
    for sheet in book.worksheets:
        rows = [[clean(v) if v is not None else "" for v in row] for row in sheet.iter_rows(values_only=True)]
        merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in sheet.merged_cells.ranges]
        out.append((sheet.title, fill_merged(rows, merged)))
    return out


def _from_sheets(path: Path, sheets: list[tuple[str, list[list[str]]]]) -> Source:
    tables = [tb for name, rows in sheets if (tb := read_table(rows, name)) is not None]
    lines: list[str] = []
    for table in tables:
        lines += [f"附件：{table.title or path.stem}", ""]
        lines.append(_tab_line(["序号", *table.header.get("task", "主要任务").split(),
                                table.header.get("lead", "牵头责任部门"), table.header.get("support", "配合责任部门")]))
        for row in table.rows:
            lines.append(_tab_line([str(row.number), row.cells.get("task", ""), row.cells.get("lead", ""),
                                    row.cells.get("support", "")]))
        lines.append("")
    return Source(path, "\n".join(lines), tables, sheet=True)


def _tab_line(cells: list[str]) -> str:
    return "\t".join(" ".join(c.split()) for c in cells).rstrip("\t") if any(cells) else ""


# --- the registry ---------------------------------------------------------------------------
def load_registry(folder: Path | None) -> DepartmentsFile:
    """The units and groups names are resolved against: `folder`'s departments.yaml, or the bundled one."""
    from nmx.fileio import display, read_input
    from nmx.plan.source import bundled_dir
    from nmx.plan.validation import validate_document
    from nmx.plan.yaml_reader import parse
    from nmx.problems import Level

    base = folder if folder is not None else bundled_dir()
    path = base / "departments.yaml"
    data = read_input(path, missing_ok=True)
    if data is None:
        raise UsageError(t("imp:units_missing", path=base))
    doc = parse(data, display(path))
    model, problems = validate_document(doc, DepartmentsFile) if not doc.problems else (None, doc.problems)
    errors = [p for p in [*doc.problems, *problems] if p.level is Level.ERROR]
    if errors or model is None:
        raise DataError(t("imp:units_invalid", path=path, n=len(errors)), errors)
    return model


# --- drafting -------------------------------------------------------------------------------
class _Units:
    """Resolving the names the document writes, collecting the new units and groups."""

    def __init__(self, registry: DepartmentsFile, draft: Draft) -> None:
        self.plan = Plan.build(TasksFile(plan=None, tasks=()), registry)  # type: ignore[arg-type]
        self.draft = draft
        self.new: dict[str, str] = {}  # normalized name → id of the new unit or group

    def name(self, written: str, where: str) -> tuple[str, str | None]:
        """The name to write for `written` (as written when the registry knows it), and a note when folded."""
        from nmx.plan.names import exact, suggest

        if self.plan.resolve(written) is not None:
            return written, None
        ref = exact(self.plan, written)
        if ref is not None:
            name = self.plan.unit_by_id[ref.id].name if ref.kind == "unit" else self.plan.group_by_id[ref.id].name
            return name, t("imp:unit_folded", written=written, name=name)
        key = normalize(written)
        if key not in self.new:
            if _GROUP.search(written):
                gid = f"new_group{len(self.draft.groups) + 1}"
                why = t("imp:group_new", name=written)
                self.draft.groups.append({"id": gid, "name": written, "members_listed": False, "source": where,
                                          "note": f"导入自{where}", "needs_review": why})
                self.draft.reviews.append(Review(gid, written, where, why))
                self.new[key] = gid
            else:
                uid = f"new{len(self.draft.units) + 1}"
                close = suggest(self.plan, written)
                why = (t("imp:unit_unknown", name=written, close=t("v:sep").join(close)) if close
                       else t("imp:unit_unknown_none", name=written))
                self.draft.units.append({"id": uid, "name": written, "full_name": written, "kind": _kind(written),
                                         "note": f"导入自{where}；类别按名称推定", "needs_review": why})
                self.draft.reviews.append(Review(uid, written, where, why))
                self.new[key] = uid
        return written, None

    def in_text(self, text: str) -> list[tuple[str, int]]:
        """The registry's unit and group names written in `text` (as written there), longest first
        at each place, one per unit or group, in order."""
        from nmx.plan.plan import unit_names

        written = [(n, ("unit", u.id)) for u in self.plan.units for n in unit_names(u)]
        written += [(n, ("group", g.id)) for g in self.plan.groups for n in (g.name, *g.aliases)]
        written = sorted({(n, r) for n, r in written if len(n) >= 3 and not n.isascii()}, key=lambda w: -len(w[0]))
        taken: list[tuple[int, int]] = []
        found: list[tuple[str, int, tuple]] = []
        for name, ref in written:
            for m in re.finditer(re.escape(name), text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                found.append((name, m.start(), ref))
        out, seen = [], set()
        for name, at, ref in sorted(found, key=lambda f: f[1]):
            if ref not in seen:
                seen.add(ref)
                out.append((name, at))
        return out


def _kind(name: str) -> str:
    if re.search(r"(县|区)(人民政府)?$|管委会?$", name):
        return "county"
    if re.search(r"公司$", name):
        return "enterprise"
    if re.search(r"银行|支行|银保监|金融", name):
        return "finance"
    if re.search(r"报社|电视台|广电台|融媒体", name):
        return "media"
    if re.search(r"工会|团市委|妇联|科协|残联", name):
        return "people"
    if name.startswith(("市委", "中共")):
        return "party"
    return "government"


def draft(path: Path, registry: DepartmentsFile, this_year: int) -> Draft:
    """The plan folder `path`'s document drafts, as data (see the module's docstring); `this_year`
    (the caller's clock: nothing here reads it) when the document names no year."""
    source = read_document(path)
    clauses = _document.parse(source.text)
    if not source.tables:
        raise UsageError(t("imp:no_table", path=path))
    out = Draft(source, {}, [], [], [], [], registry)
    units = _Units(registry, out)
    out.meta = _meta(source, clauses, units, out, this_year)
    year = out.meta["year"]
    review_texts = {"phrase": t("imp:date_phrase", phrase="{phrase}"), "alone": t("imp:deadline_alone", phrase="{phrase}")}
    with_items = {c.parent for c in clauses.clauses if c.level == 1}
    for clause in clauses.clauses:
        if clause.level == 0 and re.fullmatch(r"[一二三四五六七八九十]+", clause.id) and clause.id not in with_items:
            for sub in _numbered(clause):  # a section of 1. 2. … without （一）
                out.tasks.append(_clause_task(sub, units, out, year, review_texts, f"C{_arabic(clause.id)}.{sub.title_n}"))
            continue
        if clause.level != 1 or clause.parent in (None, _document.ANNEX):
            continue
        section = clauses.by_id[clause.parent]
        if any(word in section.title for word in _CHANNEL_SECTIONS):
            out.channels.append({"id": f"C{len(out.channels) + 1}", "name": clause.title, "text": clause.text,
                                 "source": clause.id})
            out.reviews.append(Review(f"C{len(out.channels)}", clause.title, f"{clause.id}：{clause.text}"))
            continue
        task_id = f"C{_arabic(section.id)}.{_arabic(clause.id[len(section.id) + 1:-1])}"
        subs = _numbered(clause)
        if not subs:
            out.tasks.append(_clause_task(clause, units, out, year, review_texts, task_id))
        for sub in subs:  # 1. 2. … inside （一）: a task each
            out.tasks.append(_clause_task(sub, units, out, year, review_texts, f"{task_id}.{sub.title_n}"))
    for table in source.tables:
        for row in table.rows:
            out.tasks.append(_row_task(table, row, units, out, year, review_texts))
    return out


def _meta(source: Source, clauses: _document.Document, units: _Units, out: Draft, this_year: int) -> dict:
    text = source.text
    whole = clauses.by_id[_document.WHOLE]
    title = "".join(whole.title.split())
    if source.sheet or not title:
        title = "".join(source.tables[0].title.split()) or source.path.stem
    number = re.search(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号", text)
    issuer_m = re.search(r"^\s*(\S+?)关于印发", text, flags=re.M)
    year_m = re.search(r"〔(\d{4})〕", number.group(0)) if number else None
    year_m = year_m or re.search(r"(20\d\d)\s*年", title) or re.search(r"(20\d\d)", text)
    year = int(year_m.group(1)) if year_m else this_year
    issuer = issuer_m.group(1) if issuer_m else ""
    short = issuer
    ref = units.plan.resolve(issuer) if issuer else None
    if ref is not None and ref.kind == "unit":
        short = units.plan.unit_by_id[ref.id].name
    missing = [label for label, value in (("文号", number), ("发文单位", issuer), ("年度", year_m)) if not value]
    why = [t("imp:period", year=year), *(f"原文未找到{label}" for label in missing)]
    meta = {
        "title": title, "doc_number": number.group(0) if number else "", "issuer": issuer, "issuer_short": short,
        "year": year, "period": {"start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)},
        "timezone": "Asia/Shanghai", "source_document": "source/plan.txt",
        "note": f"由 nmx import 从 {source.path.name} 起草：标题取自正文标题，文号、发文单位取自文件头"
                f"（“关于印发”之前），年度取自文号。",
        "needs_review": "；".join(why),
    }
    out.reviews.append(Review("plan", f"{title}｜{meta['doc_number']}｜{issuer}｜{year}",
                              f"{_document.NOTICE}：{clauses.by_id[_document.NOTICE].text}"
                              if _document.NOTICE in clauses.by_id else title, meta["needs_review"]))
    return meta


def _task_schedules(task_id: str, text: str, year: int, source: str, out: Draft, review_texts: dict,
                    units: _Units) -> list[dict]:
    found = _dates.schedules(text, year, source, review_texts)
    for sched in found:
        to = re.search(r"报送(?:至|给)?([^，。；、\s]{2,20})", sched["what"]) if sched["kind"] == "deadline" else None
        if to and units.plan.resolve(to.group(1)) is not None:
            sched["deliver_to"] = to.group(1)
        out.reviews.append(Review(f"{task_id}/{sched['id']}", f"{sched['kind']}：{sched['label']}",
                                  f"{source}：{sched['what']}", sched["needs_review"]))
    return found


@dataclass(frozen=True)
class _Numbered:
    """A `1.` item inside a clause: `四（二）1.`, titled by its first sentence."""

    id: str
    title: str
    text: str
    title_n: int


_NUMBERED = re.compile(r"^(\d{1,2})[.．、](?!\d)\s*(.*)$")


def _numbered(clause: _document.Clause) -> list[_Numbered]:
    """The `1.` `2.` … items of a clause's text, each with the lines up to the next."""
    out: list[tuple[int, list[str]]] = []
    for line in clause.text.split("\n"):
        m = _NUMBERED.match(line.strip())
        if m and int(m.group(1)) == len(out) + 1:
            out.append((int(m.group(1)), [m.group(2)]))
        elif out:
            out[-1][1].append(line.strip())
    items = []
    for n, lines in out:
        text = "".join(lines)
        head = text.split("。", 1)[0] if "。" in text else text
        items.append(_Numbered(f"{clause.id}{n}.", head, text, n))
    return items


def _clause_task(clause, units: _Units, out: Draft, year: int, review_texts: dict, task_id: str) -> dict:
    names = units.in_text(clause.text)
    lead: list[str] = []
    support: list[str] = []
    for name, at in names:
        before = clause.text[max(0, at - 3):at]
        if "报送" in before or before.endswith("向"):
            continue  # a recipient, not a lead
        role = support if before.endswith(("会同", "配合", "协同")) else lead
        if name not in lead and name not in support:
            role.append(name)
    if lead:
        why = t("imp:lead_from_text", names="、".join(lead + support))
    else:
        lead = [_placeholder(units, out, clause.id)]
        why = t("imp:no_lead", issuer=lead[0])
    body = clause.text.removeprefix(clause.title + "。") or clause.text  # the title is the clause's first sentence
    task = {"id": task_id, "title": clause.title, "text": body, "source": clause.id, "lead": lead,
            "note": f"导入自{clause.id}；标题取该条第一句，牵头单位见 needs_review"
                    f"{'（“会同”“配合”之后的单位作配合单位）' if support else ''}。", "needs_review": why}
    if support:
        task["support"] = support
    drafted = f"牵头：{'、'.join(lead)}" + (f"\n配合：{'、'.join(support)}" if support else "")
    out.reviews.append(Review(task_id, drafted, f"{clause.id}：{clause.text}", why))
    schedules = _task_schedules(task_id, clause.text, year, clause.id, out, review_texts, units)
    if schedules:
        task["schedules"] = schedules
    return task


def _placeholder(units: _Units, out: Draft, where: str) -> str:
    """The lead put where the text names none: the issuer, else a new unit 待定牵头单位 (to review)."""
    issuer = out.meta["issuer_short"] or out.meta["issuer"]
    if issuer:
        if units.plan.resolve(issuer) is None:
            units.name(issuer, "文件头")
        return issuer
    return units.name("待定牵头单位", where)[0]


def _arabic(numeral: str) -> str:
    try:
        return str(_dates.number(numeral))
    except KeyError:
        return numeral


def _row_task(table: Table, row, units: _Units, out: Draft, year: int, review_texts: dict) -> dict:
    source = f"{_document.ANNEX} 序号{row.number}"
    task_id = f"A{row.number}"
    text = row.cells.get("task", "")
    where = f"{source}（{row.where}）"
    notes = [f"导入自{table.title or '分工表'} {row.where}：主要任务、牵头、配合各取同名列"
             f"（{'、'.join(table.header.values())}）"]
    roles: dict[str, list[str]] = {}
    for role in ("lead", "support"):
        roles[role] = []
        for written in split_units(row.cells.get(role, "")):
            name, folded = units.name(written, f"{where}{table.header.get(role, role)}列")
            if folded:
                notes.append(folded)
            if name not in roles[role]:
                roles[role].append(name)
    task: dict = {"id": task_id, "title": _title(text), "text": text, "source": source, "lead": roles["lead"]}
    if roles["support"]:
        task["support"] = roles["support"]
    elif "support" in table.header:
        notes.append(f"附件本行“{table.header['support']}”一栏为空。")
    why = None
    if not roles["lead"]:
        task["lead"] = [_placeholder(units, out, where)]
        why = t("imp:no_lead", issuer=task["lead"][0])
        task["needs_review"] = why
    task["note"] = "；".join(notes)
    clause_text = "\n".join(f"{table.header.get(k, k)}：{v}" for k, v in row.cells.items())
    out.reviews.append(Review(task_id, f"牵头：{'、'.join(task['lead'])}\n配合："
                              f"{'、'.join(task.get('support', ()))}", f"{where}\n{clause_text}", why))
    dated = text + ("；" + row.cells["due"] if row.cells.get("due") else "")
    schedules = _task_schedules(task_id, dated, year, source, out, review_texts, units)
    if schedules:
        task["schedules"] = schedules
    return task


def _title(text: str) -> str:
    head = re.split(r"[。；;，,]", text, maxsplit=1)[0]
    return head[:30] or text[:30]


# --- writing --------------------------------------------------------------------------------
def as_data(value):
    """A model (or a tree of them) as YAML-ready data: defaults left out, enums as their values."""
    if is_dataclass(value):
        out = {}
        for f in fields(value):
            v = getattr(value, f.name)
            if v is None or v == () or (f.default is not f.default_factory and v == f.default and f.name != "kind"):
                continue
            out[f.name] = as_data(v)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [as_data(v) for v in value]
    if isinstance(value, dict):
        return {k: as_data(v) for k, v in value.items()}
    return value


def files(d: Draft) -> dict[str, str]:
    """The plan folder's files (relative path → text)."""
    import yaml

    head = (f"# Drafted by nmx import from {d.source.path.name}. Every item nmx could not be sure of says why in\n"
            f"# needs_review: check it against source/plan.txt (nmx source CLAUSE), then delete that line.\n")
    meta = dict(d.meta)
    if d.channels:
        meta["channels"] = d.channels
    tasks = {"plan": meta, "tasks": d.tasks}
    registry = as_data(d.registry)
    registry["units"] = [*registry.get("units", []), *d.units]
    if d.groups:
        registry["groups"] = [*registry.get("groups", []), *d.groups]

    def dump(data: dict) -> str:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None)

    return {"tasks.yaml": head + dump(tasks), "departments.yaml": head + dump(registry),
            "source/plan.txt": d.source.text}  # a .txt as it is, byte for byte


def write(d: Draft, folder: Path) -> list[Path]:
    """Write the draft into `folder`, a new folder or an empty one (never over anything): built
    beside it, then swapped in, so a failed run leaves no half-written plan."""
    from nmx.fileio import write_new_folder

    content = files(d)
    write_new_folder(folder, content.items())
    return [folder / rel for rel in content]

