"""Celery tasks of appeals: thin, idempotent, carrying appeal ids only (never personal data)."""

from celery import shared_task

from appeals import services

MAIL_RETRY = {"autoretry_for": (OSError,), "retry_backoff": 30, "retry_backoff_max": 1800, "max_retries": 8}


@shared_task(soft_time_limit=60, time_limit=90, **MAIL_RETRY)
def send_appeal_notifications(appeal_id: int) -> bool:
    return services.appeal_send_notifications(appeal_id=appeal_id)


@shared_task(soft_time_limit=60, time_limit=90, **MAIL_RETRY)
def send_appeal_answer(appeal_id: int) -> bool:
    return services.appeal_send_answer(appeal_id=appeal_id)


@shared_task(soft_time_limit=600, time_limit=660)
def send_overdue_reminders() -> int:
    """Daily: first the e-mails a broker outage held back, then the assignees' reminders."""
    services.send_pending_notifications()
    return services.send_overdue_reminders()


@shared_task(soft_time_limit=240, time_limit=300)
def send_pending_notifications() -> int:
    """Every minute: the outbox drain (e-mails a broker outage or a failed task held back).
    Claims each e-mail with a conditional UPDATE, so overlapping runs never send one twice."""
    return services.send_pending_notifications()


@shared_task(soft_time_limit=1800, time_limit=1900)
def anonymise_old_appeals() -> int:
    return services.anonymise_old_appeals()
