"""The annual information report as PDF: the same blocks as the Word file
(`reports.report_content`), laid out by an HTML template and printed by WeasyPrint.

WeasyPrint is a maintained Python library (PyPI) that draws HTML and CSS to PDF with Pango;
it needs Debian's `libpango-1.0-0` and `libpangoft2-1.0-0` (and a serif font with Cyrillic
and Kazakh letters: `fonts-liberation2`, Times-compatible). Where those libraries are missing
the import fails with an OSError: `PdfUnavailable` then tells the view, which says so in the
user's language instead of failing with a 500.
"""

import logging

from django.template.loader import render_to_string
from django.utils import translation

from reports.docx_report import A4, LANDSCAPE_MARGINS, PORTRAIT_MARGINS, PORTRAIT_TEXT_CM, DocxWriter, column_widths
from reports.report_content import Heading, PageBreak, Paragraph, Table, build_blocks

# WeasyPrint reports every layout step at INFO: not worth a log line per page.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it draws with are not installed."""


def _weasyprint():
    from PIL import ImageFile

    # Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES to True, after
    # which the upload check (unionportal.uploads) would accept a cut-off JPEG in every
    # request the process serves. The report draws no images: put the setting back.
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(str(exc)) from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return weasyprint


def _cm(length) -> float:
    return length / 360000


def report_html(*, user, year: int, language: str) -> str:
    blocks = build_blocks(user=user, year=year, language=language)
    landscape = DocxWriter.orientations(blocks)
    landscape_text_cm = _cm(A4[1]) - _cm(LANDSCAPE_MARGINS[0]) - _cm(LANDSCAPE_MARGINS[1])
    items = []
    for block, wide in zip(blocks, landscape, strict=True):
        item = {"block": block, "landscape": wide}
        if isinstance(block, Table):
            item["type"] = "table"
            widths = column_widths(block, landscape_text_cm if wide else PORTRAIT_TEXT_CM)
            item["columns"] = [
                {"width": f"{w:.2f}cm", "numeric": i in block.numeric} for i, w in enumerate(widths)
            ]
        elif isinstance(block, Heading):
            item["type"] = "heading"
        elif isinstance(block, PageBreak):
            item["type"] = "page-break"
        elif isinstance(block, Paragraph):
            item["type"] = "paragraph"
        items.append(item)
    with translation.override(language):
        return render_to_string(
            "reports/report_pdf.html",
            {
                "items": items,
                "language": language,
                "year": year,
                "portrait_margins": [f"{_cm(m):.1f}cm" for m in PORTRAIT_MARGINS],
                "landscape_margins": [f"{_cm(m):.1f}cm" for m in LANDSCAPE_MARGINS],
            },
        )


def build_pdf(*, user, year: int, language: str) -> bytes:
    weasyprint = _weasyprint()
    html = report_html(user=user, year=year, language=language)
    return weasyprint.HTML(string=html).write_pdf()
