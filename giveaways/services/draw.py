"""The close that freezes the list, the one draw (with the drand beacon when there is one),
the catch-up of missed closes and draws, and the redraw of a winner who did not answer."""

import datetime
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giveaways import verify_draw
from giveaways.choices import DrawTrigger, GiveawayStatus
from giveaways.models import Giveaway, GiveawayDraw, Redraw, Winner
from giveaways.services.entries import entries_evaluate
from unionportal.exceptions import ApplicationError

logger = logging.getLogger(__name__)

# A draw made this long after its time is recorded as a catch-up.
LATE_AFTER = datetime.timedelta(minutes=15)


def giveaway_close(*, giveaway_id: int, now: datetime.datetime | None = None, evaluate: bool = True) -> bool:
    """Freeze the list of eligible entries and publish its hash and count. Once only.

    The rules are applied once more first (a follower list may have come in since);
    `evaluate=False` is for callers that have just applied them (the demo's bulk load).
    """
    with transaction.atomic():
        giveaway = Giveaway.objects.select_for_update().get(pk=giveaway_id)
        if giveaway.status != GiveawayStatus.OPEN:
            return False
        if evaluate:
            entries_evaluate(giveaway=giveaway)
        handles = list(giveaway.entries.filter(is_eligible=True).values_list("author", flat=True))
        data = verify_draw.canonical_list(handles)
        giveaway.frozen_list = data.decode("utf-8")
        giveaway.list_hash = verify_draw.list_hash(data)
        giveaway.entry_count = len(handles)
        giveaway.closed_at = now or timezone.now()
        giveaway.status = GiveawayStatus.CLOSED
        giveaway.save(update_fields=["frozen_list", "list_hash", "entry_count", "closed_at", "status"])
    logger.debug("giveaway %s closed with %s eligible entries", giveaway_id, giveaway.entry_count)
    return True


