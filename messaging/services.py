"""Every write of messaging: subscriptions, broadcasts into the outbox, the answers to
appeals, erasure, and the jobs that turn new publications and giveaways into messages.

`broadcast_queue` is the one way anything reaches many members: news, digests, giveaways,
staff notices, and (later) polls all call it. Nothing here sends: the sender
(`messaging.sending`) does, from the outbox, after commit.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_regional
from branches.choices import OrganisationKind
from branches.models import Organisation
from branches.scoping import user_organisation_id
from messaging import consent
from messaging.choices import BotLanguage, Kind, NewsMode, OutboxStatus
from messaging.models import Broadcast, ChatAppeal, NativePoll, OutboxMessage, ProcessedUpdate, Subscriber
from unionportal.exceptions import ApplicationError

logger = logging.getLogger(__name__)


def queue_sending() -> None:
    """Wake the sender once the transaction commits. A broker that is down loses nothing:
    the rows wait in the outbox and the every-minute job sends them."""

    def enqueue():
        from messaging import tasks

        try:
            tasks.send_outbox.apply_async(retry=False)
        except Exception:  # noqa: BLE001 - the broker's errors vary by transport; the schedule catches up
            logger.warning("Could not queue the outbox sender; the scheduled job will send")

    transaction.on_commit(enqueue)


# --- Audiences ------------------------------------------------------------------------------


def audience_branch(organisation: Organisation | None) -> Organisation | None:
    """The branch whose subscribers an organisation's news is for; None means everyone."""
    if organisation is None or organisation.kind == OrganisationKind.REGIONAL:
        return None
    if organisation.kind == OrganisationKind.PRIMARY and organisation.parent_id:
        return organisation.parent
    return organisation


def audience(*, kind: str, branch: Organisation | None) -> QuerySet[Subscriber]:
    """Who a broadcast of `kind` for `branch` (None: everyone) goes to."""
    qs = Subscriber.objects.active()
    if branch is not None:
        qs = qs.filter(branch=branch)
    if kind == Kind.NEWS:
        qs = qs.filter(news_mode=NewsMode.EACH)
    elif kind == Kind.DIGEST:
        qs = qs.filter(news_mode=NewsMode.DAILY)
    elif kind in (Kind.GIVEAWAY, Kind.GIVEAWAY_RESULT):
        qs = qs.filter(wants_giveaways=True)
    return qs


@transaction.atomic
def broadcast_queue(
    *,
    kind: str,
    branch: Organisation | None = None,
    text_ru: str = "",
    text_kk: str = "",
    payload: dict | None = None,
    source_key: str | None = None,
    actor=None,
    subscribers: QuerySet[Subscriber] | None = None,
) -> Broadcast | None:
    """Queue one message per subscriber of the audience; None when `source_key` was queued
    before (a job running twice). This is the hook for polls: see docs/messaging.md."""
    if source_key and Broadcast.objects.filter(source_key=source_key).exists():
        return None
    broadcast = Broadcast(
        kind=kind,
        branch=branch,
        text_ru=text_ru.strip(),
        text_kk=text_kk.strip(),
        payload=payload or {},
        source_key=source_key,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    broadcast.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            broadcast.save()
    except IntegrityError:
        return None  # the same source queued at the same moment by another run
    recipients = audience(kind=kind, branch=branch) if subscribers is None else subscribers
    ids = list(recipients.values_list("pk", flat=True))
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(broadcast=broadcast, subscriber_id=pk, kind=kind) for pk in ids], batch_size=1000
    )
    Broadcast.objects.filter(pk=broadcast.pk).update(recipients=len(ids))
    broadcast.recipients = len(ids)
    queue_sending()
    return broadcast


