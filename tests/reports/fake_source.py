"""A stand-in figure source for the rollup tests: it counts users who joined in a year, per
the organisation on their profile, with Django's `__year` lookup like the real sources.

`MEASURES` lets a test hand in non-additive figures as they are."""

from django.db.models import Count

from accounts.models import Profile
from unionportal.figures import TOTAL, Figure, FigureSource, Metric

MEASURES: list[Figure] = []


def yearly_figures(*, year: int) -> list[Figure]:
    rows = (
        Profile.objects.filter(user__date_joined__year=year, organisation__isnull=False)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by("organisation_id")
    )
    figures = [Figure(row["organisation_id"], "publications", TOTAL, row["n"]) for row in rows]
    figures += [Figure(row["organisation_id"], "publications", "channel:facebook", row["n"]) for row in rows]
    return figures + list(MEASURES)


SOURCE = FigureSource(name="fake", metrics=(Metric("publications", "Publications"),), count=yearly_figures)


def _broken(*, year: int) -> list[Figure]:
    raise RuntimeError("this source is broken")


BROKEN = FigureSource(name="broken", metrics=(Metric("broken", "Broken"),), count=_broken)
