"""The admin's import of a CSV or XLSX file: upload, preview, confirm, result.

A ModelAdmin gains it with `SpreadsheetImportMixin` and `spreadsheet_importer = SomeImporter`
(an `unionportal.spreadsheets.Importer`); the change list links to it with
`{% url opts|admin_urlname:'spreadsheet_import' %}`. The upload is stored
(`SpreadsheetUpload`), checked in a rolled-back run (the preview lists what will be created,
or every bad row), and imported only when the staff member confirms; large files are
checked and imported by a Celery task while the page shows the progress.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import spreadsheet_jobs, spreadsheets
from unionportal.models import SpreadsheetUpload, UploadStatus


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class SpreadsheetImportMixin:
    """Adds "spreadsheet-import/" (upload) and "spreadsheet-import/<id>/" (preview, confirm,
    progress, result) to a ModelAdmin."""

    spreadsheet_importer: type[spreadsheets.Importer] | None = None

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "spreadsheet-import/",
                self.admin_site.admin_view(self.spreadsheet_upload_view),
                name="{}_{}_spreadsheet_import".format(*info),
            ),
            path(
                "spreadsheet-import/<int:upload_id>/",
                self.admin_site.admin_view(self.spreadsheet_status_view),
                name="{}_{}_spreadsheet_status".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_spreadsheet_import_permission(self, request) -> bool:
        importer = self.spreadsheet_importer
        perm = importer.permission if importer and importer.permission else None
        return bool(importer) and (request.user.has_perm(perm) if perm else self.has_add_permission(request))

    def _spreadsheet_context(self, request, **extra):
        importer = self.spreadsheet_importer
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import: %(what)s") % {"what": importer.verbose_name},
            "importer": importer,
            "columns": importer.columns,
            "max_rows": spreadsheets.max_rows(),
            "changelist_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
            **extra,
        }

    def spreadsheet_upload_view(self, request):
        if not self.has_spreadsheet_import_permission(request):
            raise PermissionDenied
        form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            stored = spreadsheet_jobs.upload_create(
                importer=self.spreadsheet_importer.name, filename=upload.name, content=upload.read(), user=request.user
            )
            return redirect(self._status_url(stored))
        context = self._spreadsheet_context(request, form=form)
        return TemplateResponse(request, "admin/spreadsheet_import.html", context)

    def _status_url(self, upload):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_spreadsheet_status", args=[upload.pk])

    def spreadsheet_status_view(self, request, upload_id: int):
        if not self.has_spreadsheet_import_permission(request):
            raise PermissionDenied
        upload = SpreadsheetUpload.objects.filter(
            pk=upload_id, uploaded_by=request.user, importer=self.spreadsheet_importer.name
        ).first()
        if upload is None:
            raise Http404
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "cancel" and not upload.in_progress:
                upload.delete()
                messages.info(request, _("The file was discarded; nothing was imported."))
                return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
            if action == "confirm" and spreadsheet_jobs.upload_confirm(upload=upload):
                upload.refresh_from_db()
                if upload.status == UploadStatus.DONE:
                    messages.success(request, _("The file was imported."))
            return redirect(self._status_url(upload))
        done, total = spreadsheet_jobs.progress_of(upload)
        report = spreadsheets.ImportReport.from_json(upload.report)
        counts = [
            (str(self.spreadsheet_importer.counter_labels.get(k) or spreadsheets.COUNTER_LABELS.get(k, k)), n)
            for k, n in report.counts.items()
            if n
        ]
        context = self._spreadsheet_context(
            request,
            upload=upload,
            report=report,
            counts=counts,
            percent=int(100 * done / total) if total else 0,
            rows_done=done // 2 if total else 0,
            rows_total=total // 2 if total else 0,
            more_rows=max(0, report.rows - len(report.preview)),
            statuses=UploadStatus,
        )
        return TemplateResponse(request, "admin/spreadsheet_status.html", context)
