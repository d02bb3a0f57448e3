"""Scheduled jobs and the outbox: reminders, anonymisation, and what a dead broker loses (nothing)."""

import datetime
import socket

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from appeals import services, tasks
from appeals.choices import Status
from appeals.models import Appeal
from appeals.services import outbox
from tests.appeals.factories import AppealFactory

pytestmark = pytest.mark.django_db


def _overdue(assignee, days=2, **kwargs):
    return AppealFactory(assignee=assignee, due_date=timezone.localdate() - datetime.timedelta(days=days), **kwargs)


def test_each_assignee_gets_one_reminder_a_day_listing_overdue_and_due_soon(regional_staff, editor_a, branch_a):
    late = _overdue(regional_staff)
    soon = AppealFactory(assignee=regional_staff, due_date=timezone.localdate() + datetime.timedelta(days=1))
    AppealFactory(assignee=regional_staff, due_date=timezone.localdate() + datetime.timedelta(days=30))
    _overdue(editor_a, branch=branch_a)
    _overdue(regional_staff, status=Status.CLOSED)
    assert tasks.send_overdue_reminders.delay().get() == 2
    to_staff = [m for m in mail.outbox if m.to == [regional_staff.email]]
    assert len(to_staff) == 1
    assert late.reference in to_staff[0].body and soon.reference in to_staff[0].body
    mail.outbox.clear()
    assert tasks.send_overdue_reminders.delay().get() == 0
    assert mail.outbox == []


def test_the_reminder_command_runs_the_same_job(regional_staff):
    _overdue(regional_staff)
    call_command("appeals_send_reminders")
    assert len(mail.outbox) == 1


def test_closed_appeals_past_the_retention_period_are_anonymised(settings):
    settings.APPEAL_ANONYMISE_AFTER_DAYS = 30
    old = AppealFactory(status=Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=31))
    recent = AppealFactory(status=Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=3))
    still_open = AppealFactory(received_at=timezone.now() - datetime.timedelta(days=400))
    assert tasks.anonymise_old_appeals.delay().get() == 1
    old.refresh_from_db(), recent.refresh_from_db(), still_open.refresh_from_db()
    assert old.anonymised_at and old.email == "" and old.status == Status.CLOSED
    assert recent.email and still_open.email
    call_command("appeals_anonymise")
    assert Appeal.objects.filter(anonymised_at__isnull=False).count() == 1


def test_answered_appeals_nobody_closed_are_anonymised_after_the_retention_period_too(settings):
    settings.APPEAL_ANONYMISE_AFTER_DAYS = 30
    old = AppealFactory(status=Status.ANSWERED, answer="Ответ", answered_at=timezone.now() - datetime.timedelta(days=31))
    recent = AppealFactory(status=Status.ANSWERED, answer="Ответ", answered_at=timezone.now() - datetime.timedelta(days=3))
    assert tasks.anonymise_old_appeals.delay().get() == 1
    old.refresh_from_db(), recent.refresh_from_db()
    assert old.anonymised_at and old.email == "" and old.status == Status.ANSWERED
    assert recent.email and recent.anonymised_at is None


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down():
    """Celery for real (not eager), pointed at a port where nothing listens."""
    from unionportal.celery import app

    previous = app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool
    app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
    app.conf.task_always_eager = False
    # Fresh pools for the dead broker; the ones other tests use are left open and restored.
    app._pool = app.amqp._producer_pool = None
    yield app
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = previous


