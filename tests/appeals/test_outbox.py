"""The e-mail outbox (issue 11, item 8): drained every minute, each e-mail sent once."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from appeals import services, tasks
from appeals.models import Appeal
from appeals.services import outbox
from tests.appeals.factories import AppealFactory

pytestmark = pytest.mark.django_db


def _held_back(**kwargs):
    appeal = AppealFactory(notified_at=None, **kwargs)
    Appeal.objects.filter(pk=appeal.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    return appeal


def test_the_drain_is_scheduled_every_minute():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "appeals.tasks.send_pending_notifications")
    assert entry["schedule"].minute == set(range(60))


def test_the_drain_sends_what_a_broker_outage_held_back_within_minutes_and_only_once():
    appeal = _held_back(email="held@example.invalid")
    assert tasks.send_pending_notifications.delay().get() == 1
    assert len([m for m in mail.outbox if m.to == ["held@example.invalid"]]) == 1
    assert tasks.send_pending_notifications.delay().get() == 0
    call_command("appeals_send_pending")
    assert len([m for m in mail.outbox if m.to == ["held@example.invalid"]]) == 1
    appeal.refresh_from_db()
    assert appeal.notified_at is not None


def test_a_fresh_appeal_is_left_to_its_queued_task():
    AppealFactory(notified_at=None)
    assert services.send_pending_notifications() == 0


def test_a_queued_task_after_the_drain_sends_nothing_more():
    appeal = _held_back(email="once@example.invalid")
    services.send_pending_notifications()
    assert tasks.send_appeal_notifications.delay(appeal.pk).get() is False
    assert len([m for m in mail.outbox if m.to == ["once@example.invalid"]]) == 1


def test_one_appeal_the_mail_server_refuses_does_not_hold_back_the_others(monkeypatch):
    refused = _held_back(email="refused@example.invalid")
    fine = _held_back(email="fine@example.invalid")
    real_send = outbox.send_mail

    def picky(subject, body, sender, recipients, **kwargs):
        if "refused@example.invalid" in recipients:
            raise OSError("550 mailbox unavailable")
        return real_send(subject, body, sender, recipients, **kwargs)

    monkeypatch.setattr(outbox, "send_mail", picky)
    services.send_pending_notifications()
    refused.refresh_from_db(), fine.refresh_from_db()
    assert fine.notified_at is not None and [m for m in mail.outbox if m.to == ["fine@example.invalid"]]
    assert refused.notified_at is None  # released: the next run tries it again