def drand_fetch(*, after: datetime.datetime) -> tuple[int, str] | None:
    """The first drand round after `after` from `GIVEAWAY_DRAND_URL`, or None when there is
    no beacon or it cannot be reached (the draw then goes on without it, as recorded)."""
    base = settings.GIVEAWAY_DRAND_URL.rstrip("/")
    if not base:
        return None
    try:
        with urllib.request.urlopen(f"{base}/info", timeout=5) as response:  # noqa: S310 - URL from settings
            info = json.load(response)
        genesis, period = int(info["genesis_time"]), int(info["period"])
        round_number = int((after.timestamp() - genesis) // period) + 2
        with urllib.request.urlopen(f"{base}/public/{round_number}", timeout=5) as response:  # noqa: S310
            beacon = json.load(response)
        randomness = str(beacon["randomness"]).lower()
        bytes.fromhex(randomness)
        if int(beacon["round"]) != round_number:
            raise ValueError("the beacon answered another round")
    except (OSError, urllib.error.URLError, ValueError, KeyError, TypeError) as exc:
        logger.warning("drand beacon not used: %s", exc)
        return None
    return round_number, randomness


def giveaway_draw(
    *, giveaway_id: int, now: datetime.datetime | None = None, trigger: str = DrawTrigger.SCHEDULE
) -> bool:
    """Draw the winners from the frozen list, once. Returns False when it was drawn already.

    Two workers may run this together: the row lock makes the second wait and then see the
    giveaway drawn, and the unique GiveawayDraw row refuses a second draw whatever happens.
    """
    now = now or timezone.now()
    peek = Giveaway.objects.filter(pk=giveaway_id).values("status", "closed_at").first()
    if peek is None or peek["status"] != GiveawayStatus.CLOSED:
        return False
    beacon = drand_fetch(after=peek["closed_at"])  # outside the transaction: network I/O
    try:
        with transaction.atomic():
            giveaway = Giveaway.objects.select_for_update().get(pk=giveaway_id)
            if giveaway.status != GiveawayStatus.CLOSED:
                return False
            GiveawayDraw.objects.create(
                giveaway=giveaway, drawn_at=now, trigger=trigger, late=now - giveaway.draw_at > LATE_AFTER
            )
            data = giveaway.frozen_list.encode("utf-8")
            if verify_draw.list_hash(data) != giveaway.list_hash:
                raise ApplicationError(_("The frozen list does not match its published hash."), code="list_changed")
            randomness = beacon[1] if beacon else ""
            order = verify_draw.ranking(
                bytes.fromhex(giveaway.secret_seed), verify_draw.parse_list(data), drand_randomness_hex=randomness
            )
            Winner.objects.bulk_create(
                Winner(giveaway=giveaway, handle=handle, rank=rank)
                for rank, handle in enumerate(order[: giveaway.winner_count], start=1)
            )
            giveaway.status = GiveawayStatus.DRAWN
            giveaway.drawn_at = now
            giveaway.revealed_seed = giveaway.secret_seed
            giveaway.drand_round = beacon[0] if beacon else None
            giveaway.drand_randomness = randomness
            giveaway.save(update_fields=["status", "drawn_at", "revealed_seed", "drand_round", "drand_randomness"])
    except IntegrityError:
        logger.info("giveaway %s was drawn by another worker", giveaway_id)
        return False
    logger.debug("giveaway %s drawn: %s winners", giveaway_id, min(giveaway.winner_count, len(order)))
    return True


def giveaways_close_due(*, now: datetime.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    ids = list(
        Giveaway.objects.filter(status=GiveawayStatus.OPEN, entries_close_at__lte=now).values_list("pk", flat=True)
    )
    return [pk for pk in ids if giveaway_close(giveaway_id=pk, now=now)]


def giveaways_draw_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Draw every giveaway whose time has come, including ones missed while no worker ran
    (closing them first when their close was missed too)."""
    now = now or timezone.now()
    giveaways_close_due(now=now)
    ids = list(Giveaway.objects.filter(status=GiveawayStatus.CLOSED, draw_at__lte=now).values_list("pk", flat=True))
    drawn = []
    for pk in ids:
        try:
            if giveaway_draw(giveaway_id=pk, now=now):
                drawn.append(pk)
        except ApplicationError:
            # A frozen list that no longer matches its hash stays undrawn for staff to look
            # at; it must not hold up the other organisations' draws at every beat.
            logger.exception("giveaway %s not drawn", pk)
    return drawn


@transaction.atomic
def winner_redraw(*, winner: Winner, reason: str, user=None) -> Redraw:
    """Replace a winner who did not answer by the next handle down the ranking."""
    if not reason.strip():
        raise ApplicationError(_("Say why the winner is replaced."), code="no_reason")
    giveaway = Giveaway.objects.select_for_update().get(pk=winner.giveaway_id)
    winner = Winner.objects.get(pk=winner.pk)
    if winner.replaced:
        raise ApplicationError(_("This winner was replaced already."), code="replaced")
    taken = set(giveaway.winners.values_list("handle", flat=True))
    last_rank = max(giveaway.winners.values_list("rank", flat=True), default=0)
    order = verify_draw.ranking(
        bytes.fromhex(giveaway.revealed_seed),
        verify_draw.parse_list(giveaway.frozen_list.encode("utf-8")),
        drand_randomness_hex=giveaway.drand_randomness,
    )
    candidates = [(rank, h) for rank, h in enumerate(order, start=1) if rank > last_rank and h not in taken]
    if not candidates:
        raise ApplicationError(_("Nobody is left in the list to draw."), code="exhausted")
    rank, handle = candidates[0]
    new_winner = Winner.objects.create(giveaway=giveaway, handle=handle, rank=rank)
    winner.replaced = True
    winner.save(update_fields=["replaced"])
    redraw = Redraw(
        giveaway=giveaway,
        replaced_winner=winner,
        new_winner=new_winner,
        reason=reason.strip(),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    redraw.full_clean()
    redraw.save()
    logger.info("giveaway %s: winner %s replaced by %s (%s)", giveaway.pk, winner.handle, handle, reason)
    return redraw
