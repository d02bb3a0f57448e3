from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportLanguage(models.TextChoices):
    """The two languages the organisation writes its report in."""

    RUSSIAN = "ru", _("Russian")
    KAZAKH = "kk", _("Kazakh")


class NarrativeSection(models.TextChoices):
    """The editable paragraphs of the annual report, in the order they appear."""

    INTRO = "intro", _("Introduction")
    CHANNELS = "channels", _("Channels of information work")
    PUBLICATIONS = "publications", _("Publications")
    FOLLOWERS = "followers", _("Followers")
    FEEDBACK = "feedback", _("Feedback and appeals")
    GIVEAWAYS = "giveaways", _("Friday giveaways")
    RUBRICS = "rubrics", _("Rubrics")
    PRESS = "press", _("Republican and regional press")
    MEDIA = "media", _("TV, radio and YouTube")
    PRINTED = "printed", _("Printed matter")
    OUTREACH = "outreach", _("Outreach visits")
    TASKS = "tasks", _("Tasks ahead")
    CLOSING = "closing", _("Closing")