def notice_check(*, actor, branch: Organisation | None, text_ru: str, text_kk: str) -> None:
    if not (text_ru.strip() or text_kk.strip()):
        raise ApplicationError(_("Write the notice in Russian, in Kazakh or in both."), code="empty")
    if not is_regional(actor):
        own = user_organisation_id(actor)
        if branch is None or branch.pk != own:
            raise ApplicationError(_("You can send a notice to your own branch only."), code="scope")


def notice_send(*, actor, branch: Organisation | None, text_ru: str, text_kk: str) -> Broadcast:
    """An important notice from staff to one branch or to everyone, sent now."""
    notice_check(actor=actor, branch=branch, text_ru=text_ru, text_kk=text_kk)
    # No source key: a notice is never taken for a repeat, so this is always a Broadcast.
    return broadcast_queue(kind=Kind.NOTICE, branch=branch, text_ru=text_ru, text_kk=text_kk, actor=actor)


# --- Replies to one chat --------------------------------------------------------------------


def reply(subscriber: Subscriber, key: str, **params) -> OutboxMessage:
    """Queue the bot's answer to something the member did; rendered at send time."""
    message = OutboxMessage.objects.create(subscriber=subscriber, kind=Kind.REPLY, payload={"key": key, "params": params})
    queue_sending()
    return message


# --- Subscriptions ------------------------------------------------------------------------


def branch_for_start(param: str) -> Organisation | None:
    param = (param or "").strip()
    if not param:
        return None
    return Organisation.objects.filter(
        slug=param, is_active=True, kind__in=[OrganisationKind.BRANCH, OrganisationKind.REGIONAL]
    ).first()


def language_from(code: str | None) -> str:
    return BotLanguage.KK if (code or "").lower().startswith("kk") else BotLanguage.RU


@transaction.atomic
def subscriber_start(*, chat_id: int, start_param: str = "", language_code: str | None = None) -> Subscriber:
    """/start, with or without a branch's deep link. Asks for consent again whenever the
    member had left, so the new consent is recorded with its version and time."""
    subscriber, created = Subscriber.objects.select_for_update().get_or_create(
        chat_id=chat_id, defaults={"language": language_from(language_code)}
    )
    branch = branch_for_start(start_param)
    unknown = bool(start_param) and branch is None
    if branch is not None:
        subscriber.branch = None if branch.kind == OrganisationKind.REGIONAL else branch
    if subscriber.stopped_at or subscriber.blocked_at:
        subscriber.stopped_at = subscriber.blocked_at = None
        subscriber.consent_at = None
        subscriber.consent_version = ""
        subscriber.started_at = timezone.now()
    subscriber.full_clean(exclude=["chat_id"])
    subscriber.save()
    if subscriber.consent_at and not unknown and not created:
        reply(subscriber, "subscribed")
    else:
        reply(subscriber, "welcome", unknown_branch=unknown)
    return subscriber


@transaction.atomic
def subscriber_consent(*, subscriber: Subscriber) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if not subscriber.consent_at:
        subscriber.consent_at = timezone.now()
        subscriber.consent_version = consent.CURRENT_VERSION
        subscriber.save(update_fields=["consent_at", "consent_version"])
    reply(subscriber, "subscribed")
    return subscriber


@transaction.atomic
def subscriber_update(*, subscriber: Subscriber, **changes) -> Subscriber:
    """Language, news mode or giveaways, from the settings buttons."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    for field, value in changes.items():
        setattr(subscriber, field, value)
    subscriber.full_clean(exclude=["chat_id"])
    subscriber.save(update_fields=list(changes))
    # Before consent a language change shows the welcome again, now in that language.
    reply(subscriber, "saved" if subscriber.consent_at else "welcome")
    return subscriber


def _cancel_pending(subscriber: Subscriber) -> int:
    return OutboxMessage.objects.filter(subscriber=subscriber, status=OutboxStatus.PENDING).exclude(kind=Kind.REPLY).update(
        status=OutboxStatus.SKIPPED, error="the member stopped"
    )


@transaction.atomic
def subscriber_stop(*, subscriber: Subscriber) -> Subscriber:
    """/stop: every message ends at once, including those already queued."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    subscriber.stopped_at = subscriber.stopped_at or timezone.now()
    subscriber.dialog = {}
    subscriber.save(update_fields=["stopped_at", "dialog"])
    _cancel_pending(subscriber)
    reply(subscriber, "stopped")
    return subscriber


