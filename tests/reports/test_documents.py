"""The annual report as a finished document: read back, the DOCX has what a person sending it
upward needs (widths, repeated headers, landscape pages, page numbers, short links, fonts),
and the PDF holds the same figures."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt

from reports import pdf_report
from tests.reports.pdf_support import require_pdf_libraries
from tests.reports.test_demo import demo_user

pytestmark = pytest.mark.django_db

TABLE_PT = 12
# A letter of Times is at most about half an em on average (a bold one a little more); cell
# text has Word's default 0.19 cm margins on each side.
EM, BOLD_EM = 0.5, 0.55
TWIPS_PER_PT = 20
CELL_MARGINS_TWIPS = round(0.19 * 2 * 567)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def download(client, name, year, language):
    response = client.get(reverse(name, args=[year]), {"lang": language})
    assert response.status_code == 200, response.content[:500]
    return response


def body_order(document):
    """The body's tables, each with the index of the section it is in."""
    section, found = 0, []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            found.append((element, section))
        elif element.tag == qn("w:p") and element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            section += 1
    return found


def longest_word_twips(text: str, *, bold: bool) -> float:
    word = max(text.split() or [""], key=len)
    return len(word) * (BOLD_EM if bold else EM) * TABLE_PT * TWIPS_PER_PT


def check_the_layout(document):
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    # Justified paragraphs with a first-line indent, as in the original.
    body = [p for p in document.paragraphs if p.paragraph_format.first_line_indent]
    assert len(body) > 20
    assert all(p.alignment == 3 for p in body)  # WD_ALIGN_PARAGRAPH.JUSTIFY
    # Page numbers: a PAGE field in the footer.
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and 'w:fldCharType="begin"' in footer_xml

    tables = body_order(document)
    assert len(tables) == len(document.tables) >= 8
    for tbl, section_index in tables:
        rows = tbl.findall(qn("w:tr"))
        # A fixed layout, the grid and every cell's width set, and the header row repeated.
        assert tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}").get(qn("w:type")) == "fixed"
        grid = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        assert grid and all(w > 0 for w in grid)
        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        for row_index, tr in enumerate(rows):
            cells = tr.findall(qn("w:tc"))
            for column, tc in enumerate(cells):
                width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                assert width.get(qn("w:type")) == "dxa"
                assert int(width.get(qn("w:w"))) == grid[column]
                # No cell narrower than its longest word at 12 pt.
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                room = grid[column] - CELL_MARGINS_TWIPS
                assert room >= longest_word_twips(text, bold=row_index == 0), (text, grid[column])
                sizes = {int(s.get(qn("w:val"))) for s in tc.iter(qn("w:sz"))}
                assert sizes == {TABLE_PT * 2}, text
        # More than six columns: on a landscape page.
        orientation = document.sections[section_index].orientation
        if len(grid) > 6:
            assert orientation == WD_ORIENT.LANDSCAPE, len(grid)
        # Names wide, numbers narrow.
        if grid and len(grid) == 4:
            assert grid[0] > 2 * max(grid[1:])


def cells(document):
    return [[[c.text.replace("\xa0", " ") for c in row.cells] for row in t.rows] for t in document.tables]


def check_the_figures(document, *, kazakh=False):
    text = "\n".join(p.text for p in document.paragraphs).replace("\xa0", " ")
    tables = cells(document)
    year = "жыл" if kazakh else "год"
    papers = f"2022 {year} – 24, 2023 {year} – 27, 2024 {year} – 10"
    assert papers in text
    figures = tables[[t[0][0] for t in tables].index("Көрсеткіш" if kazakh else "Показатель")]
    papers_row = next(r for r in figures if r[1:] == ["24", "27", "10"])
    assert papers_row
    # The level table's "republican" counts more than the papers: the text says by how much and why.
    level = next(t for t in tables if any(r[0] == ("Республикалық" if kazakh else "Республиканский") for r in t))
    republican = next(r for r in level if r[0] in ("Республикалық", "Республиканский"))
    assert republican[1:] == ["25", "28", "10"]
    assert f"(2022 {year} – 25, 2023 {year} – 28, 2024 {year} – 10)" in text
    assert f"(2022 {year} – 1, 2023 {year} – 1)" in text
    return text


def pdf_text(content: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")), len(reader.pages)


def test_the_report_is_a_finished_document_in_both_languages_and_as_pdf(client, demo):
    client.force_login(demo_user("chair"))

    document = Document(io.BytesIO(download(client, "reports:report_docx", 2024, "ru").content))
    check_the_layout(document)
    text = check_the_figures(document)
    assert "Опубликовано материалов за 2022 год – 76, 2023 год – 120, 2024 год – 103." in text
    # The signature stands under the text, before Appendix 1.
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.index("Кәсіподақтың Қарағанды облыстық ұйымы") < paragraphs.index("Приложение №1")
    # The ranking: the regional organisation first, outside the ranks; the branches ranked 1., 2. …
    ranking = next(t for t in cells(document) if t[0][-1] == "Активность")
    assert ranking[1][0] == "—" and ranking[1][1] == "Карагандинская областная организация профсоюза"
    assert ranking[2][0] == "1." and len(ranking) == 1 + 13

    kazakh = Document(io.BytesIO(download(client, "reports:report_docx", 2024, "kk").content))
    check_the_layout(kazakh)
    check_the_figures(kazakh, kazakh=True)

    require_pdf_libraries()
    response = download(client, "reports:report_pdf", 2024, "ru")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="information-work-2024-ru.pdf"'
    text, pages = pdf_text(response.content)
    assert 6 <= pages <= 14
    assert "Опубликовано материалов за 2022 год – 76, 2023 год – 120, 2024 год – 103." in text
    assert "2022 год – 24, 2023 год – 27, 2024 год – 10" in text
    assert "1 358" in text
    assert "(2022 год – 25, 2023 год – 28, 2024 год – 10)" in text
    assert "Кәсіподақтың Қарағанды облыстық ұйымы" in text
    assert "@profsoyuz310krg" in text and "https://www.instagram.com" not in text

    text, pages = pdf_text(download(client, "reports:report_pdf", 2024, "kk").content)
    assert 6 <= pages <= 14
    assert "Жарияланған материалдар: 2022 жыл – 76, 2023 жыл – 120, 2024 жыл – 103." in text
    assert "2022 жыл – 24, 2023 жыл – 27, 2024 жыл – 10" in text


def test_without_the_pdf_libraries_the_chair_is_told_so_and_offered_the_docx(client, chair, monkeypatch):
    def missing():
        raise pdf_report.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf_report, "_weasyprint", missing)
    client.force_login(chair)

    response = client.get(reverse("reports:report_pdf", args=[2024]))

    assert response.status_code == 503
    html = response.content.decode()
    assert "На этом сервере нельзя собрать PDF" in html
    assert reverse("reports:report_docx", args=[2024]) in html


def test_making_a_pdf_leaves_the_upload_check_refusing_a_cut_off_image(client, chair):
    # WeasyPrint's import switches Pillow to accept truncated images process-wide.
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.unionportal.test_uploads import image_bytes
    from unionportal.uploads import validate_image_upload

    require_pdf_libraries()
    client.force_login(chair)
    assert client.get(reverse("reports:report_pdf", args=[2024])).status_code == 200

    data = image_bytes(size=(300, 300))
    with pytest.raises(ValidationError):
        validate_image_upload(SimpleUploadedFile("cut.jpg", data[: len(data) // 3]))
