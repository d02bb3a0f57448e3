"""The yearly figures of the registry (followers, outreach visits), for `reports`
(see `unionportal.figures`)."""

from django.utils.translation import gettext_lazy as _

from branches import selectors
from branches.choices import Platform
from unionportal.figures import FigureSource, Metric, RecordLink

SOURCE = FigureSource(
    name="branches",
    metrics=(
        Metric(
            "followers_gained",
            _("Followers gained"),
            # The counts the growth is computed from; the admin cannot filter them by organisation.
            link=RecordLink(
                changelist="admin:branches_followercount_changelist",
                year="date__year",
                organisation=None,
                facets={"platform": "social_page__platform__exact"},
            ),
            choices={"platform": Platform},
        ),
        Metric(
            "outreach_visits",
            _("Outreach visits"),
            link=RecordLink(
                changelist="admin:branches_outreachvisit_changelist", year="date__year", organisation="branch__id__in"
            ),
        ),
    ),
    count=selectors.yearly_figures,
)
