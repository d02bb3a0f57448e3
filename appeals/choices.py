from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    FACEBOOK = "facebook", _("Facebook comment or message")
    INSTAGRAM = "instagram", _("Instagram comment or message")
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit in person")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


# Channels staff log appeals from; the web form stores its own. The first is the admin's default:
# most of the report's 1,358 appeals came by WhatsApp.
STAFF_CHANNELS = [c for c in Channel if c != Channel.WEB]


class Topic(models.TextChoices):
    WAGES = "wages", _("Wages")
    LABOUR_RIGHTS = "labour_rights", _("Labour rights")
    LABOUR_SAFETY = "labour_safety", _("Labour safety")
    LEAVE = "leave", _("Leave")
    WORKLOAD = "workload", _("Workload and certification")
    SOCIAL_SUPPORT = "social_support", _("Social support")
    LEGAL_HELP = "legal_help", _("Legal help")
    MEMBERSHIP = "membership", _("Union membership")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


# Appeals still waiting for the union: they have a due date and can be overdue.
OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)
# Appeals the union has finished with: they count for anonymisation after the retention period.
FINISHED_STATUSES = (Status.CLOSED, Status.REJECTED, Status.DUPLICATE)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Received")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assignee changed")
    ROUTED = "routed", _("Routed to an organisation")
    DUE = "due", _("Due date changed")
    EDITED = "edited", _("Details edited")
    NOTE = "note", _("Internal note")
    ANSWERED = "answered", _("Answered")
    RATED = "rated", _("Rated by the member")
    ANONYMISED = "anonymised", _("Personal data removed")
    EXPORTED = "exported", _("Personal data exported")


class Rating(models.TextChoices):
    HELPFUL = "helpful", _("Helpful")
    NOT_HELPFUL = "not_helpful", _("Not helpful")
