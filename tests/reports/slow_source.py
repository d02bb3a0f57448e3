"""A figure source that takes its time, so two rollups of one year overlap (see test_concurrency)."""

import time

from unionportal.figures import TOTAL, Figure, FigureSource, Metric

ORGANISATION_IDS: list[int] = []


def yearly_figures(*, year: int) -> list[Figure]:
    time.sleep(0.3)
    return [Figure(pk, "publications", TOTAL, 1) for pk in ORGANISATION_IDS]


SOURCE = FigureSource(name="slow", metrics=(Metric("publications", "Publications"),), count=yearly_figures)
