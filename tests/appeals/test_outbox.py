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


def test_the_drain_queued_by_new_appeals_leaves_older_ones_to_the_every_minute_drain():
    # An address the mail server keeps refusing is not tried by every drain of a busy hour.
    held_back = _held_back(email="held@example.invalid")
    fresh = AppealFactory(notified_at=None, email="fresh@example.invalid")
    assert services.send_received_notifications() == 1
    assert [m.to for m in mail.outbox if m.to[0].endswith("@example.invalid")] == [["fresh@example.invalid"]]
    assert services.send_pending_notifications() == 1
    held_back.refresh_from_db(), fresh.refresh_from_db()
    assert held_back.notified_at is not None and fresh.notified_at is not None


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


def test_a_refused_recipients_address_stays_out_of_the_log(monkeypatch, caplog):
    import smtplib

    refused = _held_back(email="refused@example.invalid")

    def refuse(subject, body, sender, recipients, **kwargs):
        raise smtplib.SMTPRecipientsRefused({recipients[0]: (550, b"5.1.1 <refused@example.invalid> unknown")})

    monkeypatch.setattr(outbox, "send_mail", refuse)
    with caplog.at_level("WARNING"):
        services.send_pending_notifications()
    assert f"appeal {refused.pk} failed (SMTPRecipientsRefused" in caplog.text
    assert "refused@example.invalid" not in caplog.text


def test_an_email_whose_worker_died_mid_send_is_sent_by_the_drain_once_its_lease_ran_out():
    appeal = _held_back(email="orphan@example.invalid")
    # A worker claimed it and was killed before sending: the claim stays, nothing went out.
    claimed = timezone.now() - datetime.timedelta(seconds=settings.APPEAL_MAIL_LEASE_SECONDS - 30)
    Appeal.objects.filter(pk=appeal.pk).update(notify_claimed_at=claimed)
    assert services.send_pending_notifications() == 0  # the lease still runs: maybe it is only slow

    Appeal.objects.filter(pk=appeal.pk).update(notify_claimed_at=claimed - datetime.timedelta(seconds=60))
    assert services.send_pending_notifications() == 1
    assert services.send_pending_notifications() == 0
    assert len([m for m in mail.outbox if m.to == ["orphan@example.invalid"]]) == 1
    appeal.refresh_from_db()
    assert appeal.notified_at is not None and appeal.notify_claimed_at is None


def test_an_answer_whose_worker_died_mid_send_is_sent_once_its_lease_ran_out(regional_staff):
    appeal = AppealFactory(email="answered@example.invalid")
    services.appeal_transition(appeal=appeal, actor=regional_staff, to_status="answered", answer="Ответ")
    mail.outbox.clear()
    stale = timezone.now() - datetime.timedelta(seconds=settings.APPEAL_MAIL_LEASE_SECONDS + 60)
    Appeal.objects.filter(pk=appeal.pk).update(
        answer_sent_at=None, answer_claimed_at=stale, answered_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert services.send_pending_notifications() == 1
    assert services.send_pending_notifications() == 0
    assert [m.to for m in mail.outbox] == [["answered@example.invalid"]]


def test_a_worker_that_died_between_the_receipt_and_the_staff_notice_leaves_only_the_notice_to_send():
    appeal = _held_back(email="half@example.invalid")
    stale = timezone.now() - datetime.timedelta(seconds=settings.APPEAL_MAIL_LEASE_SECONDS + 60)
    # The receipt went out and was marked; the worker died before the notice.
    Appeal.objects.filter(pk=appeal.pk).update(notify_claimed_at=stale, receipt_sent_at=stale)
    assert services.send_pending_notifications() == 1
    assert not [m for m in mail.outbox if m.to == ["half@example.invalid"]]  # no second receipt
    assert [m.to for m in mail.outbox] == [[settings.PORTAL_CONTACT_EMAIL]]


def test_an_email_sent_again_after_a_worker_died_carries_the_same_message_id():
    appeal = _held_back(email="twice@example.invalid")
    services.send_pending_notifications()
    # The worker died after the mail server took the receipt, before it was marked sent.
    stale = timezone.now() - datetime.timedelta(seconds=settings.APPEAL_MAIL_LEASE_SECONDS + 60)
    Appeal.objects.filter(pk=appeal.pk).update(notified_at=None, receipt_sent_at=None, notify_claimed_at=stale)
    services.send_pending_notifications()
    receipts = [m for m in mail.outbox if m.to == ["twice@example.invalid"]]
    assert len(receipts) == 2
    assert receipts[0].extra_headers["Message-ID"] == receipts[1].extra_headers["Message-ID"]
    assert receipts[0].message()["Message-ID"].startswith(f"<appeal.{appeal.pk}.received.")


def test_an_answer_corrected_while_the_first_was_being_sent_still_reaches_the_member(regional_staff, monkeypatch):
    """Staff fix a typo in the answer while a worker is e-mailing the first version: the
    corrected answer must go out too, not be taken for sent."""
    appeal = AppealFactory(email="typo@example.invalid")
    services.appeal_transition(appeal=appeal, actor=regional_staff, to_status="answered", answer="Отвте")
    mail.outbox.clear()
    real_send = outbox.send_mail

    def send_while_staff_correct(*args, **kwargs):
        sent = real_send(*args, **kwargs)
        services.appeal_transition(
            appeal=Appeal.objects.get(pk=appeal.pk), actor=regional_staff, to_status="answered", answer="Ответ"
        )
        monkeypatch.setattr(outbox, "send_mail", real_send)
        return sent

    monkeypatch.setattr(outbox, "send_mail", send_while_staff_correct)
    assert outbox.appeal_send_answer(appeal_id=appeal.pk) is True
    assert Appeal.objects.get(pk=appeal.pk).answer_sent_at is None  # the first send does not count for the second
    assert outbox.appeal_send_answer(appeal_id=appeal.pk) is True
    assert ["Отвте" in m.body for m in mail.outbox] == [True, False]
    assert "Ответ" in mail.outbox[1].body
