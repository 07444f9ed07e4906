"""Word documents (`--format docx`) laid out as a 公文 or its attachment, with python-docx.

An attachment reads: 附件 at the top left, the plan's title (黑体) and its document number
(六民生办〔2023〕3号) centred, the list's title, then the table — 仿宋 text, 黑体 headers, the
header row repeated on every page — on A4 with the 公文 margins, 第 N 页 in the footer.

A 公文 itself (`Doc(..., pages="official")`: the 提示单, 督办单, 通报) follows GB/T 9704-2012:
the 发文机关标志 in red, centred, the 发文字号 under it above a red rule as wide as the type
area, the title in 二号 黑体 centred (黑体 ships with Windows; 小标宋 does not), the 主送机关
flush left, 三号 仿宋 body paragraphs indented two characters on a fixed 22-lines-a-page pitch,
the signature and 成文日期 right-aligned as 7.3.5.2 places them (no seal), 附注 in brackets, and
page numbers "— N —" in 四号 宋体, odd pages at the right, even pages at the left, one
character in. Only plain WordprocessingML (paragraph borders, a PAGE field, even-page footers),
which Word and WPS both read.

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
PAGE_FONT = "宋体"  # SimSun: GB/T 9704 7.5's page numbers
OFFICIAL_PT = 16  # 三号: a 公文's body text
OFFICIAL_TITLE_PT = 22  # 二号: its title
MARK_PT = 26  # 发文机关标志: GB/T 9704 7.2.4 leaves its size to the issuer; a 14-character name fits a line
PAGE_PT = 14  # 四号
LINE_PITCH = 29  # points: 22 lines on the 225 mm type area (GB/T 9704 5.2.3)
RED = "C00000"


class Doc:
    """A python-docx Document set up as an A4 公文 attachment."""

    def __init__(self, created: dt.datetime, title: str, pages: str = "plain") -> None:
        """`pages`: "plain" (第 N 页, centred) or "official" (— N —, outside edge, GB/T 9704 7.5)."""
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
        if pages == "official":
            self._official_footers(section)
        else:
            self._footer(section)
        self.started = False

    def _footer(self, section: Any) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        para = section.footer.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        before, _, after = t("dx_page", page="\0").partition("\0")
        para.add_run(before)
        _page_field(para)
        para.add_run(after)

    def _official_footers(self, section: Any) -> None:
        """— N — in 四号 宋体: odd pages at the right, even pages at the left, one character in."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        self.doc.settings.odd_and_even_pages_header_footer = True
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                            WD_ALIGN_PARAGRAPH.LEFT)):
            para = footer.paragraphs[0]
            para.alignment = align
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                para.paragraph_format.right_indent = Pt(PAGE_PT)
            else:
                para.paragraph_format.left_indent = Pt(PAGE_PT)
            self._run(para, "— ", PAGE_FONT, PAGE_PT)
            _page_field(para, PAGE_FONT, PAGE_PT)
            self._run(para, " —", PAGE_FONT, PAGE_PT)

    # --- a 公文's elements (GB/T 9704-2012 7.2, 7.3) ------------------------------------------------
    def letterhead(self, issuer: str, number: str) -> None:
        """The 发文机关标志 (red, centred), the 发文字号 centred under it, a red rule under that."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        mark = self.doc.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        mark.paragraph_format.space_after = Pt(OFFICIAL_PT * 2)
        self._run(mark, issuer, HEAD_FONT, MARK_PT, color=RED)
        line = self.doc.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.paragraph_format.space_after = Pt(OFFICIAL_PT * 2)
        self._run(line, number, BODY_FONT, OFFICIAL_PT)
        _bottom_rule(line, RED)

    def doc_title(self, text: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        para = self.doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.space_after = Pt(LINE_PITCH)
        self._run(para, text, HEAD_FONT, OFFICIAL_TITLE_PT)

    def addressee(self, text: str) -> None:
        """The 主送机关, flush left, with its full-width colon."""
        para = self.doc.add_paragraph()
        _pitch(para)
        self._run(para, text + "：", BODY_FONT, OFFICIAL_PT)

    def body(self, text: str, heading: bool = False) -> None:
        """A body paragraph, two characters in; a 一、 heading in 黑体."""
        from docx.shared import Pt

        para = self.doc.add_paragraph()
        _pitch(para)
        para.paragraph_format.first_line_indent = Pt(OFFICIAL_PT * 2)
        self._run(para, text, HEAD_FONT if heading else BODY_FONT, OFFICIAL_PT)

    def signature(self, issuer: str, date_text: str) -> None:
        """GB/T 9704 7.3.5.2, no seal: a blank line, the issuer two characters from the right, the
        date under it starting two characters further right (or the date two characters from the
        right and the issuer moved left, when the date is the longer)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        from nmx.render.linebreak import display_width

        name, date = display_width(issuer) / 2, display_width(date_text) / 2  # in characters
        date_right = name - date
        name_right = 2.0
        if date_right < 2:
            date_right, name_right = 2.0, date - name + 4
        self.body("")
        for text, right in ((issuer, name_right), (date_text, date_right)):
            para = self.doc.add_paragraph()
            _pitch(para)
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            para.paragraph_format.right_indent = Pt(OFFICIAL_PT * right)
            self._run(para, text, BODY_FONT, OFFICIAL_PT)

    def annotation(self, text: str) -> None:
        """A 附注: two characters in, in brackets."""
        from docx.shared import Pt

        para = self.doc.add_paragraph()
        _pitch(para)
        para.paragraph_format.left_indent = Pt(OFFICIAL_PT * 2)
        self._run(para, f"（{text}）", BODY_FONT, OFFICIAL_PT)

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
    def _run(para: Any, text: str, font: str, size: float, bold: bool = False, color: str | None = None) -> None:
        from docx.shared import Pt, RGBColor

        run = para.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold or None
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
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


def _page_field(para: Any, font: str | None = None, size: float | None = None) -> None:
    """A PAGE field (its last value shown until the reader updates it, as Word and WPS do)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    if font is not None:
        props = run.get_or_add_rPr()
        _fonts(run, font)
        if size is not None:
            props.get_or_add_sz().val = Pt(size)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    para._p.append(field)


def _pitch(para: Any) -> None:
    """The body's fixed line pitch (GB/T 9704 5.2.3)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    para.paragraph_format.line_spacing = Pt(LINE_PITCH)


_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")


def _bottom_rule(para: Any, color: str) -> None:
    """A rule under the paragraph, as wide as the type area: the 版头's 分隔线 (GB/T 9704 7.2.7)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "11"), ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # w:pBdr has its place in w:pPr's sequence (before shd … spacing, ind, jc): Word checks the order
    para._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


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
