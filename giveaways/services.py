"""Every change to a giveaway goes through here: opening with a seed commitment, entries
from pasted comments, eligibility, the close that freezes the list, the one draw, redraws
and next week's giveaway. Views, the admin, tasks and the demo call these functions."""

import datetime
import json
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from giveaways import eligibility, parsing, verify_draw
from giveaways.choices import DrawTrigger, FollowerSource, GiveawayStatus
from giveaways.models import (
    EntryImport,
    FetchedComment,
    Follower,
    Giveaway,
    GiveawayDraw,
    GiveawayEntry,
    Redraw,
    Winner,
)
from unionportal.caching import bump
from unionportal.exceptions import ApplicationError

logger = logging.getLogger(__name__)

FRIDAY = 4
# A draw made this long after its time is recorded as a catch-up.
LATE_AFTER = datetime.timedelta(minutes=15)


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


# --- Entries ---------------------------------------------------------------------------


@dataclass
class EligibilityContext:
    own_handles: frozenset
    followers: frozenset
    recent_winners: frozenset


def own_handles() -> frozenset:
    """The Instagram accounts of every organisation of the registry (never entrants)."""
    from branches.models import SocialPage

    handles = SocialPage.objects.filter(platform="instagram").values_list("handle", flat=True)
    return frozenset(h for h in (parsing.normalise_handle(raw or "") for raw in handles) if h)


def recent_winner_handles(*, giveaway: Giveaway) -> frozenset:
    """Who won a giveaway of the same organisation in the cooldown weeks before this one."""
    since = giveaway.draw_date - datetime.timedelta(weeks=settings.GIVEAWAY_WINNER_COOLDOWN_WEEKS)
    return frozenset(
        Winner.objects.filter(
            giveaway__organisation=giveaway.organisation_id,
            giveaway__draw_date__gte=since,
            giveaway__draw_date__lt=giveaway.draw_date,
            replaced=False,
        ).values_list("handle", flat=True)
    )


def eligibility_context(*, giveaway: Giveaway) -> EligibilityContext:
    followers = frozenset(
        Follower.objects.filter(organisation=giveaway.organisation_id).values_list("handle", flat=True)
    )
    return EligibilityContext(
        own_handles=own_handles(), followers=followers, recent_winners=recent_winner_handles(giveaway=giveaway)
    )


def _apply_verdict(entry: GiveawayEntry, context: EligibilityContext) -> None:
    verdict = eligibility.evaluate(
        author=entry.author,
        tags=entry.tagged_handles,
        own_handles=context.own_handles,
        followers=context.followers,
        marked_follower=entry.marked_follower,
        recent_winners=context.recent_winners,
    )
    entry.is_eligible = verdict.eligible
    entry.ineligible_reasons = list(verdict.reasons)


@transaction.atomic
def entries_evaluate(*, giveaway: Giveaway) -> int:
    """Re-apply the rules to every entry (after a follower list or a winner changed)."""
    context = eligibility_context(giveaway=giveaway)
    entries = list(giveaway.entries.all())
    for entry in entries:
        _apply_verdict(entry, context)
    GiveawayEntry.objects.bulk_update(entries, ["is_eligible", "ineligible_reasons"], batch_size=2000)
    return sum(1 for e in entries if e.is_eligible)


def _check_accepts_entries(giveaway: Giveaway) -> None:
    if giveaway.status != GiveawayStatus.OPEN:
        raise ApplicationError(_("Entries are taken only while the giveaway is open."), code="not_open")
    if timezone.now() > giveaway.entries_close_at:
        raise ApplicationError(_("Entries closed at the time set for this giveaway."), code="closed")


@transaction.atomic
def entries_import(*, giveaway: Giveaway, text: str, file_name: str = "", user=None) -> EntryImport:
    """Turn pasted comments (or a CSV export) into entries, one per author.

    A second comment by the same author is merged into their entry (its tags added), so
    an author never has two chances. Every line that cannot be read is kept in the import's
    `problems`, with its number and why.
    """
    giveaway = Giveaway.objects.select_for_update().get(pk=giveaway.pk)
    _check_accepts_entries(giveaway)
    result = parsing.parse_comments(text)
    new, merged = _merge_comments(giveaway, result.comments)
    record = EntryImport(
        giveaway=giveaway,
        file_name=file_name[:255],
        lines=result.lines,
        comments=len(result.comments),
        entries_added=len(new),
        entries_merged=merged,
        problems=[
            {"line": p.line_no, "text": _printable(p.line[:300]), "code": p.code, "detail": _printable(p.detail)}
            for p in result.problems
        ],
        created_by=user if user is not None and user.is_authenticated else None,
    )
    record.full_clean()
    record.save()
    return record


