"""Polls and surveys of members: the questions staff ask, and the answers members give.

What keeps answers anonymous is the shape of the tables: an `Invitation` (a one-time code)
records only that it was used, with no time; a `Response` has no key, time or order that
points at an invitation (a random UUID, the day only, no link to the code). Nothing in the
code writes one from the other, and `polls.services.invitations_reshuffle` rewrites the
used codes so that even their physical order in the table says nothing.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from branches.choices import OrganisationKind
from branches.scoping import ScopedManager
from polls.choices import Access, Audience, InvitationChannel, PollState, QuestionKind

MAX_QUESTIONS = 20
SHORT_SURVEY_QUESTIONS = 5  # up to this many questions: one page; more: one question a screen


def _in_kazakh() -> bool:
    return (get_language() or "").startswith("kk")


class Poll(models.Model):
    """A poll (a few questions) or a survey (up to 20) put to members for a time."""

    BRANCH_SCOPE_FIELD = "organisation"

    organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        related_name="polls",
        verbose_name=_("run by"),
        help_text=_("The regional organisation or the branch that asks."),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True, help_text=_("The poll's address: /polls/<address>/"))
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True)
    intro_ru = models.TextField(_("introduction (Russian)"), blank=True)
    intro_kk = models.TextField(_("introduction (Kazakh)"), blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.REGION)
    audience_organisations = models.ManyToManyField(
        "branches.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("branches asked"),
        help_text=_("The branches asked; for the primary organisations of a branch, that one branch."),
    )
    access = models.CharField(_("who may answer"), max_length=20, choices=Access.choices, default=Access.OPEN)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=True, help_text=_("Off: members give their name and a contact with the answer.")
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    closed_at = models.DateTimeField(_("closed early"), null=True, blank=True, editable=False)
    outcome_ru = models.TextField(
        _("“You said, we did” (Russian)"), blank=True, help_text=_("What was decided after the poll; published with the results.")
    )
    outcome_kk = models.TextField(_("“You said, we did” (Kazakh)"), blank=True)
    outcome_published_at = models.DateTimeField(_("decision published"), null=True, blank=True, editable=False)
    outcome_sent_at = models.DateTimeField(_("decision sent"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Bumped by every change of a question: the cached questions of the form follow it.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # The counts, frozen once the poll has closed (see polls.selectors.poll_freeze): the
    # published results cannot drift, and reading them costs no count over the answers.
    tallies = models.JSONField(null=True, blank=True, editable=False)

    objects = ScopedManager()

    class Meta:
        ordering = ["-opens_at", "pk"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [models.Index(fields=["opens_at", "closes_at"], name="poll_open_window")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="poll_closes_after_opening",
                violation_error_message=_("A poll must close after it opens."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.title_kk if self.title_kk and _in_kazakh() else self.title_ru

    @property
    def intro(self) -> str:
        return self.intro_kk if self.intro_kk and _in_kazakh() else self.intro_ru

    @property
    def outcome(self) -> str:
        return self.outcome_kk if self.outcome_kk and _in_kazakh() else self.outcome_ru

    @property
    def effective_close(self):
        return min(self.closes_at, self.closed_at) if self.closed_at else self.closes_at

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if now >= self.effective_close:
            return PollState.CLOSED
        if now < self.opens_at:
            return PollState.SCHEDULED
        return PollState.OPEN

    @property
    def is_open(self) -> bool:
        return self.state() == PollState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state() == PollState.CLOSED

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A poll must close after it opens.")})

    def clean_audience(self, organisations) -> None:
        """The audience must fit its kind and the organisation that asks: a branch asks only
        itself or its own primary organisations. Called with the chosen organisations,
        because a many-to-many value is not on the instance before it is saved."""
        organisations = list(organisations)
        kinds = {org.kind for org in organisations}
        if self.audience == Audience.REGION:
            if self.organisation_id and self.organisation.kind != OrganisationKind.REGIONAL:
                raise ValidationError({"audience": _("Only the regional organisation asks the whole region.")})
            return
        if not organisations:
            raise ValidationError({"audience_organisations": _("Choose the branches to ask.")})
        if kinds - {OrganisationKind.BRANCH}:
            raise ValidationError({"audience_organisations": _("Choose branches, not primary organisations.")})
        if self.audience == Audience.PRIMARIES and len(organisations) != 1:
            raise ValidationError({"audience_organisations": _("Choose the one branch whose primary organisations are asked.")})
        if self.organisation_id and self.organisation.kind != OrganisationKind.REGIONAL:
            if any(org.pk != self.organisation_id for org in organisations):
                raise ValidationError({"audience_organisations": _("A branch asks only its own members.")})


class Question(models.Model):
    """One question of a poll. Frozen once the poll has an answer."""

    BRANCH_SCOPE_FIELD = "poll__organisation"

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions", verbose_name=_("poll"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    text_ru = models.CharField(_("question (Russian)"), max_length=300)
    text_kk = models.CharField(_("question (Kazakh)"), max_length=300, blank=True)
    choices_ru = models.TextField(
        _("answers (Russian)"), blank=True, help_text=_("For a choice: one answer a line, 2 to 12 lines.")
    )
    choices_kk = models.TextField(
        _("answers (Kazakh)"), blank=True, help_text=_("The same answers in the same order, one a line (optional).")
    )
    max_choices = models.PositiveSmallIntegerField(
        _("at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
        help_text=_("For multiple choice: how many answers a member may tick."),
    )
    max_length = models.PositiveSmallIntegerField(
        _("longest answer (characters)"), default=500, validators=[MinValueValidator(10), MaxValueValidator(2000)]
    )
    is_required = models.BooleanField(_("required"), default=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["poll", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return self.text_kk if self.text_kk and _in_kazakh() else self.text_ru

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    def clean(self):
        lines_ru = split_lines(self.choices_ru)
        lines_kk = split_lines(self.choices_kk)
        if self.has_choices:
            if not 2 <= len(lines_ru) <= 12:
                raise ValidationError({"choices_ru": _("A choice question needs 2 to 12 answers, one a line.")})
            if lines_kk and len(lines_kk) != len(lines_ru):
                raise ValidationError({"choices_kk": _("Give the Kazakh answers in the same number as the Russian ones.")})
        if self.kind == QuestionKind.MULTIPLE and self.max_choices and self.max_choices > len(lines_ru):
            raise ValidationError({"max_choices": _("The maximum cannot exceed the number of answers.")})


def split_lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class Choice(models.Model):
    """An answer offered by a choice question; made from the question's lines by the service."""

    BRANCH_SCOPE_FIELD = "question__poll__organisation"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    label_ru = models.CharField(_("answer option (Russian)"), max_length=200)
    label_kk = models.CharField(_("answer option (Kazakh)"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("answer offered")
        verbose_name_plural = _("answers offered")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"],
                name="choice_one_per_position",
                violation_error_message=_("This question already has an answer offered at this position."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_kk if self.label_kk and _in_kazakh() else self.label_ru


class Response(models.Model):
    """One member's answers to a poll.

    No link to an invitation, a random id and the day only: see the module docstring.
    """

    BRANCH_SCOPE_FIELD = "poll__organisation"
    # Staff read answers; nobody changes them.
    ROLE_PERMISSIONS = {"chair": {"view"}, "regional_staff": {"view"}, "branch_editor": {"view"}}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="responses", verbose_name=_("poll"))
    unit = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered through the link of"),
    )
    submitted_on = models.DateField(_("day"))
    language = models.CharField(_("language"), max_length=5, blank=True)
    # A nonce of the form served: a second submit of the same form is the same answer.
    form_nonce = models.CharField(max_length=64, editable=False)
    # Named polls only.
    respondent_name = models.CharField(pgettext_lazy("person", "name"), max_length=200, blank=True)
    respondent_email = models.EmailField(_("e-mail"), blank=True)
    respondent_phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["poll", "submitted_on"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["poll", "unit"], name="response_poll_unit")]
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "form_nonce"],
                name="response_one_per_form",
                violation_error_message=_("This answer has already been counted."),
            ),
        ]

    def __str__(self):
        return f"{self.poll} · {self.submitted_on}"


