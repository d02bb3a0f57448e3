"""The life of an uploaded spreadsheet: stored, checked (the preview), confirmed, imported.

Small files are checked and imported in the request; a file of more than
`SPREADSHEET_BACKGROUND_ROWS` rows goes to a Celery task that takes the upload's id (never
its content or anyone's data) and records its progress. Each step claims the upload with a
conditional UPDATE on its status, so a task delivered twice, or a confirm clicked twice,
does the work once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from unionportal import spreadsheets
from unionportal.models import SpreadsheetUpload, UploadStatus

logger = logging.getLogger(__name__)


def in_background(content: bytes) -> bool:
    return spreadsheets.estimate_rows(content) > settings.SPREADSHEET_BACKGROUND_ROWS


def upload_create(*, importer: str, filename: str, content: bytes, user) -> SpreadsheetUpload:
    """Store a file for `importer` and check it (now, or in a task for a large file)."""
    spreadsheets.importer_for(importer)  # an unknown name fails here, not in the worker
    upload = SpreadsheetUpload.objects.create(
        importer=importer, filename=filename[:255], content=content, uploaded_by=user
    )
    if not (in_background(content) and _queue("spreadsheet_check", upload.pk)):
        upload_check(upload_id=upload.pk)
        upload.refresh_from_db()
    return upload


def _queue(task_name: str, upload_id: int) -> bool:
    """Send the task (after the transaction commits); False when the broker cannot be
    reached, and the caller then does the work in the request rather than losing it."""
    from unionportal import tasks

    try:
        getattr(tasks, task_name).delay_on_commit(upload_id)
    except Exception:  # noqa: BLE001 - kombu raises many kinds when the broker is down
        logger.warning("spreadsheet upload %s: broker unreachable, running %s in the request", upload_id, task_name)
        return False
    return True


def _progress(upload_id: int):
    def report(done: int, total: int) -> None:
        cache.set(progress_key(upload_id), (done, total), 3600)
        if not transaction.get_connection().in_atomic_block:
            SpreadsheetUpload.objects.filter(pk=upload_id).update(rows_done=done, rows_total=total)

    return report


def progress_key(upload_id: int) -> str:
    return f"spreadsheet-progress:{upload_id}"


def progress_of(upload: SpreadsheetUpload) -> tuple[int, int]:
    """Rows done and in all: the cache holds what a running task reached, the row the rest."""
    return cache.get(progress_key(upload.pk)) or (upload.rows_done, upload.rows_total)


def _run(upload_id: int, *, claim_from: str, running: str, commit: bool) -> SpreadsheetUpload | None:
    if not SpreadsheetUpload.objects.filter(pk=upload_id, status=claim_from).update(
        status=running, rows_done=0, updated_at=timezone.now()
    ):
        return None  # another worker has it, or it was done already
    upload = SpreadsheetUpload.objects.select_related("uploaded_by").get(pk=upload_id)
    importer = spreadsheets.importer_for(upload.importer)(user=upload.uploaded_by)
    report = spreadsheets.run_import(importer, bytes(upload.content), commit=commit, progress=_progress(upload_id))
    if commit:
        status = UploadStatus.DONE if report.committed else UploadStatus.FAILED
    else:
        status = UploadStatus.CHECKED if report.ok else UploadStatus.FAILED
    fields = {"status": status, "report": report.as_json(), "updated_at": timezone.now()}
    if commit or not report.ok:
        fields["content"] = b""  # nothing more will read it: do not keep people's data
    SpreadsheetUpload.objects.filter(pk=upload_id).update(**fields)
    cache.delete(progress_key(upload_id))
    upload.refresh_from_db()
    return upload


def upload_check(*, upload_id: int) -> SpreadsheetUpload | None:
    """The preview: every row checked and saved inside a transaction that is rolled back."""
    return _run(upload_id, claim_from=UploadStatus.CHECK_QUEUED, running=UploadStatus.CHECKING, commit=False)


def upload_import(*, upload_id: int) -> SpreadsheetUpload | None:
    """The import itself, after the staff member confirmed the preview."""
    return _run(upload_id, claim_from=UploadStatus.IMPORT_QUEUED, running=UploadStatus.IMPORTING, commit=True)


def upload_confirm(*, upload: SpreadsheetUpload) -> bool:
    """Queue the import of a checked file; False when it was not waiting for confirmation."""
    claimed = SpreadsheetUpload.objects.filter(pk=upload.pk, status=UploadStatus.CHECKED).update(
        status=UploadStatus.IMPORT_QUEUED, rows_done=0, updated_at=timezone.now()
    )
    if not claimed:
        return False
    if not (in_background(bytes(upload.content)) and _queue("spreadsheet_import", upload.pk)):
        upload_import(upload_id=upload.pk)
    return True


def uploads_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the uploads older than SPREADSHEET_UPLOAD_KEEP_HOURS; returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.SPREADSHEET_UPLOAD_KEEP_HOURS)
    deleted, _detail = SpreadsheetUpload.objects.filter(created_at__lt=cutoff).delete()
    return deleted
