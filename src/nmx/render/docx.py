"""Word documents (`--format docx`) laid out as a 公文 attachment, with python-docx.

An attachment reads: 附件 at the top left, the plan's title (黑体) and its document number
(六民生办〔2023〕3号) centred, the list's title, then the table — 仿宋 text, 黑体 headers, the
header row repeated on every page — on A4 with the 公文 margins, 第 N 页 in the footer.

The same input gives the same bytes: the core properties' times are the plan's first day (the
caller's `created`), and the zip members are written again with a fixed date (python-docx
stamps them with the time of saving). python-docx is imported only here, when a document is made.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from nmx.i18n import t
from nmx.render.formats import Format
from nmx.views import cell_text
from nmx.views.workbook import Paper

BODY_FONT = "仿宋"  # FangSong: ships with Windows; 公文 body text
HEAD_FONT = "黑体"  # SimHei: titles and table headers
BODY_PT = 10.5  # 五号, for tables
TITLE_PT = 16  # 三号
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class Doc:
    """A python-docx Document set up as an A4 公文 attachment."""

    def __init__(self, created: dt.datetime, title: str) -> None:
        import docx
        from docx.shared import Mm, Pt

        self.doc = docx.Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        _fonts(normal.element, BODY_FONT)
        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by, props.comments = title, "nmx", "nmx", "nmx"
        props.created = props.modified = created
        props.revision = 1
        self._footer(section)
        self.started = False

    def _footer(self, section: Any) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        para = section.footer.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        before, _, after = t("dx_page", page="\0").partition("\0")
        para.add_run(before)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        para._p.append(field)
        para.add_run(after)

    def heading(self, plan_title: str, doc_number: str, title: str) -> None:
        """附件, the plan's title and number, the list's title; a new page after the first."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

        first = self.doc.paragraphs[0] if not self.started and self.doc.paragraphs else self.doc.add_paragraph()
        if self.started:
            first.add_run().add_break(WD_BREAK.PAGE)
        self.started = True
        self._run(first, t("dx_annex"), HEAD_FONT, TITLE_PT)
        for text, font, size, bold in ((plan_title, HEAD_FONT, TITLE_PT + 2, True), (doc_number, BODY_FONT, TITLE_PT, False),
                                       (title, HEAD_FONT, TITLE_PT, False)):
            para = self.doc.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(para, text, font, size, bold)

    def para(self, text: str, font: str = BODY_FONT, size: float = BODY_PT, bold: bool = False) -> None:
        self._run(self.doc.add_paragraph(), text, font, size, bold)

    @staticmethod
    def _run(para: Any, text: str, font: str, size: float, bold: bool = False) -> None:
        from docx.shared import Pt

        run = para.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold or None
        _fonts(run._element, font)

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
        """A grid with a header row repeated on every page; `widths` are shares of the line."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm

        section = self.doc.sections[0]
        line = section.page_width - section.left_margin - section.right_margin
        total = sum(widths) or 1
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.autofit = False
        head = table.rows[0]
        header_flag = OxmlElement("w:tblHeader")
        header_flag.set(qn("w:val"), "true")
        head._tr.get_or_add_trPr().append(header_flag)
        for cell, label in zip(head.cells, headers):
            cell.text = ""
            self._run(cell.paragraphs[0], label, HEAD_FONT, BODY_PT)
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values):
                self._run(cell.paragraphs[0], value, BODY_FONT, BODY_PT)
        for n, share in enumerate(widths):
            width = Mm(round(line / Mm(1) * share / total, 1))
            table.columns[n].width = width
            for cell in table.columns[n].cells:
                cell.width = width

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return _fixed_zip(buf.getvalue())


def _fonts(element: Any, name: str) -> None:
    """Latin and East Asian fonts both (Word takes Chinese text's font from w:eastAsia)."""
    from docx.oxml.ns import qn

    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _fixed_zip(raw: bytes) -> bytes:
    """The same zip with every member dated 1980-01-01 (the order and contents unchanged)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


# --- subjects -------------------------------------------------------------------------------------
def render_paper(paper: Paper) -> bytes:
    """A list (status, overdue) as an attachment: its title, its table, its notes."""
    doc = Doc(paper.created, paper.title)
    doc.heading(paper.plan_title, paper.doc_number, paper.title)
    rows = [[cell_text(row.get(c.key)) for c in paper.columns] for row in paper.rows]
    doc.table([c.label for c in paper.columns], rows, [_share(c.label, [r[n] for r in rows])
                                                      for n, c in enumerate(paper.columns)])
    for note in paper.notes:
        doc.para(note, size=9)
    return doc.bytes()


def _share(label: str, cells: list[str]) -> float:
    """A column's share of the line: its longest text, within reason."""
    from nmx.render.linebreak import display_width

    return min(max([display_width(label), *map(display_width, cells)]), 40) + 2


RENDERERS = {Format.DOCX: render_paper}
