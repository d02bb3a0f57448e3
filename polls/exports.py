"""A poll's results as a spreadsheet (XLSX) and a document (DOCX), with the same small cells
hidden as on the page (both are built from `polls.selectors.poll_results`)."""

import io

from django.utils.translation import gettext as _

from polls.selectors import PollResults, text_answers

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _hidden(results: PollResults) -> str:
    return _("hidden (fewer than %(n)s)") % {"n": results.threshold}


def _cell(value, results):
    return _hidden(results) if value is None else value


def _method(results: PollResults) -> str:
    if results.poll.access == "invitation":
        return _("by invitation, one-time codes")
    return _("open poll, one answer per browser")


def result_sheets(results: PollResults, *, with_texts: bool) -> list[tuple[str, list[list]]]:
    """(sheet name, rows) of the results; free-text answers only for staff."""
    poll = results.poll
    summary = [
        [_("Poll"), poll.title],
        [_("Invited"), results.invited if results.invited is not None else ""],
        [_("Responses"), results.answered],
        [_("How answers were counted"), _method(results)],
        [],
        [_("Question"), _("Answer"), _("Count"), _("Share, %")],
    ]
    units = [[_("Question"), _("Branch"), _("Responses"), _("Answer"), _("Count")]]
    for item in results.questions:
        for option in item.options:
            summary.append([item.question.text, option.label, _cell(option.count, results), option.share])
        for row in item.units:
            name = row.unit.name if row.unit else _("Through the general link")
            for option, cell in zip(item.options, row.cells, strict=True):
                units.append([item.question.text, name, _cell(row.answered, results), option.label, _cell(cell, results)])
    days = [[_("Day"), _("Responses")]] + [[day.isoformat(), _cell(n, results)] for day, n in results.days]
    sheets = [(_("Results"), summary), (_("By branch"), units), (_("By day"), days)]
    if with_texts:
        texts = [[_("Question"), _("Branch"), _("Text"), _("Marked")]]
        for answer in text_answers(poll):
            texts.append([answer.question.text, answer.unit.name if answer.unit else "", answer.text, _("yes") if answer.is_marked else ""])
        sheets.append((_("Written answers"), texts))
    return sheets


def write_xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    """The one place a poll's workbook is written: the portal's shared writer, which types
    every text cell as text, so an answer starting with "=" never runs as a formula."""
    from unionportal.spreadsheets import write_xlsx as shared_write_xlsx

    return shared_write_xlsx({name: (rows[0], rows[1:]) for name, rows in sheets}, widths={"A": 40, "B": 30})


def results_xlsx(results: PollResults, *, with_texts: bool = True) -> bytes:
    return write_xlsx(result_sheets(results, with_texts=with_texts))


def results_docx(results: PollResults) -> bytes:
    """The results as a document to attach to a resolution: facts, the decision, the tables."""
    from docx import Document

    poll = results.poll
    document = Document()
    document.add_heading(poll.title, level=1)
    for label, value in [
        (_("Invited"), results.invited),
        (_("Responses"), results.answered),
        (_("How answers were counted"), _method(results)),
    ]:
        if value is not None:
            document.add_paragraph(f"{label}: {value}")
    if poll.outcome_published_at:
        document.add_heading(_("You said, we did"), level=2)
        document.add_paragraph(poll.outcome)
    if results.too_few:
        document.add_paragraph(_hidden(results))
    for item in results.questions:
        document.add_heading(item.question.text, level=2)
        if not item.options:
            document.add_paragraph(_("Written answers are read by the union's staff and are not published."))
            continue
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, [_("Answer"), _("Count"), _("Share, %")], strict=True):
            cell.text = text
        for option in item.options:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = option.label, str(_cell(option.count, results))
            cells[2].text = "" if option.share is None else f"{option.share:.1f}"
        if item.units:
            document.add_paragraph(_("By branch"))
            table = document.add_table(rows=1, cols=2 + len(item.options))
            table.style = "Table Grid"
            header = [_("Branch"), _("Responses"), *[o.label for o in item.options]]
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = text
            for row in item.units:
                cells = table.add_row().cells
                values = [row.unit.name if row.unit else _("Through the general link"), _cell(row.answered, results)]
                values += [_cell(c, results) for c in row.cells]
                for cell, value in zip(cells, values, strict=True):
                    cell.text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
