"""Public pages of the registry: the directory of branches (a branch's own page, which shows
other parts' records too, is assembled in `portal.views`)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_safe

from accounts.decorators import staff_required
from branches import imports, selectors
from branches.models import Organisation
from unionportal.caching import cache_public_page


@require_safe
@cache_public_page("branches")
def branch_list(request):
    organisations = list(selectors.directory())
    # One reverse() for the whole list rather than one per branch: slugs are URL-safe.
    pattern = reverse("branches:detail", args=["__slug__"])
    for organisation in organisations:
        organisation.detail_url = pattern.replace("__slug__", organisation.slug)
    return render(request, "branches/branch_list.html", {"organisations": organisations})


# --- Staff: export of the registry (its import is the admin's, with a preview) --------------

EXPORT_LAYOUTS = ("appendix", "full")


@require_GET
@staff_required
def registry_export(request):
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    layout = request.GET.get("layout") if request.GET.get("layout") in EXPORT_LAYOUTS else "full"
    organisations = Organisation.objects.order_by("position", "name_ru").for_user(request.user)
    rows = imports.export_rows(organisations=organisations, layout=layout)
    if fmt == "xlsx":
        response = HttpResponse(imports.export_xlsx(rows), content_type=imports.XLSX_TYPE)
    else:
        response = HttpResponse(imports.export_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registry-{layout}.{fmt}"'
    return response
