"""Public pages of the registry: the directory of branches (a branch's own page, which shows
other parts' records too, is assembled in `portal.views`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import staff_required
from accounts.roles import Role
from branches import imports, selectors
from branches.forms import RegistryImportForm
from branches.models import Organisation
from unionportal.caching import cache_public_page
from unionportal.exceptions import ApplicationError


@require_GET
@cache_public_page
def branch_list(request):
    organisations = list(selectors.directory())
    # One reverse() for the whole list rather than one per branch: slugs are URL-safe.
    pattern = reverse("branches:detail", args=["__slug__"])
    for organisation in organisations:
        organisation.detail_url = pattern.replace("__slug__", organisation.slug)
    return render(request, "branches/branch_list.html", {"organisations": organisations})


# --- Staff: import and export of the registry ----------------------------------------------

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


@require_http_methods(["GET", "POST"])
@staff_required(roles=(Role.REGIONAL_STAFF,))
def registry_import(request):
    # The import creates organisations anywhere in the region: regional staff only. The chair
    # reads everything but records nothing, and the role's permissions say so.
    if not request.user.has_perm("branches.add_organisation"):
        raise PermissionDenied
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            counts = imports.import_registry(content=upload.read(), filename=upload.name)
        except ApplicationError as exc:
            errors = exc.extra.get("rows") or [exc.message]
        else:
            messages.success(
                request,
                _("Imported: %(orgs)s new organisations, %(pages)s new pages; %(same)s pages were already there.")
                % {
                    "orgs": counts.get("organisations_created", 0),
                    "pages": counts.get("pages_created", 0),
                    "same": counts.get("pages_unchanged", 0),
                },
            )
            return redirect("branches:import")
    return render(request, "branches/registry_import.html", {"form": form, "errors": errors})
