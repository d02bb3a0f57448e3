"""The sender: takes outbox rows in order and hands them to Telegram within its limits.

- One sender at a time holds the lease (`SenderLease`), so 30 messages a second overall and
  one a second per chat hold across every worker, not per process.
- A row is claimed (pending → sending) with a conditional update, then `attempted_at` is
  set just before the request, then its outcome. A sender killed mid-way leaves rows that
  were claimed but never attempted (safe to send: they go back to the queue) and at most
  one group (TELEGRAM_SEND_GROUP, 10) attempted without an outcome: Telegram has no
  idempotency key, so those are marked failed ("interrupted") rather than risk sending any
  twice.
- A 429 puts the row back with its `retry_after` and pauses every sending for that long; a
  403 marks the member as having blocked the bot, and nothing more goes to them.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from messaging import texts
from messaging.choices import BROADCAST_KINDS, Kind, OutboxStatus
from messaging.models import NativePoll, OutboxMessage, SenderLease, Subscriber
from messaging.telegram import BotClient, TelegramError

logger = logging.getLogger(__name__)

LEASE_NAME = "telegram"
SOON = timezone.timedelta(seconds=3)
MAX_ATTEMPTS = 5


class RateLimiter:
    """Keeps the sender under Telegram's limits: at most `per_second - 1` messages in any
    second (one slot of margin for the jitter of the network), never two closer than half
    the even spacing, and one chat's messages `chat_interval` apart.

    A sliding window, like Telegram's own count: a sender that lost a moment to a slow
    commit catches up within the second instead of losing the slot for good.

    `speed` runs the limiter on a faster clock, for the bench against a fake server whose
    clock runs as fast; limits and waits are then in that clock's seconds. 1 is real time."""

    CHAT_SAFETY = 1.1

    def __init__(self, *, per_second: float, chat_interval: float, speed: float = 1.0):
        self.capacity = max(1, int(per_second) - 1)
        self.min_gap = 0.5 / per_second
        self.chat_interval = chat_interval
        self.speed = speed
        self.window: deque[float] = deque()
        self.last = float("-inf")
        self.paused_until = 0.0
        self.next_chat: dict[int, float] = {}

    @classmethod
    def from_settings(cls) -> RateLimiter:
        return cls(per_second=settings.TELEGRAM_MESSAGES_PER_SECOND, chat_interval=settings.TELEGRAM_CHAT_INTERVAL_SECONDS)

    def clock(self) -> float:
        return time.monotonic() * self.speed

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds / self.speed)

    def real_seconds(self, seconds: float) -> float:
        return seconds / self.speed

    def chat_wait(self, chat_id: int) -> float:
        return max(0.0, self.next_chat.get(chat_id, 0.0) - self.clock())

    def acquire(self, chat_id: int) -> None:
        now = self.clock()
        at = max(now, self.paused_until, self.last + self.min_gap, self.next_chat.get(chat_id, 0.0))
        if len(self.window) >= self.capacity:
            at = max(at, self.window[-self.capacity] + 1.0)
        if at > now:
            self.sleep(at - now)
        self.last = at
        self.window.append(at)
        while len(self.window) > self.capacity:
            self.window.popleft()
        self.next_chat[chat_id] = at + self.chat_interval * self.CHAT_SAFETY
        if len(self.next_chat) > 50_000:
            horizon = self.clock()
            self.next_chat = {k: v for k, v in self.next_chat.items() if v > horizon}

    def remember(self, chat_id: int, *, real_seconds_ago: float) -> None:
        """A message that an earlier sender run sent to this chat moments ago."""
        self.next_chat[chat_id] = self.clock() - real_seconds_ago * self.speed + self.chat_interval * self.CHAT_SAFETY

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.clock() + seconds)


@dataclass
class SendReport:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    busy: bool = False
    recovered: dict = field(default_factory=dict)


# --- The lease ---------------------------------------------------------------------------


def lease_acquire(holder: str) -> bool:
    now = timezone.now()
    SenderLease.objects.get_or_create(name=LEASE_NAME)
    expires = now + timezone.timedelta(seconds=settings.TELEGRAM_SENDER_LEASE_SECONDS)
    from django.db.models import Q

    taken = SenderLease.objects.filter(Q(expires_at__lt=now) | Q(holder=holder) | Q(holder=""), name=LEASE_NAME).update(
        holder=holder, expires_at=expires
    )
    return taken == 1


def lease_renew(holder: str) -> bool:
    expires = timezone.now() + timezone.timedelta(seconds=settings.TELEGRAM_SENDER_LEASE_SECONDS)
    return SenderLease.objects.filter(name=LEASE_NAME, holder=holder).update(expires_at=expires) == 1


def lease_release(holder: str) -> None:
    SenderLease.objects.filter(name=LEASE_NAME, holder=holder).update(holder="", expires_at=timezone.now())


