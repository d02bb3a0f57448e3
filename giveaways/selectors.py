"""Reads shared by the public pages, the staff figures, the dashboard and the reports."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from giveaways.choices import GiveawayStatus
from giveaways.models import Giveaway, Redraw, Winner
from unionportal.figures import TOTAL, Figure

PUBLIC_STATUSES = [GiveawayStatus.OPEN, GiveawayStatus.CLOSED, GiveawayStatus.DRAWN, GiveawayStatus.CANCELLED]


# What nothing a member reads (a public page, the bot) selects: the secret seed, which
# must sit in no such code's memory before the draw reveals it, and the frozen list, a
# file of its own (the `frozen_list` view) of tens of kilobytes.
NEVER_READ_FOR_MEMBERS = ("secret_seed", "frozen_list")


def _public() -> QuerySet:
    """Giveaways a visitor may see: every one but drafts."""
    return Giveaway.objects.filter(status__in=PUBLIC_STATUSES)


def public_giveaways() -> QuerySet:
    """Giveaways a visitor may see, with what their pages show: not what
    NEVER_READ_FOR_MEMBERS names (a test fails if a public page's query selects the seed)."""
    return _public().select_related("organisation", "social_page").defer(*NEVER_READ_FOR_MEMBERS)


# What a card of a coming giveaway shows; a row of the past results shows less. Neither
# reads the frozen list of entries (tens of kilobytes a giveaway once it closes), the
# revealed seed or the drand record, which only a result page shows, nor the secret seed.
COMING_CARD_FIELDS = (
    "title", "title_kk", "prizes", "prizes_kk", "rules", "rules_kk", "status", "winner_count", "post_url",
    "entries_close_at", "draw_at", "seed_commitment",
)
PAST_ROW_FIELDS = ("title", "title_kk", "status", "draw_date", "entry_count")


def coming_giveaways() -> QuerySet:
    return (
        _public()
        .filter(status__in=[GiveawayStatus.OPEN, GiveawayStatus.CLOSED])
        .only(*COMING_CARD_FIELDS)
        .order_by("draw_at")
    )


def past_giveaways() -> QuerySet:
    """Drawn and cancelled giveaways, newest first, with their winners in one more query."""
    winners = Winner.objects.only("giveaway", "handle", "replaced").order_by("rank")
    return (
        _public()
        .filter(status__in=[GiveawayStatus.DRAWN, GiveawayStatus.CANCELLED])
        .only(*PAST_ROW_FIELDS)
        .prefetch_related(Prefetch("winners", queryset=winners))
        .order_by("-draw_at")
    )


def giveaway_result(*, pk: int) -> Giveaway:
    return (
        public_giveaways()
        .select_related("draw")
        .prefetch_related(
            Prefetch("winners", queryset=Winner.objects.order_by("rank")),
            Prefetch("redraws", queryset=Redraw.objects.select_related("replaced_winner", "new_winner")),
        )
        .annotate(total_entries=Count("entries"))
        .get(pk=pk)
    )


def giveaway_years(*, organisation_ids=None):
    """The years that have giveaways (of `organisation_ids` when given), newest first."""
    qs = Giveaway.objects.exclude(status=GiveawayStatus.DRAFT)
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=organisation_ids)
    return qs.values_list("draw_date__year", flat=True).distinct().order_by("-draw_date__year")


