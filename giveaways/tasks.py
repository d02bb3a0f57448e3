"""Scheduled jobs (declared in unionportal/schedules.py): thin wrappers over the services.

Each is idempotent: closing and drawing claim the giveaway under a row lock and the draw
is unique per giveaway, so a second worker or beat does nothing.
"""

from celery import shared_task

from giveaways import services


@shared_task(soft_time_limit=120, time_limit=150)
def close_due_giveaways() -> list[int]:
    return services.giveaways_close_due()


@shared_task(soft_time_limit=120, time_limit=150)
def draw_due_giveaways() -> list[int]:
    return services.giveaways_draw_due()


@shared_task(soft_time_limit=60, time_limit=90)
def create_next_giveaways() -> list[int]:
    return [g.pk for g in services.giveaways_create_next()]


@shared_task(soft_time_limit=600, time_limit=660)
def fetch_giveaway_comments() -> int:
    """Every 30 minutes: new comments of open giveaways' posts become entries. Idempotent:
    a comment id is read once per giveaway (a unique constraint)."""
    from giveaways.intake import fetch_giveaway_comments as run

    return run()["added"]