def recover_interrupted() -> dict:
    """Rows a dead sender left behind. Only called by the lease holder, so every row still
    "sending" belongs to a sender that is gone."""
    stuck = OutboxMessage.objects.filter(status=OutboxStatus.SENDING)
    requeued = stuck.filter(attempted_at__isnull=True).update(status=OutboxStatus.PENDING, claim="", claimed_at=None)
    interrupted = stuck.filter(attempted_at__isnull=False).update(
        status=OutboxStatus.FAILED, error="interrupted: the sender stopped while sending; not resent"
    )
    if requeued or interrupted:
        logger.warning("Outbox recovery: %s requeued, %s interrupted", requeued, interrupted)
    return {"requeued": requeued, "interrupted": interrupted}


# --- Sending ------------------------------------------------------------------------------


class _Outcomes:
    """Outcomes written in one transaction per group of messages, together with the
    "attempted" mark of the next group: one commit per group instead of two per message,
    which is what lets one sender keep up with 30 a second on a slow disk."""

    def __init__(self, holder: str):
        self.holder = holder
        self.rows: list[tuple[int, dict]] = []
        self.blocked: list[int] = []

    def finish(self, message: OutboxMessage, **fields) -> None:
        self.rows.append((message.pk, fields))

    def flush(self, *, attempted: list[int] = ()) -> None:
        if not (self.rows or self.blocked or attempted):
            return
        now = timezone.now()
        with transaction.atomic():
            for pk, fields in self.rows:
                OutboxMessage.objects.filter(pk=pk, claim=self.holder).update(**fields)
            if self.blocked:
                Subscriber.objects.filter(pk__in=self.blocked, blocked_at__isnull=True).update(blocked_at=now)
            if attempted:
                # Durable before the first request of the group leaves: a sender killed from
                # here on leaves these rows "attempted", and they are never sent again.
                OutboxMessage.objects.filter(pk__in=attempted, claim=self.holder).update(
                    attempted_at=now, attempts=F("attempts") + 1
                )
        self.rows, self.blocked = [], []


def _prepare(message: OutboxMessage, *, limiter: RateLimiter, outcomes: _Outcomes, chats: set, report: SendReport):
    """(message, text, keyboard) ready to go, or None when it was skipped or put off."""
    subscriber: Subscriber = message.subscriber
    now = timezone.now()
    # Replies always go (they answer what the member just did, /stop included); an appeal's
    # answer goes to a member who never subscribed but not to one who stopped; broadcasts
    # only to active subscribers.
    if (
        subscriber.chat_id is None
        or subscriber.blocked_at
        or (message.kind in BROADCAST_KINDS and not subscriber.is_active)
        or (message.kind in (Kind.ANSWER, Kind.RATE) and subscriber.stopped_at)
    ):
        outcomes.finish(message, status=OutboxStatus.SKIPPED, error="the member left, blocked the bot or was erased")
        report.skipped += 1
        return None
    rendered = texts.render(message)
    if rendered is None:
        outcomes.finish(message, status=OutboxStatus.SKIPPED, error="nothing to send any more")
        report.skipped += 1
        return None
    wait = limiter.chat_wait(subscriber.chat_id)
    if wait > 0.2 or subscriber.chat_id in chats:
        # This chat's next message is not due yet: let the others go first.
        wait = max(wait, limiter.chat_interval * limiter.CHAT_SAFETY)
        outcomes.finish(message, status=OutboxStatus.PENDING, claim="",
                        not_before=now + timezone.timedelta(seconds=limiter.real_seconds(wait)))
        report.deferred += 1
        return None
    chats.add(subscriber.chat_id)
    return message, rendered[0], rendered[1]


def _deliver(message, text, keyboard, *, client: BotClient, limiter: RateLimiter, outcomes: _Outcomes, report: SendReport) -> None:
    limiter.acquire(message.subscriber.chat_id)
    try:
        if keyboard and "send_poll" in keyboard:
            # A one-question poll as Telegram's own (see texts._poll); its answers come back
            # as poll_answer updates, found again by Telegram's poll id.
            result = client.send_poll(message.subscriber.chat_id, **keyboard["send_poll"])
            telegram_poll_id = ((result or {}).get("poll") or {}).get("id")
            if telegram_poll_id and message.broadcast_id:
                NativePoll.objects.get_or_create(
                    telegram_poll_id=str(telegram_poll_id),
                    defaults={"poll_id": message.broadcast.payload["poll_id"], "subscriber_id": message.subscriber_id},
                )
        else:
            result = client.send_message(message.subscriber.chat_id, text, reply_markup=keyboard)
    except TelegramError as exc:
        _failed(message, exc, limiter=limiter, outcomes=outcomes, report=report)
        return
    outcomes.finish(message, status=OutboxStatus.SENT, sent_at=timezone.now(),
                    telegram_message_id=(result or {}).get("message_id"), error="")
    report.sent += 1