@pytest.mark.integration
def test_with_the_broker_down_the_appeal_is_stored_and_the_e_mail_goes_out_later(
    client, appeal_data, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/appeal/", appeal_data())
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.notified_at is None
    assert mail.outbox == []

    # The broker is back: the daily job (or the command) sends what was held back.
    Appeal.objects.filter(pk=appeal.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    assert services.send_pending_notifications() == 1
    assert [m for m in mail.outbox if m.to == ["member@example.invalid"]]
    assert services.send_pending_notifications() == 0


@pytest.mark.integration
def test_with_the_broker_down_an_answer_is_stored_and_sent_later(regional_staff, broker_down, django_capture_on_commit_callbacks):
    appeal = AppealFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.ANSWERED, answer="Ответ")
    assert mail.outbox == []
    Appeal.objects.filter(pk=appeal.pk).update(answered_at=timezone.now() - datetime.timedelta(minutes=10))
    assert services.send_pending_notifications() == 1
    assert "Ответ" in mail.outbox[0].body


def test_a_failing_mail_server_releases_the_claim_for_the_retry(monkeypatch):
    appeal = AppealFactory(notified_at=None)

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(outbox, "send_mail", broken)
    with pytest.raises(OSError):
        services.appeal_send_notifications(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.notified_at is None


def _submit(email: str):
    appeal, _code = services.appeal_submit(
        topic="wages", question="?", consent=True, form_token=email, language="ru", name="Имя", email=email
    )
    return appeal


@pytest.fixture
def published(monkeypatch):
    """The messages a new appeal publishes, held back from the (eager) worker."""
    sent = []
    monkeypatch.setattr(tasks.send_received_notifications, "apply_async", lambda args, **kw: sent.append(args))
    return sent


def test_a_new_appeals_message_carries_nothing_personal(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _submit("p@example.invalid")
    assert published == [[]]


def test_appeals_that_come_in_while_a_drain_is_queued_share_it_and_each_member_gets_a_receipt(
    published, django_capture_on_commit_callbacks
):
    for email in ("first@example.invalid", "second@example.invalid"):
        with django_capture_on_commit_callbacks(execute=True):
            _submit(email)
    assert published == [[]]  # one publish for both
    assert mail.outbox == []

    assert tasks.send_received_notifications.apply().get() == 2  # the worker picks it up
    members = {"first@example.invalid", "second@example.invalid"}
    assert sorted(m.to[0] for m in mail.outbox if m.to[0] in members) == sorted(members)
    assert not Appeal.objects.filter(notified_at__isnull=True).exists()

    # The drain let go of the key as it started: the next appeal queues a drain of its own.
    with django_capture_on_commit_callbacks(execute=True):
        _submit("third@example.invalid")
    assert published == [[], []]


def test_the_drain_lets_go_of_the_key_before_it_reads_what_is_pending(monkeypatch, published, django_capture_on_commit_callbacks):
    seen = []
    monkeypatch.setattr(services, "send_received_notifications", lambda: seen.append(cache.get(tasks.RECEIVED_DRAIN_QUEUED)) or 0)
    with django_capture_on_commit_callbacks(execute=True):
        _submit("p@example.invalid")
    assert cache.get(tasks.RECEIVED_DRAIN_QUEUED) is not None
    tasks.send_received_notifications.apply()
    # An appeal committed while it reads either is read or finds no key and publishes again.
    assert seen == [None]


def test_a_drain_that_could_not_be_queued_does_not_hold_back_the_next_appeal(monkeypatch, django_capture_on_commit_callbacks):
    tries = []

    def broker_refuses(args, **kwargs):
        tries.append(args)
        raise OSError("broker down")

    monkeypatch.setattr(tasks.send_received_notifications, "apply_async", broker_refuses)
    for email in ("first@example.invalid", "second@example.invalid"):
        with django_capture_on_commit_callbacks(execute=True):
            _submit(email)
    assert len(tries) == 2
    assert Appeal.objects.filter(notified_at__isnull=True).count() == 2  # left to the outbox drain


def test_without_redis_each_appeal_queues_its_own_drain(published, django_capture_on_commit_callbacks, settings):
    # Each process has a memory cache of its own: the worker could not let go of the key.
    from unionportal.celery import app

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # as `make run`
    app.conf.task_always_eager = False  # a real worker, another process (the fixture restores it)
    for email in ("first@example.invalid", "second@example.invalid"):
        with django_capture_on_commit_callbacks(execute=True):
            _submit(email)
    assert published == [[], []]


def test_a_lone_appeal_is_e_mailed_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = _submit("alone@example.invalid")
    assert [m for m in mail.outbox if m.to == ["alone@example.invalid"]]
    appeal.refresh_from_db()
    assert appeal.notified_at is not None


@pytest.mark.parametrize("email,queued", [("p@example.invalid", True), ("", False)])
def test_an_answer_is_queued_for_e_mail_only_when_the_member_gave_an_address(
    monkeypatch, django_capture_on_commit_callbacks, regional_staff, email, queued
):
    sent = []
    monkeypatch.setattr(tasks.send_appeal_answer, "apply_async", lambda args, **kw: sent.append(args))
    appeal = AppealFactory(email=email, status=Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.ANSWERED, answer="Ответ")
    assert sent == ([[appeal.pk]] if queued else [])


def test_a_rolled_back_answer_queues_nothing(monkeypatch, django_capture_on_commit_callbacks, regional_staff):
    from django.db import transaction

    sent = []
    monkeypatch.setattr(tasks.send_appeal_answer, "apply_async", lambda args, **kw: sent.append(args))
    appeal = AppealFactory(email="p@example.invalid", status=Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.ANSWERED, answer="Ответ")
        raise RuntimeError("the staff form failed after the answer")
    assert sent == []


def test_a_new_appeal_notifies_the_editors_of_its_branch_without_the_members_contacts(editor_a, branch_a):
    appeal = AppealFactory(branch=branch_a, notified_at=None, email="member-x@example.invalid", phone="+7 000 123 4567")
    assert services.appeal_send_notifications(appeal_id=appeal.pk)
    to_editor = [m for m in mail.outbox if m.to == [editor_a.email]]
    assert len(to_editor) == 1 and appeal.reference in to_editor[0].subject
    assert "member-x" not in to_editor[0].body and "123 4567" not in to_editor[0].body
    # Claimed: a retry or the catch-up job does not send it again.
    assert not services.appeal_send_notifications(appeal_id=appeal.pk)


def test_an_appeal_for_the_regional_apparatus_notifies_the_portal_address(settings):
    settings.PORTAL_CONTACT_EMAIL = "apparatus@example.invalid"
    appeal = AppealFactory(branch=None, notified_at=None, is_anonymous=True, email="")
    services.appeal_send_notifications(appeal_id=appeal.pk)
    assert [m.to for m in mail.outbox] == [["apparatus@example.invalid"]]


def test_due_soon_counts_working_days_over_independence_day(regional_staff, settings):
    from appeals import services

    settings.APPEAL_DUE_SOON_DAYS = 2
    # Friday 12 December 2025: Monday the 15th is one working day off, Tuesday the 16th a
    # holiday, so Wednesday the 17th is "due soon" (two working days) and Thursday is not.
    soon = AppealFactory(assignee=regional_staff, due_date=datetime.date(2025, 12, 17))
    later = AppealFactory(assignee=regional_staff, due_date=datetime.date(2025, 12, 18))
    assert services.send_overdue_reminders(today=datetime.date(2025, 12, 12)) == 1
    body = mail.outbox[0].body
    assert soon.reference in body and later.reference not in body
