"""Reads of polls that more than one place needs: the polls open to an organisation's
members (for the e-mail digest and the Telegram bot), the links per branch, the public
list, and the results with small cells suppressed (the page, the XLSX and the DOCX)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from branches.choices import OrganisationKind
from branches.models import Organisation
from polls.choices import Access, Audience, QuestionKind
from polls.models import Answer, Invitation, Poll, Question, Response


def _open_now(queryset, now=None):
    now = now or timezone.now()
    return queryset.filter(opens_at__lte=now, closes_at__gt=now).filter(Q(closed_at__isnull=True) | Q(closed_at__gt=now))


def open_polls_for(organisation: Organisation, *, now=None):
    """The polls open now that ask the members of `organisation` (a branch or a primary
    organisation; the regional organisation's own staff are asked by region-wide polls)."""
    branch_id = organisation.pk if organisation.kind != OrganisationKind.PRIMARY else organisation.parent_id
    asks = Q(audience=Audience.REGION) | Q(audience=Audience.BRANCHES, audience_organisations=branch_id)
    if organisation.kind == OrganisationKind.PRIMARY:
        asks |= Q(audience=Audience.PRIMARIES, audience_organisations=branch_id)
    return _open_now(Poll.objects.filter(asks), now).distinct().order_by("closes_at", "pk")


def public_polls():
    """Polls a visitor may see: open ones and closed ones (with their results), newest first."""
    now = timezone.now()
    return Poll.objects.filter(opens_at__lte=now).order_by("-opens_at", "pk")


def poll_by_slug(slug: str) -> Poll | None:
    # The address is unique: no ordering to compile on every answer.
    return next(iter(Poll.objects.filter(slug=slug, opens_at__lte=timezone.now()).order_by()[:1]), None)


# (poll id, creation time, revision) -> questions, in this process. The poll row is read
# fresh on every request, and any change of a question bumps its revision, so an entry is
# never stale (the creation time guards against an id reused after a rollback);
# each answer saves a round trip and an unpickling. Bounded: old revisions are dropped.
_QUESTIONS: dict = {}
_QUESTIONS_MAX = 256


def poll_questions(poll: Poll) -> list[Question]:
    """The questions of a poll with their choices, for the form and the results."""
    key = (poll.pk, poll.created_at, poll.revision)
    questions = _QUESTIONS.get(key)
    if questions is None:
        questions = list(poll.questions.prefetch_related("choices"))
        if len(_QUESTIONS) >= _QUESTIONS_MAX:
            _QUESTIONS.clear()
        _QUESTIONS[key] = questions
    return questions


def poll_units(poll: Poll) -> list[Organisation]:
    """The organisations that get their own link (and their own row in the breakdown)."""
    if poll.audience == Audience.REGION:
        return list(Organisation.objects.filter(kind=OrganisationKind.BRANCH, is_active=True))
    chosen = [org.pk for org in poll.audience_organisations.all()]
    if poll.audience == Audience.PRIMARIES:
        return list(Organisation.objects.filter(parent_id__in=chosen, kind=OrganisationKind.PRIMARY, is_active=True))
    return list(Organisation.objects.filter(pk__in=chosen))


def unit_for_link(poll: Poll, slug: str) -> Organisation | None:
    return next((org for org in poll_units(poll) if org.slug == slug), None)


# --- Results -------------------------------------------------------------------------------


def suppress(values: list[int], *, total: int | None = None, threshold: int | None = None) -> list[int | None]:
    """Hide the counts from 1 to threshold-1 (None). Where the total is shown and just one
    count is hidden, the next smallest is hidden too, or the total would give it away."""
    threshold = settings.POLL_SMALL_CELL if threshold is None else threshold
    out = [None if 0 < v < threshold else v for v in values]
    hidden = [i for i, v in enumerate(out) if v is None]
    if total is not None and len(hidden) == 1:
        shown = sorted((v, i) for i, v in enumerate(out) if v is not None and v > 0)
        if shown:
            out[shown[0][1]] = None
    return out


@dataclass
class OptionResult:
    label: str
    count: int | None
    share: float | None  # per cent of those who answered the question


@dataclass
class UnitRow:
    unit: Organisation | None
    answered: int | None  # None: fewer than the threshold, the whole row is hidden
    cells: list[int | None] = field(default_factory=list)


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None
    units: list[UnitRow] = field(default_factory=list)

    @property
    def has_options(self) -> bool:
        return self.question.kind != QuestionKind.TEXT


@dataclass
class PollResults:
    poll: Poll
    answered: int
    invited: int | None
    threshold: int
    questions: list[QuestionResult]
    days: list[tuple[datetime.date, int | None]]
    units: list[UnitRow]
    too_few: bool  # fewer answers in all than the threshold: nothing is broken down

    @property
    def any_suppressed(self) -> bool:
        cells = [c for q in self.questions for row in q.units for c in row.cells]
        return (
            None in cells
            or any(row.answered is None for q in self.questions for row in q.units)
            or any(n is None for _d, n in self.days)
            or any(row.answered is None for row in self.units)
        )

    @property
    def method(self) -> str:
        return self.poll.access


# No request runs longer than this (gunicorn's timeout is 30 s): an answer sent just before
# the close is stored by then, and the counts can be frozen.
FREEZE_AFTER = datetime.timedelta(minutes=2)


def _from_json(data: dict) -> dict:
    return {
        "answers": [tuple(r) for r in data["answers"]],
        "respondents": [tuple(r) for r in data["respondents"]],
        "units": {(None if k == "" else int(k)): n for k, n in data["units"].items()},
        "days": [(datetime.date.fromisoformat(d), n) for d, n in data["days"]],
    }


def _to_json(data: dict) -> dict:
    return {
        "answers": [list(r) for r in data["answers"]],
        "respondents": [list(r) for r in data["respondents"]],
        "units": {("" if k is None else str(k)): n for k, n in data["units"].items()},
        "days": [[d.isoformat(), n] for d, n in data["days"]],
    }


def poll_freeze(poll: Poll, *, now=None) -> bool:
    """Store the counts of a poll closed for a while; a second call changes nothing."""
    now = now or timezone.now()
    if poll.tallies is not None or poll.effective_close > now - FREEZE_AFTER:
        return False
    data = _count(poll, [q.pk for q in poll_questions(poll)])
    frozen = Poll.objects.filter(pk=poll.pk, tallies__isnull=True).update(tallies=_to_json(data))
    poll.tallies = _to_json(data)
    return bool(frozen)


def _tallies(poll: Poll, question_ids: list[int]) -> dict:
    """The raw counts of a poll: frozen ones once it has closed, else four grouped queries."""
    if poll.tallies is not None:
        return _from_json(poll.tallies)
    if poll.is_closed and poll_freeze(poll):
        return _from_json(poll.tallies)
    return _count(poll, question_ids)


def _count(poll: Poll, question_ids: list[int]) -> dict:
    rows = (
        Answer.objects.filter(question_id__in=question_ids)
        .exclude(question__kind=QuestionKind.TEXT)
        .values_list("question_id", "unit_id", "choice_id", "scale")
        .annotate(n=Count("pk"))
        .order_by()
    )
    respondents = (
        Answer.objects.filter(question_id__in=question_ids)
        .values_list("question_id", "unit_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    per_unit = Response.objects.filter(poll=poll).values_list("unit_id").annotate(n=Count("pk")).order_by()
    per_day = Response.objects.filter(poll=poll).values_list("submitted_on").annotate(n=Count("pk")).order_by()
    data = {
        "answers": [tuple(r) for r in rows],
        "respondents": [tuple(r) for r in respondents],
        "units": dict(per_unit),
        "days": sorted(per_day),
    }
    return data


def poll_results(poll: Poll, *, threshold: int | None = None) -> PollResults:
    """Everything the results page, the XLSX and the DOCX show, with small cells hidden.
    A constant number of queries whatever the number of answers."""
    threshold = settings.POLL_SMALL_CELL if threshold is None else threshold
    questions = poll_questions(poll)
    tallies = _tallies(poll, [q.pk for q in questions])
    answered = sum(tallies["units"].values())
    invited = Invitation.objects.filter(poll=poll).count() if poll.access == Access.INVITATION else None
    too_few = answered < threshold
    units = poll_units(poll)
    unit_ids = [u.pk for u in units]
    # Answers that came through the general link have no unit; they get their own row.
    if tallies["units"].get(None):
        units.append(None)
        unit_ids.append(None)

    counts: dict = {}
    for question_id, unit_id, choice_id, scale, n in tallies["answers"]:
        option = choice_id if choice_id is not None else scale
        counts.setdefault(question_id, {}).setdefault(unit_id, {})[option] = n
    respondents: dict = {}
    for question_id, unit_id, n in tallies["respondents"]:
        respondents.setdefault(question_id, {})[unit_id] = n

    results = []
    for question in questions:
        by_unit = counts.get(question.pk, {})
        who = respondents.get(question.pk, {})
        total_answered = sum(who.values())
        result = QuestionResult(question=question, answered=total_answered)
        if question.kind == QuestionKind.TEXT:
            results.append(result)
            continue
        if question.kind == QuestionKind.SCALE:
            options = [(point, str(point)) for point in range(1, 6)]
        else:
            options = [(choice.pk, choice.label) for choice in question.choices.all()]
        totals = [sum(by_unit.get(u, {}).get(key, 0) for u in by_unit) for key, _label in options]
        for (_key, label), n in zip(options, totals, strict=True):
            share = round(100 * n / total_answered, 1) if total_answered and not too_few else None
            result.options.append(OptionResult(label=label, count=None if too_few else n, share=share))
        if question.kind == QuestionKind.SCALE and total_answered and not too_few:
            result.mean = round(sum(point * n for (point, _l), n in zip(options, totals, strict=True)) / total_answered, 2)
        if not too_few:
            for unit, unit_id in zip(units, unit_ids, strict=True):
                n_unit = who.get(unit_id, 0)
                cells = [by_unit.get(unit_id, {}).get(key, 0) for key, _label in options]
                if 0 < n_unit < threshold:
                    result.units.append(UnitRow(unit=unit, answered=None, cells=[None] * len(cells)))
                else:
                    single = question.kind != QuestionKind.MULTIPLE
                    shown = suppress(cells, total=n_unit if single else None, threshold=threshold)
                    result.units.append(UnitRow(unit=unit, answered=n_unit, cells=shown))
        results.append(result)

    unit_rows = []
    unit_counts = [tallies["units"].get(u, 0) for u in unit_ids]
    for unit, n in zip(units, suppress(unit_counts, total=answered, threshold=threshold), strict=True):
        unit_rows.append(UnitRow(unit=unit, answered=n))
    day_values = suppress([n for _d, n in tallies["days"]], total=answered, threshold=threshold)
    days = [(day, n) for (day, _n), n in zip(tallies["days"], day_values, strict=True)]
    return PollResults(
        poll=poll,
        answered=answered,
        invited=invited,
        threshold=threshold,
        questions=results,
        days=days,
        units=unit_rows,
        too_few=too_few,
    )


def text_answers(poll: Poll, *, question_id: int | None = None):
    """Free-text answers for staff to read and mark, marked first."""
    qs = Answer.objects.filter(question__poll=poll, question__kind=QuestionKind.TEXT).exclude(text="")
    if question_id is not None:
        qs = qs.filter(question_id=question_id)
    return qs.select_related("question", "unit").order_by("question__position", "-is_marked", "pk")


def outcome_telegram_recipients(poll: Poll) -> list[int]:
    """Telegram subscribers whose invitation code was used: the messaging app sends them the
    "you said, we did" note (who among them answered what stays unknown)."""
    return list(
        poll.invitations.filter(is_used=True, telegram_subscriber_id__isnull=False)
        .values_list("telegram_subscriber_id", flat=True)
        .order_by("telegram_subscriber_id")
    )


def telegram_poll_payload(poll: Poll) -> dict | None:
    """What the bot needs to send a poll of one choice question as a native Telegram poll
    (sendPoll: a question of up to 300 characters, 2 to 10 options of up to 100), in the
    active language; None when the poll must go out as a link instead."""
    questions = poll_questions(poll)
    if len(questions) != 1 or not questions[0].has_choices:
        return None
    question = questions[0]
    options = [choice.label for choice in question.choices.all()]
    if not 2 <= len(options) <= 10 or len(question.text) > 300 or any(len(o) > 100 for o in options):
        return None
    return {
        "question": question.text,
        "options": options,
        "allows_multiple_answers": question.kind == QuestionKind.MULTIPLE,
        "is_anonymous": False,  # a bot hears answers only of non-anonymous polls; the code keeps them apart
    }


def poll_by_id(*, pk) -> Poll | None:
    """A poll by id, or None (a message about it may outlive it)."""
    return Poll.objects.filter(pk=pk).first()


def polls_opened_recently(*, now: datetime.datetime, within: datetime.timedelta) -> QuerySet[Poll]:
    """Polls that opened within `within` before `now` and are still open, oldest first
    (the bot invites to each once)."""
    return Poll.objects.filter(
        opens_at__lte=now, opens_at__gte=now - within, closes_at__gt=now, closed_at__isnull=True
    ).order_by("opens_at", "pk")


def polls_with_outcome_since(*, since: datetime.datetime) -> QuerySet[Poll]:
    """Polls whose "you said, we did" was published since `since`, oldest first."""
    return Poll.objects.filter(outcome_published_at__gte=since).order_by("outcome_published_at", "pk")


def poll_asks_whole_region(poll: Poll) -> bool:
    return poll.audience == Audience.REGION
