"""The fixed vocabularies of the media part: kinds and levels of outlets, kinds of appearance."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutletKind(models.TextChoices):
    NEWSPAPER = "newspaper", _("Newspaper")
    MAGAZINE = "magazine", _("Magazine")
    TV_CHANNEL = "tv_channel", _("TV channel")
    RADIO = "radio", _("Radio")
    YOUTUBE_CHANNEL = "youtube_channel", _("YouTube channel")
    NEWS_SITE = "news_site", _("News site")
    PARTNER_PAGE = "partner_page", _("Social partner page")


# Kinds whose articles count as printed publications ("publications in republican papers").
PRINT_KINDS = (OutletKind.NEWSPAPER, OutletKind.MAGAZINE)


class OutletLevel(models.TextChoices):
    REPUBLICAN = "republican", _("Republican")
    REGIONAL = "regional", _("Regional")
    DISTRICT = "district", _("District or city")


class AppearanceKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    INTERVIEW = "interview", _("Interview")
    TV_BROADCAST = "tv_broadcast", _("TV broadcast")
    RADIO_BROADCAST = "radio_broadcast", _("Radio broadcast")
    VIDEO = "video", _("Video")
    PARTNER_REPOST = "partner_repost", _("Repost by a social partner")


# Only these have a running time worth recording.
BROADCAST_KINDS = (AppearanceKind.TV_BROADCAST, AppearanceKind.RADIO_BROADCAST, AppearanceKind.VIDEO, AppearanceKind.INTERVIEW)


class Language(models.TextChoices):
    RUSSIAN = "ru", _("Russian")
    KAZAKH = "kk", _("Kazakh")
    BOTH = "ru_kk", _("Russian and Kazakh")
    OTHER = "other", _("Other")


class IncomingVideoStatus(models.TextChoices):
    PENDING = "pending", _("came in automatically; check it")
    ACCEPTED = "accepted", _("accepted")
    MATCHED = "matched", _("already recorded by hand")
    REJECTED = "rejected", _("rejected")
