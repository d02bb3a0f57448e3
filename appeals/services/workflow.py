"""The workflow of an appeal after it came in: status changes, answers, duplicates, staff
edits, notes and the member's rating."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals import signals
from appeals.choices import FINISHED_STATUSES, EventKind, Rating, Status
from appeals.models import Appeal, AppealEvent
from appeals.services.history import record_event
from unionportal.exceptions import ApplicationError

TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.IN_PROGRESS, Status.ANSWERED, Status.REJECTED, Status.DUPLICATE},
    Status.IN_PROGRESS: {Status.ANSWERED, Status.REJECTED, Status.DUPLICATE},
    Status.ANSWERED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: {Status.IN_PROGRESS},
    Status.REJECTED: {Status.IN_PROGRESS},
    Status.DUPLICATE: set(),
}


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
        record_event(appeal, EventKind.STATUS, actor=actor, from_status=from_status, to_status=to_status)
    if to_status == Status.ANSWERED:
        record_event(appeal, EventKind.ANSWERED, actor=actor, text=answer)
        # The e-mail (appeals/tasks.py) and other channels (the Telegram bot) deliver the
        # answer; the services know none of them (see appeals/signals.py).
        by_email = bool(appeal.email and not appeal.is_anonymous)
        signals.send_on_commit(signals.appeal_answered, appeal_id=appeal.pk, by_email=by_email)
    if to_status == Status.CLOSED:
        signals.send_on_commit(signals.appeal_closed, appeal_id=appeal.pk)
    if to_status == Status.DUPLICATE:
        record_event(appeal, EventKind.NOTE, actor=actor, text=duplicate_of.reference)
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
            record_event(appeal, EventKind.ASSIGNED, actor=actor, text=str(value or "—"))
        elif field == "branch":
            record_event(appeal, EventKind.ROUTED, actor=actor, text=value.name_ru if value else "")
        elif field == "due_date":
            record_event(appeal, EventKind.DUE, actor=actor, text=value.isoformat() if value else "")
        else:
            record_event(appeal, EventKind.EDITED, actor=actor, text=str(Appeal._meta.get_field(field).verbose_name))
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
    return record_event(appeal, EventKind.NOTE, actor=actor, text=text)


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
    record_event(appeal, EventKind.RATED, text=Rating(rating).label)
    return appeal
