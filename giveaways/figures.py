"""The yearly figures of the Friday giveaways, for `reports` (see `unionportal.figures`)."""

from django.utils.translation import gettext_lazy as _

from giveaways import selectors
from unionportal.figures import FigureSource, Metric, RecordLink

# Drafts and cancelled giveaways do not count.
_COUNTED = {"status__in": "open,closed,drawn"}
# Entries of the giveaways that count, by the draw's year.
_ENTRIES = dict(
    changelist="admin:giveaways_giveawayentry_changelist",
    year="giveaway__draw_date__year",
    organisation="giveaway__organisation__id__in",
)
_ENTRIES_COUNTED = {"giveaway__status__in": "open,closed,drawn"}

SOURCE = FigureSource(
    name="giveaways",
    metrics=(
        Metric(
            "giveaways",
            _("Friday giveaways"),
            link=RecordLink(changelist="admin:giveaways_giveaway_changelist", year="draw_date__year", fixed=_COUNTED),
        ),
        Metric("giveaway_entries", _("Giveaway entries"), link=RecordLink(**_ENTRIES, fixed=_ENTRIES_COUNTED)),
        Metric(
            "giveaway_eligible_entries",
            _("Eligible giveaway entries"),
            link=RecordLink(**_ENTRIES, fixed={**_ENTRIES_COUNTED, "is_eligible__exact": "1"}),
        ),
        # A winner is an entry of the frozen list; one replaced by a redraw no longer counts.
        Metric(
            "giveaway_winners",
            _("Giveaway winners"),
            link=RecordLink(**_ENTRIES, fixed={**_ENTRIES_COUNTED, "won": "yes"}),
        ),
    ),
    count=selectors.yearly_figures,
)
