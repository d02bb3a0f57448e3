"""Celery tasks of messaging: thin and idempotent. None carries a chat id or a text; the
sender takes no arguments at all (it reads the outbox) and only one runs at a time (lease)."""

from celery import shared_task

from messaging import digest, sending, services


@shared_task(soft_time_limit=280, time_limit=300, acks_late=False)
def send_outbox() -> int:
    # A killed sender's in-flight row is marked, never resent (see messaging.sending), so
    # redelivering this task after a crash is harmless; acks_late is still off: the
    # every-minute schedule picks up whatever is left.
    return sending.outbox_send(max_seconds=240).sent


@shared_task(soft_time_limit=120, time_limit=150)
def queue_content() -> int:
    return services.queue_content()


@shared_task(soft_time_limit=300, time_limit=330)
def queue_daily_digests() -> int:
    return services.queue_daily_digests()


@shared_task(soft_time_limit=600, time_limit=660)
def send_weekly_digests() -> int:
    return digest.send_weekly_digests()


@shared_task(soft_time_limit=600, time_limit=660)
def erase_departed() -> int:
    return services.erase_departed()
