"""A real Celery worker process, killed mid-broadcast: the next worker resumes the
broadcast and no member gets a message twice."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from messaging import services
from messaging.choices import Kind, OutboxStatus
from messaging.models import OutboxMessage
from tests.messaging.conftest import free_port
from tests.messaging.factories import SubscriberFactory
from tests.messaging.fake_telegram import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "messaging-crash-test"
MEMBERS = 120


def _worker(broker_url: str, fake: FakeTelegram) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_SENDER_LEASE_SECONDS": "3",
    }
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "unionportal", "worker", "-P", "solo", "-Q", QUEUE,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql" or not settings.REDIS_URL,
                    reason="a worker process needs a database and a broker another process can open (PostgreSQL, Redis)")
def test_a_worker_killed_mid_broadcast_is_resumed_by_the_next_with_nothing_sent_twice():
    from messaging import tasks
    from unionportal.celery import app

    fake = FakeTelegram(port=free_port()).start()  # real time, real limits: 30/s
    first = second = None
    app.conf.task_always_eager = False
    try:
        SubscriberFactory.create_batch(MEMBERS)
        broadcast = services.broadcast_queue(kind=Kind.NOTICE, text_ru="Важное объявление для всех")
        assert broadcast.recipients == MEMBERS

        first = _worker(app.conf.broker_url, fake)
        tasks.send_outbox.apply_async(queue=QUEUE)
        assert _wait(lambda: len(fake.sent) >= 30, 60), "the first worker never got going"
        first.send_signal(signal.SIGKILL)  # no warm shutdown: the process is gone mid-batch
        first.wait(10)
        sent_by_first = len(fake.sent)
        assert sent_by_first < MEMBERS
        assert OutboxMessage.objects.filter(status=OutboxStatus.SENDING).exists()  # it died holding rows

        second = _worker(app.conf.broker_url, fake)

        def finished():
            # What beat does every minute, every 2 s here: until the dead worker's lease
            # expires, the new sender finds it taken and stops at once.
            tasks.send_outbox.apply_async(queue=QUEUE)
            time.sleep(2)
            return not OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]).exists()

        done = _wait(finished, 90)
        assert done, "the second worker did not finish the broadcast"
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(20)
        fake.stop()

    chats = [s.chat_id for s in fake.sent]
    assert len(chats) == len(set(chats)), "a member got the notice twice"
    statuses = list(OutboxMessage.objects.values_list("status", flat=True))
    interrupted = OutboxMessage.objects.filter(status=OutboxStatus.FAILED, error__startswith="interrupted").count()
    assert statuses.count(OutboxStatus.SENT) + interrupted == MEMBERS
    # At most the group in flight when the worker died, marked and never resent.
    assert interrupted <= settings.TELEGRAM_SEND_GROUP
    delivered = set(OutboxMessage.objects.filter(status=OutboxStatus.SENT).values_list("subscriber__chat_id", flat=True))
    assert delivered <= set(chats)
    assert len(fake.sent) > sent_by_first  # the second worker did the rest
