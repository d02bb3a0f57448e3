"""What the dashboard and the report know about each metric of the rollups: its label, how
its dimension values read, and the admin list that holds the records behind it.

The metrics are declared by the apps that count them (each app's `figures.py`, registered
in `unionportal.figures.registry`); this module reads the registry and decides only the
order in which the report shows them. A metric nobody declares still shows, under its key.
"""

from functools import lru_cache
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from unionportal.figures import Metric, registry

# The order of the dashboard's and the report's rows; metrics not named here follow in the
# order their apps registered them.
DISPLAY_ORDER = [
    "publications",
    "press_republican",
    "media_appearances",
    "appeals",
    "appeals_median_hours",
    "appeals_satisfaction_pct",
    "giveaways",
    "giveaway_entries",
    "giveaway_eligible_entries",
    "giveaway_winners",
    "followers_gained",
    "outreach_visits",
    "subscriptions_copies",
]


def registered_metrics() -> list[Metric]:
    """Every declared metric, in the report's order."""
    declared = registry.metrics()
    position = {key: index for index, key in enumerate(DISPLAY_ORDER)}
    return sorted(declared, key=lambda m: position.get(m.key, len(position)))


class _Metrics:
    """`METRICS`: read from the registry when iterated, so it holds what the apps declared
    (and what a test put in their place) rather than a copy taken at import."""

    def __iter__(self):
        return iter(registered_metrics())

    def __len__(self):
        return len(registered_metrics())


METRICS = _Metrics()

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
    return registry.metric(key) or Metric(key, key)


def choice_label(metric_key: str, facet: str, value: str) -> str:
    """The readable name of a dimension value, from the source app's choices when it has them."""
    choices = metric(metric_key).choices.get(facet)
    if choices is not None:
        return str(dict(choices.choices).get(value, value))
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
