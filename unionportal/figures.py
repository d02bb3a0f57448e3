"""How every part of the portal hands its yearly figures to `reports`, declared explicitly.

Each domain app has a `figures.py` with one `FigureSource`: its metrics (the key, the label,
the admin list that holds the records behind a figure, the choices that name a dimension's
values) beside the function that counts them, `count(year=…) -> list[Figure]`. The app
registers it in its `AppConfig.ready()` (`registry.register(figures.SOURCE)`); the rollup
asks every registered source and stores what they give; the dashboard and the annual
report read only what was stored. No dotted strings, no importlib: a source that is not
registered is not asked, and a source that fails fails the rollup.

It lives at the bottom layer because both the domain apps (which declare) and `reports`
(which reads) lean on it.

A figure:
- `organisation_id`: the organisation the records count for (a primary organisation's
  figures are summed into its branch by `reports`).
- `metric`: a stable key, e.g. "publications", "appeals", "press_republican".
- `dimension`: "total", or "<facet>:<value>" such as "channel:facebook", "topic:wages".
- `value`: a count (int), or a measure such as a median in hours (float); measures are
  not summed across organisations: their metric names end in `_median_hours` or `_pct`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

TOTAL = "total"


@dataclass(frozen=True)
class Figure:
    organisation_id: int
    metric: str
    dimension: str
    value: float

    @staticmethod
    def is_additive(metric: str) -> bool:
        return not metric.endswith(("_median_hours", "_pct"))


@dataclass(frozen=True)
class RecordLink:
    """An admin changelist and the filters that select a figure's records.

    `organisation` and `year` are lookups that take the ids and the year; `facets` maps a
    dimension's facet to the lookup of its value; `fixed` filters always apply. The admin of
    that changelist accepts exactly these lookups besides its own filters (see
    `unionportal.admin.StrictLookupsMixin`), so a link that names a lookup the admin does
    not know is caught by the tests rather than by the chair.
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

    def lookups(self) -> set[str]:
        """Every query-string key a link of this kind may carry."""
        keys = {self.year, *self.facets.values(), *self.fixed}
        keys |= {key for key in (self.organisation, self.regional) if key}
        return keys


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str = ""
    link: RecordLink | None = None
    # facet -> the TextChoices that label its values (the class itself, not its path)
    choices: dict = field(default_factory=dict)

    @property
    def is_additive(self) -> bool:
        return Figure.is_additive(self.key)


@dataclass(frozen=True)
class FigureSource:
    """One app's yearly figures: what they are and the function that counts them."""

    name: str
    metrics: tuple[Metric, ...]
    count: Callable[..., list[Figure]]


class FigureRegistry:
    """The sources the rollup asks, in the order the apps registered them."""

    def __init__(self):
        self._sources: dict[str, FigureSource] = {}

    def register(self, source: FigureSource) -> FigureSource:
        known = self._sources.get(source.name)
        if known is not None and known is not source:
            raise ImproperlyConfigured(f"Two figure sources are called {source.name!r}.")
        for other in self._sources.values():
            if other is not source and {m.key for m in other.metrics} & {m.key for m in source.metrics}:
                raise ImproperlyConfigured(f"The figure sources {other.name!r} and {source.name!r} declare the same metric.")
        self._sources[source.name] = source
        return source

    def sources(self) -> list[FigureSource]:
        return list(self._sources.values())

    def metrics(self) -> list[Metric]:
        return [m for source in self._sources.values() for m in source.metrics]

    def metric(self, key: str) -> Metric | None:
        for source in self._sources.values():
            for declared in source.metrics:
                if declared.key == key:
                    return declared
        return None

    def links_to(self, changelist: str) -> list[RecordLink]:
        """The figure links that open `changelist` (its admin must accept their lookups)."""
        return [m.link for m in self.metrics() if m.link is not None and m.link.changelist == changelist]

    @contextmanager
    def replaced(self, *sources: FigureSource) -> Iterator[FigureRegistry]:
        """For tests: only `sources` feed the rollup until the block ends."""
        saved = self._sources
        self._sources = {}
        try:
            for source in sources:
                self.register(source)
            yield self
        finally:
            self._sources = saved


registry = FigureRegistry()
