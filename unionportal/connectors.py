"""The record each connector keeps of its runs (ConnectorState), shared by every app's
connector so the admin shows them side by side with the next scheduled run."""

from __future__ import annotations

import logging

from django.utils import timezone

from unionportal.models import ConnectorState

logger = logging.getLogger(__name__)

# Connector name -> the scheduled task that runs it (see unionportal/schedules.py).
CONNECTOR_TASKS = {
    "instagram-posts": "publications-fetch-social-posts",
    "followers": "branches-snapshot-followers",
    "giveaway-comments": "giveaways-fetch-comments",
    "youtube": "media-reports-read-youtube",
    "tokens": "branches-refresh-tokens",
}


def connector_ran(name: str, *, errors: list[str], summary: str = "") -> None:
    """Record a run: a success when nothing failed, else the errors (no personal data)."""
    now = timezone.now()
    state, _created = ConnectorState.objects.get_or_create(name=name)
    state.last_run_at = now
    state.last_summary = summary[:300]
    if errors:
        state.last_error_at = now
        state.last_error = "\n".join(errors)[:2000]
    else:
        state.last_success_at = now
    state.save()


def next_run(name: str):
    """When the schedule next runs this connector, or None."""
    from unionportal.schedules import CELERY_BEAT_SCHEDULE

    entry = CELERY_BEAT_SCHEDULE.get(CONNECTOR_TASKS.get(name, ""))
    if entry is None:
        return None
    schedule = entry["schedule"]
    now = timezone.now()
    remaining = schedule.remaining_estimate(now)
    return now + remaining