def _failed(message, exc: TelegramError, *, limiter: RateLimiter, outcomes: _Outcomes, report: SendReport) -> None:
    now = timezone.now()
    if exc.code == 429:
        retry_after = float(exc.retry_after or 1)
        limiter.pause(retry_after)
        # Not delivered: Telegram refused it, so sending it again later is no duplicate.
        outcomes.finish(message, status=OutboxStatus.PENDING, claim="", attempted_at=None,
                        not_before=now + timezone.timedelta(seconds=limiter.real_seconds(retry_after)))
        report.deferred += 1
    elif exc.is_blocked:
        outcomes.finish(message, status=OutboxStatus.BLOCKED, error=exc.description[:200])
        outcomes.blocked.append(message.subscriber_id)
        report.blocked += 1
    elif (exc.is_unreachable or exc.code >= 500) and message.attempts + 1 < MAX_ATTEMPTS and not exc.maybe_sent:
        backoff = 30 * 2 ** message.attempts
        outcomes.finish(message, status=OutboxStatus.PENDING, claim="", attempted_at=None,
                        not_before=now + timezone.timedelta(seconds=backoff), error=exc.description[:200])
        report.deferred += 1
    else:
        outcomes.finish(message, status=OutboxStatus.FAILED, error=exc.description[:200])
        report.failed += 1


def _remember_recent(limiter: RateLimiter) -> None:
    # The per-chat limit spans sender runs: each webhook update wakes a new one.
    now = timezone.now()
    window = timezone.timedelta(seconds=limiter.real_seconds(limiter.chat_interval * limiter.CHAT_SAFETY))
    recent = OutboxMessage.objects.filter(status=OutboxStatus.SENT, sent_at__gte=now - window).values_list(
        "subscriber__chat_id", "sent_at"
    )
    for chat_id, sent_at in recent:
        if chat_id is not None:
            limiter.remember(chat_id, real_seconds_ago=(now - sent_at).total_seconds())


def outbox_send(
    *, client: BotClient | None = None, limiter: RateLimiter | None = None, max_seconds: float = 240, batch: int = 50,
    look_again: bool = True,
) -> SendReport:
    """Send what is due until the outbox is empty or `max_seconds` passed; another sender
    holding the lease means there is nothing to do here (`busy`)."""
    report = SendReport()
    client = client or BotClient()
    if not client.config.enabled:
        return report
    limiter = limiter or RateLimiter.from_settings()
    holder = uuid.uuid4().hex
    if not lease_acquire(holder):
        report.busy = True
        return report
    outcomes = _Outcomes(holder)
    try:
        report.recovered = recover_interrupted()
        _remember_recent(limiter)
        deadline = time.monotonic() + max_seconds
        while time.monotonic() < deadline:
            if not lease_renew(holder):
                break
            now = timezone.now()
            ids = list(
                OutboxMessage.objects.filter(status=OutboxStatus.PENDING, not_before__lte=now)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                # A chat's next reply put off by the per-chat limit comes due within moments:
                # wait for it here rather than leave it to the every-minute job.
                soon = (
                    OutboxMessage.objects.filter(status=OutboxStatus.PENDING, not_before__lte=now + SOON)
                    .order_by("not_before")
                    .values_list("not_before", flat=True)
                    .first()
                )
                if soon is None or time.monotonic() + (soon - now).total_seconds() > deadline:
                    break
                time.sleep(max(0.01, (soon - timezone.now()).total_seconds()))
                continue
            OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.PENDING).update(
                status=OutboxStatus.SENDING, claim=holder, claimed_at=now
            )
            claimed = list(
                OutboxMessage.objects.filter(pk__in=ids, claim=holder, status=OutboxStatus.SENDING)
                .select_related("subscriber__branch", "broadcast")
                .order_by("pk")
            )
            group = settings.TELEGRAM_SEND_GROUP
            for start in range(0, len(claimed), group):
                chats: set = set()
                ready = [
                    prepared
                    for message in claimed[start:start + group]
                    if (prepared := _prepare(message, limiter=limiter, outcomes=outcomes, chats=chats, report=report))
                ]
                outcomes.flush(attempted=[message.pk for message, _text, _keyboard in ready])
                for message, text, keyboard in ready:
                    _deliver(message, text, keyboard, client=client, limiter=limiter, outcomes=outcomes, report=report)
            outcomes.flush()
    finally:
        outcomes.flush()
        lease_release(holder)
    # A row committed while this sender was finishing found the lease taken and went back
    # to wait: look once more, so a reply does not wait for the next scheduled run.
    if look_again and _due_now():
        more = outbox_send(client=client, limiter=limiter, max_seconds=max(1.0, max_seconds / 2), batch=batch, look_again=False)
        for name in ("sent", "blocked", "failed", "skipped", "deferred"):
            setattr(report, name, getattr(report, name) + getattr(more, name))
    return report


def _due_now() -> bool:
    return OutboxMessage.objects.filter(status=OutboxStatus.PENDING, not_before__lte=timezone.now()).exists()
