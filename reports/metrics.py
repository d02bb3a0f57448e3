"""What the dashboard and the report know about each metric of the rollups: its label, how
its dimension values read, and the admin list that holds the records behind it.

The sources (`unionportal.figures.FIGURE_SOURCES`) own the metrics; this module only
describes them. A metric it does not know still shows, under its key.
"""

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from polls.figures import METRIC_LABELS as POLL_LABELS
from unionportal.figures import Figure


@dataclass(frozen=True)
class RecordLink:
    """An admin changelist and the filters that select a figure's records.

    `organisation` and `year` are lookups that take the ids and the year; `facets` maps a
    dimension's facet to the lookup of its value; `fixed` filters always apply.
    """

    changelist: str
    year: str
    # None where the admin cannot filter by organisation: only the region-wide figure links.
    organisation: str | None = "organisation__id__in"
    facets: dict = field(default_factory=dict)
    fixed: dict = field(default_factory=dict)
    # The lookup that selects the regional organisation's records when they carry no
    # organisation (appeals routed to no branch are the apparatus's).
    regional: str | None = None


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str = ""
    link: RecordLink | None = None
    # (facet) -> dotted path of the TextChoices that label its values
    choices: dict = field(default_factory=dict)

    @property
    def is_additive(self) -> bool:
        return Figure.is_additive(self.key)


_MEDIA_LINK = dict(changelist="admin:media_reports_mediaappearance_changelist", year="date__year")

_APPEALS_LINK = RecordLink(
    changelist="admin:appeals_appeal_changelist",
    year="received_at__year",
    organisation="branch__id__in",
    regional="branch__isnull",
    facets={"channel": "channel__exact", "status": "status__exact", "topic": "topic__exact"},
)

# Entries of the giveaways that count (drafts and cancelled ones do not), by the draw's year.
_ENTRIES_LINK = dict(
    changelist="admin:giveaways_giveawayentry_changelist",
    year="giveaway__draw_date__year",
    organisation="giveaway__organisation__id__in",
    fixed={"giveaway__status__in": "open,closed,drawn"},
)

METRICS = [
    Metric(
        "publications",
        _("Publications"),
        link=RecordLink(
            changelist="admin:publications_publication_changelist",
            year="published_at__year",
            facets={"channel": "channel__exact", "rubric": "rubric__id__exact"},
        ),
        choices={"channel": "publications.choices.Channel"},
    ),
    Metric(
        "press_republican",
        _("Articles in republican papers"),
        link=RecordLink(
            **_MEDIA_LINK,
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
        link=RecordLink(**_MEDIA_LINK, facets={"kind": "kind__exact", "level": "outlet__level__exact"}),
        choices={"kind": "media_reports.choices.AppearanceKind", "level": "media_reports.choices.OutletLevel"},
    ),
    Metric(
        "appeals",
        _("Appeals handled"),
        link=_APPEALS_LINK,
        choices={
            "channel": "appeals.choices.Channel",
            "status": "appeals.choices.Status",
            "topic": "appeals.choices.Topic",
        },
    ),
    # A measure links to the appeals it was measured on.
    Metric("appeals_median_hours", _("Median time to answer"), unit=_("h"), link=_APPEALS_LINK),
    Metric("appeals_satisfaction_pct", _("Satisfied with the answer"), unit="%", link=_APPEALS_LINK),
    Metric(
        "giveaways",
        _("Friday giveaways"),
        link=RecordLink(
            changelist="admin:giveaways_giveaway_changelist",
            year="draw_date__year",
            # Drafts and cancelled giveaways do not count.
            fixed={"status__in": "open,closed,drawn"},
        ),
    ),
    Metric("giveaway_entries", _("Giveaway entries"), link=RecordLink(**_ENTRIES_LINK)),
    Metric(
        "giveaway_eligible_entries",
        _("Eligible giveaway entries"),
        link=RecordLink(**{**_ENTRIES_LINK, "fixed": {**_ENTRIES_LINK["fixed"], "is_eligible__exact": "1"}}),
    ),
    # A winner is an entry of the frozen list; one replaced by a redraw no longer counts.
    Metric(
        "giveaway_winners",
        _("Giveaway winners"),
        link=RecordLink(**{**_ENTRIES_LINK, "fixed": {**_ENTRIES_LINK["fixed"], "won": "yes"}}),
    ),
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
        choices={"platform": "branches.choices.Platform"},
    ),
    Metric(
        "outreach_visits",
        _("Outreach visits"),
        link=RecordLink(
            changelist="admin:branches_outreachvisit_changelist", year="date__year", organisation="branch__id__in"
        ),
    ),
    Metric(
        "subscriptions_copies",
        _("Newspaper copies subscribed"),
        link=RecordLink(changelist="admin:media_reports_newspapersubscription_changelist", year="year__exact"),
    ),
]
# Polls held (closed in the year) and their answers; labels from polls' own catalog.
_POLLS_LINK = RecordLink(changelist="admin:polls_poll_changelist", year="closes_at__year")
METRICS += [
    Metric("polls", POLL_LABELS["polls"], link=_POLLS_LINK),
    Metric("poll_answers", POLL_LABELS["poll_answers"], link=_POLLS_LINK),
]
METRICS_BY_KEY = {m.key: m for m in METRICS}

# What "activity" ranks branches by: things a branch did, each counted once.
ACTIVITY_METRICS = ["publications", "media_appearances", "appeals", "outreach_visits", "giveaways"]

FACET_LABELS = {
    "channel": _("channel"),
    "rubric": _("rubric"),
    "topic": _("topic"),
    "status": _("status"),
    "kind": _("kind"),
    "level": _("outlet level"),
    "platform": _("platform"),
}


def metric(key: str) -> Metric:
    return METRICS_BY_KEY.get(key) or Metric(key, key)


def choice_label(metric_key: str, facet: str, value: str) -> str:
    """The readable name of a dimension value, from the source app's choices when it has them."""
    path = metric(metric_key).choices.get(facet)
    if path:
        module_name, _sep, class_name = path.rpartition(".")
        try:
            choices = getattr(importlib.import_module(module_name), class_name)
            return str(dict(choices.choices).get(value, value))
        except (ImportError, AttributeError):
            pass
    return value.replace("_", " ").capitalize() if value.islower() else value


def record_url(
    metric_key: str,
    *,
    year: int,
    organisation_ids: list[int] | None = None,
    dimension: str = "total",
    facet_values: dict | None = None,
    is_regional: bool = False,
) -> str | None:
    """The admin list of the records behind a figure, or None where no list holds them.

    `facet_values` translates a dimension value to what the lookup takes (a rubric's slug
    to its id).
    """
    spec = metric(metric_key).link
    if spec is None:
        return None
    params = {spec.year: year, **spec.fixed}
    if organisation_ids is not None:
        if spec.organisation is None:
            return None
        if is_regional and spec.regional:
            params[spec.regional] = "True"
        else:
            params[spec.organisation] = ",".join(str(pk) for pk in organisation_ids)
    if dimension != "total":
        facet, _sep, value = dimension.partition(":")
        lookup = spec.facets.get(facet)
        if lookup is None:
            return None
        if facet_values is not None and facet in facet_values:
            value = facet_values[facet].get(value)
            if value is None:
                return None
        params[lookup] = value
    base = _changelist_url(spec.changelist, get_language())
    if base is None:
        return None
    return f"{base}?{urlencode(params)}"


@lru_cache(maxsize=256)
def _changelist_url(name: str, language: str | None) -> str | None:
    # A page links hundreds of figures to a dozen lists: reverse each list once per language.
    try:
        return reverse(name)
    except NoReverseMatch:
        return None
