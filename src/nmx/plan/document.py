"""The plan's own text, cut into the clauses the data cites (`四（二）`, `附件 序号6`, `全文`).

The document is a plain-text copy of the 公文 (`source/plan.txt` in the bundled plan folder,
named by `plan.source_document`). Its structure is parsed once, from the lines:

- `全文` — the whole document, as it is written; `通知` — the cover notice (everything before
  the plan's own title); `前言` — the plan's opening paragraph (after its title, before 一、);
- `一` … — a section (`一、总体目标`), its text everything up to the next section;
- `四（二）` — a numbered item of a section (`（二）开展集中宣传月活动。…`), titled by its
  first sentence;
- `附件` — the annex (`附件：…分工表`); `附件 序号6` — row 6 of its table, columns named
  by the table's own header row.

A paragraph cut mid-sentence by a page break of the original (a line that ends without
closing punctuation, then a blank line) is joined to the next one; the file itself is never
changed. `clause_id` folds what people type (`4(2)`, `四(二)`, `附件6`, `附件 6`, `4.2`) to
the ids above; `find` raises a UsageError listing the ids when one is unknown.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import field
from pathlib import Path

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.lazyclass import dataclass

WHOLE, NOTICE, PREFACE, ANNEX = "全文", "通知", "前言", "附件"

_NUMERALS = "一二三四五六七八九十"
_SECTION = re.compile(rf"^([{_NUMERALS}]+)、\s*(.*)$")
_ITEM = re.compile(rf"^（([{_NUMERALS}]+)）\s*(.*)$")
_ANNEX = re.compile(r"^附件[：:]\s*(.*)$")
_ROW = re.compile(r"^(\d+)\t(.*)$")
_CLOSING = tuple("。：；！？”」）")


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    text: str
    level: int  # 0 the whole, the notice, the preface, a section, the annex; 1 an item or a row
    parent: str | None = None


@dataclass(frozen=True)
class Document:
    clauses: tuple[Clause, ...]
    by_id: dict[str, Clause] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_id.update({c.id: c for c in self.clauses})

    def find(self, query: str) -> Clause:
        """The clause `query` names, or UsageError naming the clauses that exist."""
        key = clause_id(query)
        if key in self.by_id:
            return self.by_id[key]
        import difflib

        close = difflib.get_close_matches(key, list(self.by_id), n=3, cutoff=0.6) if key else []
        hints = [t("did_you_mean", names="、".join(close))] if close else []
        if re.fullmatch(r"[AMRCamrc]\d+", key):
            hints.append(t("doc:task_id", task=key.upper()))
        hints.append(t("doc:clause_ids", ids=self.outline_ids()))
        hint = "\n".join(hints)
        raise UsageError(t("doc:unknown_clause", clause=query), hint=hint)

    def cited(self, source: str) -> list[str]:
        """The clause ids a `source:` value cites (`四（二）、五（三）` → two), each as written."""
        return [part.strip() for part in re.split(r"[、，,；;]", source) if part.strip()]

    def unresolved(self, source: str) -> list[str]:
        """The parts of a `source:` value that name no clause of this document."""
        return [part for part in self.cited(source) if clause_id(part) not in self.by_id]

    def outline_ids(self) -> str:
        """Every id, runs of three or more items shortened: 全文、…、三（一）–三（四）、…、附件 序号1–14."""
        parts: list[str] = []
        run: list[Clause] = []

        def flush() -> None:
            if len(run) > 2:
                last = run[-1].id.removeprefix(f"{ANNEX} 序号") if run[0].parent == ANNEX else run[-1].id
                parts.append(f"{run[0].id}–{last}")
            else:
                parts.extend(c.id for c in run)
            run.clear()

        for clause in self.clauses:
            if clause.level == 0 or (run and run[-1].parent != clause.parent):
                flush()
            if clause.level == 0:
                parts.append(clause.id)
            else:
                run.append(clause)
        flush()
        return "、".join(parts)


def clause_id(query: str) -> str:
    """What a person typed as the id `Document` uses: `4(2)`/`四(二)`/`4.2` → 四（二）, `附件6` → 附件 序号6."""
    text = unicodedata.normalize("NFKC", query or "")
    text = re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")
    text = text.rstrip("、.")
    if text in (WHOLE, NOTICE, PREFACE, ANNEX):
        return text
    m = re.fullmatch(r"附件(?:序号|第|row)?\(?(\d+)\)?(?:项|行|条)?", text, flags=re.I)
    if m:
        return f"{ANNEX} 序号{int(m.group(1))}"
    num = rf"[{_NUMERALS}]+|\d+"
    m = re.fullmatch(rf"第?({num})(?:部分)?", text)
    if m:
        return _chinese(m.group(1))
    m = re.fullmatch(rf"({num})[、.\-]?\(?({num})\)?", text)
    if m and (text[len(m.group(1)):].startswith(("(", "、", ".", "-")) or not m.group(1).isdigit()):
        return f"{_chinese(m.group(1))}（{_chinese(m.group(2))}）"
    return text


def _chinese(number: str) -> str:
    """1–99 as the plan writes them (一 … 十, 十一 …); Chinese numerals are kept."""
    if not number.isdigit():
        return number
    n = int(number)
    if not 0 < n < 100:
        return number
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens - 1] + "十")
    return head + (_NUMERALS[ones - 1] if ones else "")


def parse(text: str) -> Document:
    """The clauses of the document, in its order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    first_section = next((i for i, line in enumerate(lines) if _SECTION.match(line.strip())), len(lines))
    annex_at = next((i for i, line in enumerate(lines) if _ANNEX.match(line.strip())), len(lines))
    clauses: list[Clause] = []
    whole = "\n".join(lines).strip()  # the whole as it is written
    preamble = [line.strip() for line in lines[:first_section] if line.strip()]
    title_at = max((i for i, line in enumerate(preamble) if not line.endswith(_CLOSING)), default=None)
    title = preamble[title_at] if title_at is not None else ""
    clauses.append(Clause(WHOLE, title, whole, 0))
    if title_at:
        notice = preamble[:title_at]
        heading = next((line for line in notice if line.endswith("通知")), notice[0])
        clauses.append(Clause(NOTICE, heading, "\n".join(notice), 0))
    intro = preamble[title_at + 1:] if title_at is not None else preamble
    if intro:
        clauses.append(Clause(PREFACE, title, _join(intro), 0))
    clauses += _sections(lines[first_section:annex_at])
    clauses += _annex(lines[annex_at:])
    return Document(tuple(clauses))