def weekly_figures(*, organisation_ids=None, year: int | None = None) -> list[dict]:
    """Per giveaway (one a week): entries, eligible entries, winners and, beside them, the
    page's followers on that Friday from the registry's follower history.

    `organisation_ids` (ids or a queryset of them) narrows to the organisations a user may
    see; None means every one."""
    qs = Giveaway.objects.exclude(status__in=[GiveawayStatus.DRAFT, GiveawayStatus.CANCELLED])
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=organisation_ids)
    if year:
        qs = qs.filter(draw_date__year=year)
    rows = list(
        qs.order_by("draw_date", "pk")
        .values("pk", "draw_date", "organisation_id", "social_page_id", "status", "title")
        .annotate(
            n_entries=Count("entries", distinct=True),
            n_eligible=Count("entries", filter=Q(entries__is_eligible=True), distinct=True),
            n_winners=Count("winners", filter=Q(winners__replaced=False), distinct=True),
        )
    )
    for row in rows:
        row["entries"], row["eligible"], row["winner_total"] = row["n_entries"], row["n_eligible"], row["n_winners"]
    followers = _follower_counts({r["social_page_id"] for r in rows if r["social_page_id"]})
    # Growth is measured against the same page's previous Friday: rows of several
    # organisations interleave, and another page's count says nothing about this one.
    previous: dict[int, int] = {}
    for row in rows:
        page_id = row["social_page_id"]
        row["followers"] = _count_on(followers.get(page_id, []), row["draw_date"])
        before = previous.get(page_id)
        row["follower_growth"] = (
            row["followers"] - before if row["followers"] is not None and before is not None else None
        )
        if row["followers"] is not None:
            previous[page_id] = row["followers"]
    return rows


def _follower_counts(page_ids) -> dict[int, list[tuple[datetime.date, int]]]:
    """{page id: [(date, followers) …] oldest first} from the registry's follower history
    (one query), or {} where the registry keeps none."""
    if not page_ids:
        return {}
    try:
        from branches.selectors import follower_series
    except ImportError:
        return {}
    series = follower_series(pages=list(page_ids))
    return {page_id: [(c.date, c.count) for c in counts] for page_id, counts in series.items()}


def _count_on(points, day):
    value = None
    for point_day, count in points:
        if point_day > day:
            break
        value = count
    return value


def yearly_figures(*, year: int) -> list[Figure]:
    """Giveaways drawn on a Friday of `year` (Almaty), their entries, eligible entries and
    winners (replaced winners not counted), per organisation."""
    rows = (
        Giveaway.objects.filter(draw_date__year=year)
        .exclude(status__in=[GiveawayStatus.DRAFT, GiveawayStatus.CANCELLED])
        .values("organisation_id")
        .annotate(
            n_giveaways=Count("pk", distinct=True),
            n_entries=Count("entries", distinct=True),
            n_eligible=Count("entries", filter=Q(entries__is_eligible=True), distinct=True),
        )
    )
    winners = dict(
        Winner.objects.filter(giveaway__draw_date__year=year, replaced=False)
        .exclude(giveaway__status__in=[GiveawayStatus.DRAFT, GiveawayStatus.CANCELLED])
        .values_list("giveaway__organisation_id")
        .annotate(n=Count("pk"))
    )
    figures = []
    for row in rows:
        org = row["organisation_id"]
        figures += [
            Figure(org, "giveaways", TOTAL, row["n_giveaways"]),
            Figure(org, "giveaway_entries", TOTAL, row["n_entries"]),
            Figure(org, "giveaway_eligible_entries", TOTAL, row["n_eligible"]),
            Figure(org, "giveaway_winners", TOTAL, winners.get(org, 0)),
        ]
    return figures


def giveaway_by_id(*, pk) -> Giveaway | None:
    """A giveaway by id, or None (a broadcast about it may outlive it)."""
    return Giveaway.objects.filter(pk=pk).defer(*NEVER_READ_FOR_MEMBERS).first()


def giveaways_open_to_announce(*, now: datetime.datetime) -> QuerySet[Giveaway]:
    """Open giveaways whose draw is still ahead, with their organisation (the bot announces them)."""
    return (
        Giveaway.objects.filter(status=GiveawayStatus.OPEN, draw_at__gte=now)
        .select_related("organisation")
        .defer(*NEVER_READ_FOR_MEMBERS)
    )


def giveaways_drawn_since(*, since: datetime.datetime) -> QuerySet[Giveaway]:
    """Giveaways drawn since `since`, with their organisation (the bot tells the result)."""
    return (
        Giveaway.objects.filter(status=GiveawayStatus.DRAWN, drawn_at__gte=since)
        .select_related("organisation")
        .defer(*NEVER_READ_FOR_MEMBERS)
    )
