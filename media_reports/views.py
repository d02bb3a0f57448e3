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
IMPORTS = {"appearances": imports.import_appearances, "subscriptions": imports.import_subscriptions}


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


@require_http_methods(["GET", "POST"])
@staff_required(roles=(Role.BRANCH_EDITOR, Role.REGIONAL_STAFF))
def appearance_import(request):
    # The chair reads everything but records nothing: the role's permissions decide.
    if not request.user.has_perm("media_reports.add_mediaappearance"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, initial={"dataset": request.GET.get("dataset")})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = IMPORTS[form.cleaned_data["dataset"] or "appearances"]
        try:
            saved = run(file=upload, filename=upload.name, user=request.user)
        except ApplicationError as exc:
            errors = exc.extra.get("rows") or [exc.message]
        else:
            messages.success(request, _("Imported rows: %(count)d.") % {"count": len(saved)})
            return redirect("media_reports:import")
    return render(request, "media_reports/appearance_import.html", {"form": form, "errors": errors})
