from django.db import models
from django.utils.translation import gettext_lazy as _


class BotLanguage(models.TextChoices):
    """The languages the bot speaks; a member picks one with a button."""

    RU = "ru", "Русский"
    KK = "kk", "Қазақша"


class NewsMode(models.TextChoices):
    EACH = "each", _("Each item as it is published")
    DAILY = "daily", _("A daily digest")
    OFF = "off", _("No news")


class Kind(models.TextChoices):
    """What a message is; each kind has its own subscription switch and text."""

    NEWS = "news", _("News item")
    DIGEST = "digest", _("Daily news digest")
    GIVEAWAY = "giveaway", _("Giveaway")
    GIVEAWAY_RESULT = "giveaway_result", _("Giveaway result")
    NOTICE = "notice", _("Important notice")
    POLL = "poll", _("Poll")
    ANSWER = "answer", _("Answer to an appeal")
    RATE = "rate", _("Rating request")
    REPLY = "reply", _("Bot reply")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Delivered")
    BLOCKED = "blocked", _("Blocked by the member")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


# Broadcast kinds a person chooses to receive (a reply or an answer is always sent).
BROADCAST_KINDS = (Kind.NEWS, Kind.DIGEST, Kind.GIVEAWAY, Kind.GIVEAWAY_RESULT, Kind.NOTICE, Kind.POLL)
