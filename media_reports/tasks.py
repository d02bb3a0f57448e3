"""Scheduled jobs of the media part (declared in unionportal/schedules.py)."""

from celery import shared_task


@shared_task(soft_time_limit=300, time_limit=360)
def read_youtube_feeds() -> int:
    """Daily: videos of the outlets' channels that mention the union, offered for review.
    Idempotent: a video id is unique among the videos to review."""
    from media_reports.intake import read_youtube_feeds as run

    return run()["offered"]
