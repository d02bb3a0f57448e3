"""Issue 11, items 1 and 8: with Redis (cache, rate limits and broker on one server) stopped,
the home page and the appeal form still answer, the appeal is stored, and its e-mails go out
once the broker is back, exactly once.

The test starts its own redis-server, points the configuration built by settings.py for
REDIS_URL at it, stops the real process mid-test and starts it again.
"""

import datetime
import importlib.util
import os
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from appeals.models import Appeal
from tests.unionportal.redis_server import redis_server  # noqa: F401 - the fixture
from unionportal.celery import app

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "unionportal" / "settings.py"
pytestmark = pytest.mark.django_db


def settings_for(redis_url: str):
    """The settings module as a deployment with this REDIS_URL gets it."""
    with mock.patch.dict(os.environ, {"REDIS_URL": redis_url, "DEBUG": "1"}):
        os.environ.pop("CELERY_BROKER_URL", None)
        spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


@pytest.fixture
def on_redis(redis_server):  # noqa: F811
    """Cache and broker on the test's redis-server, configured as settings.py does it."""
    configured = settings_for(f"{redis_server.url}/0")
    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options", "task_always_eager")}
    app.conf.broker_url = configured.CELERY_BROKER_URL
    app.conf.broker_transport_options = configured.CELERY_BROKER_TRANSPORT_OPTIONS
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    _forget_outages()
    try:
        with override_settings(CACHES=configured.CACHES, PUBLIC_PAGE_CACHE_SECONDS=60):
            yield redis_server
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None
        _forget_outages()


def _forget_outages():
    """Each test meets its own servers: no pause left over from another test's outage."""
    from appeals import tasks
    from unionportal import cache as fail_soft

    fail_soft._skip_until.clear()
    tasks._publish_paused_until.clear()


def _as_if_minutes_passed(minutes: int) -> None:
    Appeal.objects.update(created_at=Appeal.objects.get().created_at - datetime.timedelta(minutes=minutes))


def test_an_appeal_sent_while_redis_is_down_is_stored_and_e_mailed_once_when_it_is_back(
    client, appeal_data, on_redis, django_capture_on_commit_callbacks
):
    assert client.get("/").status_code == 200
    assert on_redis.keys(), "the home page was cached in the test's Redis"

    on_redis.stop()
    assert client.get("/").status_code == 200
    form = client.get("/appeal/")
    assert form.status_code == 200
    assert 'name="form_token"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/appeal/", appeal_data())
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.notified_at is None
    assert mail.outbox == []
    assert client.get(response["Location"]).status_code == 200

    on_redis.start()
    _as_if_minutes_passed(2)
    call_command("appeals_send_pending")
    to_member = [m for m in mail.outbox if m.to == ["member@example.invalid"]]
    assert len(to_member) == 1
    assert appeal.reference in to_member[0].subject + to_member[0].body
    sent = len(mail.outbox)
    call_command("appeals_send_pending")
    assert len(mail.outbox) == sent
    appeal.refresh_from_db()
    assert appeal.notified_at is not None


def test_the_rate_limit_fails_open_while_redis_is_down(client, appeal_data, on_redis, settings):
    settings.APPEAL_RATE_LIMIT_PER_HOUR = 1
    on_redis.stop()
    assert client.post("/appeal/", appeal_data()).status_code == 302
    assert client.post("/appeal/", appeal_data()).status_code == 302
    assert Appeal.objects.count() == 2


def test_a_login_works_while_redis_is_down(client, on_redis, member):
    member.set_password("a-member-password-2024")
    member.save()
    on_redis.stop()
    response = client.post("/accounts/login/", {"login": "member", "password": "a-member-password-2024"})
    assert response.status_code == 302
    assert client.get("/appeal/mine/").status_code == 200


def test_the_limits_count_in_redis_when_it_is_up(client, appeal_data, on_redis, settings):
    settings.APPEAL_RATE_LIMIT_PER_HOUR = 1
    assert client.post("/appeal/", appeal_data()).status_code == 302
    assert client.post("/appeal/", appeal_data()).status_code == 429
    assert any(key.startswith(b":1:ratelimit:appeals:submit:") for key in on_redis.keys())


class _CountingListener:
    """A TCP server on a free port that accepts and closes every connection: a broker that
    does not answer. It counts how often a client tried."""

    def __init__(self):
        import socket
        import threading

        from tests.unionportal.redis_server import _free_port

        self.port = _free_port()
        self.connections = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


def test_a_submission_tries_a_broker_that_does_not_answer_once_and_does_not_wait_for_it(
    client, appeal_data, django_capture_on_commit_callbacks
):
    listener = _CountingListener()
    configured = settings_for(f"redis://127.0.0.1:{listener.port}/0")
    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options", "task_always_eager")}
    app.conf.update(
        broker_url=configured.CELERY_BROKER_URL,
        broker_transport_options=configured.CELERY_BROKER_TRANSPORT_OPTIONS,
        task_always_eager=False,
    )
    app._pool = None
    app.amqp._producer_pool = None
    _forget_outages()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/appeal/", appeal_data())
        # A second submission right after does not wait for the dead broker again.
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/appeal/", appeal_data())
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None
        listener.close()
        _forget_outages()
    assert response.status_code == 302
    assert Appeal.objects.count() == 2
    assert not Appeal.objects.filter(notified_at__isnull=False).exists()
    # kombu's default retried the connection with 2 s pauses until its timeout (6 s on a
    # submission); one attempt, bounded by REDIS_TIMEOUT_SECONDS, is the whole wait now,
    # and the next submission leaves its e-mail to the outbox without trying again.
    assert listener.connections == 1


def test_a_cache_that_does_not_answer_costs_one_attempt_not_one_per_cache_call(client, appeal_data):
    listener = _CountingListener()
    configured = settings_for(f"redis://127.0.0.1:{listener.port}/0")
    _forget_outages()
    try:
        with override_settings(CACHES=configured.CACHES, PUBLIC_PAGE_CACHE_SECONDS=60):
            assert client.get("/").status_code == 200
            assert client.get("/appeal/").status_code == 200
            assert client.post("/appeal/", appeal_data()).status_code == 302
    finally:
        listener.close()
        _forget_outages()
    # The page cache, two template fragments and the rate limit would each have waited for
    # it; after the first failure the process leaves it alone for a few seconds.
    assert listener.connections == 1
