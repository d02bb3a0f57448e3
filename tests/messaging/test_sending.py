"""The sender against the fake server: Telegram's limits, blocked members, texts made at
send time, and what a dead sender leaves behind."""

import datetime

import pytest
from django.utils import timezone

from messaging import sending, services
from messaging.choices import Kind, OutboxStatus
from messaging.models import OutboxMessage, SenderLease, Subscriber
from tests.messaging.conftest import deliver
from tests.messaging.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def notice(branch=None, ru="Собрание в пятницу в 15:00", kk="Жиналыс жұма күні сағат 15:00-де"):
    return services.broadcast_queue(kind=Kind.NOTICE, branch=branch, text_ru=ru, text_kk=kk)


def test_a_notice_reaches_every_subscriber_once_in_their_own_language(fake_telegram, branch_a):
    ru, kk = SubscriberFactory(language="ru"), SubscriberFactory(language="kk", branch=branch_a)
    broadcast = notice()
    deliver()
    assert fake_telegram.texts_to(ru.chat_id) == ["<b>Важное объявление</b>\n\nСобрание в пятницу в 15:00"]
    assert fake_telegram.texts_to(kk.chat_id) == ["<b>Маңызды хабарландыру</b>\n\nЖиналыс жұма күні сағат 15:00-де"]
    assert broadcast.messages.filter(status=OutboxStatus.SENT).count() == 2


def test_the_text_is_made_when_the_message_leaves_so_a_language_switch_counts(fake_telegram):
    member = SubscriberFactory(language="ru")
    notice()
    Subscriber.objects.filter(pk=member.pk).update(language="kk")  # switched before the sender ran
    deliver()
    assert "Жиналыс" in fake_telegram.texts_to(member.chat_id)[0]


def test_a_notice_to_one_branch_reaches_only_that_branch(fake_telegram, branch_a, branch_b):
    a, b = SubscriberFactory(branch=branch_a), SubscriberFactory(branch=branch_b)
    assert notice(branch=branch_a).recipients == 1
    deliver()
    assert fake_telegram.texts_to(a.chat_id) and not fake_telegram.texts_to(b.chat_id)


def test_a_429_puts_the_message_back_and_it_goes_once_after_retry_after(fake_telegram):
    fake_telegram.per_second = 2  # the fake's limit is low, the sender's is not: it will meet 429s
    members = SubscriberFactory.create_batch(6)
    notice()
    deliver()
    assert fake_telegram.rejected_429 > 0
    for member in members:
        assert len(fake_telegram.texts_to(member.chat_id)) == 1
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 6


def test_a_member_who_blocked_the_bot_is_marked_and_skipped_afterwards(fake_telegram):
    member, other = SubscriberFactory(), SubscriberFactory()
    fake_telegram.blocked.add(member.chat_id)
    notice()
    deliver()
    member.refresh_from_db()
    assert member.blocked_at is not None
    assert OutboxMessage.objects.get(subscriber=member).status == OutboxStatus.BLOCKED
    second = notice(ru="Второе объявление")
    deliver()
    assert second.recipients == 1  # the blocked member is no longer in the audience
    assert len(fake_telegram.texts_to(other.chat_id)) == 2


def test_a_dead_senders_claimed_rows_go_back_and_its_in_flight_row_is_never_resent(fake_telegram):
    members = SubscriberFactory.create_batch(3)
    notice()
    first, second, third = OutboxMessage.objects.order_by("pk")
    # A sender took the lease and three rows, had handed the first to Telegram, then died.
    SenderLease.objects.create(name=sending.LEASE_NAME, holder="dead", expires_at=timezone.now() - datetime.timedelta(seconds=1))
    OutboxMessage.objects.update(status=OutboxStatus.SENDING, claim="dead", claimed_at=timezone.now())
    OutboxMessage.objects.filter(pk=first.pk).update(attempted_at=timezone.now())

    deliver()
    first.refresh_from_db()
    assert first.status == OutboxStatus.FAILED and first.error.startswith("interrupted")
    assert fake_telegram.texts_to(first.subscriber.chat_id) == []
    assert len(fake_telegram.texts_to(second.subscriber.chat_id)) == 1
    assert len(fake_telegram.texts_to(third.subscriber.chat_id)) == 1
    assert len(fake_telegram.sent) == len(members) - 1


def test_a_second_sender_waits_while_the_lease_is_held(fake_telegram):
    SubscriberFactory()
    notice()
    assert sending.lease_acquire("someone-else")
    report = sending.outbox_send()
    assert report.busy and report.sent == 0
    assert fake_telegram.sent == []
    sending.lease_release("someone-else")
    assert sending.outbox_send().sent == 1


def test_with_the_bot_off_messages_wait_in_the_outbox(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    SubscriberFactory()
    notice()
    assert sending.outbox_send().sent == 0
    assert OutboxMessage.objects.get().status == OutboxStatus.PENDING


def test_replies_to_one_chat_keep_a_second_apart_on_telegrams_clock(fake_telegram):
    member = SubscriberFactory()
    for _n in range(3):
        services.reply(member, "help")
    deliver()
    times = [s.at for s in fake_telegram.sent]
    assert len(times) == 3
    # Telegram accepted each a second apart on its clock (a 429 from jitter on a busy
    # machine is retried, never duplicated: three texts, three deliveries).
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[1:], strict=False))


