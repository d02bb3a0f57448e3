from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Audience(models.TextChoices):
    REGION = "region", _("The whole region (every branch)")
    BRANCHES = "branches", _("One or several branches")
    PRIMARIES = "primaries", _("The primary organisations of a branch")


class Access(models.TextChoices):
    OPEN = "open", _("Open: anyone with the link, one answer per browser")
    INVITATION = "invitation", _("By invitation: a one-time code per person")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale from 1 to 5")
    TEXT = "text", _("Short free text")


class InvitationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")
    PRINTED = "printed", _("Printed code")


class PollState(models.TextChoices):
    SCHEDULED = "scheduled", _("Not open yet")
    OPEN = "open", pgettext_lazy("poll state", "Open")
    CLOSED = "closed", pgettext_lazy("poll state", "Closed")
