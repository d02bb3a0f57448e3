"""Every change to an appeal goes through here: submission, staff logging, the workflow,
notes, ratings, anonymisation and the e-mails. Each change leaves an `AppealEvent`."""

from __future__ import annotations

import datetime
import io
import json
import logging
import re
import secrets
import time
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appeals import signals
from appeals.choices import FINISHED_STATUSES, OPEN_STATUSES, Channel, EventKind, Rating, Status
from appeals.consent import CURRENT_VERSION
from appeals.models import Appeal, AppealEvent, FaqEntry, ReminderLog, hash_code, tracking_code_for
from appeals.phones import normalise_phone_or_keep
from appeals.workdays import add_working_days
from unionportal.exceptions import ApplicationError, DuplicateError

logger = logging.getLogger(__name__)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone

TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.IN_PROGRESS, Status.ANSWERED, Status.REJECTED, Status.DUPLICATE},
    Status.IN_PROGRESS: {Status.ANSWERED, Status.REJECTED, Status.DUPLICATE},
    Status.ANSWERED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: {Status.IN_PROGRESS},
    Status.REJECTED: {Status.IN_PROGRESS},
    Status.DUPLICATE: set(),
}

# History entries a member sees on the status page; notes, assignees and edits stay internal.
PUBLIC_EVENTS = {EventKind.SUBMITTED, EventKind.STATUS, EventKind.ANSWERED, EventKind.ROUTED, EventKind.RATED}


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


def _new_event(
    appeal: Appeal, kind: str, *, actor=None, text: str = "", from_status: str = "", to_status: str = "", at=None
) -> AppealEvent:
    return AppealEvent(
        created_at=at or timezone.now(),
        appeal=appeal,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        text=text,
        from_status=from_status,
        to_status=to_status,
        is_public=kind in PUBLIC_EVENTS,
    )


def _event(appeal: Appeal, kind: str, **kwargs) -> AppealEvent:
    event = _new_event(appeal, kind, **kwargs)
    event.save()
    return event


