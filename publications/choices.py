from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelGroup(models.TextChoices):
    """Where a channel belongs in the report: own pages, printed matter, stands."""

    OWN_PAGES = "own_pages", _("Own pages")
    PRINTED = "printed", _("Printed matter")
    STAND = "stand", _("Stands and union corners")


class Channel(models.TextChoices):
    # Own pages
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    TELEGRAM = "telegram", "Telegram"
    WEBSITE = "website", _("Website")
    WHATSAPP = "whatsapp", _("WhatsApp channel")
    # Printed matter
    MEMO = "memo", _("Memo")
    BROCHURE = "brochure", _("Brochure")
    LEAFLET = "leaflet", _("Leaflet")
    POSTER = "poster", _("Poster")
    BOOKLET = "booklet", _("Booklet")
    BULLETIN = "bulletin", _("Information bulletin")
    EXPRESS_INFO = "express_info", _("Express information")
    METHODICAL = "methodical", _("Methodical recommendations")
    # A stand or a union corner in a primary organisation
    STAND = "stand", _("Stand or union corner")

    @classmethod
    def group_of(cls, channel: str) -> str:
        if channel in OWN_PAGE_CHANNELS:
            return ChannelGroup.OWN_PAGES
        if channel == cls.STAND:
            return ChannelGroup.STAND
        return ChannelGroup.PRINTED


OWN_PAGE_CHANNELS = frozenset(
    {Channel.FACEBOOK, Channel.INSTAGRAM, Channel.TELEGRAM, Channel.WEBSITE, Channel.WHATSAPP}
)

# branches.Platform -> the channel a post on that platform is logged under.
PLATFORM_CHANNELS = {
    "facebook": Channel.FACEBOOK,
    "instagram": Channel.INSTAGRAM,
    "telegram": Channel.TELEGRAM,
    "website": Channel.WEBSITE,
    "whatsapp": Channel.WHATSAPP,
}


class Language(models.TextChoices):
    RU = "ru", _("Russian")
    KK = "kk", _("Kazakh")
    BOTH = "both", _("Russian and Kazakh")


class IncomingStatus(models.TextChoices):
    """Where a post that came in by itself stands in the review queue."""

    PENDING = "pending", _("came in automatically; check the rubric and topic")
    ACCEPTED = "accepted", _("accepted")
    MATCHED = "matched", _("already logged by hand")
    REJECTED = "rejected", _("rejected")