@transaction.atomic
def subscriber_erase(*, subscriber: Subscriber, notify: bool = False) -> Subscriber:
    """Empty the chat id and everything typed; the row stays for the counts of what was sent.

    With `notify`, a last message confirms it: it is sent to the chat id captured now, by
    the caller, before the id is gone (see `bot.handle_update`)."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    now = timezone.now()
    OutboxMessage.objects.filter(subscriber=subscriber, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SKIPPED, error="the member's data was erased"
    )
    ChatAppeal.objects.filter(subscriber=subscriber).delete()
    NativePoll.objects.filter(subscriber=subscriber).delete()
    Subscriber.objects.filter(pk=subscriber.pk).update(
        chat_id=None, dialog={}, stopped_at=subscriber.stopped_at or now, erased_at=now
    )
    subscriber.refresh_from_db()
    return subscriber


def erase_departed(*, now: datetime.datetime | None = None) -> int:
    """The retention job: chat ids of members who left or blocked the bot more than
    MESSAGING_ERASE_AFTER_DAYS ago or wrote once and never agreed; and the links from chats
    to appeals that were anonymised."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.MESSAGING_ERASE_AFTER_DAYS)
    due = Subscriber.objects.filter(chat_id__isnull=False).filter(
        Q(stopped_at__lt=cutoff)
        | Q(blocked_at__lt=cutoff)
        # Wrote to the bot but never agreed to anything, and sent no appeal: nothing to keep.
        | Q(consent_at__isnull=True, started_at__lt=cutoff, appeals__isnull=True)
    ).distinct()
    count = 0
    for subscriber in due.only("pk").iterator():
        subscriber_erase(subscriber=subscriber)
        count += 1
    # The link to an anonymised appeal is personal too (it ties the chat to the question).
    ChatAppeal.objects.filter(appeal__anonymised_at__isnull=False).delete()
    ProcessedUpdate.objects.filter(received_at__lt=now - datetime.timedelta(days=7)).delete()
    return count


# --- Appeals' answers -----------------------------------------------------------------------


def deliver_appeal_message(*, appeal_id: int, kind: str) -> OutboxMessage | None:
    """Queue the answer (or the rating question) of an appeal that came through the bot."""
    link = ChatAppeal.objects.select_related("subscriber").filter(appeal_id=appeal_id).first()
    if link is None or link.subscriber.chat_id is None:
        return None
    with transaction.atomic():
        message = OutboxMessage.objects.create(subscriber=link.subscriber, kind=kind, payload={"appeal_id": appeal_id})
        queue_sending()
    return message


# --- Jobs that turn the portal's content into messages ----------------------------------------


def queue_news(*, now: datetime.datetime | None = None) -> int:
    """Each newly logged publication to the members who want every item (once each)."""
    from publications.selectors import publications_logged_since

    now = now or timezone.now()
    fresh = publications_logged_since(since=now - datetime.timedelta(days=2), now=now)
    queued = 0
    for publication in fresh.order_by("published_at", "pk"):
        broadcast = broadcast_queue(
            kind=Kind.NEWS,
            branch=audience_branch(publication.organisation),
            payload={"publication_id": publication.pk},
            source_key=f"news:{publication.pk}",
        )
        queued += broadcast is not None
    return queued


