"""A giveaway's week: created (by staff or from last week's), opened with a seed commitment,
edited before the close, cancelled. Giveaways are drawn on Fridays."""

import datetime
import logging
import secrets

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from giveaways import verify_draw
from giveaways.choices import GiveawayStatus
from giveaways.models import Giveaway
from unionportal.caching import bump
from unionportal.exceptions import ApplicationError

logger = logging.getLogger(__name__)

FRIDAY = 4


def local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def next_friday(day: datetime.date) -> datetime.date:
    """The Friday on or after `day`."""
    return day + datetime.timedelta(days=(FRIDAY - day.weekday()) % 7)


def _check_schedule(giveaway: Giveaway) -> None:
    if local_date(giveaway.draw_at).weekday() != FRIDAY:
        raise ApplicationError(_("Giveaways are drawn on Fridays: choose a Friday for the draw."), code="not_friday")
    if giveaway.entries_close_at > giveaway.draw_at:
        raise ApplicationError(_("Entries must close before the draw."), code="close_after_draw")


# --- Creating, opening, cancelling ---------------------------------------------------------


@transaction.atomic
def giveaway_create(
    *,
    organisation,
    title: str,
    prizes: str,
    entries_close_at: datetime.datetime,
    draw_at: datetime.datetime,
    winner_count: int = 1,
    rules: str = "",
    title_kk: str = "",
    prizes_kk: str = "",
    rules_kk: str = "",
    post_url: str = "",
    social_page=None,
    open_now: bool = True,
    previous: Giveaway | None = None,
    now: datetime.datetime | None = None,
) -> Giveaway:
    giveaway = Giveaway(
        organisation=organisation,
        social_page=social_page,
        title=title,
        prizes=prizes,
        winner_count=winner_count,
        rules=rules,
        title_kk=title_kk,
        prizes_kk=prizes_kk,
        rules_kk=rules_kk,
        post_url=post_url,
        entries_close_at=entries_close_at,
        draw_at=draw_at,
        draw_date=local_date(draw_at),
        previous=previous,
    )
    _check_schedule(giveaway)
    if Giveaway.objects.filter(organisation=organisation, draw_date=giveaway.draw_date).exists():
        raise ApplicationError(_("There is already a giveaway on this Friday."), code="duplicate_friday")
    # The constraints were just checked with clear messages and the database enforces them;
    # validating them again costs a query each (it made the demo load twice as slow).
    giveaway.full_clean(validate_constraints=False)
    giveaway.save()
    if open_now:
        giveaway_open(giveaway=giveaway, now=now)
    return giveaway


# What staff edit; the rest (status, seed, frozen list, draw) only the workflow writes.
STAFF_FIELDS = [
    "organisation",
    "social_page",
    "title",
    "prizes",
    "winner_count",
    "rules",
    "title_kk",
    "prizes_kk",
    "rules_kk",
    "post_url",
    "entries_close_at",
    "draw_at",
    "draw_date",
]


@transaction.atomic
def giveaway_save(*, giveaway: Giveaway) -> Giveaway:
    """Save staff's changes (title, prizes, times …) made before the close.

    Only `STAFF_FIELDS` are written, under the row lock: the staff's copy was read before
    the close or the draw may have run, and saving all of it would put the giveaway back
    to open with no frozen list.
    """
    giveaway.draw_date = local_date(giveaway.draw_at)
    _check_schedule(giveaway)
    if giveaway.pk is None:
        giveaway.full_clean(exclude=["draw_date"])
        giveaway.save()
        return giveaway
    stored = Giveaway.objects.select_for_update().get(pk=giveaway.pk)
    if stored.status not in (GiveawayStatus.DRAFT, GiveawayStatus.OPEN) and (
        stored.draw_at != giveaway.draw_at or stored.winner_count != giveaway.winner_count
    ):
        raise ApplicationError(_("The draw time and the number of winners cannot change after the close."))
    giveaway.full_clean(exclude=["draw_date"])
    giveaway.save(update_fields=STAFF_FIELDS)
    giveaway.refresh_from_db()
    return giveaway


@transaction.atomic
def giveaway_open(*, giveaway: Giveaway, now: datetime.datetime | None = None) -> Giveaway:
    """Make the secret seed and publish its commitment; entries are taken from now on."""
    updated = Giveaway.objects.filter(pk=giveaway.pk, status=GiveawayStatus.DRAFT)
    seed = secrets.token_bytes(32)
    now = now or timezone.now()
    if not updated.update(
        status=GiveawayStatus.OPEN,
        secret_seed=seed.hex(),
        seed_commitment=verify_draw.commitment_for(seed),
        committed_at=now,
    ):
        raise ApplicationError(_("Only a draft giveaway can be opened."), code="not_draft")
    bump("giveaways")  # an UPDATE sends no post_save: the public pages learn of it here
    giveaway.refresh_from_db()
    return giveaway


@transaction.atomic
def giveaway_cancel(*, giveaway: Giveaway, reason: str) -> Giveaway:
    if not reason.strip():
        raise ApplicationError(_("Say why the giveaway is cancelled."), code="no_reason")
    if not Giveaway.objects.filter(
        pk=giveaway.pk, status__in=[GiveawayStatus.DRAFT, GiveawayStatus.OPEN, GiveawayStatus.CLOSED]
    ).update(status=GiveawayStatus.CANCELLED, cancel_reason=reason.strip()):
        raise ApplicationError(_("A drawn giveaway cannot be cancelled."), code="already_drawn")
    bump("giveaways")
    giveaway.refresh_from_db()
    return giveaway


def giveaways_create_next(*, today: datetime.date | None = None) -> list[Giveaway]:
    """Next week's giveaway for every organisation whose last one is over. Idempotent: the
    unique (organisation, Friday) constraint stops a second copy even from a second beat."""
    today = today or timezone.localdate()
    created = []
    # Every organisation's latest giveaway in one query, rather than one query each.
    latest_pk = Giveaway.objects.filter(organisation_id=OuterRef("organisation_id")).order_by("-draw_date").values("pk")
    latest_per_organisation = Giveaway.objects.filter(pk=Subquery(latest_pk[:1])).select_related(
        "organisation", "social_page"
    )
    for latest in latest_per_organisation.order_by("organisation_id"):
        organisation_id = latest.organisation_id
        if latest.draw_date >= today and latest.status != GiveawayStatus.DRAWN:
            continue  # this week's is still ahead
        target = max(latest.draw_date + datetime.timedelta(days=7), next_friday(today))
        # The same wall-clock time on the new Friday, entries closing as long before it.
        draw_time = timezone.localtime(latest.draw_at).time().replace(tzinfo=None)
        draw_at = timezone.make_aware(datetime.datetime.combine(target, draw_time))
        close_at = draw_at - (latest.draw_at - latest.entries_close_at)
        try:
            with transaction.atomic():
                created.append(
                    giveaway_create(
                        organisation=latest.organisation,
                        social_page=latest.social_page,
                        title=latest.title,
                        prizes=latest.prizes,
                        winner_count=latest.winner_count,
                        rules=latest.rules,
                        title_kk=latest.title_kk,
                        prizes_kk=latest.prizes_kk,
                        rules_kk=latest.rules_kk,
                        post_url="",
                        entries_close_at=close_at,
                        draw_at=draw_at,
                        previous=latest,
                    )
                )
        except (IntegrityError, ApplicationError) as exc:
            logger.info("next giveaway for organisation %s on %s not created: %s", organisation_id, target, exc)
    return created