def _sections(lines: list[str]) -> list[Clause]:
    out: list[Clause] = []
    starts = [i for i, line in enumerate(lines) if _SECTION.match(line.strip())]
    for at, end in zip(starts, [*starts[1:], len(lines)]):
        number, title = _SECTION.match(lines[at].strip()).groups()  # type: ignore[union-attr]
        body = lines[at + 1:end]
        out.append(Clause(number, title.strip(), _join(body), 0))
        items = [i for i, line in enumerate(body) if _ITEM.match(line.strip())]
        for i, stop in zip(items, [*items[1:], len(body)]):
            sub, rest = _ITEM.match(body[i].strip()).groups()  # type: ignore[union-attr]
            text = _join([rest, *body[i + 1:stop]])
            head = text.split("。", 1)[0] if "。" in text else text
            out.append(Clause(f"{number}（{sub}）", head, text, 1, number))
    return out


def _annex(lines: list[str]) -> list[Clause]:
    if not lines:
        return []
    title = _ANNEX.match(lines[0].strip()).group(1).strip()  # type: ignore[union-attr]
    header: list[str] = []
    rows: list[tuple[str, list[str]]] = []
    for line in lines[1:]:
        cells = [c.strip() for c in line.rstrip("\n").split("\t")]
        if cells[0] == "序号" and len(cells) > 1:
            header = cells[1:]
        elif _ROW.match(line):
            rows.append((cells[0], cells[1:]))
    out, body = [], []
    for number, cells in rows:
        cells += [""] * (len(header) - len(cells))
        labels = [*header, *[""] * (len(cells) - len(header))]
        text = "\n".join(f"{label}：{cell}" if label else cell for label, cell in zip(labels, cells))
        row_id = f"{ANNEX} 序号{int(number)}"
        out.append(Clause(row_id, cells[0] if cells else "", text, 1, ANNEX))
        body.append(f"序号{int(number)}\n{text}")
    return [Clause(ANNEX, title, "\n\n".join([title, *body]), 0), *out]


def _join(lines: list[str]) -> str:
    """Lines as paragraphs: blank lines separate them, except after a sentence cut by a page break."""
    paragraphs: list[str] = []
    current: list[str] = []
    cut = False
    for raw in lines:
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append("".join(current) if cut else "\n".join(current))
                current, cut = [], False
            continue
        if not current and paragraphs and not paragraphs[-1].endswith(_CLOSING) and not _starts_clause(line):
            current = [paragraphs.pop()]
            cut = True
        current.append(line)
    if current:
        paragraphs.append("".join(current) if cut else "\n".join(current))
    return "\n".join(paragraphs)


def _starts_clause(line: str) -> bool:
    return bool(_SECTION.match(line) or _ITEM.match(line) or _ANNEX.match(line) or _ROW.match(line))


def document_path(plan_dir: Path, source_document: str) -> Path:
    """`plan.source_document`, which must name a file inside the plan folder."""
    relative = Path(source_document)
    if relative.is_absolute() or ".." in relative.parts or not source_document.strip():
        raise UsageError(t("doc:outside", path=source_document))
    return plan_dir / relative


def read(path: Path) -> Document:
    """The document at `path` (UTF-8, size-limited like every input), parsed."""
    from nmx.fileio import read_input

    data = read_input(path, missing_ok=True)
    if data is None:
        raise UsageError(t("doc:missing", path=path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(t("doc:not_utf8", path=path, offset=exc.start)) from None
    return parse(text)
