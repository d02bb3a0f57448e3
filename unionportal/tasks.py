"""Celery tasks of the shared layer: the checks and imports of large spreadsheets, and the
daily purge of old uploads. Each takes an id and calls unionportal/spreadsheet_jobs.py."""

from celery import shared_task

from unionportal import spreadsheet_jobs


@shared_task(soft_time_limit=1800, time_limit=1900)
def spreadsheet_check(upload_id: int) -> None:
    spreadsheet_jobs.upload_check(upload_id=upload_id)


@shared_task(soft_time_limit=1800, time_limit=1900)
def spreadsheet_import(upload_id: int) -> None:
    spreadsheet_jobs.upload_import(upload_id=upload_id)


@shared_task(soft_time_limit=60, time_limit=90)
def purge_spreadsheet_uploads() -> int:
    return spreadsheet_jobs.uploads_purge()