# --- Creating ----------------------------------------------------------------------------


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
    checked is free (an import checks all of its references in one query)."""
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
    try:
        appeal.save()
    except IntegrityError:
        # The file is written before the row; a row refused (a racing duplicate) must not
        # leave the member's attachment on disk where nothing will ever anonymise it.
        if appeal.attachment and appeal.attachment._committed:
            appeal.attachment.storage.delete(appeal.attachment.name)
        raise
    # An imported register's appeal is dated when it came, not when it was typed in.
    events = [_new_event(appeal, EventKind.SUBMITTED, actor=actor, to_status=Status.NEW, at=None if notify else appeal.received_at)]
    events += [_new_event(appeal, actor=actor, **event) for event in history]
    AppealEvent.objects.bulk_create(events)
    if notify:
        queue_on_commit("appeals.tasks.send_appeal_notifications", appeal.pk)
    return appeal, code


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
    # less per appeal; the web form checks for a double click before it counts the limit).
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
    try:
        # A savepoint: two requests racing with one token meet the unique constraint here.
        with transaction.atomic():
            # The workplace, the branch and the user are instances the caller has just read
            # (the form's choices, the bot's subscriber, request.user): their foreign keys
            # hold, so full_clean need not query each again (the database checks them too).
            return _create(fields=fields, trusted=("workplace", "branch", "user"))
    except IntegrityError:
        existing = Appeal.objects.filter(form_token=form_token).first() if form_token else None
        if existing is None:
            raise
        raise DuplicateError(_("This appeal has already been sent."), extra={"existing": existing}) from None


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


# --- The workflow ------------------------------------------------------------------------


def original_of(appeal: Appeal) -> Appeal:
    """The appeal a chain of duplicates leads to: merges go to the original, never into
    another duplicate."""
    seen = {appeal.pk}
    while appeal.duplicate_of_id is not None and appeal.duplicate_of_id not in seen:
        seen.add(appeal.duplicate_of_id)
        appeal = appeal.duplicate_of
    return appeal


def check_transition(*, appeal: Appeal, to_status: str, answer: str = "", duplicate_of: Appeal | None = None) -> None:
    """Raise ApplicationError when `appeal` may not move to `to_status` with these values."""
    if to_status == appeal.status:
        return
    if to_status not in TRANSITIONS.get(appeal.status, set()):
        raise ApplicationError(
            _("An appeal cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(appeal.status).label, "to": Status(to_status).label},
            code="transition",
        )
    if to_status == Status.ANSWERED and not (answer or "").strip():
        raise ApplicationError(_("Write the answer before marking the appeal as answered."), code="answer_required")
    if to_status == Status.DUPLICATE:
        if duplicate_of is None:
            raise ApplicationError(_("Choose the appeal this one duplicates."), code="duplicate_required")
        # Checked against the original the merge will really point to (see appeal_transition).
        if original_of(duplicate_of).pk == appeal.pk:
            raise ApplicationError(_("An appeal cannot duplicate itself."), code="duplicate_self")


@transaction.atomic
def appeal_transition(
    *, appeal: Appeal, actor, to_status: str, answer: str | None = None, duplicate_of: Appeal | None = None
) -> Appeal:
    """Move an appeal along the workflow; an answer is e-mailed to the member after commit."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    answer = appeal.answer if answer is None else answer.strip()
    if duplicate_of is not None:
        duplicate_of = original_of(duplicate_of)
    check_transition(appeal=appeal, to_status=to_status, answer=answer, duplicate_of=duplicate_of)
    if to_status == appeal.status and answer == appeal.answer:
        return appeal
    now = timezone.now()
    from_status = appeal.status
    appeal.status = to_status
    appeal.answer = answer
    if to_status == Status.ANSWERED and (from_status != Status.ANSWERED or answer):
        appeal.answered_at = now
        appeal.first_answered_at = appeal.first_answered_at or now
        appeal.answer_sent_at = None
    if to_status in FINISHED_STATUSES:
        appeal.closed_at = now
    elif from_status in FINISHED_STATUSES:
        appeal.closed_at = None
    if to_status == Status.DUPLICATE:
        appeal.duplicate_of = duplicate_of
    appeal.full_clean(exclude=["form_token"])
    appeal.save()
    if from_status != to_status:
        _event(appeal, EventKind.STATUS, actor=actor, from_status=from_status, to_status=to_status)
    if to_status == Status.ANSWERED:
        _event(appeal, EventKind.ANSWERED, actor=actor, text=answer)
        if appeal.email and not appeal.is_anonymous:
            queue_on_commit("appeals.tasks.send_appeal_answer", appeal.pk)
    if to_status in (Status.ANSWERED, Status.CLOSED):
        # Other channels (the Telegram bot) deliver the answer and ask for the rating;
        # appeals knows nothing of them (see appeals/signals.py).
        signals.send_on_commit(appeal_id=appeal.pk, status=to_status)
    if to_status == Status.DUPLICATE:
        _event(appeal, EventKind.NOTE, actor=actor, text=duplicate_of.reference)
    return appeal


@transaction.atomic
def appeal_update(*, appeal: Appeal, actor, **changes) -> Appeal:
    """Change the assignee, routing, due date or details, recording each change.

    Contact details are recorded as changed without their values, so the history holds no
    personal data of its own.
    """
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    for field, value in changes.items():
        old = getattr(appeal, field)
        if old == value:
            continue
        setattr(appeal, field, value)
        if field == "assignee":
            _event(appeal, EventKind.ASSIGNED, actor=actor, text=str(value or "—"))
        elif field == "branch":
            _event(appeal, EventKind.ROUTED, actor=actor, text=value.name_ru if value else "")
        elif field == "due_date":
            _event(appeal, EventKind.DUE, actor=actor, text=value.isoformat() if value else "")
        else:
            _event(appeal, EventKind.EDITED, actor=actor, text=str(Appeal._meta.get_field(field).verbose_name))
    appeal.full_clean(exclude=["form_token"])
    appeal.save()
    return appeal


