"""Celery tasks of appeals: thin, idempotent, carrying appeal ids only (never personal data).

The services do not import this module (an import-linter contract): they send the signals
of appeals/signals.py after commit, and the receivers below queue the e-mails (a new
appeal's as a drain that serves every appeal that came in before it started). A message
that cannot be queued is not lost: `notified_at`/`answer_sent_at` stay empty and the outbox
drain (every minute, `send_pending_notifications`) sends it. The receivers are connected
when this module is imported (`AppealsConfig.ready`)."""

import logging
import time

from celery import shared_task
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.dispatch import receiver

from appeals import services, signals

logger = logging.getLogger(__name__)

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
def send_received_notifications() -> int:
    """Queued when appeals come in (one for many under load, see `queue_notifications`):
    the receipts and staff notices of the last minute's appeals, each claimed as in the
    every-minute drain below, which sends the older ones."""
    # First, before anything pending is read: an appeal committed before this delete is
    # read below; one committed after it finds no key and queues a drain of its own.
    cache.delete(RECEIVED_DRAIN_QUEUED)
    return services.send_received_notifications()


@shared_task(soft_time_limit=240, time_limit=300)
def send_pending_notifications() -> int:
    """Every minute: the outbox drain (e-mails a broker outage or a failed task held back).
    Claims each e-mail with a conditional UPDATE, so overlapping runs never send one twice."""
    return services.send_pending_notifications()


@shared_task(soft_time_limit=1800, time_limit=1900)
def anonymise_old_appeals() -> int:
    return services.anonymise_old_appeals()


# --- Queueing the e-mails of a change (the receivers of appeals/signals.py) ------------------

# After a failed publish, this process stops trying that broker for a few seconds: a
# broker host that is down or hung would otherwise cost every submission its timeout. What
# is not queued is sent by the outbox drain.
PUBLISH_PAUSE_SECONDS = 10.0
_publish_paused_until: dict[str, float] = {}


def enqueue(task, appeal_id: int, *, args: list | None = None) -> bool:
    """One bounded attempt to publish `task` for the appeal (settings:
    CELERY_BROKER_TRANSPORT_OPTIONS), so a dead broker costs the request milliseconds.
    `args` default to the appeal's id. True when the message was handed to the broker."""
    broker = "" if task.app.conf.task_always_eager else str(task.app.conf.broker_url)
    if broker and time.monotonic() < _publish_paused_until.get(broker, 0.0):
        logger.info("Broker recently down: %s for appeal %s left to the outbox drain", task.name, appeal_id)
        return False
    try:
        # No publish retries: a request must not hang on a dead broker.
        task.apply_async(args=[appeal_id] if args is None else args, retry=False)
    except Exception:  # noqa: BLE001 - the broker's errors vary by transport; the outbox retries
        if broker:
            _publish_paused_until[broker] = time.monotonic() + PUBLISH_PAUSE_SECONDS
        logger.warning("Could not queue %s for appeal %s; the outbox drain will send it", task.name, appeal_id)
        return False
    return True


# Set while a `send_received_notifications` is queued and has not started: an appeal that
# comes in meanwhile is left to that drain (it deletes the key as it starts, before it
# reads what is pending). Under load one publish, the most expensive part of a submission
# after the INSERTs, serves many appeals; a lone appeal still has its drain queued at once.
RECEIVED_DRAIN_QUEUED = "appeals:received-drain-queued"
# A drain queued but never run (its worker died holding the message) holds the key no
# longer than the window it drains; the every-minute drain sends what is older meanwhile.
RECEIVED_DRAIN_QUEUED_SECONDS = services.outbox.FRESH_MINUTES * 60


def _worker_sees_our_cache() -> bool:
    # Without Redis each process has a memory cache of its own: a worker could never
    # delete the web process's key, so there every appeal publishes its drain, as before.
    return send_received_notifications.app.conf.task_always_eager or not isinstance(caches["default"], LocMemCache)


@receiver(signals.appeal_received, dispatch_uid="appeals-queue-notifications")
def queue_notifications(sender, *, appeal_id: int, **kwargs) -> None:
    # Atomic (Redis SET NX); with the cache down it answers True (unionportal/cache.py), so
    # the publish is tried, once and bounded, as it was before the coalescing.
    coalesce = _worker_sees_our_cache()
    if coalesce and not cache.add(RECEIVED_DRAIN_QUEUED, 1, timeout=RECEIVED_DRAIN_QUEUED_SECONDS):
        return
    if not enqueue(send_received_notifications, appeal_id, args=[]) and coalesce:
        # Nothing was queued: the next appeal must try to publish again.
        cache.delete(RECEIVED_DRAIN_QUEUED)


@receiver(signals.appeal_answered, dispatch_uid="appeals-queue-answer")
def queue_answer(sender, *, appeal_id: int, by_email: bool = False, **kwargs) -> None:
    if by_email:
        enqueue(send_appeal_answer, appeal_id)
