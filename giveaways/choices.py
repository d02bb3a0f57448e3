from django.db import models
from django.utils.translation import gettext_lazy as _

from giveaways import eligibility


class GiveawayStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for entries")
    CLOSED = "closed", _("Entries closed")
    DRAWN = "drawn", _("Drawn")
    CANCELLED = "cancelled", _("Cancelled")


class IneligibleReason(models.TextChoices):
    OWN_ACCOUNT = eligibility.OWN_ACCOUNT, _("the organisation's own account")
    TOO_FEW_TAGS = eligibility.TOO_FEW_TAGS, _("fewer than 3 distinct members tagged")
    NOT_FOLLOWER = eligibility.NOT_FOLLOWER, _("not a follower of the page")
    RECENT_WINNER = eligibility.RECENT_WINNER, _("won a giveaway in the last weeks")


class ParseProblem(models.TextChoices):
    UNREADABLE_AUTHOR = "unreadable_author", _("the author cannot be read as an Instagram handle")
    UNREADABLE_TAG = "unreadable_tag", _("a tag cannot be read as an Instagram handle")
    TEXT_WITHOUT_AUTHOR = "text_without_author", _("text without an author")
    BROKEN_LINE = "broken_line", _("broken line")
    MISSING_COLUMNS = "missing_columns", _("the CSV has no author or text column")
    EMPTY_ROW = "empty_row", _("row without an author")


class FollowerSource(models.TextChoices):
    IMPORT = "import", _("imported follower list")
    STAFF = "staff", _("marked by staff")


class DrawTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("scheduled job")
    STAFF = "staff", _("staff")
