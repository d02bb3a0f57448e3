"""The fake Telegram server, the bot's settings pointed at it, and helpers to talk to the
bot the way Telegram does (a webhook POST with the secret header)."""

import json
import socket
import time

import pytest

from messaging import sending
from messaging.choices import OutboxStatus
from messaging.models import OutboxMessage
from tests.messaging.fake_telegram import TOKEN, FakeTelegram

PORTS = range(18600, 18700)
SECRET = "test-webhook-secret_1"


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18600-18699")


@pytest.fixture
def fake_telegram(settings):
    # The fake's clock runs 20 times faster, so "1 message a second per chat" is 50 ms here
    # and a test that sends three replies to one chat does not wait three seconds.
    fake = FakeTelegram(port=free_port(), speed=20).start()
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = "test_union_bot"
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_API_BASE_URL = fake.base_url
    settings.TELEGRAM_MESSAGES_PER_SECOND = 30 * 20
    settings.TELEGRAM_CHAT_INTERVAL_SECONDS = 1 / 20
    yield fake
    fake.stop()


def deliver(timeout: float = 10.0) -> None:
    """Run the sender until nothing is waiting (deferred rows come due within moments)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sending.outbox_send(max_seconds=5)
        if not OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]).exists():
            return
        time.sleep(0.05)
    raise AssertionError("the outbox did not empty")


@pytest.fixture
def bot(client, fake_telegram):
    """Send an update to the webhook as Telegram would, then let the sender deliver."""

    def post(update, *, secret=SECRET, send=True):
        headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
        response = client.post("/telegram/webhook/", data=json.dumps(update), content_type="application/json", **headers)
        if send:
            deliver()
        return response

    return post


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down():
    """Celery for real (not eager), pointed at a port where nothing listens."""
    from unionportal.celery import app

    previous = app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool
    app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
    app.conf.task_always_eager = False
    app._pool = app.amqp._producer_pool = None
    yield app
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = previous
