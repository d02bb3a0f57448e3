"""The yearly figures of members' appeals, for `reports` (see `unionportal.figures`)."""

from django.utils.translation import gettext_lazy as _

from appeals import selectors
from appeals.choices import Channel, Status, Topic
from unionportal.figures import FigureSource, Metric, RecordLink

_APPEALS = RecordLink(
    changelist="admin:appeals_appeal_changelist",
    year="received_at__year",
    organisation="branch__id__in",
    # Appeals routed to no branch are the regional apparatus's.
    regional="branch__isnull",
    facets={"channel": "channel__exact", "status": "status__exact", "topic": "topic__exact"},
)

SOURCE = FigureSource(
    name="appeals",
    metrics=(
        Metric("appeals", _("Appeals handled"), link=_APPEALS, choices={"channel": Channel, "status": Status, "topic": Topic}),
        # A measure links to the appeals it was measured on.
        Metric("appeals_median_hours", _("Median time to answer"), unit=_("h"), link=_APPEALS),
        Metric("appeals_satisfaction_pct", _("Satisfied with the answer"), unit="%", link=_APPEALS),
    ),
    count=selectors.yearly_figures,
)
