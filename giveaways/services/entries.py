"""A giveaway's entries: pasted comments, comments read from the post, follower lists and
staff's marks, each judged by the rules of `giveaways.eligibility`. One entry per author."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giveaways import eligibility, parsing
from giveaways.choices import FollowerSource, GiveawayStatus
from giveaways.models import EntryImport, FetchedComment, Follower, Giveaway, GiveawayEntry, Winner
from unionportal.exceptions import ApplicationError


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
