"""The annual information report as a Word document, in Russian or Kazakh.

Laid out like the report the union writes by hand: A4, Times New Roman 14 pt with justified
paragraphs and a first-line indent, tables in 12 pt, the title block centred, the signature
«Кәсіподақтың Қарағанды облыстық ұйымы» under the text, page numbers in the footer.
Every table has its column widths set from its content (the grid and every cell, with a
fixed layout: Word and LibreOffice ignore widths otherwise), its header row repeated on
each page, and a table of more than six columns gets a landscape page of its own. Links
show the account's name, with the full address behind it as a hyperlink.

The content comes from `reports.report_content`, which the PDF uses too.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from reports.report_content import Heading, Link, PageBreak, Paragraph, Table, build_blocks

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
A4 = (Cm(21.0), Cm(29.7))
# Margins of an official letter in Kazakhstan: 3 cm left (for the binding), 1.5 cm right, 2 cm
# top and bottom; a landscape page keeps 2 cm all round.
PORTRAIT_MARGINS = (Cm(3.0), Cm(1.5), Cm(2.0), Cm(2.0))
LANDSCAPE_MARGINS = (Cm(2.0), Cm(2.0), Cm(2.0), Cm(2.0))
PORTRAIT_TEXT_CM = 21.0 - 3.0 - 1.5
# Estimated widths of text, in em: a Cyrillic letter or a digit of Times is at most about half
# an em on average (most are narrower), a bold one a little more. The estimate errs wide, so
# a word never breaks inside.
EM_PER_CHAR = 0.5
EM_PER_BOLD_CHAR = 0.55
CELL_PADDING_CM = 0.19 * 2 + 0.1  # Word's default cell margins, and a little air
TWIPS_PER_CM = 567
# A column is given at most this many characters' width before its text wraps.
LONGEST_LINE = 36


def build_report(*, user, year: int, language: str) -> bytes:
    blocks = build_blocks(user=user, year=year, language=language)
    return DocxWriter().write(blocks)


def text_width_cm(text: str, *, size_pt: float, bold: bool = False) -> float:
    em = EM_PER_BOLD_CHAR if bold else EM_PER_CHAR
    return len(text) * em * size_pt * 2.54 / 72


def _longest_word(text: str) -> str:
    return max(text.split() or [""], key=len)


def least_widths(table: Table, *, size_pt: float = TABLE_PT) -> list[float]:
    """Per column, the width of its longest word (bold in the header row), with the padding."""
    least = [text_width_cm(_longest_word(title), size_pt=size_pt, bold=True) for title in table.header]
    for row in table.rows:
        for index, lines in enumerate(row):
            for line in lines:
                least[index] = max(least[index], text_width_cm(_longest_word(str(line)), size_pt=size_pt))
    return [w + CELL_PADDING_CM for w in least]


def column_widths(table: Table, available_cm: float, *, size_pt: float = TABLE_PT) -> list[float]:
    """Widths in cm from the content: never narrower than the longest word of a column (at
    the font size); a column of figures no wider than that, and the rest of the line shared
    out among the text columns by how much text they hold (names wide, numbers narrow)."""
    least = least_widths(table, size_pt=size_pt)
    wanted = list(least)
    for row in table.rows:
        for index, lines in enumerate(row):
            if index in table.numeric:
                continue
            for line in lines:
                width = text_width_cm(str(line)[:LONGEST_LINE], size_pt=size_pt) + CELL_PADDING_CM
                wanted[index] = max(wanted[index], width)
    text_columns = [i for i in range(len(least)) if i not in table.numeric] or list(range(len(least)))
    if sum(wanted) <= available_cm:
        spare = available_cm - sum(wanted)
        share = sum(wanted[i] for i in text_columns)
        return [w + (spare * w / share if i in text_columns else 0) for i, w in enumerate(wanted)]
    if sum(least) >= available_cm:
        return least
    # Too little room: every column keeps its longest word, the text columns shrink in proportion.
    ratio = (available_cm - sum(least)) / (sum(wanted) - sum(least))
    return [lw + (w - lw) * ratio for w, lw in zip(wanted, least, strict=True)]


class DocxWriter:
    def __init__(self):
        self.doc = Document()
        self._styles()
        section = self.doc.sections[0]
        self._page(section, landscape=False)
        self._page_number(section)
        self.landscape = False

    # --- Page and styles ---------------------------------------------------------------------

    def _styles(self):
        styles = self.doc.styles
        normal = styles["Normal"]
        self._font(normal.font, BODY_PT)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        for name in ("Heading 2", "List Bullet", "Table Grid"):
            style = styles[name]
            self._font(style.font, TABLE_PT if name == "Table Grid" else BODY_PT)
        heading = styles["Heading 2"]
        heading.font.bold = True
        heading.font.italic = False
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True
        bullet = styles["List Bullet"]
        bullet.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        self.bullet_style_id = bullet.style_id
        self.heading_style_id = heading.style_id

    @staticmethod
    def _font(font, size):
        font.name = FONT
        font.size = Pt(size)
        # Cyrillic is set in the "complex" and East Asian slots too by some Word versions.
        rpr = font.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(slot), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)

    @staticmethod
    def _page(section, *, landscape: bool):
        width, height = A4
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (height, width) if landscape else (width, height)
        left, right, top, bottom = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
        section.left_margin, section.right_margin = left, right
        section.top_margin, section.bottom_margin = top, bottom
        section.footer_distance = Cm(1.0)

    def _page_number(self, section):
        """The page number, centred in the footer, as a PAGE field (Word counts it itself)."""
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        run.font.size = Pt(TABLE_PT)
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            elif text == "PAGE":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = " PAGE "
            else:
                element = OxmlElement("w:t")
                element.text = text
            run._r.append(element)

    def _orientation(self, landscape: bool):
        if landscape == self.landscape:
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=landscape)
        self.landscape = landscape

    def available_cm(self) -> float:
        section = self.doc.sections[-1]
        return (section.page_width - section.left_margin - section.right_margin) / 360000

    # --- Blocks ------------------------------------------------------------------------------

    @staticmethod
    def orientations(blocks) -> list[bool]:
        """Landscape or not, per block: a table of more than six columns, or whose words cannot
        fit across a portrait page, and the headings just before it (they go with it)."""
        landscape = [
            isinstance(b, Table) and (b.is_wide or sum(least_widths(b)) > PORTRAIT_TEXT_CM) for b in blocks
        ]
        for index in range(len(blocks) - 1, 0, -1):
            before = blocks[index - 1]
            leads_in = isinstance(before, (Heading, PageBreak)) or (
                isinstance(before, Paragraph) and before.kind == "appendix-mark"
            )
            if landscape[index] and leads_in:
                landscape[index - 1] = True
        return landscape

    def write(self, blocks) -> bytes:
        landscape = self.orientations(blocks)
        for index, block in enumerate(blocks):
            if isinstance(block, PageBreak):
                following = landscape[index + 1] if index + 1 < len(blocks) else self.landscape
                if following != self.landscape:
                    continue  # the new section starts a new page by itself
            self._orientation(landscape[index])
            if isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Heading):
                paragraph = self.doc.add_paragraph(block.text)
                paragraph._p.style = self.heading_style_id
            elif isinstance(block, PageBreak):
                self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def paragraph(self, block: Paragraph):
        paragraph = self.doc.add_paragraph()
        kind = block.kind
        if kind == "bullet":
            # Set the style by id: python-docx's lookup by name scans every style each time,
            # which made a report with a thousand appearances take seconds.
            paragraph._p.style = self.bullet_style_id
        elif kind == "body":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1.25)
        elif kind in ("title", "subtitle", "centered"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if kind == "centered":
                paragraph.paragraph_format.space_after = Pt(12)
        elif kind in ("signature", "appendix-mark"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if kind == "appendix-mark" else WD_ALIGN_PARAGRAPH.LEFT
            paragraph.paragraph_format.space_before = Pt(24 if kind == "signature" else 0)
        elif kind == "caption":
            paragraph.paragraph_format.keep_with_next = True
        for part in block.parts:
            run = self.add(paragraph, part)
            if kind in ("title", "subtitle", "signature", "appendix-mark"):
                run.bold = True
            if kind == "caption":
                run.italic = True
        return paragraph

    def add(self, paragraph, part, *, size=None):
        """A run of text, or a hyperlink showing `part.text` that opens `part.url`."""
        if not isinstance(part, Link):
            run = paragraph.add_run(part)
            if size:
                run.font.size = Pt(size)
            return run
        rel_id = paragraph.part.relate_to(part.url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rel_id)
        paragraph._p.append(hyperlink)
        r = OxmlElement("w:r")
        hyperlink.append(r)
        run = Run(r, paragraph)
        run.text = part.text
        run.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        run.font.underline = True
        if size:
            run.font.size = Pt(size)
        return run

    def table(self, block: Table):
        if block.caption:
            caption = self.doc.add_paragraph()
            caption.paragraph_format.keep_with_next = True
            caption.paragraph_format.space_before = Pt(6)
            caption.add_run(block.caption).italic = True
        widths = column_widths(block, self.available_cm())
        twips = [round(w * TWIPS_PER_CM) for w in widths]
        # All rows at once, filled through the XML: python-docx's add_row and cell lookups
        # cost a scan of the table each, which a list of a thousand appearances feels.
        table = self.doc.add_table(rows=len(block.rows) + 1, cols=len(block.header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl = table._tbl
        tbl_pr = tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        width = tbl_pr.find(qn("w:tblW"))
        if width is None:
            width = OxmlElement("w:tblW")
            tbl_pr.append(width)
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(sum(twips)))
        for grid_col, w in zip(tbl.tblGrid.gridCol_lst, twips, strict=True):
            grid_col.w = Twips(w)
        rows = [[[h] for h in block.header], *block.rows]
        for index, (tr, values) in enumerate(zip(tbl.tr_lst, rows, strict=True)):
            tr_pr = tr.get_or_add_trPr()
            no_split = OxmlElement("w:cantSplit")  # a row stays on one page
            no_split.set(qn("w:val"), "true")
            tr_pr.append(no_split)
            if index == 0:
                header = OxmlElement("w:tblHeader")  # repeated at the top of every page
                header.set(qn("w:val"), "true")
                tr_pr.append(header)
            for column, (tc, lines) in enumerate(zip(tr.tc_lst, values, strict=True)):
                cell_width = tc.get_or_add_tcPr().get_or_add_tcW()
                cell_width.type, cell_width.w = "dxa", twips[column]
                self._cell(tc, table, lines, bold=index == 0, centred=index == 0 or column in block.numeric)
        # A little air after the table (an empty paragraph in the table's font).
        after = self.doc.add_paragraph()
        after.paragraph_format.space_after = Pt(6)
        return table

    def _cell(self, tc, table, lines, *, bold, centred):
        for number, line in enumerate(lines):
            p = tc.p_lst[0] if number == 0 else tc.add_p()
            paragraph = DocxParagraph(p, table)
            if centred:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = self.add(paragraph, line, size=TABLE_PT)
            if bold:
                run.bold = True
