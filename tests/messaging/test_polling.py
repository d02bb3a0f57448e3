"""Long polling for a laptop and setting the webhook for production, against the fake."""

import pytest
from django.core.management import CommandError, call_command

from messaging.models import Subscriber

pytestmark = pytest.mark.django_db


def test_polling_takes_updates_from_get_updates_and_answers(fake_telegram, branch_a):
    fake_telegram.updates.append(fake_telegram.message(31337, text="/start branch-a"))
    call_command("messaging_poll", "--once")
    assert Subscriber.objects.get(chat_id=31337).branch == branch_a
    assert "Филиал А" in fake_telegram.last_to(31337).text
    assert fake_telegram.updates == []  # confirmed with the next offset


def test_polling_while_a_webhook_is_set_says_what_to_do(fake_telegram):
    fake_telegram.webhook = {"url": "https://portal.example.kz/telegram/webhook/"}
    with pytest.raises(CommandError, match="messaging_set_webhook --delete"):
        call_command("messaging_poll", "--once")


def test_set_webhook_sends_the_portals_address_and_the_secret(fake_telegram, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.kz"
    call_command("messaging_set_webhook")
    assert fake_telegram.webhook == {"url": "https://portal.example.kz/telegram/webhook/", "secret_token": settings.TELEGRAM_WEBHOOK_SECRET}
    # The chat's menu in Kazakh for Kazakh-speaking phones, in Russian otherwise.
    assert fake_telegram.commands["kk"][0] == {"command": "question", "description": "Кәсіподаққа сұрақ қою"}
    assert fake_telegram.commands[""][0]["description"] == "Задать вопрос профсоюзу"
    call_command("messaging_set_webhook", "--delete")
    assert fake_telegram.webhook == {}


def test_without_a_token_the_commands_say_the_bot_is_off(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    with pytest.raises(CommandError, match="TELEGRAM_BOT_TOKEN"):
        call_command("messaging_poll", "--once")


def test_a_webhook_secret_telegram_would_refuse_fails_the_system_check(settings):
    from messaging.checks import telegram_settings

    settings.TELEGRAM_WEBHOOK_SECRET = "has spaces and ünicode"
    assert [p.id for p in telegram_settings(None)] == ["messaging.E001"]
    settings.TELEGRAM_WEBHOOK_SECRET = "good_secret-123"
    assert telegram_settings(None) == []
