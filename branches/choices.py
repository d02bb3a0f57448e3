from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    REGIONAL = "regional", _("Regional organisation")
    BRANCH = "branch", _("Branch (city or district organisation)")
    PRIMARY = "primary", _("Primary organisation")


class PrimaryKind(models.TextChoices):
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")
    RESEARCH = "research", _("Research institute")
    OTHER = "other", _("Other")


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    VK = "vk", _("VK")
    WEBSITE = "website", _("Website")
    OTHER = "other", _("Other")


class LinkKind(models.TextChoices):
    """What a social link points at once normalised."""

    PROFILE = "profile", _("Profile or page")
    POST = "post", _("Post")
    SHARE = "share", _("Share link")
    PERSONAL = "personal", _("Personal profile")
    CHANNEL = "channel", _("Channel or group")
    SITE = "site", _("Website")


class LinkProblem(models.TextChoices):
    """Problems of a registry link that staff must look at; they are flagged, not hidden."""

    POST_NOT_PROFILE = "post_not_profile", _("A post where a profile is expected")
    SHARE_LINK = "share_link", _("A share link hiding the profile")
    PERSONAL_PROFILE = "personal_profile", _("A personal profile stands for the organisation")
    SHARED_ACCOUNT = "shared_account", _("The same account is registered for another organisation")
    DEAD_LINK = "dead_link", _("The link was dead on two checks in a row")



class ConnectionStatus(models.TextChoices):
    """Whether a connected account can be read."""

    ACTIVE = "active", _("working")
    NO_TOKEN = "no_token", _("no token")
    EXPIRED = "expired", _("token expired")
    REVOKED = "revoked", _("token revoked or invalid")