def test_a_stopped_members_queued_broadcast_is_skipped_but_their_confirmation_goes(fake_telegram):
    member = SubscriberFactory()
    notice()
    services.subscriber_stop(subscriber=member)
    deliver()
    assert [m.status for m in OutboxMessage.objects.order_by("pk")] == [OutboxStatus.SKIPPED, OutboxStatus.SENT]
    assert len(fake_telegram.texts_to(member.chat_id)) == 1


def test_forget_erases_the_chat_id_and_the_retention_job_erases_those_who_left(bot, fake_telegram, branch_a):
    from tests.messaging.test_journey import subscribe

    subscribe(bot, fake_telegram, 4242)
    bot(fake_telegram.message(4242, text="/forget"))
    erased = Subscriber.objects.get(erased_at__isnull=False)
    assert erased.chat_id is None
    assert not Subscriber.objects.filter(chat_id=4242).exists()

    left = SubscriberFactory(stopped_at=timezone.now() - datetime.timedelta(days=31))
    recent = SubscriberFactory(stopped_at=timezone.now() - datetime.timedelta(days=2))
    never_agreed = SubscriberFactory(consent_at=None, started_at=timezone.now() - datetime.timedelta(days=40))
    assert services.erase_departed() == 2
    left.refresh_from_db(), recent.refresh_from_db(), never_agreed.refresh_from_db()
    assert left.chat_id is None and never_agreed.chat_id is None and recent.chat_id is not None


def test_the_friday_giveaway_and_its_result_reach_the_members_who_want_giveaways(fake_telegram, regional_org):
    from giveaways.choices import GiveawayStatus
    from giveaways.models import Giveaway
    from tests.giveaways.factories import make_giveaway

    keen, not_keen = SubscriberFactory(language="kk"), SubscriberFactory(wants_giveaways=False)
    giveaway = make_giveaway(organisation=regional_org, title="Жұма ұтысы: термокружка")
    assert services.queue_giveaways() == 1
    assert services.queue_giveaways() == 0
    deliver()
    [announcement] = fake_telegram.texts_to(keen.chat_id)
    assert "Жұма ұтыс ойыны: Жұма ұтысы: термокружка" in announcement
    assert f"/kk/giveaways/{giveaway.pk}/" in announcement
    assert fake_telegram.texts_to(not_keen.chat_id) == []

    Giveaway.objects.filter(pk=giveaway.pk).update(status=GiveawayStatus.DRAWN, drawn_at=timezone.now())
    assert services.queue_giveaways() == 1
    deliver()
    result = fake_telegram.texts_to(keen.chat_id)[-1]
    assert "ұтыс ойыны өтті" in result and "/kk/giveaways/verify/" in result


def test_the_giveaway_reaches_each_member_in_their_language_and_the_bot_never_reads_the_seed(fake_telegram, regional_org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from giveaways.choices import GiveawayStatus
    from giveaways.models import Giveaway
    from tests.giveaways.factories import make_giveaway

    kazakh, russian = SubscriberFactory(language="kk"), SubscriberFactory(language="ru")
    giveaway = make_giveaway(
        organisation=regional_org, title="Пятничный розыгрыш: термокружка", prizes="Термокружка\nБлокнот",
        title_kk="Жұма күнгі ұтыс ойыны: термокесе", prizes_kk="Термокесе\nКүнделік",
    )
    with CaptureQueriesContext(connection) as ctx:
        services.queue_giveaways()
        deliver()
        Giveaway.objects.filter(pk=giveaway.pk).update(status=GiveawayStatus.DRAWN, drawn_at=timezone.now())
        services.queue_giveaways()
        deliver()
    announcement, result = fake_telegram.texts_to(kazakh.chat_id)
    assert "Жұма күнгі ұтыс ойыны: термокесе" in announcement and "Термокесе, Күнделік" in announcement
    assert "«Жұма күнгі ұтыс ойыны: термокесе»" in result
    assert "Термокружка" not in announcement + result
    announcement, result = fake_telegram.texts_to(russian.chat_id)
    assert "Пятничный розыгрыш: термокружка" in announcement and "Термокружка, Блокнот" in announcement
    assert "«Пятничный розыгрыш: термокружка»" in result
    assert not [q for q in ctx.captured_queries if "secret_seed" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")]


def test_a_member_who_stopped_gets_no_answer_to_an_old_appeal(fake_telegram):
    from messaging.models import ChatAppeal
    from tests.appeals.factories import AppealFactory

    member = SubscriberFactory(stopped_at=timezone.now())
    appeal = AppealFactory(status="answered", answer="Ответ")
    ChatAppeal.objects.create(appeal=appeal, subscriber=member)
    services.deliver_appeal_message(appeal_id=appeal.pk, kind=Kind.ANSWER)
    deliver()
    assert fake_telegram.texts_to(member.chat_id) == []
