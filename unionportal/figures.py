"""The shape in which every part of the portal hands its yearly figures to `reports`.

Each domain app's `selectors.py` has `yearly_figures(*, year: int) -> list[Figure]`, counted
straight from its records; the rollup job stores them and the dashboard and the annual
report read only what was stored.

- `organisation_id`: the organisation the records count for (a primary organisation's
  figures are summed into its branch by `reports`).
- `metric`: a stable key, e.g. "publications", "appeals", "press_republican".
- `dimension`: "total", or "<facet>:<value>" such as "channel:facebook", "topic:wages".
- `value`: a count (int), or a measure such as a median in hours (float); measures are
  not summed across organisations: their metric names end in `_median_hours` or `_pct`.
"""

from dataclasses import dataclass

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


FIGURE_SOURCES = [
    "branches.selectors",
    "publications.selectors",
    "appeals.selectors",
    "media_reports.selectors",
    "giveaways.selectors",
    "polls.figures",
]
