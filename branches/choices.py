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
