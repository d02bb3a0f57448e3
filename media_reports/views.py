"""Pages of the media part: the public list and detail, the staff export (the import is the
admin's, with a preview)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_safe

from accounts.decorators import staff_required
from accounts.roles import Role
from media_reports import imports, selectors
from media_reports.forms import AppearanceFilterForm
from unionportal.caching import cache_public_page
from unionportal.pagination import bounded_page

PAGE_SIZE = 20


@require_safe
@cache_public_page("media", "branches")
def appearance_list(request):
    form = AppearanceFilterForm(request.GET or None, years=selectors.appearance_years())
    filters = form.filters() if request.GET else {}
    # No full COUNT(*) (42% of the page at 200,000 rows): one row more than shown, a count capped at 1,000.
    page = bounded_page(selectors.appearance_list_rows(**filters), request.GET.get("page"), size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "media_reports/appearance_list.html",
        {"form": form, "page_obj": page, "appearances": page.object_list, "query": query.urlencode()},
    )


@require_safe
@cache_public_page("media", "branches")
def appearance_detail(request, pk: int):
    appearance = get_object_or_404(selectors.appearance_list(), pk=pk)
    return render(request, "media_reports/appearance_detail.html", {"appearance": appearance})


EXPORTS = {
    # dataset: (queryset maker, csv writer, xlsx writer, file stem)
    "appearances": (selectors.appearance_list, imports.export_csv, imports.export_xlsx, "media-appearances"),
    "subscriptions": (
        selectors.subscription_list,
        imports.export_subscriptions_csv,
        imports.export_subscriptions_xlsx,
        "newspaper-subscriptions",
    ),
}


@require_GET
@staff_required(roles=(Role.BRANCH_EDITOR, Role.REGIONAL_STAFF))
def appearance_export(request):
    dataset = request.GET.get("dataset", "appearances")
    make_qs, to_csv, to_xlsx, stem = EXPORTS.get(dataset, EXPORTS["appearances"])
    qs = make_qs().for_user(request.user)
    if request.GET.get("format") == "xlsx":
        fmt, content = "xlsx", to_xlsx(qs)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        fmt, content = "csv", to_csv(qs)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@require_safe
def appearance_import(request):
    """The address of the old import page: the import is the admin's now (upload, preview,
    confirm), one for appearances and one for subscriptions."""
    model = "newspapersubscription" if request.GET.get("dataset") == "subscriptions" else "mediaappearance"
    return redirect(f"admin:media_reports_{model}_spreadsheet_import")
