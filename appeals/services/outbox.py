"""The e-mails of appeals (the outbox): the member's tracking link and the staff notice,
the answer, the drain that sends what a broker outage held back, and the assignees' daily
reminders. Each e-mail is claimed with a conditional UPDATE, so nothing is sent twice."""

from __future__ import annotations

import datetime
import logging
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from appeals.choices import OPEN_STATUSES, Status
from appeals.models import Appeal, ReminderLog
from appeals.workdays import add_working_days

logger = logging.getLogger(__name__)

def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def status_path(appeal: Appeal, language: str | None = None) -> str:
    with translation.override(language or appeal.language):
        return reverse("appeals:detail", kwargs={"code": appeal.tracking_code})


def _render_mail(name: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"emails/appeals_{name}_subject.txt", context).strip()
        body = render_to_string(f"emails/appeals_{name}_body.txt", context)
    return " ".join(subject.split()), body


def staff_recipients(appeal: Appeal) -> list[str]:
    from accounts.models import User
    from accounts.roles import Role

    if appeal.branch_id:
        emails = list(
            User.objects.filter(
                is_active=True, groups__name=Role.BRANCH_EDITOR, profile__organisation_id=appeal.branch_id
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if emails:
            return emails
    return [settings.PORTAL_CONTACT_EMAIL]


def send_mail(subject: str, body: str, from_email, recipients: list[str], *, message_id: str = "") -> int:
    """Django's send_mail, with a Message-ID of our own when given: an e-mail sent again
    because its worker died after the mail server took it carries the same Message-ID, so
    it is recognisably the same e-mail (mail clients that collapse duplicates show one)."""
    headers = {"Message-ID": message_id} if message_id else None
    return EmailMessage(subject, body, from_email, recipients, headers=headers).send()


def message_id(appeal: Appeal, kind: str, at: datetime.datetime | None) -> str:
    """The same for every try of one e-mail: the appeal, which e-mail, and when it arose."""
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    stamp = int(at.timestamp()) if at else 0
    return f"<appeal.{appeal.pk}.{kind}.{stamp}@{host}>"


def _claim_mail(appeal_id: int, *also: Q, done: str, claim: str, now: datetime.datetime) -> bool:
    """Take the send of one e-mail of an appeal: its `done` column is empty and nobody holds
    its `claim`, or the holder's lease ran out (its worker died mid-send)."""
    lease_start = now - datetime.timedelta(seconds=settings.APPEAL_MAIL_LEASE_SECONDS)
    free = Q(**{f"{claim}__isnull": True}) | Q(**{f"{claim}__lt": lease_start})
    return bool(
        Appeal.objects.filter(free, *also, pk=appeal_id, **{f"{done}__isnull": True}).update(**{claim: now})
    )


def appeal_send_notifications(*, appeal_id: int) -> bool:
    """E-mail the member their tracking link and the staff who handle it a notice.

    Claimed with a conditional update so a retry and the catch-up job never send twice;
    released again when sending fails, so the next try sends it, and taken over by the
    catch-up job when the worker died holding it. Each e-mail is marked sent right after it
    went, so a death between the two repeats neither; what is left is the moment between
    the mail server taking an e-mail and that mark: the e-mail goes again after the lease
    with the same Message-ID (a duplicate there, never a loss).
    """
    now = timezone.now()
    if not _claim_mail(appeal_id, done="notified_at", claim="notify_claimed_at", now=now):
        return False
    appeal = Appeal.objects.select_related("branch").get(pk=appeal_id)
    try:
        context = {"appeal": appeal, "status_url": _absolute(status_path(appeal))}
        if appeal.email and not appeal.is_anonymous and appeal.receipt_sent_at is None:
            subject, body = _render_mail("received", context, appeal.language)
            send_mail(subject, body, None, [appeal.email], message_id=message_id(appeal, "received", appeal.created_at))
            Appeal.objects.filter(pk=appeal_id).update(receipt_sent_at=timezone.now())
        admin_url = _absolute(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
        subject, body = _render_mail("new_staff", {**context, "admin_url": admin_url}, settings.LANGUAGE_CODE)
        send_mail(subject, body, None, staff_recipients(appeal), message_id=message_id(appeal, "new", appeal.created_at))
    except Exception:
        Appeal.objects.filter(pk=appeal_id, notify_claimed_at=now).update(notify_claimed_at=None)
        raise
    # Only while the claim is still ours: a drain that took over an expired lease marks it itself.
    Appeal.objects.filter(pk=appeal_id, notify_claimed_at=now).update(notified_at=timezone.now(), notify_claimed_at=None)
    return True


def appeal_send_answer(*, appeal_id: int) -> bool:
    """E-mail the answer to the member (claimed like the notifications)."""
    now = timezone.now()
    answerable = Q(status__in=[Status.ANSWERED, Status.CLOSED], anonymised_at__isnull=True) & ~Q(email="")
    if not _claim_mail(appeal_id, answerable, done="answer_sent_at", claim="answer_claimed_at", now=now):
        return False
    appeal = Appeal.objects.get(pk=appeal_id)
    try:
        context = {"appeal": appeal, "status_url": _absolute(status_path(appeal))}
        subject, body = _render_mail("answer", context, appeal.language)
        send_mail(subject, body, None, [appeal.email], message_id=message_id(appeal, "answer", appeal.answered_at))
    except Exception:
        Appeal.objects.filter(pk=appeal_id, answer_claimed_at=now).update(answer_claimed_at=None)
        raise
    # Only while the claim is still ours: when staff changed the answer meanwhile, the
    # transition released the claim, and the corrected answer must still go out.
    Appeal.objects.filter(pk=appeal_id, answer_claimed_at=now).update(answer_sent_at=timezone.now(), answer_claimed_at=None)
    return True


# How long a new appeal's e-mails are left to the drain queued when it came in
# (`send_received_notifications`) before the every-minute drain takes them.
FRESH_MINUTES = 1


def send_pending_notifications(*, older_than_minutes: int = FRESH_MINUTES) -> int:
    """Drain the outbox: the e-mails that were not queued (broker down) or whose task failed.

    Run every minute by beat (and by `manage.py appeals_send_pending`), so mail held back
    by a broker outage goes out within minutes of its return. Each e-mail is claimed by the
    same conditional UPDATE as the queued task's, so a task and a drain, or two drains,
    never send one twice. Rows younger than `older_than_minutes` are left to the task
    queued for them (a new appeal's: `send_received_notifications`). One failing appeal
    (a refused address) is logged by id and does not hold back the others; its claim is
    released, so the next run tries it again.
    """
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    sent = _send_notifications(created_before=cutoff)
    pending_answers = Appeal.objects.filter(
        answer_sent_at__isnull=True,
        status__in=[Status.ANSWERED, Status.CLOSED],
        answered_at__lt=cutoff,
        anonymised_at__isnull=True,
        is_anonymous=False,
    ).exclude(email="")
    for appeal_id in pending_answers.order_by("pk").values_list("pk", flat=True):
        sent += _drain_one(appeal_send_answer, appeal_id)
    return sent


def send_received_notifications() -> int:
    """The e-mails (the member's receipt, the staff notice) of the appeals of the last
    FRESH_MINUTES not sent yet, for the drain queued as appeals come in (appeals/tasks.py).
    Older ones are the every-minute drain's, so an address the mail server refuses is not
    tried again by every drain a busy hour queues. No upper bound: a web node's clock a
    second ahead of the worker's must not hide the appeal just committed."""
    return _send_notifications(created_after=timezone.now() - datetime.timedelta(minutes=FRESH_MINUTES))


def _send_notifications(*, created_before=None, created_after=None) -> int:
    # Each e-mail claimed as the queued task's: overlapping drains never send one twice.
    pending = Appeal.objects.filter(notified_at__isnull=True, anonymised_at__isnull=True)
    if created_before is not None:
        pending = pending.filter(created_at__lt=created_before)
    if created_after is not None:
        pending = pending.filter(created_at__gte=created_after)
    return sum(_drain_one(appeal_send_notifications, appeal_id) for appeal_id in pending.order_by("pk").values_list("pk", flat=True))


def _drain_one(send, appeal_id: int) -> int:
    try:
        return int(send(appeal_id=appeal_id))
    except SoftTimeLimitExceeded:
        raise  # the task's time is up: stop before its lease runs out, not in the middle of a send
    except Exception as exc:  # noqa: BLE001 - SMTP's errors vary; the claim was released, the next run retries
        # The class and SMTP code only: a refused recipient's error text carries the address,
        # and a refused address is tried again every minute.
        logger.warning(
            "Outbox: e-mail for appeal %s failed (%s %s); it will be tried again",
            appeal_id, type(exc).__name__, getattr(exc, "smtp_code", ""),
        )
        return 0


def send_overdue_reminders(*, today: datetime.date | None = None) -> int:
    """One e-mail a day to each assignee listing their overdue and due-soon appeals."""
    today = today or timezone.localdate()
    soon = add_working_days(today, settings.APPEAL_DUE_SOON_DAYS)
    open_appeals = Appeal.objects.filter(
        status__in=OPEN_STATUSES, assignee__isnull=False, due_date__lte=soon, anonymised_at__isnull=True
    )
    sent = 0
    for assignee_id in open_appeals.values_list("assignee_id", flat=True).distinct().order_by():
        try:
            with transaction.atomic():
                # The unique (assignee, day) row is the claim: a second run the same day stops here.
                log = ReminderLog.objects.create(assignee_id=assignee_id, day=today)
        except IntegrityError:
            continue
        assignee = log.assignee
        if not assignee.email or not assignee.is_active:
            continue
        appeals = list(open_appeals.filter(assignee_id=assignee_id).select_related("branch").order_by("due_date"))
        context = {
            "assignee": assignee,
            "overdue": [a for a in appeals if a.due_date < today],
            "due_soon": [a for a in appeals if a.due_date >= today],
            "today": today,
            "admin_url": _absolute(reverse("admin:appeals_appeal_changelist")),
        }
        subject, body = _render_mail("reminder", context, settings.LANGUAGE_CODE)
        try:
            send_mail(subject, body, None, [assignee.email])
        except Exception:
            log.delete()
            raise
        sent += 1
    return sent
