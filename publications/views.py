"""Public news pages (list, detail, Atom feed) and the staff pages of the publications log
(quick entry from a link, a month on one screen, import and export)."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from accounts.decorators import staff_required
from accounts.roles import is_regional
from publications import imports, selectors, services
from publications.choices import Channel
from publications.forms import MonthFormSet, NewsFilterForm, PublicationForm, QuickEntryUrlForm
from publications.models import Publication
from unionportal.caching import cache_public_page
from unionportal.exceptions import ApplicationError, DuplicateError
from unionportal.validators import printable

PAGE_SIZE = 20
# The years a staff page may be asked about; anything else in the address is ignored.
MIN_YEAR, MAX_YEAR = 1900, 2999


def can_log(view_func):
    """Writing pages: the chair only looks, so the add permission decides (roles.py)."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm("publications.add_publication"):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


@require_safe
@cache_public_page("publications", "branches")
def news_list(request):
    years = selectors.publication_years()
    form = NewsFilterForm(request.GET or None, years=years)
    filters = form.filters()
    qs = selectors.publication_filter(**filters)
    page = selectors.keyset_page(qs, older=request.GET.get("older"), newer=request.GET.get("newer"), size=PAGE_SIZE)
    # The filters stay in the pagination links; the cursors change.
    base = request.GET.copy()
    for key in ("older", "newer"):
        base.pop(key, None)
    return render(
        request,
        "publications/publication_list.html",
        {"form": form, "page": page, "filters": filters, "base_query": base.urlencode()},
    )


@require_safe
@cache_public_page("publications", "branches")
def news_detail(request, pk: int):
    try:
        publication = selectors.publication_detail(pk=pk)
    except Publication.DoesNotExist:
        raise Http404 from None
    return render(request, "publications/publication_detail.html", {"publication": publication})


class NewsFeed(Feed):
    """The newest publications as Atom, for readers and partners' sites."""

    feed_type = Atom1Feed
    title = gettext_lazy("News of the union of education workers, Karaganda region")
    subtitle = gettext_lazy("Posts of the regional organisation and its branches.")
    link = reverse_lazy("publications:list")

    def items(self):
        return selectors.latest_publications(limit=30)

    # printable(): a control character already stored (an old import) would make the XML
    # writer fail and the whole feed answer 500.
    def item_title(self, item):
        return printable(item.title)

    def item_description(self, item):
        return printable(item.text, multiline=True)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return printable(item.organisation.name)

    def item_categories(self, item):
        return [printable(item.rubric.name)] if item.rubric_id else []


news_feed = NewsFeed()


# --- Staff pages ------------------------------------------------------------------------


@staff_required
@can_log
@require_http_methods(["GET", "POST"])
def quick_entry(request):
    """Paste a post's link: the page and organisation are recognised, the fields pre-filled
    for confirmation; a link already logged is refused with a link to its record."""
    if request.method == "POST":
        form = PublicationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                publication = services.publication_create(user=request.user, **form.service_fields())
            except DuplicateError as exc:
                form.add_error("url", exc.message)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The publication is logged."))
                return redirect(publication.get_absolute_url())
        return render(request, "publications/publication_quick.html", {"url_form": QuickEntryUrlForm(), "form": form})

    url_form = QuickEntryUrlForm(request.GET or None)
    context = {"url_form": url_form}
    if request.GET.get("url") and url_form.is_valid():
        recognised = services.publication_recognise_url(url=url_form.cleaned_data["url"])
        context["recognised"] = recognised
        if recognised.duplicate is not None:
            context["duplicate"] = services.duplicate_message(recognised.duplicate)
        else:
            context["form"] = PublicationForm(initial=recognised.initial, user=request.user)
    return render(request, "publications/publication_quick.html", context)


