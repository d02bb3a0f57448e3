"""The yearly figures of the media part, for `reports` (see `unionportal.figures`)."""

from django.utils.translation import gettext_lazy as _

from media_reports import selectors
from media_reports.choices import AppearanceKind, OutletLevel
from unionportal.figures import FigureSource, Metric, RecordLink

_APPEARANCES = dict(changelist="admin:media_reports_mediaappearance_changelist", year="date__year")

SOURCE = FigureSource(
    name="media_reports",
    metrics=(
        Metric(
            "press_republican",
            _("Articles in republican papers"),
            link=RecordLink(
                **_APPEARANCES,
                fixed={
                    "kind__exact": "article",
                    "outlet__level__exact": "republican",
                    "outlet__kind__in": "newspaper,magazine",
                },
            ),
        ),
        Metric(
            "media_appearances",
            _("Media appearances"),
            link=RecordLink(**_APPEARANCES, facets={"kind": "kind__exact", "level": "outlet__level__exact"}),
            choices={"kind": AppearanceKind, "level": OutletLevel},
        ),
        Metric(
            "subscriptions_copies",
            _("Newspaper copies subscribed"),
            link=RecordLink(changelist="admin:media_reports_newspapersubscription_changelist", year="year__exact"),
        ),
    ),
    count=selectors.yearly_figures,
)
