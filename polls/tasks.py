"""Celery tasks of polls: thin, by id, idempotent."""

from celery import shared_task

from polls import services


@shared_task(soft_time_limit=120, time_limit=150)
def send_outcome(poll_id: int) -> int:
    """Send the "you said, we did" note once (the service claims it)."""
    return services.outcome_send(poll_id=poll_id)


@shared_task(soft_time_limit=120, time_limit=150)
def reshuffle_used_invitations() -> int:
    """Rewrite the used codes of polls open now or closed today (see the service)."""
    return sum(services.invitations_reshuffle(poll=poll) for poll in services.polls_to_reshuffle())


@shared_task(soft_time_limit=300, time_limit=360)
def freeze_closed_polls() -> int:
    """Store the final counts of polls that have closed (idempotent: only unfrozen ones)."""
    return services.polls_freeze_due()
