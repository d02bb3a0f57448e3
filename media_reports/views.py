"""Pages of the media part: the public list and detail, the staff export and import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import staff_required
from accounts.roles import Role
from accounts.scoping import scope_queryset
from media_reports import imports, selectors
from media_reports.forms import AppearanceFilterForm, ImportForm
from unionportal.exceptions import ApplicationError

PAGE_SIZE = 20


@require_GET
def appearance_list(request):
    form = AppearanceFilterForm(request.GET or None, years=selectors.appearance_years())
    filters = form.filters() if request.GET else {}
    page = Paginator(selectors.appearance_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "media_reports/appearance_list.html",
        {"form": form, "page_obj": page, "appearances": page.object_list, "query": query.urlencode()},
    )


@require_GET
def appearance_detail(request, pk: int):
    appearance = get_object_or_404(selectors.appearance_list(), pk=pk)
    return render(request, "media_reports/appearance_detail.html", {"appearance": appearance})


@require_GET
@staff_required(roles=(Role.BRANCH_EDITOR, Role.REGIONAL_STAFF))
def appearance_export(request):
    fmt = request.GET.get("format", "csv")
    qs = scope_queryset(selectors.appearance_list(), request.user)
    if fmt == "xlsx":
        content = imports.export_xlsx(qs)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        fmt = "csv"
        content = imports.export_csv(qs)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="media-appearances.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
@staff_required(roles=(Role.BRANCH_EDITOR, Role.REGIONAL_STAFF))
def appearance_import(request):
    # The chair reads everything but records nothing: the role's permissions decide.
    if not request.user.has_perm("media_reports.add_mediaappearance"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = imports.import_appearances(file=upload, filename=upload.name, user=request.user)
        except ApplicationError as exc:
            errors = exc.extra.get("rows") or [exc.message]
        else:
            messages.success(request, _("Imported appearances: %(count)d.") % {"count": len(created)})
            return redirect("media_reports:import")
    return render(request, "media_reports/appearance_import.html", {"form": form, "errors": errors})
