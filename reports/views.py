"""The chair's dashboard, the annual report (DOCX), the figures (XLSX) and the editing of the
report's paragraphs. Every view reads the stored rollups through `reports.selectors`, narrowed
to the branches the user may see."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import staff_required
from reports import selectors
from reports.choices import NarrativeSection, ReportLanguage
from reports.dashboard import dashboard_context
from reports.docx_report import build_report
from reports.forms import NarrativeForm
from reports.pdf_report import PdfUnavailable, build_pdf
from reports.selectors import FIRST_YEAR, LAST_YEAR, compared_years, figure_book
from reports.services import narrative_save
from reports.xlsx_export import build_workbook
from unionportal.exceptions import ApplicationError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year_from_query(request, years) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return selectors.latest_year_with_figures(years)
    return year if FIRST_YEAR <= year <= LAST_YEAR else selectors.latest_year_with_figures(years)


# A year younger than this many days is "young": its figures are a beginning, not a year.
YOUNG_YEAR_DAYS = 90


def _year_note(year: int, rolled_up: dict) -> str:
    """What the chair should know about the chosen year before reading its figures."""
    today = timezone.localdate()
    if year != today.year:
        return ""
    days = (today - today.replace(month=1, day=1)).days + 1
    note = _("The year %(year)s is not over: these are its figures so far, to %(date)s.") % {
        "year": year,
        "date": date_format(today, "j E Y"),
    }
    if days < YOUNG_YEAR_DAYS and rolled_up.get(year - 1, (None, 0))[1]:
        note += " " + _("The year is still young (%(days)s days): compare with %(previous)s in full.") % {
            "days": days,
            "previous": year - 1,
        }
    return note


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404


def _report_language(request) -> str:
    language = request.GET.get("lang", ReportLanguage.RUSSIAN)
    return language if language in ReportLanguage.values else ReportLanguage.RUSSIAN


def _can_edit_narrative(user) -> bool:
    return user.has_perm("reports.change_reportnarrative")


@require_GET
@staff_required
def dashboard(request):
    rolled_up = selectors.rolled_up_years()
    year = _year_from_query(request, rolled_up)
    book = figure_book(user=request.user, years=compared_years(year))
    switcher = sorted({*rolled_up, year}, reverse=True)
    computed_at, stored = rolled_up.get(year, (None, 0))
    context = {
        "year": year,
        "years": book.years,
        "switcher_years": switcher,
        "previous_year": year - 1 if year - 1 >= FIRST_YEAR else None,
        "next_year": year + 1 if year + 1 in rolled_up else None,
        "computed_at": computed_at,
        "has_figures": bool(stored),
        "year_note": _year_note(year, rolled_up),
        "book": book,
        "is_single_branch": len(book.organisations) == 1,
        "can_edit_narrative": _can_edit_narrative(request.user),
        "report_languages": ReportLanguage.choices,
        **dashboard_context(book, year),
    }
    return render(request, "reports/dashboard.html", context)


@require_GET
@staff_required
def report_docx(request, year: int):
    _check_year(year)
    language = _report_language(request)
    content = build_report(user=request.user, year=year, language=language)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="information-work-{year}-{language}.docx"'
    return response


@require_GET
@staff_required
def report_pdf(request, year: int):
    _check_year(year)
    language = _report_language(request)
    try:
        content = build_pdf(user=request.user, year=year, language=language)
    except PdfUnavailable:
        message = _(
            "The PDF cannot be made on this server: the WeasyPrint library or the Pango libraries it draws "
            "with are not installed. Download the report as DOCX, or ask the administrator to install them "
            "(see docs/reports.md)."
        )
        return render(request, "reports/pdf_unavailable.html", {"message": message, "year": year}, status=503)
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="information-work-{year}-{language}.pdf"'
    return response


@require_GET
@staff_required
def figures_xlsx(request, year: int):
    _check_year(year)
    content = build_workbook(user=request.user, year=year)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="figures-{year}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@staff_required
def narrative_edit(request, year: int):
    _check_year(year)
    if not _can_edit_narrative(request.user):
        raise PermissionDenied
    language = _report_language(request)
    texts = selectors.narrative_texts(year=year, language=language)
    form = NarrativeForm(request.POST or None, initial=texts, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            narrative_save(year=year, language=language, texts=form.cleaned_data, user=request.user)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The report's paragraphs are saved."))
            return redirect(f"{request.path}?lang={language}")
    return render(
        request,
        "reports/narrative_edit.html",
        {
            "year": year,
            "language": language,
            "language_name": ReportLanguage(language).label,
            "report_languages": ReportLanguage.choices,
            "form": form,
            "edited": selectors.edited_sections(year=year, language=language),
            "sections": NarrativeSection,
        },
    )
