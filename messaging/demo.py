"""Demo subscribers of the bot and one important notice already sent, so the admin's
counts and "what was sent" have something to show. Chat ids are obviously fake (9 000 000
000 and up, beyond real private chats' range on a demo); idempotent by their chat ids and
the notice's source key."""

import datetime

from django.utils import timezone

from branches.models import Organisation
from messaging.choices import Kind, NewsMode, OutboxStatus
from messaging.consent import CURRENT_VERSION
from messaging.models import Broadcast, OutboxMessage, Subscriber

DEMO_CHAT_BASE = 9_000_000_000
# (branch slug or None for regional news only, language, news mode, how many)
SUBSCRIBERS = [
    ("temirtau", "ru", NewsMode.EACH, 14),
    ("temirtau", "kk", NewsMode.DAILY, 9),
    ("shet", "kk", NewsMode.EACH, 11),
    ("shet", "ru", NewsMode.DAILY, 4),
    ("karkaraly", "kk", NewsMode.EACH, 6),
    (None, "ru", NewsMode.EACH, 8),
    (None, "kk", NewsMode.DAILY, 5),
]


def load(*, stdout=None) -> None:
    branches = {o.slug: o for o in Organisation.objects.filter(slug__in=[s for s, *_ in SUBSCRIBERS if s])}
    now = timezone.now()
    n = 0
    made = []
    for slug, language, mode, count in SUBSCRIBERS:
        if slug and slug not in branches:
            continue
        for _i in range(count):
            n += 1
            subscriber, _created = Subscriber.objects.get_or_create(
                chat_id=DEMO_CHAT_BASE + n,
                defaults={
                    "branch": branches.get(slug),
                    "language": language,
                    "news_mode": mode,
                    "consent_version": CURRENT_VERSION,
                    "consent_at": now - datetime.timedelta(days=30 - n % 30),
                    "started_at": now - datetime.timedelta(days=30 - n % 30),
                },
            )
            made.append(subscriber)
    if not made or Broadcast.objects.filter(source_key="demo:notice").exists():
        return
    sent_at = now - datetime.timedelta(days=2)
    broadcast = Broadcast.objects.create(
        kind=Kind.NOTICE,
        source_key="demo:notice",
        text_ru="Уважаемые коллеги! 15 декабря в 15:00 — онлайн-встреча с председателями первичных организаций. Ссылка придёт накануне.",
        text_kk="Құрметті әріптестер! 15 желтоқсан сағат 15:00-де бастауыш ұйым төрағаларымен онлайн кездесу өтеді. Сілтеме алдын ала жіберіледі.",
        recipients=len(made),
        created_at=sent_at,
    )
    rows = []
    for i, subscriber in enumerate(made):
        # Two members had blocked the bot since they subscribed: Telegram answered 403.
        status = OutboxStatus.BLOCKED if i in (3, 17) else OutboxStatus.SENT
        rows.append(OutboxMessage(
            broadcast=broadcast, subscriber=subscriber, kind=Kind.NOTICE, status=status, created_at=sent_at,
            sent_at=sent_at if status == OutboxStatus.SENT else None,
            error="Forbidden: bot was blocked by the user" if status == OutboxStatus.BLOCKED else "",
        ))
        if status == OutboxStatus.BLOCKED:
            Subscriber.objects.filter(pk=subscriber.pk).update(blocked_at=sent_at)
    OutboxMessage.objects.bulk_create(rows)
