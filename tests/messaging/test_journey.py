"""The member's whole path through the bot, against the fake Telegram server: subscribe by
a branch's deep link, get the branch's news, send an appeal with a photo, get the staff's
answer, rate it, and /stop."""

import io
import json

import pytest
from django.utils import timezone
from PIL import Image

from appeals.choices import Channel, Rating, Status
from appeals.models import Appeal
from appeals.services import appeal_transition
from messaging import services
from messaging.choices import NewsMode
from messaging.consent import CURRENT_VERSION
from messaging.models import Subscriber
from tests.messaging.conftest import deliver
from tests.publications.factories import PublicationFactory

pytestmark = pytest.mark.django_db

CHAT = 555001


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def buttons_of(sent) -> list[str]:
    return [b["callback_data"] for row in (sent.reply_markup or {}).get("inline_keyboard", []) for b in row]


def subscribe(bot, fake, chat=CHAT, slug="branch-a"):
    bot(fake.message(chat, text=f"/start {slug}"))
    bot(fake.callback(chat, "consent"))
    return Subscriber.objects.get(chat_id=chat)


def test_a_deep_link_subscribes_to_the_branch_after_consent_in_the_chosen_language(bot, fake_telegram, branch_a):
    response = bot(fake_telegram.message(CHAT, text="/start branch-a"))
    assert response.status_code == 200
    welcome = fake_telegram.last_to(CHAT)
    assert "Филиал А" in welcome.text
    assert "/stop" in welcome.text  # the consent says how to leave
    assert buttons_of(welcome) == ["lang:ru", "lang:kk", "consent"]
    subscriber = Subscriber.objects.get(chat_id=CHAT)
    assert subscriber.branch == branch_a
    assert subscriber.consent_at is None  # nothing is sent to them before they agree

    bot(fake_telegram.callback(CHAT, "lang:kk"))
    assert "А филиалы" in fake_telegram.last_to(CHAT).text  # the welcome again, in Kazakh
    bot(fake_telegram.callback(CHAT, "consent"))

    subscriber.refresh_from_db()
    assert subscriber.language == "kk"
    assert subscriber.consent_version == CURRENT_VERSION
    assert subscriber.consent_at is not None
    assert "Сіз жазылдыңыз" in fake_telegram.last_to(CHAT).text
    assert fake_telegram.callback_answers  # the buttons stop spinning


def test_a_member_gets_the_news_of_their_branch_and_the_region_but_not_of_another(bot, fake_telegram, branch_a, branch_b, regional_org):
    subscribe(bot, fake_telegram, CHAT, "branch-a")
    subscribe(bot, fake_telegram, CHAT + 1, "branch-b")
    PublicationFactory(organisation=branch_a, title="Семинар по охране труда в филиале А", published_at=timezone.now())
    PublicationFactory(organisation=regional_org, title="Областной конкурс «Человек труда»", published_at=timezone.now())

    assert services.queue_news() == 2
    deliver()
    assert services.queue_news() == 0  # a second run sends nothing twice

    a_texts, b_texts = " ".join(fake_telegram.texts_to(CHAT)), " ".join(fake_telegram.texts_to(CHAT + 1))
    assert "Семинар по охране труда" in a_texts and "Семинар по охране труда" not in b_texts
    assert "Человек труда" in a_texts and "Человек труда" in b_texts


def test_a_member_who_chose_a_daily_digest_gets_one_message_for_the_days_news(bot, fake_telegram, branch_a):
    subscriber = subscribe(bot, fake_telegram)
    bot(fake_telegram.callback(CHAT, "news:daily"))
    subscriber.refresh_from_db()
    assert subscriber.news_mode == NewsMode.DAILY
    before = len(fake_telegram.texts_to(CHAT))
    PublicationFactory(organisation=branch_a, title="Первая новость", published_at=timezone.now())
    PublicationFactory(organisation=branch_a, title="Вторая новость", published_at=timezone.now())
    services.queue_news()
    assert services.queue_daily_digests() == 1
    deliver()
    new = fake_telegram.texts_to(CHAT)[before:]
    assert len(new) == 1
    assert "Первая новость" in new[0] and "Вторая новость" in new[0]


def test_an_appeal_with_a_photo_reaches_staff_and_the_answer_and_rating_go_through_the_chat(bot, fake_telegram, branch_a, regional_staff, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    subscribe(bot, fake_telegram)

    bot(fake_telegram.message(CHAT, text="/question"))
    assert "topic:wages" in buttons_of(fake_telegram.last_to(CHAT))
    bot(fake_telegram.callback(CHAT, "topic:wages"))
    bot(fake_telegram.message(CHAT, text="Нам не выплатили надбавку за классное руководство."))
    assert "skip" in buttons_of(fake_telegram.last_to(CHAT))
    bot(fake_telegram.photo(CHAT, jpeg_bytes()))
    assert "qconsent" in buttons_of(fake_telegram.last_to(CHAT))
    bot(fake_telegram.callback(CHAT, "qconsent"))

    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.TELEGRAM
    assert appeal.branch == branch_a
    assert appeal.question.startswith("Нам не выплатили")
    assert appeal.attachment.name.endswith(".jpg")
    assert appeal.consent_at is not None
    assert appeal.reference in fake_telegram.last_to(CHAT).text

    # Staff answer in the admin (the same service); appeals' signal fires after commit.
    with django_capture_on_commit_callbacks(execute=True):
        appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.ANSWERED, answer="Надбавка будет выплачена в мае.")
    deliver()
    answer = fake_telegram.last_to(CHAT)
    assert "Надбавка будет выплачена в мае." in answer.text
    assert appeal.reference in answer.text

    with django_capture_on_commit_callbacks(execute=True):
        appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.CLOSED)
    deliver()
    rating = fake_telegram.last_to(CHAT)
    assert buttons_of(rating) == [f"rate:{appeal.pk}:helpful", f"rate:{appeal.pk}:not_helpful"]

    bot(fake_telegram.callback(CHAT, f"rate:{appeal.pk}:helpful"))
    appeal.refresh_from_db()
    assert appeal.rating == Rating.HELPFUL
    assert fake_telegram.callback_answers[-1]["text"] == "Спасибо за оценку!"
    bot(fake_telegram.callback(CHAT, f"rate:{appeal.pk}:not_helpful"))
    appeal.refresh_from_db()
    assert appeal.rating == Rating.HELPFUL  # once only
    assert "уже" in fake_telegram.callback_answers[-1]["text"]


def test_stop_ends_every_message_at_once_including_those_already_queued(bot, fake_telegram, branch_a):
    subscribe(bot, fake_telegram)
    PublicationFactory(organisation=branch_a, title="Новость до отписки", published_at=timezone.now())
    services.queue_news()
    bot(fake_telegram.message(CHAT, text="/stop"), send=False)
    deliver()
    texts = fake_telegram.texts_to(CHAT)
    assert "ничего" in texts[-1]  # the confirmation
    assert not any("Новость до отписки" in t for t in texts)
    subscriber = Subscriber.objects.get(chat_id=CHAT)
    assert subscriber.stopped_at is not None

    PublicationFactory(organisation=branch_a, title="Новость после отписки", published_at=timezone.now())
    services.queue_news()
    deliver()
    assert not any("после отписки" in t for t in fake_telegram.texts_to(CHAT))
    assert json.dumps(subscriber.dialog) == "{}"
