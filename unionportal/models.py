"""The one model of the shared layer: a spreadsheet uploaded for import, kept while it is
checked, previewed and confirmed (see unionportal/spreadsheets.py and spreadsheet_admin.py)."""

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _


class UploadStatus(models.TextChoices):
    CHECK_QUEUED = "check_queued", _("waiting to be checked")
    CHECKING = "checking", _("being checked")
    CHECKED = "checked", _("checked")
    IMPORT_QUEUED = "import_queued", _("waiting to be imported")
    IMPORTING = "importing", _("being imported")
    DONE = "done", _("imported")
    FAILED = "failed", _("not imported")


class SpreadsheetUpload(models.Model):
    """A file a staff member uploaded to import. The preview, the confirmation and the Celery
    task all read these bytes, so the task takes only this row's id; the bytes are emptied
    once the import is over (they may hold personal data) and old rows are purged daily."""

    importer = models.CharField(_("import"), max_length=100)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    status = models.CharField(_("status"), max_length=20, choices=UploadStatus.choices, default=UploadStatus.CHECK_QUEUED)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spreadsheet upload")
        verbose_name_plural = _("spreadsheet uploads")
        indexes = [models.Index(fields=["created_at"], name="spreadsheet_upload_created")]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (
            UploadStatus.CHECK_QUEUED, UploadStatus.CHECKING, UploadStatus.IMPORT_QUEUED, UploadStatus.IMPORTING
        )


class ConnectorState(models.Model):
    """What one connector to the outside world (posts, followers, comments, YouTube) did
    last: the admin shows it, so staff see at a glance what works and what does not."""

    name = models.CharField(_("connector"), max_length=50, unique=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error_at = models.DateTimeField(_("last error"), null=True, blank=True)
    last_error = models.TextField(_("what went wrong"), blank=True)
    last_summary = models.CharField(_("last result"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")

    def __str__(self):
        return self.name


class CachedChoiceLabels:
    """A model mixin: `get_FOO_display()` without rebuilding the field's choices each call.

    Django makes a dict of the field's flat choices on every call; a list of 20 news items
    did that 20 times per render (13% of a fresh `/news/` under the profiler). The dict is
    kept per field instead. Its labels are lazy translations, turned into text on each
    call, so one dict serves every language."""

    def _get_FIELD_display(self, field):
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            labels = _CHOICE_LABELS[field] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


_CHOICE_LABELS: dict = {}