def queue_daily_digests(*, day: datetime.date | None = None) -> int:
    """One digest a day for the members who chose it: the day's news of their branch and of
    the region. Members of a branch with no news that day get nothing."""
    from publications.selectors import publications_published_between

    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    publications = list(publications_published_between(start=start, end=end))
    regional = [p.pk for p in publications if audience_branch(p.organisation) is None]
    by_branch: dict[int, list[int]] = {}
    for p in publications:
        branch = audience_branch(p.organisation)
        if branch is not None:
            by_branch.setdefault(branch.pk, []).append(p.pk)
    daily = Subscriber.objects.active().filter(news_mode=NewsMode.DAILY)
    queued = 0
    branch_ids = set(daily.exclude(branch__isnull=True).values_list("branch_id", flat=True).distinct())
    for branch in Organisation.objects.filter(pk__in=branch_ids):
        ids = by_branch.get(branch.pk, []) + regional
        if ids:
            queued += broadcast_queue(
                kind=Kind.DIGEST, branch=branch, payload={"publication_ids": ids}, source_key=f"digest:{day}:{branch.pk}",
                subscribers=daily.filter(branch=branch),
            ) is not None
    if regional:
        queued += broadcast_queue(
            kind=Kind.DIGEST, branch=None, payload={"publication_ids": regional}, source_key=f"digest:{day}:region",
            subscribers=daily.filter(branch__isnull=True),
        ) is not None
    return queued


def queue_giveaways() -> int:
    """The Friday giveaway when it opens, and its result once drawn (once each)."""
    from giveaways.selectors import giveaways_drawn_since, giveaways_open_to_announce

    queued = 0
    recent = timezone.now() - datetime.timedelta(days=7)
    for giveaway in giveaways_open_to_announce(now=timezone.now()):
        queued += broadcast_queue(
            kind=Kind.GIVEAWAY, branch=audience_branch(giveaway.organisation), payload={"giveaway_id": giveaway.pk},
            source_key=f"giveaway:{giveaway.pk}",
        ) is not None
    for giveaway in giveaways_drawn_since(since=recent):
        queued += broadcast_queue(
            kind=Kind.GIVEAWAY_RESULT, branch=audience_branch(giveaway.organisation), payload={"giveaway_id": giveaway.pk},
            source_key=f"giveaway-result:{giveaway.pk}",
        ) is not None
    return queued


def poll_audience(poll) -> QuerySet[Subscriber]:
    """The active subscribers a poll asks: everyone for a region-wide poll, else the
    members of its branches (a primary organisation's member subscribes by its branch)."""
    from polls.selectors import poll_asks_whole_region

    qs = Subscriber.objects.active()
    if poll_asks_whole_region(poll):
        return qs
    return qs.filter(branch__in=poll.audience_organisations.all())


def queue_polls(*, now: datetime.datetime | None = None) -> int:
    """The invitation to each poll that opened in the last two days (once each), and the
    "you said, we did" note to the Telegram members who answered, once it is published.
    Rows carry the poll's id only: the question, the options and the personal link are
    made when the message leaves (`messaging.texts`)."""
    from polls.selectors import outcome_telegram_recipients, polls_opened_recently, polls_with_outcome_since

    now = now or timezone.now()
    queued = 0
    for poll in polls_opened_recently(now=now, within=datetime.timedelta(days=2)):
        queued += broadcast_queue(
            kind=Kind.POLL, payload={"poll_id": poll.pk}, source_key=f"poll:{poll.pk}", subscribers=poll_audience(poll),
        ) is not None
    for poll in polls_with_outcome_since(since=now - datetime.timedelta(days=7)):
        if Broadcast.objects.filter(source_key=f"poll-outcome:{poll.pk}").exists():
            continue
        answered = Subscriber.objects.active().filter(pk__in=outcome_telegram_recipients(poll))
        queued += broadcast_queue(
            kind=Kind.POLL, payload={"poll_id": poll.pk, "outcome": True}, source_key=f"poll-outcome:{poll.pk}",
            subscribers=answered,
        ) is not None
    return queued


def queue_content() -> int:
    return queue_news() + queue_giveaways() + queue_polls()