@transaction.atomic
def appeal_staff_edit(
    *,
    appeal: Appeal,
    actor,
    changes: dict,
    to_status: str | None = None,
    answer: str | None = None,
    duplicate_of: Appeal | None = None,
    note: str = "",
) -> Appeal:
    """One save of the staff form: the field changes, then the workflow step (when the
    status or the answer changed), then an internal note, all or nothing."""
    if changes:
        appeal = appeal_update(appeal=appeal, actor=actor, **changes)
    to_status = appeal.status if to_status is None else to_status
    answer = appeal.answer if answer is None else answer
    if to_status != appeal.status or answer.strip() != appeal.answer:
        appeal = appeal_transition(appeal=appeal, actor=actor, to_status=to_status, answer=answer, duplicate_of=duplicate_of)
    if note.strip():
        appeal_add_note(appeal=appeal, actor=actor, text=note)
    return appeal


@transaction.atomic
def appeal_add_note(*, appeal: Appeal, actor, text: str) -> AppealEvent:
    text = text.strip()
    if not text:
        raise ApplicationError(_("The note is empty."), code="empty_note")
    return _event(appeal, EventKind.NOTE, actor=actor, text=text)


@transaction.atomic
def appeal_rate(*, appeal: Appeal, rating: str, comment: str = "") -> Appeal:
    """The member's one-click rating of the answer to a closed appeal; once only."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != Status.CLOSED:
        raise ApplicationError(_("Only a closed appeal can be rated."), code="not_closed")
    if appeal.anonymised_at:
        # The comment would bring personal text back into an appeal that was emptied of it.
        raise ApplicationError(_("The personal data of this appeal has been removed."), code="anonymised")
    if appeal.rating:
        raise ApplicationError(_("This answer has already been rated. Thank you!"), code="already_rated")
    if rating not in Rating.values:
        raise ApplicationError(_("Choose whether the answer helped."), code="rating")
    appeal.rating = rating
    appeal.rating_comment = comment.strip()[:1000]
    appeal.rated_at = timezone.now()
    appeal.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    _event(appeal, EventKind.RATED, text=Rating(rating).label)
    return appeal


# --- Personal data -----------------------------------------------------------------------

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE_RE = re.compile(r"\+?\d[\d\s()\-]{7,}\d")


def scrub(text: str, *, names: Iterable[str] = ()) -> str:
    """Remove e-mail addresses, phone numbers and the given names from a text."""
    text = _EMAIL_RE.sub("[…]", text)
    text = _PHONE_RE.sub("[…]", text)
    for name in names:
        for part in name.split():
            if len(part) > 2:
                text = re.sub(re.escape(part), "[…]", text, flags=re.IGNORECASE)
    return text


@transaction.atomic
def appeal_anonymise(*, appeal: Appeal, actor=None, reason: str = "") -> Appeal:
    """Remove everything personal from an appeal, keeping what the figures count (channel,
    topic, routing, status, dates, rating). Used by the retention job and on request."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.attachment:
        appeal.attachment.delete(save=False)
    Appeal.objects.filter(pk=appeal.pk).update(
        name="",
        phone="",
        email="",
        user=None,
        workplace_text="",
        question="",
        answer="",
        rating_comment="",
        attachment="",
        anonymised_at=timezone.now(),
        updated_at=timezone.now(),
    )
    # Notes and answers in the history may quote the member.
    appeal.events.exclude(text="").update(text="")
    _event(appeal, EventKind.ANONYMISED, actor=actor, text=reason)
    appeal.refresh_from_db()
    return appeal


def person_appeals(appeals) -> Q:
    """A filter matching every appeal of the people who sent `appeals` (by e-mail, phone in
    its international form, account)."""
    condition = Q(pk__in=[a.pk for a in appeals])
    for appeal in appeals:
        if appeal.email:
            condition |= Q(email__iexact=appeal.email)
        if appeal.phone:
            # Stored phones are normalised (migration 0003); the typed form is matched too,
            # for a row that could not be normalised.
            condition |= Q(phone__in={normalise_phone_or_keep(appeal.phone), appeal.phone})
        if appeal.user_id:
            condition |= Q(user_id=appeal.user_id)
    return condition


EXPORT_FIELDS = [
    "reference", "channel", "received_at", "language", "is_anonymous", "name", "phone", "email",
    "workplace_text", "topic", "question", "status", "answer", "answered_at", "closed_at",
    "rating", "rating_comment", "consent_version", "consent_at",
]


