"""Shared reads of the media part: the public list, the branch page, counts and yearly figures."""

import datetime
from collections import defaultdict

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum

from media_reports.choices import PRINT_KINDS, AppearanceKind, OutletLevel
from media_reports.models import MediaAppearance, NewspaperSubscription, Speaker
from unionportal.figures import TOTAL, Figure
from unionportal.validators import sane_years


def appearance_list(*, year: int | None = None, kind: str = "", level: str = "") -> QuerySet[MediaAppearance]:
    """Appearances with everything a detail page or an export shows, in a constant number of queries."""
    qs = MediaAppearance.objects.select_related("outlet", "programme", "organisation").prefetch_related(
        Prefetch("speakers", queryset=Speaker.objects.select_related("organisation"))
    )
    return _appearance_filter(qs, year=year, kind=kind, level=level)


# The columns a card of the public list shows (_appearance_meta.html and the video poster):
# not the appearance's organisation, audience figures and clipping, nor the outlet's
# website and YouTube channel.
LIST_ROW_FIELDS = ("date", "kind", "title", "link", "outlet__name", "outlet__level", "programme__name")


def appearance_list_rows(*, year: int | None = None, kind: str = "", level: str = "") -> QuerySet[MediaAppearance]:
    """Appearances with the columns a card of the public list shows, in two queries a page."""
    qs = (
        MediaAppearance.objects.select_related("outlet", "programme")
        .only(*LIST_ROW_FIELDS)
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.only("name", "role")))
    )
    return _appearance_filter(qs, year=year, kind=kind, level=level)


def _appearance_filter(qs: QuerySet[MediaAppearance], *, year, kind, level) -> QuerySet[MediaAppearance]:
    if year:
        qs = qs.filter(date__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(outlet__level=level)
    return qs


def subscription_list() -> QuerySet[NewspaperSubscription]:
    return NewspaperSubscription.objects.select_related("organisation", "outlet").order_by(
        "year", "organisation__position", "outlet__name"
    )


def appearance_years() -> list[int]:
    """The years from the first appearance to the last, newest first (for the year filter).

    Min and max instead of `dates(…, "year")`: truncating every row's date cost SQLite
    50 ms at 10,000 rows; a year in between without appearances is harmless.
    """
    first_year, last_year = sane_years()  # a stored 0001 or 9999 does not widen the filter
    bounds = MediaAppearance.objects.filter(date__gte=datetime.date(first_year, 1, 1), date__lte=datetime.date(last_year, 12, 31)).aggregate(
        first=Min("date"), last=Max("date")
    )
    if bounds["first"] is None:
        return []
    return list(range(bounds["last"].year, bounds["first"].year - 1, -1))


def _organisation_ids(organisation):
    from branches.models import Organisation

    return Organisation.objects.family(organisation).values("pk")


def latest_appearances(*, organisation, limit: int = 5) -> list[MediaAppearance]:
    """The newest appearances of an organisation for its page.

    They include those of its primary organisations and those in which one of its people
    spoke (a branch chair on a regional programme counts for the branch page too).
    """
    ids = _organisation_ids(organisation)
    matching = MediaAppearance.objects.filter(Q(organisation__in=ids) | Q(speakers__organisation__in=ids)).values("pk")
    # A branch page lists a title, a date and an outlet: one query, no speakers.
    rows = MediaAppearance.objects.select_related("outlet").only("date", "title", "link", "outlet__name")
    return list(rows.filter(pk__in=matching)[:limit])


def _republican_press(qs: QuerySet[MediaAppearance]) -> QuerySet[MediaAppearance]:
    return qs.filter(kind=AppearanceKind.ARTICLE, outlet__level=OutletLevel.REPUBLICAN, outlet__kind__in=PRINT_KINDS)


# --- The reports contract -----------------------------------------------------------------


def yearly_figures(*, year: int) -> list[Figure]:
    """The media figures of `year` per organisation (see `unionportal.figures`).

    - media_appearances: total, kind:<kind>, level:<level>;
    - press_republican: articles in republican newspapers and magazines, total;
    - subscriptions_copies: copies subscribed for the year, total.
    """
    figures: list[Figure] = []
    by_year = MediaAppearance.objects.filter(date__year=year)

    totals: dict[int, int] = defaultdict(int)
    for org_id, kind, n in by_year.values_list("organisation_id", "kind").annotate(n=Count("pk")).order_by():
        totals[org_id] += n
        figures.append(Figure(org_id, "media_appearances", f"kind:{kind}", n))
    for org_id, level, n in by_year.values_list("organisation_id", "outlet__level").annotate(n=Count("pk")).order_by():
        figures.append(Figure(org_id, "media_appearances", f"level:{level}", n))
    for org_id, n in totals.items():
        figures.append(Figure(org_id, "media_appearances", TOTAL, n))

    for org_id, n in _republican_press(by_year).values_list("organisation_id").annotate(n=Count("pk")).order_by():
        figures.append(Figure(org_id, "press_republican", TOTAL, n))

    subs = NewspaperSubscription.objects.filter(year=year)
    for org_id, n in subs.values_list("organisation_id").annotate(n=Sum("copies")).order_by():
        figures.append(Figure(org_id, "subscriptions_copies", TOTAL, n))

    return sorted(figures, key=lambda f: (f.organisation_id, f.metric, f.dimension))
