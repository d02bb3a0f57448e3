"""The yearly figures of the publications log, for `reports` (see `unionportal.figures`)."""

from django.utils.translation import gettext_lazy as _

from publications import selectors
from publications.choices import Channel
from unionportal.figures import FigureSource, Metric, RecordLink

SOURCE = FigureSource(
    name="publications",
    metrics=(
        Metric(
            "publications",
            _("Publications"),
            link=RecordLink(
                changelist="admin:publications_publication_changelist",
                year="published_at__year",
                facets={"channel": "channel__exact", "rubric": "rubric__id__exact"},
            ),
            choices={"channel": Channel},
        ),
    ),
    count=selectors.yearly_figures,
)