@transaction.atomic
def person_export(*, appeals, actor) -> bytes:
    """A ZIP of everything stored about the people who sent `appeals`: `personal-data.json`
    and their attachments under `attachments/` (named in the JSON of each appeal)."""
    records = []
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED)
    for appeal in appeals:
        record = {field: getattr(appeal, field) for field in EXPORT_FIELDS}
        record["attachment"] = ""
        if appeal.attachment:
            member = f"attachments/{appeal.reference}-{appeal.attachment.name.rsplit('/', 1)[-1]}"
            try:
                with appeal.attachment.open("rb") as handle:
                    archive.writestr(member, handle.read())
                record["attachment"] = member
            except FileNotFoundError:
                record["attachment"] = _("(the file is missing from the storage)")
        record["workplace"] = appeal.workplace.name_ru if appeal.workplace else ""
        record["routed_to"] = appeal.branch.name_ru if appeal.branch else ""
        record["history"] = [
            {"when": e.created_at, "what": e.kind, "status": e.to_status}
            for e in appeal.events.all()
            if e.is_public
        ]
        records.append(record)
        _event(appeal, EventKind.EXPORTED, actor=actor)
    document = json.dumps({"exported_at": timezone.now(), "appeals": records}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    archive.writestr("personal-data.json", document)
    archive.close()
    return buffer.getvalue()


@transaction.atomic
def faq_from_appeal(*, appeal: Appeal, actor) -> FaqEntry:
    """A draft FAQ entry from an answered appeal, with contacts and the member's name removed.

    It stays unpublished until staff have read it: a scrubber cannot catch everything.
    """
    if not appeal.answer:
        raise ApplicationError(_("Only an answered appeal can become a frequent question."), code="no_answer")
    names = [appeal.name] if appeal.name else []
    question = scrub(appeal.question, names=names)
    answer = scrub(appeal.answer, names=names)
    entry = FaqEntry(topic=appeal.topic, source_appeal=appeal, is_published=False)
    if appeal.language == "kk":
        entry.question_kk, entry.answer_kk = question, answer
        entry.question_ru, entry.answer_ru = question, answer
    else:
        entry.question_ru, entry.answer_ru = question, answer
    entry.full_clean()
    entry.save()
    _event(appeal, EventKind.NOTE, actor=actor, text=_("A draft frequent question was made from this appeal."))
    return entry


# --- Notifications (the outbox) ------------------------------------------------------------


# After a failed publish, this process stops trying that broker for a few seconds: a
# broker host that is down or hung would otherwise cost every submission its timeout. What
# is not queued is sent by the outbox drain.
PUBLISH_PAUSE_SECONDS = 10.0
_publish_paused_until: dict[str, float] = {}


def queue_on_commit(task_name: str, appeal_id: int) -> None:
    """Send the task once the appeal is committed; a broker that is down loses nothing,
    because `notified_at`/`answer_sent_at` stay empty and the outbox drain (every minute,
    `send_pending_notifications`) sends it. Publishing is one bounded attempt (settings:
    CELERY_BROKER_TRANSPORT_OPTIONS), so a dead broker costs the request milliseconds."""

    def enqueue():
        from appeals import tasks

        task = getattr(tasks, task_name.rsplit(".", 1)[1])
        broker = "" if task.app.conf.task_always_eager else str(task.app.conf.broker_url)
        if broker and time.monotonic() < _publish_paused_until.get(broker, 0.0):
            logger.info("Broker recently down: %s for appeal %s left to the outbox drain", task_name, appeal_id)
            return
        try:
            # No publish retries: a request must not hang on a dead broker.
            task.apply_async(args=[appeal_id], retry=False)
        except Exception:  # noqa: BLE001 - the broker's errors vary by transport; the outbox retries
            if broker:
                _publish_paused_until[broker] = time.monotonic() + PUBLISH_PAUSE_SECONDS
            logger.warning("Could not queue %s for appeal %s; the outbox drain will send it", task_name, appeal_id)

    transaction.on_commit(enqueue)


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


def appeal_send_notifications(*, appeal_id: int) -> bool:
    """E-mail the member their tracking link and the staff who handle it a notice.

    Claimed with a conditional update so a retry and the catch-up job never send twice;
    released again when sending fails, so the next try sends it.
    """
    now = timezone.now()
    if not Appeal.objects.filter(pk=appeal_id, notified_at__isnull=True).update(notified_at=now):
        return False
    appeal = Appeal.objects.select_related("branch").get(pk=appeal_id)
    try:
        context = {"appeal": appeal, "status_url": _absolute(status_path(appeal))}
        if appeal.email and not appeal.is_anonymous:
            subject, body = _render_mail("received", context, appeal.language)
            send_mail(subject, body, None, [appeal.email])
        admin_url = _absolute(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
        subject, body = _render_mail("new_staff", {**context, "admin_url": admin_url}, settings.LANGUAGE_CODE)
        send_mail(subject, body, None, staff_recipients(appeal))
    except Exception:
        Appeal.objects.filter(pk=appeal_id).update(notified_at=None)
        raise
    return True


def appeal_send_answer(*, appeal_id: int) -> bool:
    """E-mail the answer to the member (claimed like the notifications)."""
    now = timezone.now()
    claimed = Appeal.objects.filter(
        pk=appeal_id, answer_sent_at__isnull=True, status__in=[Status.ANSWERED, Status.CLOSED], anonymised_at__isnull=True
    ).exclude(email="").update(answer_sent_at=now)
    if not claimed:
        return False
    appeal = Appeal.objects.get(pk=appeal_id)
    try:
        context = {"appeal": appeal, "status_url": _absolute(status_path(appeal))}
        subject, body = _render_mail("answer", context, appeal.language)
        send_mail(subject, body, None, [appeal.email])
    except Exception:
        Appeal.objects.filter(pk=appeal_id).update(answer_sent_at=None)
        raise
    return True


def send_pending_notifications(*, older_than_minutes: int = 1) -> int:
    """Drain the outbox: the e-mails that were not queued (broker down) or whose task failed.

    Run every minute by beat (and by `manage.py appeals_send_pending`), so mail held back
    by a broker outage goes out within minutes of its return. Each e-mail is claimed by the
    same conditional UPDATE as the queued task's, so a task and a drain, or two drains,
    never send one twice. Rows younger than `older_than_minutes` are left to their queued
    task. One failing appeal (a refused address) is logged by id and does not hold back
    the others; its claim is released, so the next run tries it again.
    """
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    sent = 0
    pending = Appeal.objects.filter(notified_at__isnull=True, anonymised_at__isnull=True, created_at__lt=cutoff)
    for appeal_id in pending.order_by("pk").values_list("pk", flat=True):
        sent += _drain_one(appeal_send_notifications, appeal_id)
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


def _drain_one(send, appeal_id: int) -> int:
    try:
        return int(send(appeal_id=appeal_id))
    except Exception:  # noqa: BLE001 - SMTP's errors vary; the claim was released, the next run retries
        logger.exception("Outbox: e-mail for appeal %s failed; it will be tried again", appeal_id)
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


def anonymise_old_appeals(*, now: datetime.datetime | None = None) -> int:
    """Anonymise, after APPEAL_ANONYMISE_AFTER_DAYS:
    - finished appeals closed that long ago;
    - answered ones nobody closed whose answer is that old;
    - new and in-progress ones nobody has touched for that long (received that long ago,
      no change and no history entry since): an appeal abandoned for the whole retention
      period must not keep the member's data for ever. Its status stays as it was (the
      figures stay true: it was never answered), its history says why, and the daily
      reminders no longer list it. Any activity, even a note, keeps it another period.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.APPEAL_ANONYMISE_AFTER_DAYS)
    not_anonymised = Appeal.objects.filter(anonymised_at__isnull=True)
    finished = not_anonymised.filter(
        Q(status__in=FINISHED_STATUSES, closed_at__lt=cutoff) | Q(status=Status.ANSWERED, answered_at__lt=cutoff)
    )
    abandoned = not_anonymised.filter(status__in=OPEN_STATUSES, received_at__lt=cutoff, updated_at__lt=cutoff).exclude(
        events__created_at__gte=cutoff
    )
    count = 0
    for due, reason in ((finished, _("Retention period ended")), (abandoned, _("Retention period ended without any activity"))):
        for appeal in due.only("pk").iterator():
            appeal_anonymise(appeal=appeal, reason=reason)
            count += 1
    return count
