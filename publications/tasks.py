"""Scheduled jobs of the publications log (declared in unionportal/schedules.py)."""

from celery import shared_task


@shared_task(soft_time_limit=900, time_limit=960)
def fetch_social_posts() -> int:
    """Hourly: new posts of every connected account into the review queue. Idempotent: a
    post's Meta id is unique in the queue, so two runs at once offer it once."""
    from publications.intake import fetch_social_posts as run

    return run()["offered"]
