"""Every write of polls: saving a poll and its questions, issuing invitation codes, counting a
member's answer, closing a poll, marking a free-text answer, publishing and sending the
"you said, we did" note. Views, the admin, the demo and tasks all call these."""

import datetime
import hashlib
import hmac
import logging
import random
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from polls.choices import Access, InvitationChannel, PollState, QuestionKind
from polls.models import MAX_QUESTIONS, Answer, Choice, Invitation, Poll, Question, Response, split_lines
from unionportal.db import insert_with_children, savepoint_if_in_transaction
from unionportal.exceptions import ApplicationError, DuplicateError

logger = logging.getLogger(__name__)

# Codes are typed by hand from a printed slip: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


class PollLocked(ApplicationError):
    """The poll has answers: its questions stay as they were answered."""


# --- Codes ---------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_hash(code: str) -> str:
    # Keyed, so a copy of the table alone cannot be checked against guessed codes.
    return hashlib.sha256(f"{settings.SECRET_KEY}:poll-code:{normalise_code(code)}".encode()).hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


# --- Staff: a poll and its questions -------------------------------------------------------


def poll_has_answers(poll: Poll) -> bool:
    return poll.pk is not None and poll.responses.exists()


def question_save(*, question: Question) -> Question:
    """Save a question and rebuild its offered answers from its lines. Refused once the
    poll has answers: an answer counted must stay an answer to the question asked."""
    if poll_has_answers(question.poll):
        raise PollLocked(_("This poll already has answers: its questions cannot be changed."), code="locked")
    count = question.poll.questions.exclude(pk=question.pk).count()
    if count >= MAX_QUESTIONS:
        raise ApplicationError(_("A poll has at most 20 questions."), code="too_many")
    question.full_clean()
    with transaction.atomic():
        Poll.objects.filter(pk=question.poll_id).update(revision=F("revision") + 1)
        question.save()
        question.choices.all().delete()
        if question.has_choices:
            kk = split_lines(question.choices_kk)
            Choice.objects.bulk_create(
                Choice(question=question, position=i, label_ru=label, label_kk=kk[i] if i < len(kk) else "")
                for i, label in enumerate(split_lines(question.choices_ru))
            )
    return question


def question_delete(*, question: Question) -> None:
    if poll_has_answers(question.poll):
        raise PollLocked(_("This poll already has answers: its questions cannot be changed."), code="locked")
    with transaction.atomic():
        Poll.objects.filter(pk=question.poll_id).update(revision=F("revision") + 1)
        question.delete()


def poll_check_ready(*, poll: Poll) -> None:
    """A poll must have 1 to 20 questions to be answered."""
    count = poll.questions.count()
    if not 1 <= count <= MAX_QUESTIONS:
        raise ApplicationError(_("A poll needs 1 to 20 questions."), code="questions")


