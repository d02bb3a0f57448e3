"""Reads of the publications log that more than one place needs: the news list and feed,
the home and branch pages, the counts for the dashboards and the yearly figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractYear

from publications.models import Publication, Rubric, Topic
from unionportal.figures import TOTAL, Figure
from unionportal.validators import sane_years

ALMATY = ZoneInfo("Asia/Almaty")
METRIC = "publications"


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of `year` and of the next one, Kazakhstan time."""
    return dt.datetime(year, 1, 1, tzinfo=ALMATY), dt.datetime(year + 1, 1, 1, tzinfo=ALMATY)


def organisation_filter(organisation, *, prefix: str = "") -> Q:
    """The organisation itself and its primary organisations (a branch's schools, colleges …).

    A subquery of organisation ids rather than a join, so the news list still walks its
    newest-first index and stops after one page.
    """
    from branches.models import Organisation

    ids = Organisation.objects.family(getattr(organisation, "pk", organisation)).values("pk")
    return Q(**{f"{prefix}organisation_id__in": ids})


# The columns a row of a list shows (the news list, the home and branch pages, the feed,
# the staff's month page). Not the organisation's contacts, the rubric's description nor
# the social page, which no row shows: a fresh render of /news/ read three rows' worth of
# them per publication.
LIST_ROW_FIELDS = (
    "published_at", "updated_at", "title", "text", "channel", "language", "url",
    "organisation__name_ru", "organisation__name_kk", "rubric__name", "rubric__name_kk",
)


def publication_list_queryset() -> QuerySet[Publication]:
    """Publications with what a list row shows, in one query."""
    return (
        Publication.objects.select_related("organisation", "rubric")
        .only(*LIST_ROW_FIELDS)
        .order_by("-published_at", "-id")
    )


def publication_filter(
    *,
    organisation=None,
    rubric: Rubric | None = None,
    channel: str | None = None,
    year: int | None = None,
    topic: Topic | None = None,
    queryset: QuerySet[Publication] | None = None,
) -> QuerySet[Publication]:
    qs = publication_list_queryset() if queryset is None else queryset
    if organisation is not None:
        qs = qs.filter(organisation_filter(organisation))
    if rubric is not None:
        qs = qs.filter(rubric=rubric)
    if channel:
        qs = qs.filter(channel=channel)
    if year:
        start, end = year_bounds(year)
        qs = qs.filter(published_at__gte=start, published_at__lt=end)
    if topic is not None:
        qs = qs.filter(topics=topic)
    return qs


def latest_publications(*, organisation=None, limit: int = 5) -> list[Publication]:
    """The newest publications of an organisation and its primary organisations (or of all
    when `organisation` is None), for the home and branch pages. One query."""
    qs = publication_list_queryset()
    if organisation is not None:
        qs = qs.filter(organisation_filter(organisation))
    return list(qs[:limit])


def publication_detail(*, pk: int) -> Publication:
    return (
        Publication.objects.select_related("organisation", "rubric", "social_page", "social_page__organisation")
        .prefetch_related("topics", "images", "reposts")
        .get(pk=pk)
    )


def publication_years() -> list[int]:
    """Years from the oldest to the newest publication, newest first.

    Two index lookups (MIN/MAX on the published_at index) rather than a DISTINCT over the
    whole table, so the filter stays cheap on a large log.
    """
    # Only the sane range of dates (unionportal/validators.py): a row dated 0001 or 9999
    # stored before dates were checked must not put thousands of years in the filter.
    first_year, last_year = sane_years()
    bounds = Publication.objects.filter(
        published_at__gte=dt.datetime(first_year, 1, 1, tzinfo=ALMATY),
        published_at__lt=dt.datetime(last_year + 1, 1, 1, tzinfo=ALMATY),
    ).aggregate(first=Min("published_at"), last=Max("published_at"))
    if bounds["first"] is None:
        return []
    first = bounds["first"].astimezone(ALMATY).year
    last = bounds["last"].astimezone(ALMATY).year
    return list(range(last, first - 1, -1))


# --- Keyset pagination -----------------------------------------------------------------


@dataclass
class KeysetPage:
    """One page of a list ordered by (-published_at, -id), with cursors for its neighbours.

    No COUNT of the table is made: a page fetches one row more than it shows to know
    whether there is a next one.
    """

    items: list
    newer_cursor: str | None
    older_cursor: str | None
    is_first: bool


def encode_cursor(publication: Publication) -> str:
    return f"{publication.published_at.timestamp():.6f}_{publication.pk}"


def decode_cursor(value: str | None) -> tuple[dt.datetime, int] | None:
    """The (published_at, id) a cursor stands for, or None for a missing or forged one."""
    if not value:
        return None
    try:
        stamp, pk = value.split("_", 1)
        when = dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC)
        return when, int(pk)
    except (ValueError, OverflowError, OSError):
        return None


