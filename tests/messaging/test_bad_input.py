"""What Telegram (or someone pretending to be it) may send that the bot must survive: a
clear answer where one is owed, nothing lost, nothing half-written, never a 500."""

import json

import pytest

from appeals.models import Appeal
from messaging.choices import Kind, OutboxStatus
from messaging.models import OutboxMessage, ProcessedUpdate, Subscriber
from tests.messaging.conftest import SECRET, deliver
from tests.messaging.test_journey import subscribe

pytestmark = pytest.mark.django_db

CHAT = 777001


def test_a_request_without_the_secret_token_is_refused_and_changes_nothing(bot, fake_telegram, branch_a):
    assert bot(fake_telegram.message(CHAT, text="/start branch-a"), secret=None).status_code == 403
    assert bot(fake_telegram.message(CHAT, text="/start branch-a"), secret="guessed").status_code == 403
    assert not Subscriber.objects.exists()
    assert not ProcessedUpdate.objects.exists()
    assert fake_telegram.sent == []


def test_the_webhook_refuses_everything_while_the_bot_is_off(client, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    response = client.post("/telegram/webhook/", data="{}", content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)
    assert response.status_code == 403


def test_the_webhook_takes_only_post(client, fake_telegram):
    assert client.get("/telegram/webhook/", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET).status_code == 405


def test_a_body_that_is_not_json_is_a_400_not_a_500(client, fake_telegram):
    response = client.post("/telegram/webhook/", data="{not json", content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1, "inline_query": {"id": "1", "from": {"id": CHAT, "is_bot": False, "first_name": "M"}, "query": "x", "offset": ""}},
        {"update_id": 2, "channel_post": {"message_id": 1, "date": 0, "chat": {"id": -100, "type": "channel"}, "text": "hi"}},
        {"update_id": 3, "message": {"message_id": 1, "date": 0, "chat": {"id": -5, "type": "group"}, "text": "/start"}},
        {"update_id": 4},
        {"update_id": "five", "message": {}},
        [1, 2, 3],
    ],
    ids=["inline-query", "channel-post", "group-chat", "empty", "bad-id", "not-an-object"],
)
def test_updates_the_bot_does_not_handle_are_accepted_and_ignored(bot, fake_telegram, update):
    assert bot(update).status_code == 200
    assert fake_telegram.sent == []
    assert not Subscriber.objects.exists()