class Answer(models.Model):
    """The answer to one question: a choice (one row per ticked choice), a scale point or a text."""

    BRANCH_SCOPE_FIELD = "response__poll__organisation"
    ROLE_PERMISSIONS = {"chair": {"view"}, "regional_staff": {"view"}, "branch_editor": {"view"}}

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("answer"))
    # The response's unit, copied: the breakdown by branch reads one table, not a join.
    unit = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    scale = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    is_marked = models.BooleanField(_("marked"), default=False, help_text=_("Staff marked this text as worth acting on."))

    objects = ScopedManager()

    class Meta:
        ordering = ["question", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "unit", "choice", "scale"], name="answer_tally")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                name="answer_scale_1_to_5",
                violation_error_message=_("A score is from 1 to 5."),
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                name="answer_choice_once",
                violation_error_message=_("An answer can be ticked only once."),
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.choice_id or self.scale or self.text[:40]}"


class Invitation(models.Model):
    """A one-time code to answer an invitation-only poll.

    Only a hash of the code is kept. `is_used` is the whole record of its use: no time and
    no link to the answer (see the module docstring).
    """

    BRANCH_SCOPE_FIELD = "poll__organisation"
    ROLE_PERMISSIONS = {"chair": {"view"}, "regional_staff": {"view", "delete"}, "branch_editor": {"view"}}

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("poll"))
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("sent by"), max_length=20, choices=InvitationChannel.choices)
    unit = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for the members of"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    telegram_subscriber_id = models.PositiveBigIntegerField(_("Telegram subscriber"), null=True, blank=True)
    batch = models.CharField(_("batch"), max_length=100, blank=True)
    is_used = models.BooleanField(_("used"), default=False)

    objects = ScopedManager()

    class Meta:
        ordering = ["poll", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["poll", "is_used"], name="invitation_poll_used")]

    def __str__(self):
        return f"{self.poll} · {self.get_channel_display()}"
