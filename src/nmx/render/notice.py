"""The 提示单, 督办单 and 通报 (`nmx notice`) as a 公文 in Word, as Markdown, as JSON (`notice/1`).

The docx is `nmx.render.docx.Doc` in its official layout (GB/T 9704-2012: see there); the
Markdown keeps the same elements in the same order for a mail or a wiki page.
"""

from __future__ import annotations

from nmx.render.formats import Format
from nmx.views.notice import Notice, Para, Table, date_words


def render_docx(notice: Notice) -> bytes:
    from nmx.render.docx import Doc

    doc = Doc(notice.created, notice.title, pages="official")
    doc.letterhead(notice.issuer, notice.number_text)
    doc.doc_title(notice.title)
    doc.addressee(notice.addressee)
    for block in notice.blocks:
        if isinstance(block, Para):
            doc.body(block.text, heading=block.heading)
        else:
            doc.table(block.headers, block.rows, block.widths)
    doc.signature(notice.issuer, date_words(notice.date))
    for note in notice.notes:
        doc.annotation(note)
    return doc.bytes()


def render_md(notice: Notice) -> str:
    from nmx.render.checklist import md_text

    out = [f"**{md_text(notice.issuer)}**", "", md_text(notice.number_text), "", f"# {md_text(notice.title)}", "",
           md_text(notice.addressee) + "：", ""]
    for block in notice.blocks:
        if isinstance(block, Para):
            out += [f"## {md_text(block.text)}" if block.heading else md_text(block.text), ""]
        else:
            out += _md_table(block) + [""]
    out += [md_text(notice.issuer) + "  ", md_text(date_words(notice.date)), ""]
    for note in notice.notes:  # one quote each: adjacent > lines would run into one paragraph
        out += [f"> （{md_text(note)}）", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _md_table(table: Table) -> list[str]:
    from nmx.render.checklist import md_text

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(md_text(c) for c in cells) + " |"

    return [line(table.headers), "| " + " | ".join("---" for _ in table.headers) + " |", *map(line, table.rows)]


def render_json(notice: Notice) -> str:
    from nmx.render.tabular import to_json

    return to_json(notice.json_document())


RENDERERS = {Format.DOCX: render_docx, Format.MD: render_md, Format.JSON: render_json}