def test_the_same_update_delivered_twice_is_handled_once(bot, fake_telegram, branch_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    subscribe(bot, fake_telegram, CHAT)
    bot(fake_telegram.message(CHAT, text="/question"))
    bot(fake_telegram.callback(CHAT, "topic:wages"))
    bot(fake_telegram.message(CHAT, text="Вопрос о зарплате"))
    bot(fake_telegram.callback(CHAT, "skip"))
    consent = fake_telegram.callback(CHAT, "qconsent")
    bot(consent)
    bot(consent)  # Telegram thought the first delivery was lost
    assert Appeal.objects.count() == 1


def test_an_edited_message_gets_an_explanation(bot, fake_telegram, branch_a):
    subscribe(bot, fake_telegram, CHAT)
    update = fake_telegram.message(CHAT, text="исправлено")
    update["edited_message"] = update.pop("message")
    bot(update)
    assert "новым сообщением" in fake_telegram.last_to(CHAT).text


def test_a_sticker_gets_told_what_the_bot_reads(bot, fake_telegram, branch_a):
    subscribe(bot, fake_telegram, CHAT)
    bot(fake_telegram.message(CHAT, sticker={"file_id": "S1", "file_unique_id": "s", "type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False}))
    assert "только текст, фото и PDF" in fake_telegram.last_to(CHAT).text


def _at_file_step(bot, fake):
    subscribe(bot, fake, CHAT)
    bot(fake.message(CHAT, text="/question"))
    bot(fake.callback(CHAT, "topic:leave"))
    bot(fake.message(CHAT, text="Не дают отпуск летом"))


def test_a_50_mb_video_instead_of_a_photo_is_refused_with_a_clear_answer(bot, fake_telegram, branch_a):
    _at_file_step(bot, fake_telegram)
    video = {"file_id": "V1", "file_unique_id": "v", "width": 1920, "height": 1080, "duration": 300, "mime_type": "video/mp4", "file_size": 50 * 1024 * 1024}
    bot(fake_telegram.message(CHAT, video=video))
    assert "только фото или PDF" in fake_telegram.last_to(CHAT).text
    assert Subscriber.objects.get(chat_id=CHAT).dialog["step"] == "file"  # still waiting, nothing lost
    assert "getFile" not in fake_telegram.calls  # never downloaded


def test_a_pdf_over_the_limit_is_refused_before_it_is_downloaded(bot, fake_telegram, branch_a):
    _at_file_step(bot, fake_telegram)
    document = {"file_id": "D1", "file_unique_id": "d", "file_name": "scan.pdf", "mime_type": "application/pdf", "file_size": 50 * 1024 * 1024}
    bot(fake_telegram.message(CHAT, document=document))
    assert "слишком большой" in fake_telegram.last_to(CHAT).text
    assert "getFile" not in fake_telegram.calls


def test_a_file_that_is_not_what_it_claims_is_refused_and_the_appeal_waits(bot, fake_telegram, branch_a):
    _at_file_step(bot, fake_telegram)
    file_id = fake_telegram.add_file(b"MZ\x90\x00 not an image", path="documents/file_9.pdf")
    document = {"file_id": file_id, "file_unique_id": "x", "file_name": "x.pdf", "mime_type": "application/pdf", "file_size": 20}
    bot(fake_telegram.message(CHAT, document=document))
    bot(fake_telegram.callback(CHAT, "qconsent"))
    assert not Appeal.objects.exists()
    assert Subscriber.objects.get(chat_id=CHAT).dialog["step"] == "file"
    assert "Отправьте его ещё раз" in fake_telegram.last_to(CHAT).text


def test_a_start_parameter_that_names_no_branch_subscribes_to_the_region_and_says_so(bot, fake_telegram, regional_org):
    bot(fake_telegram.message(CHAT, text="/start no-such-branch"))
    subscriber = Subscriber.objects.get(chat_id=CHAT)
    assert subscriber.branch is None
    assert "не указывает ни на один наш филиал" in fake_telegram.last_to(CHAT).text


def test_a_rating_button_of_someone_elses_appeal_is_refused(bot, fake_telegram, branch_a):
    from tests.appeals.factories import AppealFactory

    appeal = AppealFactory(status="closed")
    subscribe(bot, fake_telegram, CHAT)
    bot(fake_telegram.callback(CHAT, f"rate:{appeal.pk}:helpful"))
    appeal.refresh_from_db()
    assert appeal.rating == ""
    assert fake_telegram.callback_answers[-1]["text"] == "Это обращение отправлено не вами."


def test_a_member_writing_while_the_broker_is_down_loses_nothing(bot, fake_telegram, branch_a, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = bot(fake_telegram.message(CHAT, text="/start branch-a"), send=False)
    assert response.status_code == 200
    waiting = OutboxMessage.objects.get()
    assert waiting.kind == Kind.REPLY and waiting.status == OutboxStatus.PENDING
    assert fake_telegram.sent == []
    # The every-minute job (or the command) sends it once the broker is back.
    deliver()
    assert "Филиал А" in fake_telegram.last_to(CHAT).text


def test_an_error_inside_the_bot_rolls_the_update_back_and_apologises(bot, fake_telegram, branch_a, monkeypatch):
    subscribe(bot, fake_telegram, CHAT)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("messaging.services.subscriber_stop", broken)
    update = fake_telegram.message(CHAT, text="/stop")
    assert bot(update).status_code == 200
    assert not ProcessedUpdate.objects.filter(update_id=update["update_id"]).exists()  # may be redelivered
    assert "Что-то пошло не так" in fake_telegram.last_to(CHAT).text
    assert json.dumps(Subscriber.objects.get(chat_id=CHAT).dialog) == "{}"