@transaction.atomic
def poll_create(
    *,
    organisation,
    slug: str,
    title_ru: str,
    opens_at,
    closes_at,
    questions: list[dict],
    audience: str,
    audience_organisations=(),
    access: str = Access.OPEN,
    is_anonymous: bool = True,
    title_kk: str = "",
    intro_ru: str = "",
    intro_kk: str = "",
    user=None,
) -> Poll:
    """Create a poll with its questions in one go (the demo, tests and imports use it;
    the admin saves the same way, question by question)."""
    poll = Poll(
        organisation=organisation,
        slug=slug,
        title_ru=title_ru,
        title_kk=title_kk,
        intro_ru=intro_ru,
        intro_kk=intro_kk,
        audience=audience,
        access=access,
        is_anonymous=is_anonymous,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    poll.full_clean()
    poll.clean_audience(audience_organisations)
    poll.save()
    poll.audience_organisations.set(audience_organisations)
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        raise ApplicationError(_("A poll needs 1 to 20 questions."), code="questions")
    for position, data in enumerate(questions):
        question_save(question=Question(poll=poll, position=position, **data))
    poll.refresh_from_db(fields=["revision"])
    return poll


@transaction.atomic
def poll_close(*, poll: Poll, user=None) -> bool:
    """Close an open poll now. Returns False when it was closed already."""
    now = timezone.now()
    changed = Poll.objects.filter(pk=poll.pk, closed_at__isnull=True, closes_at__gt=now).update(closed_at=now)
    poll.refresh_from_db(fields=["closed_at"])
    invitations_reshuffle(poll=poll)
    return bool(changed)


def poll_publish_outcome(*, poll: Poll, outcome_ru: str, outcome_kk: str = "", user=None) -> Poll:
    """Publish what was decided after the poll and queue it to those who answered."""
    if poll.state() != PollState.CLOSED:
        raise ApplicationError(_("Write what was decided after the poll has closed."), code="not_closed")
    outcome_ru = (outcome_ru or "").strip()
    if not outcome_ru:
        raise ApplicationError(_("Write what was decided in Russian at least."), code="empty")
    with transaction.atomic():
        poll.outcome_ru = outcome_ru
        poll.outcome_kk = (outcome_kk or "").strip()
        if poll.outcome_published_at is None:
            poll.outcome_published_at = timezone.now()
        poll.save(update_fields=["outcome_ru", "outcome_kk", "outcome_published_at"])
        from polls import tasks

        tasks.send_outcome.delay_on_commit(poll.pk)
    return poll


def outcome_recipients(poll: Poll) -> list[str]:
    """The e-mail addresses the note goes to: those named polls' members who left one, and
    the e-mail invitations whose code was used (who, among them, answered what stays unknown)."""
    named = poll.responses.exclude(respondent_email="").values_list("respondent_email", flat=True)
    invited = poll.invitations.filter(is_used=True, channel=InvitationChannel.EMAIL).exclude(email="")
    return sorted(set(named) | set(invited.values_list("email", flat=True)))


def outcome_send(*, poll_id: int) -> int:
    """Send the note once: claimed with a conditional update, so a second run sends nothing."""
    now = timezone.now()
    claimed = Poll.objects.filter(pk=poll_id, outcome_published_at__isnull=False, outcome_sent_at__isnull=True).update(
        outcome_sent_at=now
    )
    if not claimed:
        return 0
    poll = Poll.objects.get(pk=poll_id)
    recipients = outcome_recipients(poll)
    with override(settings.LANGUAGE_CODE):
        subject = _("“You said, we did”: %(title)s") % {"title": poll.title_ru}
        url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("polls:results", args=[poll.slug])
        body = "\n\n".join(
            [poll.outcome_ru, poll.outcome_kk, _("The results and the decision: %(url)s") % {"url": url}]
        ).replace("\n\n\n\n", "\n\n")
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    send_mass_mail(messages, fail_silently=False)
    logger.info("poll %s: decision sent to %s addresses", poll_id, len(messages))
    return len(messages)


@transaction.atomic
def answer_mark(*, answer: Answer, marked: bool) -> None:
    """Mark (or unmark) a free-text answer as worth acting on. The answer itself never changes."""
    Answer.objects.filter(pk=answer.pk).update(is_marked=marked)


# --- Invitations ---------------------------------------------------------------------------


def invitation_issue(
    *, poll: Poll, channel: str, email: str = "", telegram_subscriber_id: int | None = None, unit=None, batch: str = ""
) -> tuple[Invitation, str]:
    """A one-time code for one person. The code itself is returned once and never stored."""
    if poll.access != Access.INVITATION:
        raise ApplicationError(_("This poll is open to everyone: it needs no codes."), code="open_poll")
    if poll.is_closed:
        raise ApplicationError(_("This poll is closed."), code="closed")
    for _attempt in range(5):
        code = _new_code()
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    poll=poll,
                    code_hash=code_hash(code),
                    channel=channel,
                    email=email,
                    telegram_subscriber_id=telegram_subscriber_id,
                    unit=unit,
                    batch=batch,
                )
            return invitation, code
        except IntegrityError:
            continue
    raise ApplicationError(_("Could not make a new code. Please try again."), code="collision")


def invitations_issue_printed(*, poll: Poll, count: int, unit=None, batch: str = "") -> list[str]:
    """A batch of single-use codes to print and hand out (at a staff meeting, say)."""
    if not 1 <= count <= 1000:
        raise ApplicationError(_("Print from 1 to 1000 codes at a time."), code="count")
    return [
        format_code(invitation_issue(poll=poll, channel=InvitationChannel.PRINTED, unit=unit, batch=batch)[1])
        for _i in range(count)
    ]


