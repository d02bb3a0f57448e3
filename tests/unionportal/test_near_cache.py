"""Each process serves the public pages from its own copy, and Redis's announcements keep the
copy true: a change of a page's parts made anywhere (another server, a Celery task, a flush)
shows at the next request, and with no announcements nothing of the copy is served.

Every test runs its own redis-server (tests/unionportal/redis_server.py). A write "from
another server" is a plain cache write with no word to this process's copy: only Redis's
announcement can tell the copy.
"""

import logging
import os
import socket
import threading
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client, override_settings

from publications.models import Publication
from tests.publications.factories import PublicationFactory
from tests.unionportal.redis_server import redis_server  # noqa: F401 - the fixture
from unionportal import cache as cache_backend
from unionportal.near_cache import NearCache

pytestmark = pytest.mark.django_db


def _caches_for(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "unionportal.cache.FailSoftRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def _forget_processes_copies():
    for near in cache_backend._near_caches.values():
        near.close()
    cache_backend._near_caches.clear()
    cache_backend._skip_until.clear()


@pytest.fixture
def on_redis(redis_server):  # noqa: F811
    _forget_processes_copies()
    with override_settings(CACHES=_caches_for(f"{redis_server.url}/0"), PUBLIC_PAGE_CACHE_SECONDS=60):
        yield redis_server
    _forget_processes_copies()


def _redis(server) -> redis.Redis:
    return redis.Redis.from_url(f"{server.url}/0")


def _mget_calls(server) -> int:
    stats = _redis(server).info("commandstats")
    return stats.get("cmdstat_mget", {}).get("calls", 0)


@pytest.fixture
def publication(branch_a):
    return PublicationFactory(title="Педагогам подняли зарплату", organisation=branch_a)


def _retitle_without_a_word_to_the_cache(publication, title):
    # A queryset update sends no signal: the page cache hears of it only as below.
    Publication.objects.filter(pk=publication.pk).update(title=title)


def _written_on_another_server(part: str = "publications"):
    cache.set(f"page-part:{part}", f"elsewhere-{time.monotonic_ns()}", None)


def test_a_page_served_again_asks_redis_nothing(on_redis, publication):
    client = Client()
    first = client.get("/news/")
    client.get("/news/")
    before = _mget_calls(on_redis)
    for _ in range(5):
        again = client.get("/news/")
    assert _mget_calls(on_redis) == before
    assert again.content == first.content
    assert "Педагогам подняли зарплату" in again.content.decode()


def test_a_part_changed_on_another_server_shows_at_the_next_request(on_redis, publication):
    client = Client()
    client.get("/news/")
    assert "Педагогам подняли зарплату" in client.get("/news/").content.decode()
    _retitle_without_a_word_to_the_cache(publication, "Отпуск педагогов — 56 дней")
    # Without an announcement the copy would still be right to serve the old title.
    assert "Педагогам подняли зарплату" in client.get("/news/").content.decode()
    _written_on_another_server()
    body = client.get("/news/").content.decode()
    assert "Отпуск педагогов — 56 дней" in body
    assert "Педагогам подняли зарплату" not in body


def test_a_members_page_shows_a_change_made_on_another_server(on_redis, publication, member):
    client = Client()
    client.force_login(member)
    client.get("/news/")
    client.get("/news/")
    _retitle_without_a_word_to_the_cache(publication, "Итоги конкурса «Лучший педагог»")
    _written_on_another_server()
    assert "Итоги конкурса «Лучший педагог»" in client.get("/news/").content.decode()


def test_a_flush_of_redis_empties_the_copy(on_redis, publication):
    client = Client()
    client.get("/")
    client.get("/")
    _retitle_without_a_word_to_the_cache(publication, "Новый состав президиума")
    operator = _redis(on_redis)
    operator.flushdb()
    # Redis writes a flush's answer a moment before its announcement, in the same turn of its
    # loop; a command answered after the flush's (this PING) is answered after both.
    operator.ping()
    assert "Новый состав президиума" in client.get("/").content.decode()


def test_a_change_made_while_the_announcements_were_cut_off_still_shows(on_redis, publication):
    client = Client()
    client.get("/news/")
    client.get("/news/")
    # Redis drops the process's announcement connection; the change after it is announced to no one.
    assert _redis(on_redis).client_kill_filter(_type="pubsub") == 1
    _retitle_without_a_word_to_the_cache(publication, "Собрание первичной организации")
    _written_on_another_server()
    assert "Собрание первичной организации" in client.get("/news/").content.decode()
    # A new connection was opened, and pages come from the copy again.
    client.get("/news/")
    before = _mget_calls(on_redis)
    client.get("/news/")
    assert _mget_calls(on_redis) == before


def test_with_redis_stopped_pages_come_from_the_database_not_from_the_copy(on_redis, publication):
    client = Client()
    client.get("/news/")
    client.get("/news/")
    on_redis.stop()
    _retitle_without_a_word_to_the_cache(publication, "Профсоюз защитил права учителя")
    response = client.get("/news/")
    assert response.status_code == 200
    assert "Профсоюз защитил права учителя" in response.content.decode()


def test_a_refused_connection_logs_no_password_and_the_page_answers(redis_server, publication, caplog):  # noqa: F811
    _forget_processes_copies()
    url = f"redis://:secret-of-the-deployment@127.0.0.1:{redis_server.port}/0"  # this server has no password
    with caplog.at_level(logging.WARNING), override_settings(CACHES=_caches_for(url), PUBLIC_PAGE_CACHE_SECONDS=60):
        for _ in range(2):
            response = Client().get("/news/")
            assert response.status_code == 200
            assert "Педагогам подняли зарплату" in response.content.decode()
    _forget_processes_copies()
    assert "no announcements from Redis" in caplog.text
    assert "secret-of-the-deployment" not in caplog.text


def test_no_copy_is_kept_with_the_setting_at_zero(on_redis, publication, settings):
    settings.PUBLIC_PAGE_CACHE_LOCAL_BYTES = 0
    client = Client()
    client.get("/news/")
    before = _mget_calls(on_redis)
    client.get("/news/")
    assert _mget_calls(on_redis) == before + 1


def test_a_version_set_by_hand_as_a_number_is_read_as_text(on_redis, publication):
    client = Client()
    client.get("/news/")
    cache.set("page-part:publications", 2, None)  # an operator's SET …publications 2 reads back as a number
    for _ in range(3):
        assert client.get("/news/").status_code == 200
    _retitle_without_a_word_to_the_cache(publication, "Конкурс «Педагог года»")
    _written_on_another_server()
    assert "Конкурс «Педагог года»" in client.get("/news/").content.decode()


def test_a_url_asking_for_resp3_still_gets_the_copy(redis_server, publication):  # noqa: F811
    _forget_processes_copies()
    with override_settings(CACHES=_caches_for(f"{redis_server.url}/0?protocol=3"), PUBLIC_PAGE_CACHE_SECONDS=60):
        client = Client()
        client.get("/news/")
        client.get("/news/")
        before = _mget_calls(redis_server)
        client.get("/news/")
        assert _mget_calls(redis_server) == before
    _forget_processes_copies()


def test_a_redis_user_refused_tracking_still_gets_the_cache(redis_server, publication, django_assert_num_queries):  # noqa: F811
    _redis(redis_server).execute_command("ACL", "SETUSER", "portal", "on", ">portal-pass", "~*", "&*", "+@all", "-client")
    _forget_processes_copies()
    url = f"redis://portal:portal-pass@127.0.0.1:{redis_server.port}/0"
    with override_settings(CACHES=_caches_for(url), PUBLIC_PAGE_CACHE_SECONDS=60):
        client = Client()
        client.get("/news/")
        before = _mget_calls(redis_server)
        with django_assert_num_queries(0):  # from Redis: the refusal did not turn the cache off
            assert "Педагогам подняли зарплату" in client.get("/news/").content.decode()
        assert _mget_calls(redis_server) == before + 1
    _forget_processes_copies()


# -- the copy itself ----------------------------------------------------------------------


def _near(server, budget: int = 1000) -> NearCache:
    pool = redis.ConnectionPool.from_url(f"{server.url}/0", protocol=2)
    return NearCache(pool.make_connection, redis_key_prefix=":1:", tracked_prefix="page-part:", max_page_bytes=budget)


def test_the_pages_served_longest_ago_leave_the_copy_first(redis_server):  # noqa: F811
    near = _near(redis_server, budget=1000)
    future = time.time() + 60
    for name in ("home", "news", "press"):
        near.keep_page(name, ("v1", b"x" * 240, {}, future))
    assert near.page("home", "v1") is not None  # served now: "news" is the oldest
    near.keep_page("faq", ("v1", b"x" * 240, {}, future))
    near.keep_page("giveaways", ("v1", b"x" * 240, {}, future))
    assert near.page("news", "v1") is None
    assert [name for name in ("home", "press", "faq", "giveaways") if near.page(name, "v1")] == ["home", "press", "faq", "giveaways"]
    # A page larger than a quarter of the budget is not kept at all.
    near.keep_page("branches", ("v1", b"x" * 251, {}, future))
    assert near.page("branches", "v1") is None


def test_a_page_past_its_end_of_life_or_at_other_versions_is_not_served(redis_server):  # noqa: F811
    near = _near(redis_server)
    near.keep_page("news", ("v1.v2", b"<html>", {}, time.time() - 1))
    near.keep_page("press", ("v1.v2", b"<html>", {}, time.time() + 60))
    assert near.page("news", "v1.v2") is None
    assert near.page("press", "v1.v3") is None
    assert near.page("press", "v1.v2") == (b"<html>", {})


def test_a_version_read_before_the_connection_came_up_is_not_kept(redis_server):  # noqa: F811
    near = _near(redis_server)
    near.keep_values(None, {"page-part:news": "v1"})
    assert near.values(["page-part:news"]) is None
    epoch = near.open_epoch()
    near.keep_values(epoch, {"page-part:news": "v1"})
    assert near.values(["page-part:news"]) == ["v1"]
    with pytest.raises(ValueError, match="not tracked"):
        near.keep_values(epoch, {"rate-limit:appeal": "3"})
    near.close()
    near.keep_values(epoch, {"page-part:news": "v2"})
    assert near.values(["page-part:news"]) is None


def test_a_version_read_before_an_announcement_another_thread_took_is_not_kept(redis_server):  # noqa: F811
    near = _near(redis_server)
    epoch = near.open_epoch()  # this thread's lookup begins and reads "v1" from Redis
    _redis(redis_server).set(":1:page-part:news", b"v2")  # then the part changes
    deadline = time.monotonic() + 2
    while near.open_epoch() == epoch and time.monotonic() < deadline:  # another thread takes the announcement
        time.sleep(0.001)
    near.keep_values(epoch, {"page-part:news": "v1"})
    assert near.values(["page-part:news"]) is None


def test_with_a_replica_in_the_configuration_no_copy_is_kept(on_redis, publication):
    # A replica may answer older than the primary's announcement: every request reads Redis.
    caches = _caches_for(f"{on_redis.url}/0")
    caches["default"]["LOCATION"] = [f"{on_redis.url}/0", f"{on_redis.url}/0"]
    with override_settings(CACHES=caches):
        client = Client()
        client.get("/news/")
        before = _mget_calls(on_redis)
        client.get("/news/")
        assert _mget_calls(on_redis) == before + 1


def test_a_connection_quiet_for_a_second_is_asked_for_a_ping_before_it_is_trusted(redis_server):  # noqa: F811
    near = _near(redis_server)
    epoch = near.open_epoch()
    near.keep_values(epoch, {"page-part:news": "v1"})
    pings = _redis(redis_server).info("commandstats").get("cmdstat_ping", {}).get("calls", 0)
    near.open_epoch()
    assert _redis(redis_server).info("commandstats").get("cmdstat_ping", {}).get("calls", 0) == pings
    time.sleep(NearCache.PROVEN_SECONDS + 0.1)
    near.open_epoch()
    assert _redis(redis_server).info("commandstats").get("cmdstat_ping", {}).get("calls", 0) == pings + 1
    assert near.values(["page-part:news"]) == ["v1"]


class _Relay:
    """A TCP relay to Redis that can stop passing bytes on without closing anything: a flow
    dropped on the way, as by a vanished host or a NAT that forgot it."""

    def __init__(self, port: int):
        self.target = port
        self.held = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepting = threading.Thread(target=self._accept, daemon=True)
        self.accepting.start()

    def _accept(self):
        while True:
            try:
                downstream, _addr = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:  # Redis has stopped: the caller sees its connection closed
                downstream.close()
                continue
            for source, sink in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                while self.held.is_set():
                    time.sleep(0.01)
                sink.sendall(data)
        except OSError:
            pass

    def close(self):
        # close() alone leaves accept() waiting, and the port listening, for a later test.
        self.listener.shutdown(socket.SHUT_RDWR)
        self.accepting.join(timeout=2)
        self.listener.close()


def test_a_connection_gone_silent_on_the_way_is_not_trusted_past_its_second(redis_server):  # noqa: F811
    relay = _Relay(redis_server.port)
    pool = redis.ConnectionPool.from_url(f"redis://127.0.0.1:{relay.port}/0", protocol=2, socket_timeout=0.3)
    near = NearCache(pool.make_connection, redis_key_prefix=":1:", tracked_prefix="page-part:", max_page_bytes=1000)
    try:
        near.keep_values(near.open_epoch(), {"page-part:news": "v1"})
        relay.held.set()
        _redis(redis_server).set(":1:page-part:news", b"v2")  # its announcement never arrives
        time.sleep(NearCache.PROVEN_SECONDS + 0.1)
        assert near.open_epoch() is None  # the PING went unanswered, and so did a new connection
        assert near.values(["page-part:news"]) is None
    finally:
        relay.held.clear()
        near.close()
        relay.close()


def test_a_forked_child_trusts_nothing_of_its_parents_and_leaves_the_parent_its_connection(redis_server):  # noqa: F811
    near = _near(redis_server)
    near.keep_values(near.open_epoch(), {"page-part:news": "v1"})
    readable, writable = os.pipe()
    child = os.fork()
    if child == 0:  # a gunicorn worker forked after the master used the copy
        try:
            inherited = near.values(["page-part:news"])
            own_epoch = near.open_epoch()
            near.close()  # its own connection only
            os.write(writable, b"ok" if inherited is None and own_epoch is not None else b"no")
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert os.read(readable, 2) == b"ok"
    assert near.values(["page-part:news"]) == ["v1"]
    # The parent's connection still hears Redis: the child neither used nor shut it.
    _redis(redis_server).set(":1:page-part:news", b"v2")
    deadline = time.monotonic() + 2
    while near.values(["page-part:news"]) is not None and time.monotonic() < deadline:
        near.open_epoch()
        time.sleep(0.01)
    assert near.values(["page-part:news"]) is None
    near.close()
