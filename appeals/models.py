"""Appeals of members: questions, complaints and messages, from the web form or logged by
staff from other channels, with their history, answers, ratings and the public FAQ."""

import base64
import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from appeals.choices import OPEN_STATUSES, Channel, EventKind, Rating, Status, Topic
from appeals.phones import normalise_phone
from branches.scoping import ScopedManager
from unionportal.storage import private_storage as unionportal_private_storage

# A received time this far ahead of the server's clock is a typing mistake, not a clock skew.
RECEIVED_AT_TOLERANCE = datetime.timedelta(minutes=10)

QUESTION_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 10000


def private_storage():
    """Attachments hold personal data: the "private" storage (outside MEDIA_ROOT on disk, a
    private prefix of the object store), served only to staff by a view."""
    return unionportal_private_storage


def tracking_code_for(salt: str) -> str:
    """The member's tracking code, derived from the appeal's random salt and the secret key.

    Only its SHA-256 is stored (`code_hash`), so a copy of the database does not hold working
    links; the server can still re-derive the code to e-mail it, given only the appeal's id.
    """
    digest = salted_hmac("appeals.tracking-code", salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


class Appeal(models.Model):
    """One question, complaint or message of a member, whatever channel it came by."""

    BRANCH_SCOPE_FIELD = "branch"

    # Unique by the constraints below, not `unique=True`, which on PostgreSQL adds a second
    # index for LIKE to each: these are only ever looked up whole, and each index is written
    # by every appeal a member sends.
    reference = models.CharField(_("reference number"), max_length=20, editable=False)
    code_salt = models.CharField(max_length=40, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    form_token = models.CharField(max_length=64, null=True, blank=True, editable=False)

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ru")

    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, help_text=_("Stored in the international form, e.g. +77015551234.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("member account"),
    )
    workplace = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("workplace"),
    )
    workplace_text = models.CharField(_("workplace (as written)"), max_length=300, blank=True)
    branch = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        # Led by the branch: appeal_branch_status and appeal_branch_received serve it.
        db_index=False,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("routed to"),
        help_text=_("The branch that handles the appeal; empty means the regional apparatus."),
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)  # indexed below, without LIKE's twin
    question = models.TextField(_("question"), validators=[MaxLengthValidator(QUESTION_MAX_LENGTH)])
    attachment = models.FileField(_("attachment"), upload_to="%Y/%m/", storage=private_storage, blank=True)

    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_appeals",
        verbose_name=_("assignee"),
    )
    due_date = models.DateField(_("due date"), db_index=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    answer = models.TextField(_("answer"), blank=True, validators=[MaxLengthValidator(ANSWER_MAX_LENGTH)])
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True, validators=[MaxLengthValidator(1000)])
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    # The outbox: set once the e-mails went out, so a job can catch up after a broker outage.
    notified_at = models.DateTimeField(_("notifications sent"), null=True, blank=True)
    answer_sent_at = models.DateTimeField(_("answer e-mailed"), null=True, blank=True)
    # A send in progress: taken by the worker sending, cleared once sent or failed. A claim
    # older than APPEAL_MAIL_LEASE_SECONDS belongs to a worker that died mid-send, and the
    # outbox drain takes it over, so a killed worker delays an e-mail instead of losing it.
    notify_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The member's receipt went out (the staff notice may not have yet): a retry after a
    # worker died between the two sends only the notice.
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    answer_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [
            models.Index(fields=["status", "due_date"], name="appeal_status_due"),
            models.Index(fields=["branch", "status"], name="appeal_branch_status"),
            models.Index(fields=["channel", "received_at"], name="appeal_channel_received"),
            # The admin list filtered by status or by branch (a branch editor's own), newest first.
            models.Index(fields=["status", "-received_at"], name="appeal_status_received"),
            models.Index(fields=["branch", "-received_at"], name="appeal_branch_received"),
            models.Index(fields=["email"], name="appeal_email"),
            models.Index(fields=["phone"], name="appeal_phone"),
            models.Index(fields=["topic"], name="appeal_topic"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], name="appeal_reference_unique", violation_error_message=_("An appeal with this reference number already exists.")
            ),
            models.UniqueConstraint(
                fields=["code_hash"], name="appeal_code_hash_unique", violation_error_message=_("This tracking code is already in use.")
            ),
            models.UniqueConstraint(
                fields=["form_token"], name="appeal_form_token_unique", violation_error_message=_("This appeal has already been sent.")
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="appeal_duplicate_names_original", violation_error_message=_("An appeal marked as a duplicate must name the original appeal."),
            ),
        ]

    def __str__(self):
        return self.reference

    def clean(self):
        # One form for every phone: erasure, export and duplicate suggestions compare them.
        errors = {}
        try:
            self.phone = normalise_phone(self.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
        if self.received_at and self.received_at > timezone.now() + RECEIVED_AT_TOLERANCE and self.anonymised_at is None:
            errors["received_at"] = [_("The date received is in the future.")]
        if errors:
            raise ValidationError(errors)

    @property
    def tracking_code(self) -> str:
        return tracking_code_for(self.code_salt)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    @property
    def can_be_rated(self) -> bool:
        return self.status == Status.CLOSED and not self.rating and self.anonymised_at is None


class AppealEvent(models.Model):
    """One change to an appeal: who did what and when. Public events are shown to the member."""

    # Led by the appeal: appealevent_appeal_time serves it (and the cascade of a deletion).
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, db_index=False, related_name="events", verbose_name=_("appeal"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(_("details"), blank=True)
    is_public = models.BooleanField(_("shown to the member"), default=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal history")
        indexes = [models.Index(fields=["appeal", "created_at"], name="appealevent_appeal_time")]

    def __str__(self):
        return str(self.get_kind_display())


class CannedReply(models.Model):
    """A reusable answer that staff start from; shared by every branch."""

    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, blank=True)
    text_ru = models.TextField(_("text (Russian)"))
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["topic", "title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        constraints = [models.UniqueConstraint(fields=["title"], name="cannedreply_unique_title", violation_error_message=_("A canned reply with this title already exists."))]

    def __str__(self):
        return self.title

    def text_for(self, language: str) -> str:
        return self.text_kk if language == "kk" and self.text_kk else self.text_ru


class FaqEntry(models.Model):
    """A frequent question with its answer, public on /appeal/faq/, often made from an appeal."""

    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, db_index=True)
    question_ru = models.TextField(_("question (Russian)"))
    answer_ru = models.TextField(_("answer (Russian)"))
    question_kk = models.TextField(_("question (Kazakh)"), blank=True)
    answer_kk = models.TextField(_("answer (Kazakh)"), blank=True)
    source_appeal = models.ForeignKey(
        Appeal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made from appeal"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["position", "topic", "pk"]
        verbose_name = _("frequent question")
        verbose_name_plural = _("frequent questions")
        indexes = [models.Index(fields=["is_published", "position"], name="faq_published_position")]

    def __str__(self):
        return self.question_ru[:80]

    @cached_property
    def _kk(self) -> bool:
        return (get_language() or "").startswith("kk") and bool(self.question_kk and self.answer_kk)

    @property
    def question(self) -> str:
        return self.question_kk if self._kk else self.question_ru

    @property
    def answer_text(self) -> str:
        return self.answer_kk if self._kk else self.answer_ru


class ReminderLog(models.Model):
    """The day an assignee got their overdue reminder: makes the daily job idempotent."""

    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["assignee", "day"], name="reminderlog_once_a_day", violation_error_message=_("This person has already been reminded today."))]

    def __str__(self):
        return f"{self.assignee_id} {self.day}"
