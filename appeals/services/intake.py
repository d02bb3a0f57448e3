"""How an appeal comes in: the member's form or bot, staff typing in one that came another
way, a row of a branch's register. Each gets a reference, a tracking code and a due date."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals import signals
from appeals.choices import FINISHED_STATUSES, Channel, EventKind, Status
from appeals.consent import CURRENT_VERSION
from appeals.models import Appeal, hash_code, tracking_code_for
from appeals.services.history import new_event
from appeals.workdays import add_working_days
from unionportal.db import insert_with_children, savepoint_if_in_transaction
from unionportal.exceptions import ApplicationError, DuplicateError

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def free_references(count: int) -> list[str]:
    """`count` new references, none in use and no two alike, checked in one query."""
    chosen: set[str] = set()
    while len(chosen) < count:
        batch = list({new_reference() for _ in range(count - len(chosen))} - chosen)
        taken: set[str] = set()
        for start in range(0, len(batch), 5000):  # SQLite's limit of query parameters
            taken |= set(Appeal.objects.filter(reference__in=batch[start : start + 5000]).values_list("reference", flat=True))
        chosen |= set(batch) - taken
    return list(chosen)


def due_date_for(received_at: datetime.datetime) -> datetime.date:
    """The last day to answer: APPEAL_DUE_WORKING_DAYS working days in Kazakhstan after the
    day the appeal came (Asia/Almaty), skipping weekends, holidays and transferred days off."""
    return add_working_days(timezone.localdate(received_at), settings.APPEAL_DUE_WORKING_DAYS)


def _create(
    *,
    fields: dict,
    actor=None,
    notify: bool = True,
    trusted: tuple[str, ...] = (),
    history: Iterable[dict] = (),
    reference: str = "",
) -> tuple[Appeal, str]:
    """Store a new appeal with a fresh reference and tracking code; returns it and the code.

    `notify=False` (an imported register) marks the outbox done: nobody is e-mailed.
    `trusted` names foreign keys the caller read from the database a moment ago (their
    existence check is a query per row of a 20,000-row import); `history` adds events
    after "received", written with it in one INSERT; `reference`, one the caller already
    checked is free (an import checks all of its references in one query) or leaves to
    the unique index (`appeal_submit` draws another when it is refused)."""
    salt = secrets.token_urlsafe(24)
    code = tracking_code_for(salt)
    appeal = Appeal(code_salt=salt, code_hash=hash_code(code), **fields)
    if appeal.is_anonymous:
        appeal.name = appeal.phone = appeal.email = ""
        appeal.user = None
    appeal.due_date = due_date_for(appeal.received_at)
    appeal.reference = reference
    for _attempt in range(0 if reference else 5):
        appeal.reference = new_reference()
        if not Appeal.objects.filter(reference=appeal.reference).exists():
            break
    # Field checks only: the reference was just checked, the code hash is 256 random bits,
    # the form token is guarded by its unique index, and a new appeal meets the check
    # constraint by construction; skipping those queries halves the cost of a submission.
    appeal.full_clean(exclude=["form_token", *trusted], validate_unique=False, validate_constraints=False)
    # An imported register's appeal is dated when it came, not when it was typed in.
    events = [new_event(appeal, EventKind.SUBMITTED, actor=actor, to_status=Status.NEW, at=None if notify else appeal.received_at)]
    events += [new_event(appeal, actor=actor, **event) for event in history]
    try:
        # The appeal and its events in one statement past Model.save (unionportal/db.py):
        # members send appeals by the hundred after a meeting, and the save machinery and
        # the round trips cost more than the rest of the request.
        insert_with_children(appeal, events, link="appeal")
    except IntegrityError:
        # The file is written before the row; a row refused (a racing duplicate) must not
        # leave the member's attachment on disk where nothing will ever anonymise it.
        if appeal.attachment and appeal.attachment._committed:
            appeal.attachment.storage.delete(appeal.attachment.name)
        raise
    if notify:
        # appeals/tasks.py queues the e-mails; if it cannot, the outbox drain sends them.
        signals.send_on_commit(signals.appeal_received, appeal_id=appeal.pk)
    return appeal, code


SUBMIT_REFERENCE_ATTEMPTS = 3


def appeal_submit(
    *,
    topic: str,
    question: str,
    consent: bool,
    form_token: str | None = None,
    language: str = "ru",
    is_anonymous: bool = False,
    name: str = "",
    phone: str = "",
    email: str = "",
    workplace=None,
    workplace_text: str = "",
    branch=None,
    attachment=None,
    user=None,
    channel: str = Channel.WEB,
) -> tuple[Appeal, str]:
    """An appeal the member sent themselves: the public form, or a bot (`channel`, e.g.
    Telegram) that asked for the same consent. A form token already used means a double
    click or a resubmitted page: `DuplicateError` with the appeal stored the first time.
    Returns the appeal and its tracking code."""
    if not consent:
        raise ApplicationError(_("Consent to the processing of personal data is required."), code="consent")
    if channel not in Channel.values:
        raise ApplicationError(_("Unknown channel."), code="channel")
    # A used form token is not looked up first: the unique index refuses it below (one query
    # less per appeal; the web form looks it up only when the hourly limit refuses).
    fields = {
        "channel": channel,
        "received_at": timezone.now(),
        "language": language,
        "is_anonymous": is_anonymous,
        "name": name.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
        "workplace": workplace,
        "workplace_text": workplace_text.strip(),
        "branch": branch,
        "topic": topic,
        "question": question.strip(),
        "consent_version": CURRENT_VERSION,
        "consent_at": timezone.now(),
        "form_token": form_token,
        "user": user if user is not None and user.is_authenticated else None,
    }
    if attachment is not None:
        fields["attachment"] = attachment
    # Nor is the reference: its unique index refuses one already taken (of 32^8, one chance
    # in ten million with 100,000 appeals stored), and another is drawn.
    # With a file, the reference is checked free first (one query): the file is written
    # before its row, and a row refused would have moved an uploaded temporary file away
    # from under the next attempt.
    attempts_left = SUBMIT_REFERENCE_ATTEMPTS if attachment is None else 1
    while True:
        attempts_left -= 1
        reference = new_reference() if attachment is None else None
        try:
            # Two requests racing with one token meet the unique constraint here. The appeal
            # is one statement, atomic by itself (`_create`); only inside a caller's
            # transaction does a savepoint keep a refused row from aborting it.
            with savepoint_if_in_transaction():
                # The workplace, the branch and the user are instances the caller has just read
                # (the form's choices, the bot's subscriber, request.user): their foreign keys
                # hold, so full_clean need not query each again (the database checks them too).
                return _create(fields=fields, trusted=("workplace", "branch", "user"), reference=reference)
        except IntegrityError:
            existing = Appeal.objects.filter(form_token=form_token).first() if form_token else None
            if existing is not None:
                raise DuplicateError(_("This appeal has already been sent."), extra={"existing": existing}) from None
            if not attempts_left or reference is None or not Appeal.objects.filter(reference=reference).exists():
                raise


@transaction.atomic
def appeal_log(*, actor, channel: str, received_at: datetime.datetime, fields: dict) -> Appeal:
    """An appeal that came by WhatsApp, a social page, phone, a visit, e-mail or letter,
    typed in by staff. Consent is not recorded here: the member gave their data to staff.

    The appeal has a tracking code like a web one (`appeal.tracking_code`, derived from its
    salt): the admin shows it to staff with the ready replies to send it back."""
    if channel not in Channel.values:
        raise ApplicationError(_("Unknown channel."), code="channel")
    appeal, _code = _create(fields={**fields, "channel": channel, "received_at": received_at}, actor=actor)
    return appeal


# Statuses a register row may carry: a duplicate needs its original, which a register lacks.
IMPORT_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED, Status.REJECTED)


def appeal_import(
    *,
    actor,
    channel: str,
    received_at: datetime.datetime,
    fields: dict,
    status: str = Status.NEW,
    answer: str = "",
    answered_at: datetime.datetime | None = None,
    trusted: tuple[str, ...] = (),
    reference: str = "",
) -> Appeal:
    """One row of a branch's appeals register (CSV/XLSX import): stored like a logged appeal,
    already in its final state, so the figures count it exactly like a typed one. Nobody is
    e-mailed: the member was answered at the time, by the channel they used. `trusted`:
    foreign keys in `fields` the import has just read (see `_create`)."""
    if channel not in Channel.values:
        raise ApplicationError(_("Unknown channel."), code="channel")
    if status not in IMPORT_STATUSES:
        raise ApplicationError(_("An imported appeal cannot have the status “%(status)s”.") % {"status": Status(status).label}, code="status")
    answer = (answer or "").strip()
    if status == Status.ANSWERED and not answer:
        raise ApplicationError(_("Write the answer before marking the appeal as answered."), code="answer_required")
    if answer and answered_at is None:
        raise ApplicationError(_("The date of the answer is missing."), code="answered_at_required")
    if answered_at is not None and answered_at < received_at:
        raise ApplicationError(_("The answer is dated before the appeal was received."), code="answered_before")
    if answered_at is not None and answered_at > timezone.now() + datetime.timedelta(minutes=10):
        raise ApplicationError(_("The date of the answer is in the future."), code="answered_future")
    finished_at = answered_at or received_at
    now = timezone.now()
    final = {
        "status": status,
        "answer": answer,
        "notified_at": now,
        # An old answer is not e-mailed again.
        "answer_sent_at": now if answer else None,
        "answered_at": answered_at if answer else None,
        "first_answered_at": answered_at if answer else None,
        "closed_at": finished_at if status in FINISHED_STATUSES else None,
    }
    history = []
    if status != Status.NEW:
        history.append({"kind": EventKind.STATUS, "from_status": Status.NEW, "to_status": status, "at": finished_at})
    if answer:
        history.append({"kind": EventKind.ANSWERED, "text": answer, "at": answered_at})
    appeal, _code = _create(
        fields={**fields, **final, "channel": channel, "received_at": received_at},
        actor=actor,
        notify=False,
        trusted=trusted,
        history=history,
        reference=reference,
    )
    return appeal
