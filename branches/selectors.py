"""Reads of the registry that more than one place needs, as optimised querysets."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from branches.choices import LinkKind, OrganisationKind
from branches.models import FollowerCount, Organisation, OutreachVisit, SocialPage
from branches.normalise import normalise_social_url
from unionportal.db import fetch_one
from unionportal.exceptions import ApplicationError
from unionportal.figures import TOTAL, Figure


def social_page_for_url(url: str) -> SocialPage | None:
    """The registry page a post or profile URL belongs to, or None.

    Matches on the account handle the URL names (for Facebook `profile.php?id=N`, the
    id), or else on the normalised URL. An Instagram post URL (`/p/<code>/`) does not name
    its account, so it matches nothing. When the account is registered for two
    organisations (a flagged problem) the owner is ambiguous and None is returned.
    """
    try:
        link = normalise_social_url(url)
    except ApplicationError:
        return None
    pages = SocialPage.objects.select_related("organisation")
    if link.handle:
        matches = list(pages.filter(platform=link.platform, handle=link.handle)[:5])
    elif link.kind in (LinkKind.PROFILE, LinkKind.CHANNEL, LinkKind.SHARE, LinkKind.PERSONAL, LinkKind.SITE):
        matches = list(pages.filter(platform=link.platform, url=link.url)[:5])
    else:
        return None
    if len({page.organisation_id for page in matches}) != 1:
        return None
    return matches[0]


def follower_history(*, social_page: SocialPage, since: date | None = None, until: date | None = None) -> QuerySet:
    """The follower counts of a page, oldest first, within [since, until] when given."""
    qs = FollowerCount.objects.filter(social_page=social_page)
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    return qs.order_by("date")


def directory() -> QuerySet:
    """The regional organisation and the branches with their pages, for `/branches/`."""
    return (
        Organisation.objects.filter(kind__in=[OrganisationKind.REGIONAL, OrganisationKind.BRANCH], is_active=True)
        .prefetch_related(Prefetch("social_pages", queryset=SocialPage.objects.order_by("platform", "url")))
        .order_by("position", "name_ru")
    )


def active_organisations(*, kind: str | None = None) -> QuerySet:
    """The organisations a member may name (the public appeal form's lists): the active
    ones, of `kind` if given, in the registry's order. `active_organisation` checks one."""
    organisations = Organisation.objects.filter(is_active=True)
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by("kind", "position", "name_ru")


def active_organisation(pk, *, kind: str | None = None) -> Organisation | None:
    """The organisation `pk` if it is one of `active_organisations(kind=kind)`, with its
    kind, parent and names loaded; None for any other value, a wrong one included.

    One SELECT written out (unionportal/db.py): the public form checks its choices on every
    appeal, and the ORM's query building cost four times the query."""
    equals = {"pk": pk, "is_active": True}
    if kind:
        equals["kind"] = kind
    return fetch_one(Organisation, ["id", "kind", "parent", "name_ru", "name_kk"], **equals)


def branch_detail(*, slug: str) -> Organisation | None:
    return (
        Organisation.objects.filter(slug=slug, is_active=True)
        .exclude(kind=OrganisationKind.PRIMARY)
        .select_related("parent")
        .prefetch_related(
            Prefetch("social_pages", queryset=SocialPage.objects.order_by("platform", "url")),
            Prefetch(
                "children",
                queryset=Organisation.objects.filter(kind=OrganisationKind.PRIMARY, is_active=True).order_by(
                    "position", "name_ru"
                ),
                to_attr="primaries",
            ),
        )
        .first()
    )


def follower_series(*, pages) -> dict[int, list[FollowerCount]]:
    """The follower history of several pages in one query: {page id: [counts oldest first]}."""
    series: dict[int, list[FollowerCount]] = defaultdict(list)
    for record in FollowerCount.objects.filter(social_page__in=list(pages)).order_by("social_page_id", "date"):
        series[record.social_page_id].append(record)
    return dict(series)


def outreach_visits(*, branch: Organisation | None = None) -> QuerySet:
    qs = OutreachVisit.objects.select_related("branch", "visited_organisation")
    if branch is not None:
        qs = qs.filter(branch=branch)
    return qs


def yearly_figures(*, year: int) -> list[Figure]:
    """Followers gained per organisation and platform, and outreach visits, in `year`.

    Growth of a page is its last count in the year minus its last count before the year
    (or, for a page first counted during the year, minus its first count in the year).
    Dates are plain calendar dates entered in Almaty time.
    """
    figures: list[Figure] = []
    start, end = date(year, 1, 1), date(year, 12, 31)
    before = {}
    for record in FollowerCount.objects.filter(date__lt=start).order_by("social_page_id", "date").values(
        "social_page_id", "count"
    ):
        before[record["social_page_id"]] = record["count"]
    first_in, last_in = {}, {}
    page_meta = {}
    for record in (
        FollowerCount.objects.filter(date__range=(start, end))
        .order_by("social_page_id", "date")
        .values("social_page_id", "count", "social_page__organisation_id", "social_page__platform")
    ):
        pk = record["social_page_id"]
        first_in.setdefault(pk, record["count"])
        last_in[pk] = record["count"]
        page_meta[pk] = (record["social_page__organisation_id"], record["social_page__platform"])
    gained: dict[tuple[int, str], int] = defaultdict(int)
    for pk, last in last_in.items():
        base = before.get(pk, first_in[pk])
        gained[page_meta[pk]] += last - base
    for (organisation_id, platform), value in sorted(gained.items()):
        figures.append(Figure(organisation_id, "followers_gained", f"platform:{platform}", value))
    visits = (
        OutreachVisit.objects.filter(date__range=(start, end)).values("branch_id").annotate(n=Count("pk")).order_by("branch_id")
    )
    for row in visits:
        figures.append(Figure(row["branch_id"], "outreach_visits", TOTAL, row["n"]))
    return figures


def connections_needing_attention(*, now=None) -> list:
    """Connected accounts whose token is revoked, expired or expires within the warning days."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from branches.choices import ConnectionStatus
    from branches.models import SocialConnection

    now = now or timezone.now()
    soon = now + datetime.timedelta(days=settings.SOCIAL_TOKEN_WARN_DAYS)
    return list(
        SocialConnection.objects.filter(is_enabled=True)
        .filter(
            Q(status__in=[ConnectionStatus.REVOKED, ConnectionStatus.EXPIRED, ConnectionStatus.NO_TOKEN])
            | Q(status=ConnectionStatus.ACTIVE, token_expires_at__lte=soon)
        )
        .select_related("social_page__organisation")
    )
