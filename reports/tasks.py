"""Scheduled rollups (see unionportal/schedules.py). Thin: they compute a year and call the service."""

from celery import shared_task
from django.utils import timezone

from reports.services import rollup_year


def current_year() -> int:
    # localdate() is in TIME_ZONE (Asia/Almaty): at 02:00 on 1 January it is the new year.
    return timezone.localdate().year


@shared_task(soft_time_limit=240, time_limit=300)
def rollup_current_year() -> int:
    """Nightly: recompute the figures of the year in progress. Idempotent."""
    return rollup_year(year=current_year())


@shared_task(soft_time_limit=240, time_limit=300)
def settle_previous_year() -> int:
    """1 January: recompute the year just ended once its last day is over. Idempotent."""
    return rollup_year(year=current_year() - 1)
