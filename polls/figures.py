"""The yearly figures of polls for the rollups, the dashboard and the annual report (see
`unionportal.figures`): polls held (closed in the year) and the answers they got, per
organisation that ran them.

A count of answers says nothing of what anyone answered, so no small-cell rule applies
here; the breakdowns of answers are suppressed where they are shown (`polls.selectors`).
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy as _

from polls.models import Poll
from unionportal.figures import TOTAL, Figure, FigureSource, Metric, RecordLink


def _year_bounds(year: int):
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def yearly_figures(*, year: int) -> list[Figure]:
    start, end = _year_bounds(year)
    rows = (
        Poll.objects.annotate(ended=Least("closes_at", Coalesce("closed_at", "closes_at")))
        .filter(ended__gte=start, ended__lt=end)
        .values("organisation_id")
        .annotate(
            n_polls=Count("pk", distinct=True),
            n_answers=Count("responses", distinct=True),
        )
        .order_by()
    )
    figures = []
    for row in rows:
        org = row["organisation_id"]
        figures += [
            Figure(org, "polls", TOTAL, row["n_polls"]),
            Figure(org, "poll_answers", TOTAL, row["n_answers"]),
        ]
    return figures


_POLLS = RecordLink(changelist="admin:polls_poll_changelist", year="closes_at__year")

SOURCE = FigureSource(
    name="polls",
    metrics=(
        Metric("polls", _("Polls held"), link=_POLLS),
        Metric("poll_answers", _("Answers to polls"), link=_POLLS),
    ),
    count=yearly_figures,
)