def _month_from(value: str | None) -> tuple[int, int]:
    """The month asked for, or this one for a missing or unusable value. The year is kept
    within reach: the screen works out the next month, and year 9999 has none."""
    today = timezone.localdate()
    if value:
        try:
            parsed = dt.datetime.strptime(value, "%Y-%m")  # noqa: DTZ007 - only year and month are used
        except ValueError:
            pass
        else:
            if MIN_YEAR <= parsed.year <= MAX_YEAR:
                return parsed.year, parsed.month
    return today.year, today.month


@staff_required
@can_log
@require_http_methods(["GET", "POST"])
def month_entry(request):
    """A month of posts on one screen: what is logged, and rows to add more at once."""
    year, month = _month_from(request.GET.get("month"))
    start = dt.datetime(year, month, 1, tzinfo=selectors.ALMATY)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=selectors.ALMATY)
    if request.method == "POST":
        formset = MonthFormSet(request.POST, user=request.user, year=year, month=month)
        if formset.is_valid():
            try:
                created = services.publications_create_many(user=request.user, rows=formset.rows())
            except ApplicationError as exc:
                for index, problems in exc.extra.get("errors", {}).items():
                    for problem in problems:
                        formset.forms[_row_form_index(formset, index)].add_error(None, problem)
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Publications logged: %(count)s.") % {"count": len(created)})
                return redirect(f"{reverse('publications:month')}?month={year}-{month:02d}")
    else:
        formset = MonthFormSet(user=request.user, year=year, month=month)
    logged = (
        selectors.publication_list_queryset().filter(published_at__gte=start, published_at__lt=end).for_user(request.user)
    )
    prev_month = f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
    next_month = f"{year + (month == 12)}-{month % 12 + 1:02d}"
    return render(
        request,
        "publications/publication_month.html",
        {
            "formset": formset,
            "logged": list(logged.order_by("published_at", "id")),
            "month_start": start,
            "month_value": f"{year}-{month:02d}",
            "prev_month": prev_month,
            "next_month": next_month,
        },
    )


def _row_form_index(formset, row_index: int) -> int:
    """The form that produced the n-th filled row (empty rows are skipped by `rows()`)."""
    filled = [i for i, f in enumerate(formset.forms) if getattr(f, "cleaned_data", {}).get("title")]
    return filled[row_index]


@require_safe
def import_view(request):
    """The address of the old import page: the import is the admin's now (upload, preview,
    confirm), so a bookmark still finds it."""
    return redirect("admin:publications_publication_spreadsheet_import")


@staff_required
@require_GET
def export_view(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    qs = Publication.objects.for_user(request.user)
    form = NewsFilterForm(request.GET or None, years=selectors.publication_years())
    qs = selectors.publication_filter(queryset=qs, **form.filters())
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            imports.export_xlsx(qs),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(imports.export_csv(qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="publications-{stamp}.{fmt}"'
    return response


@staff_required
@require_GET
def counts_view(request):
    """Counts by year, channel, organisation and rubric (what the dashboards show)."""
    organisation = None
    if not is_regional(request.user):
        organisation = getattr(getattr(request.user, "profile", None), "organisation", None)
        if organisation is None:
            raise PermissionDenied
    # A year out of reach (a typo, a huge number) shows every year rather than an error page.
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR else None
    by_org = selectors.publication_counts_by_organisation(year=year)
    from branches.models import Organisation

    names = {o.pk: o for o in Organisation.objects.filter(pk__in=by_org)}
    channel_labels = dict(Channel.choices)
    return render(
        request,
        "publications/publication_counts.html",
        {
            "year": year,
            "years": selectors.publication_years(),
            "by_year": selectors.publication_counts_by_year(organisation=organisation),
            "by_channel": [
                (channel_labels.get(c, c), n)
                for c, n in selectors.publication_counts_by_channel(year=year, organisation=organisation).items()
            ],
            "by_rubric": selectors.publication_counts_by_rubric(year=year, organisation=organisation),
            "by_organisation": [(names[pk], n) for pk, n in by_org.items() if organisation is None and pk in names],
        },
    )