def _merge_comments(giveaway: Giveaway, comments: list) -> tuple[dict, int]:
    """Merge parsed comments into the giveaway's entries (one per author) and judge them."""
    existing = {e.author: e for e in giveaway.entries.all()}
    new: dict[str, GiveawayEntry] = {}
    merged = 0
    for comment in comments:
        entry = existing.get(comment.author) or new.get(comment.author)
        if entry is None:
            new[comment.author] = GiveawayEntry(
                giveaway=giveaway, author=comment.author, text=comment.text, tagged_handles=list(comment.tags)
            )
            continue
        merged += 1
        entry.comment_count += 1
        entry.text = f"{entry.text}\n{comment.text}".strip()
        entry.tagged_handles = list(dict.fromkeys([*entry.tagged_handles, *comment.tags]))
        entry._touched = True
    context = eligibility_context(giveaway=giveaway)
    for entry in new.values():
        _apply_verdict(entry, context)
    touched = [e for e in existing.values() if getattr(e, "_touched", False)]
    for entry in touched:
        _apply_verdict(entry, context)
    GiveawayEntry.objects.bulk_create(list(new.values()), batch_size=2000)
    GiveawayEntry.objects.bulk_update(
        touched, ["text", "tagged_handles", "comment_count", "is_eligible", "ineligible_reasons"], batch_size=2000
    )
    return new, merged


@transaction.atomic
def entries_add_fetched(*, giveaway: Giveaway, comments: list[dict]) -> EntryImport | None:
    """Comments read from the Instagram post (`{"id", "username", "text"}`) become entries
    through the same rules as pasted ones; a comment read before is skipped, so the post
    can be read again and again until entries close. None when nothing was new."""
    giveaway = Giveaway.objects.select_for_update().get(pk=giveaway.pk)
    _check_accepts_entries(giveaway)
    known = set(giveaway.fetched_comments.values_list("comment_id", flat=True))
    fresh, problems = [], []
    for index, comment in enumerate(comments, start=1):
        comment_id = str(comment.get("id") or "")
        if not comment_id or comment_id in known:
            continue
        known.add(comment_id)
        author = parsing.normalise_handle(str(comment.get("username") or ""))
        text = _printable(str(comment.get("text") or ""))[:5000]
        if author is None:
            problems.append({"line": index, "text": text[:300], "code": parsing.BROKEN_LINE, "detail": ""})
            continue
        tags, _bad = parsing.extract_tags(text)
        fresh.append((comment_id, parsing.ParsedComment(line_no=index, author=author, text=text, tags=tags)))
    if not fresh and not problems:
        return None
    new, merged = _merge_comments(giveaway, [c for _id, c in fresh])
    FetchedComment.objects.bulk_create(
        [FetchedComment(giveaway=giveaway, comment_id=cid) for cid, _c in fresh], batch_size=2000
    )
    record = EntryImport(
        giveaway=giveaway,
        file_name="Instagram Graph API",
        lines=len(fresh) + len(problems),
        comments=len(fresh),
        entries_added=len(new),
        entries_merged=merged,
        problems=problems,
    )
    record.full_clean()
    record.save()
    return record


def _printable(text: str) -> str:
    """Control characters shown as escapes: a broken line is kept, and PostgreSQL refuses NUL."""
    return "".join(ch if ch.isprintable() or ch == "\t" else f"\\x{ord(ch):02x}" for ch in text)


@transaction.atomic
def entry_mark_follower(*, entry: GiveawayEntry, user=None) -> GiveawayEntry:
    """Staff checked that the author follows the page: remember it for later weeks too."""
    _done, refused = entries_mark_follower(entries=[entry], user=user)
    if refused:
        raise refused[0][1]
    return entry


@transaction.atomic
def entries_mark_follower(
    *, entries: list[GiveawayEntry], user=None
) -> tuple[list[GiveawayEntry], list[tuple[GiveawayEntry, ApplicationError]]]:
    """Mark several authors as followers at once (the admin action on a page of entries):
    the rules' data is read once per giveaway, not once per entry. Returns the entries
    marked and, with why, those refused (a frozen list cannot change)."""
    by_giveaway: dict[int, list[GiveawayEntry]] = {}
    for entry in entries:
        by_giveaway.setdefault(entry.giveaway_id, []).append(entry)
    done, refused = [], []
    for group in by_giveaway.values():
        giveaway = group[0].giveaway
        if giveaway.status not in (GiveawayStatus.DRAFT, GiveawayStatus.OPEN):
            error = ApplicationError(_("The list is frozen: entries cannot change after the close."), code="frozen")
            refused += [(entry, error) for entry in group]
            continue
        # Existing followers keep their source (an import stays an import).
        Follower.objects.bulk_create(
            [
                Follower(organisation_id=giveaway.organisation_id, handle=entry.author, source=FollowerSource.STAFF)
                for entry in group
            ],
            ignore_conflicts=True,
        )
        context = eligibility_context(giveaway=giveaway)
        for entry in group:
            entry.marked_follower = True
            _apply_verdict(entry, context)
        GiveawayEntry.objects.bulk_update(group, ["marked_follower", "is_eligible", "ineligible_reasons"])
        done += group
    return done, refused


@transaction.atomic
def followers_import(*, organisation, text: str) -> tuple[int, list[parsing.Problem]]:
    """Add the handles of an exported follower list (one per line). Returns how many were new."""
    handles, problems = parsing.parse_handle_list(text)
    known = set(Follower.objects.filter(organisation=organisation, handle__in=handles).values_list("handle", flat=True))
    fresh = [
        Follower(organisation=organisation, handle=h, source=FollowerSource.IMPORT) for h in handles if h not in known
    ]
    Follower.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    for giveaway in Giveaway.objects.filter(organisation=organisation, status=GiveawayStatus.OPEN):
        entries_evaluate(giveaway=giveaway)
    return len(fresh), problems


# --- Close, draw, redraw -------------------------------------------------------------------


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