def invitation_url(*, poll: Poll, code: str) -> str:
    """The absolute link a member follows to answer with their code (for the e-mail digest
    and the Telegram bot)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("polls:invited", args=[poll.slug, normalise_code(code)])


def invitations_reshuffle(*, poll: Poll) -> int:
    """Rewrite the poll's used invitations in a random order.

    A table row updated later sits later in the table's storage, and the row versions of
    one transaction share its id: both could pair a used code with the answer stored at the
    same moment. Deleting and re-inserting the used codes together, shuffled, leaves every
    one with the same transaction and a random place. Run when a poll closes and by the
    scheduled job while polls are open.
    """
    with transaction.atomic():
        used = list(Invitation.objects.select_for_update().filter(poll=poll, is_used=True))
        if not used:
            return 0
        random.SystemRandom().shuffle(used)
        Invitation.objects.filter(pk__in=[i.pk for i in used]).delete()
        Invitation.objects.bulk_create(used)
    return len(used)


# --- Members: counting an answer -----------------------------------------------------------


@dataclass
class Submission:
    """What a member sent, as the view read it: raw values per question id."""

    values: dict  # question id (str, as sent) -> list of str
    form_nonce: str
    unit_id: int | None = None
    code: str = ""
    language: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""


def _refuse(message, code, field=None):
    raise ApplicationError(message, code=code, extra={"field": field} if field else None)


def answers_from(*, poll: Poll, questions: list[Question], values: dict, partial: bool = False) -> list[Answer]:
    """The answers to store, checked against the questions offered. `partial` checks only the
    questions sent (a step of a long survey)."""
    by_id = {str(q.pk): q for q in questions}
    for key in values:
        if key not in by_id:
            _refuse(_("The form asked a question this poll does not have. Please reload the page."), "forged_question")
    answers = []
    for question in questions:
        key = str(question.pk)
        if partial and key not in values:
            continue
        raw = [v.strip() for v in values.get(key, []) if v is not None and v.strip()]
        if not raw:
            if question.is_required:
                _refuse(_("Please answer this question."), "required", key)
            continue
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            offered = {str(c.pk): c for c in question.choices.all()}
            if any(v not in offered for v in raw):
                _refuse(_("This answer is not one of those offered."), "bad_choice", key)
            raw = list(dict.fromkeys(raw))
            if question.kind == QuestionKind.SINGLE and len(raw) > 1:
                _refuse(_("Choose one answer."), "one_choice", key)
            limit = question.max_choices or len(offered)
            if len(raw) > limit:
                _refuse(_("Choose at most %(n)s answers.") % {"n": limit}, "too_many_choices", key)
            answers += [Answer(question=question, choice=offered[v]) for v in raw]
        elif question.kind == QuestionKind.SCALE:
            if len(raw) != 1 or raw[0] not in {"1", "2", "3", "4", "5"}:
                _refuse(_("Choose a score from 1 to 5."), "bad_scale", key)
            answers.append(Answer(question=question, scale=int(raw[0])))
        else:
            text = raw[0] if len(raw) == 1 else ""
            if len(raw) != 1 or "\x00" in text:
                _refuse(_("This answer could not be read."), "bad_text", key)
            if len(text) > question.max_length:
                _refuse(
                    _("The answer is too long: at most %(n)s characters.") % {"n": question.max_length}, "too_long", key
                )
            answers.append(Answer(question=question, text=text))
    return answers


def response_submit(*, poll: Poll, submission: Submission, questions: list[Question] | None = None) -> Response:
    """Count one member's answers, or refuse them with a message and count nothing.

    The code of an invitation is spent with a conditional update inside the same
    transaction as the answers: two tabs sending the same code count once, and an answer
    that fails leaves the code unspent.
    """
    if poll.state() != PollState.OPEN:
        raise ApplicationError(_("This poll is closed: answers are no longer counted."), code="closed")
    questions = questions if questions is not None else list(poll.questions.prefetch_related("choices"))
    answers = answers_from(poll=poll, questions=questions, values=submission.values)
    if not answers:
        _refuse(_("Please answer at least one question."), "empty")
    if not poll.is_anonymous:
        name = submission.name.strip()
        if not name or not (submission.email.strip() or submission.phone.strip()):
            _refuse(_("This poll is not anonymous: give your name and a phone or an e-mail."), "named")
        try:
            from django.core.validators import validate_email

            if submission.email.strip():
                validate_email(submission.email.strip())
        except ValidationError:
            _refuse(_("Enter a valid e-mail address."), "email")
    unit_id = submission.unit_id
    # An open poll's answer is one statement, atomic by itself (`insert_with_children`):
    # no transaction, so one round trip to the database instead of four. An invitation's
    # code is spent in the same transaction as the answers; inside a caller's transaction a
    # savepoint keeps a refused answer from aborting it.
    spends_code = poll.access == Access.INVITATION
    try:
        with transaction.atomic() if spends_code else savepoint_if_in_transaction():
            if spends_code:
                invitation = _spend_code(poll=poll, code=submission.code)
                unit_id = invitation.unit_id or unit_id
            response = Response(
                poll=poll,
                unit_id=unit_id,
                submitted_on=timezone.localdate(),
                language=submission.language[:5],
                form_nonce=submission.form_nonce,
                respondent_name="" if poll.is_anonymous else submission.name.strip()[:200],
                respondent_email="" if poll.is_anonymous else submission.email.strip()[:254],
                respondent_phone="" if poll.is_anonymous else submission.phone.strip()[:40],
            )
            for answer in answers:
                answer.unit_id = unit_id
            # An answer is the portal's hottest write (hundreds of members at a staff meeting
            # at once): past Model.save (unionportal/db.py). The values were validated by
            # `answers_from`; the constraints are the database's.
            insert_with_children(response, answers, link="response")
    except IntegrityError as exc:
        # The same form sent twice at once: the unique nonce let one of them in. Any other
        # refusal (a choice or a branch deleted while the member answered) stored nothing,
        # and the member must not be told it was counted.
        if Response.objects.filter(poll=poll, form_nonce=submission.form_nonce).exists():
            raise DuplicateError(_("Your answer has already been counted."), code="duplicate") from exc
        raise ApplicationError(
            _("The poll was changed while you were answering it, and your answer was not counted. Check it and send it again."),
            code="changed",
        ) from exc
    return response


def _spend_code(*, poll: Poll, code: str) -> Invitation:
    digest = code_hash(code)
    # Conditional update: of two requests with the same code, exactly one changes the row.
    spent = Invitation.objects.filter(poll=poll, code_hash=digest, is_used=False).update(is_used=True)
    if spent:
        return Invitation.objects.only("unit_id").get(poll=poll, code_hash=digest)
    if Invitation.objects.filter(poll=poll, code_hash=digest).exists():
        raise ApplicationError(_("This code has already been used: each code counts one answer."), code="code_used")
    raise ApplicationError(_("This code is not valid for this poll. Check it and try again."), code="code_unknown")


def polls_to_reshuffle():
    """Invitation polls open now or closed in the last day."""
    now = timezone.now()
    return Poll.objects.filter(access=Access.INVITATION, opens_at__lte=now, closes_at__gt=now - datetime.timedelta(days=1))


def polls_freeze_due() -> int:
    """Freeze the counts of every poll closed for a while and not frozen yet."""
    from polls import selectors

    cutoff = timezone.now() - selectors.FREEZE_AFTER
    due = Poll.objects.filter(tallies__isnull=True).filter(Q(closes_at__lte=cutoff) | Q(closed_at__lte=cutoff))
    return sum(selectors.poll_freeze(poll) for poll in due)


# --- Telegram (for the messaging app's bot) ------------------------------------------------


def telegram_code(*, poll: Poll, subscriber_id: int) -> str:
    """The one-time code of a Telegram subscriber for a poll, derived (keyed) rather than
    kept: the bot need not store it, and the answer from a native Telegram poll spends it."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"poll-telegram:{poll.pk}:{subscriber_id}".encode(), hashlib.sha256
    ).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def invitation_issue_telegram(*, poll: Poll, subscriber_id: int, unit=None) -> tuple[Invitation, str]:
    """The invitation of one Telegram subscriber (made once; a second call returns it)."""
    if poll.access != Access.INVITATION:
        raise ApplicationError(_("This poll is open to everyone: it needs no codes."), code="open_poll")
    code = telegram_code(poll=poll, subscriber_id=subscriber_id)
    invitation, _created = Invitation.objects.get_or_create(
        code_hash=code_hash(code),
        defaults={"poll": poll, "channel": InvitationChannel.TELEGRAM, "telegram_subscriber_id": subscriber_id, "unit": unit},
    )
    return invitation, code


def response_submit_telegram(*, poll: Poll, subscriber_id: int, option_ids: list[int], language: str = "") -> Response | None:
    """Count the answer of a native Telegram poll (`poll_answer.option_ids`, 0-based, in the
    order of `polls.selectors.telegram_poll_payload`). Telegram may deliver an update twice:
    the second finds the code spent and returns None, counting nothing."""
    from polls import selectors

    questions = selectors.poll_questions(poll)
    question = questions[0] if len(questions) == 1 else None
    if question is None or not question.has_choices:
        raise ApplicationError(_("This poll cannot be answered in Telegram: answer it through its link."), code="not_native")
    choices = list(question.choices.all())
    if any(not isinstance(i, int) or not 0 <= i < len(choices) for i in option_ids):
        _refuse(_("This answer is not one of those offered."), "bad_choice")
    submission = Submission(
        values={str(question.pk): [str(choices[i].pk) for i in option_ids]},
        form_nonce=secrets.token_urlsafe(24),
        code=telegram_code(poll=poll, subscriber_id=subscriber_id),
        language=language,
    )
    try:
        return response_submit(poll=poll, submission=submission, questions=questions)
    except ApplicationError as exc:
        if exc.code == "code_used":
            return None
        raise