def keyset_page(
    qs: QuerySet[Publication], *, older: str | None = None, newer: str | None = None, size: int = 20
) -> KeysetPage:
    """The page after cursor `older` (going back in time) or before cursor `newer`."""
    older_key = decode_cursor(older)
    newer_key = decode_cursor(newer)
    if newer_key is not None:
        when, pk = newer_key
        rows = list(
            qs.filter(Q(published_at__gt=when) | Q(published_at=when, id__gt=pk)).order_by("published_at", "id")[
                : size + 1
            ]
        )
        has_newer = len(rows) > size
        items = list(reversed(rows[:size]))
        has_older = True
    else:
        if older_key is not None:
            when, pk = older_key
            qs = qs.filter(Q(published_at__lt=when) | Q(published_at=when, id__lt=pk))
        rows = list(qs.order_by("-published_at", "-id")[: size + 1])
        items = rows[:size]
        has_older = len(rows) > size
        has_newer = older_key is not None
    return KeysetPage(
        items=items,
        newer_cursor=encode_cursor(items[0]) if items and has_newer else None,
        older_cursor=encode_cursor(items[-1]) if items and has_older else None,
        is_first=not has_newer,
    )


# --- Counts for the dashboards ---------------------------------------------------------


def _scoped(*, organisation=None, year: int | None = None) -> QuerySet[Publication]:
    qs = Publication.objects.all()
    if organisation is not None:
        qs = qs.filter(organisation_filter(organisation))
    if year:
        start, end = year_bounds(year)
        qs = qs.filter(published_at__gte=start, published_at__lt=end)
    return qs.order_by()


def publication_counts_by_year(*, organisation=None) -> dict[int, int]:
    """{year: count}, Kazakhstan years, oldest first."""
    rows = (
        _scoped(organisation=organisation)
        .annotate(year=ExtractYear("published_at", tzinfo=ALMATY))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    return {row["year"]: row["n"] for row in rows}


def publication_counts_by_channel(*, year: int | None = None, organisation=None) -> dict[str, int]:
    rows = _scoped(organisation=organisation, year=year).values("channel").annotate(n=Count("id")).order_by("channel")
    return {row["channel"]: row["n"] for row in rows}


def publication_counts_by_organisation(*, year: int | None = None) -> dict[int, int]:
    """{organisation id: count}; primary organisations are counted on their own (the
    reports part sums them into their branch)."""
    rows = _scoped(year=year).values("organisation_id").annotate(n=Count("id")).order_by("organisation_id")
    return {row["organisation_id"]: row["n"] for row in rows}


def publication_counts_by_rubric(*, year: int | None = None, organisation=None) -> dict[str, int]:
    """{rubric slug: count}, publications without a rubric left out."""
    rows = (
        _scoped(organisation=organisation, year=year)
        .filter(rubric__isnull=False)
        .values("rubric__slug")
        .annotate(n=Count("id"))
        .order_by("rubric__slug")
    )
    return {row["rubric__slug"]: row["n"] for row in rows}


def yearly_figures(*, year: int) -> list[Figure]:
    """Metric "publications" per organisation: "total", "channel:<c>" and "rubric:<slug>"."""
    qs = _scoped(year=year)
    figures: list[Figure] = []
    for row in qs.values("organisation_id").annotate(n=Count("id")).order_by("organisation_id"):
        figures.append(Figure(row["organisation_id"], METRIC, TOTAL, row["n"]))
    for row in qs.values("organisation_id", "channel").annotate(n=Count("id")).order_by("organisation_id", "channel"):
        figures.append(Figure(row["organisation_id"], METRIC, f"channel:{row['channel']}", row["n"]))
    for row in (
        qs.filter(rubric__isnull=False)
        .values("organisation_id", "rubric__slug")
        .annotate(n=Count("id"))
        .order_by("organisation_id", "rubric__slug")
    ):
        figures.append(Figure(row["organisation_id"], METRIC, f"rubric:{row['rubric__slug']}", row["n"]))
    return figures


def find_by_url(url: str, *, exclude: Publication | None = None) -> Publication | None:
    """The publication already logged under this (normalised) link, if any, other than
    `exclude` (the one being edited). Every duplicate check of a link reads this."""
    if not url:
        return None
    qs = Publication.objects.filter(url=url).select_related("organisation")
    if exclude is not None and exclude.pk is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def publications_by_ids(*, ids) -> QuerySet[Publication]:
    """Publications by id with their organisation, newest first (a broadcast names them)."""
    return Publication.objects.select_related("organisation").filter(pk__in=ids).order_by("-published_at")


def publications_published_since(*, since: dt.datetime) -> QuerySet[Publication]:
    """Publications dated `since` or later, with their organisation (a digest lists them);
    unscoped: the caller narrows it to what its reader may see."""
    return Publication.objects.select_related("organisation").filter(published_at__gte=since)


def publications_logged_since(*, since: dt.datetime, now: dt.datetime) -> QuerySet[Publication]:
    """Publications logged and dated between `since` and `now`, with their organisation
    (the news a bot announces; one logged today about last year is not news)."""
    return Publication.objects.filter(created_at__gte=since, published_at__gte=since, published_at__lte=now).select_related(
        "organisation"
    )


def publications_published_between(*, start: dt.datetime, end: dt.datetime) -> QuerySet[Publication]:
    """Publications dated in [start, end), with their organisation and its parent (a day's digest)."""
    return Publication.objects.filter(published_at__gte=start, published_at__lt=end).select_related("organisation__parent")
