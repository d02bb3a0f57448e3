"""Informing members through the Telegram bot and staff through the weekly e-mail: who
subscribed to what, what was sent to whom (the outbox), and the appeals that came by chat."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.scoping import ScopedManager
from messaging.choices import BotLanguage, Kind, NewsMode, OutboxStatus


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        """Subscribers who agreed, have not left and have not blocked the bot."""
        return self.filter(
            chat_id__isnull=False, consent_at__isnull=False, stopped_at__isnull=True, blocked_at__isnull=True
        )


class Subscriber(models.Model):
    """One Telegram chat with the bot. The chat id is personal data: it is emptied when the
    member asks (/forget) and by the retention job once they have left."""

    # No BRANCH_SCOPE_FIELD: nobody opens a subscriber's row, not even in their own branch.
    # The admin shows counts only, scoped by `selectors.subscriber_counts`.
    ROLE_PERMISSIONS = {"branch_editor": {"view"}, "regional_staff": {"view"}}

    chat_id = models.BigIntegerField(_("chat"), null=True, blank=True, unique=True, editable=False)
    branch = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscribers",
        verbose_name=_("branch"),
        help_text=_("Empty: the news of the regional organisation only."),
    )
    language = models.CharField(_("language"), max_length=4, choices=BotLanguage.choices, default=BotLanguage.RU)
    news_mode = models.CharField(_("news"), max_length=10, choices=NewsMode.choices, default=NewsMode.EACH)
    wants_giveaways = models.BooleanField(_("giveaways"), default=True)
    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    blocked_at = models.DateTimeField(_("blocked the bot"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    # The /question conversation in progress: step, topic, text, file id. Emptied when the
    # appeal is sent, on /cancel, /stop and erasure.
    dialog = models.JSONField(_("conversation"), default=dict, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        indexes = [models.Index(fields=["branch", "language"], name="subscriber_branch_lang")]

    def __str__(self):
        return str(_("Subscriber #%(pk)s") % {"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return bool(self.chat_id and self.consent_at and not self.stopped_at and not self.blocked_at)


class Broadcast(models.Model):
    """One thing sent to many: a news item, a digest, a giveaway, a notice, a poll. Its texts
    are rendered for each member at send time, in the member's language."""

    BRANCH_SCOPE_FIELD = "branch"

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    branch = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="broadcasts",
        verbose_name=_("branch"),
        help_text=_("Empty: every subscriber."),
    )
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    # What the texts are made from at send time: {"publication_id": 5}, {"giveaway_id": 2} …
    payload = models.JSONField(_("data"), default=dict, blank=True)
    # What the broadcast is about, so a job that runs twice queues it once.
    source_key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("queued"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        indexes = [models.Index(fields=["branch", "-created_at"], name="broadcast_branch_newest")]

    def __str__(self):
        return f"{self.get_kind_display()} · {timezone.localtime(self.created_at):%d.%m.%Y %H:%M}"


class OutboxMessage(models.Model):
    """One message to one chat. A sender claims it (pending → sending) with a conditional
    update, marks the moment it hands it to Telegram (`attempted_at`), then its outcome; a
    sender that dies leaves a trace that tells resent-safe rows from possibly-sent ones."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, null=True, blank=True, related_name="messages", verbose_name=_("broadcast")
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="messages", verbose_name=_("subscriber"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the text is made from at send time (a reply's key, an appeal id); never the text.
    payload = models.JSONField(_("data"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    not_before = models.DateTimeField(_("not before"), default=timezone.now)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempted_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    telegram_message_id = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [models.Index(fields=["status", "not_before"], name="outbox_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "subscriber"],
                condition=Q(broadcast__isnull=False),
                name="outbox_one_per_broadcast_and_subscriber",
                violation_error_message=_("A broadcast reaches each subscriber once."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class SenderLease(models.Model):
    """The right to send, held by one process at a time so the rate limits are kept across
    workers. Taken and renewed with a conditional update; a dead holder's lease expires."""

    name = models.CharField(max_length=20, unique=True)
    holder = models.CharField(max_length=32, blank=True)
    expires_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sender lease")
        verbose_name_plural = _("sender leases")

    def __str__(self):
        return self.name


class ProcessedUpdate(models.Model):
    """The id of an update from Telegram already handled: Telegram resends an update it
    thinks was lost, and a redelivery must not create a second appeal. Holds no content."""

    update_id = models.BigIntegerField(unique=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-update_id"]
        verbose_name = _("processed update")
        verbose_name_plural = _("processed updates")

    def __str__(self):
        return str(self.update_id)


class ChatAppeal(models.Model):
    """An appeal sent through the bot, so its answer can go back to the chat."""

    appeal = models.OneToOneField("appeals.Appeal", on_delete=models.CASCADE, related_name="+", verbose_name=_("appeal"))
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("subscriber"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("appeal from the bot")
        verbose_name_plural = _("appeals from the bot")

    def __str__(self):
        return str(self.appeal_id)


class DigestPreference(models.Model):
    """A staff member's choice about the weekly e-mail digest (on unless turned off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference", verbose_name=_("user")
    )
    weekly_email = models.BooleanField(_("weekly e-mail digest"), default=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self):
        return str(self.user)


class DigestLog(models.Model):
    """One weekly digest sent to one person: the unique row is the claim, so a second run
    of the job in the same week sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    week = models.DateField(_("week starting"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-week"]
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week"],
                name="digestlog_one_per_user_and_week",
                violation_error_message=_("This week's digest was already sent."),
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.week}"


class NativePoll(models.Model):
    """A native Telegram poll the bot sent: Telegram's poll id tells whose answer a
    `poll_answer` update is and for which of the portal's polls. Nothing about the answer
    is kept here (polls keeps it, apart from the spent code)."""

    telegram_poll_id = models.CharField(max_length=64, unique=True)
    poll_id = models.PositiveIntegerField(_("poll"))
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="native_polls")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Telegram poll sent")
        verbose_name_plural = _("Telegram polls sent")

    def __str__(self):
        return self.telegram_poll_id
