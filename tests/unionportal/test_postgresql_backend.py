"""A kept connection is checked before each request's first query: a busy, sound, idle one
without a round trip, anything else by Django's `SELECT 1`, and a connection the server
ended is replaced before any query fails (unionportal/postgresql/base.py; PostgreSQL)."""

import select
import time

import pytest
from django.db import connection, connections
from django.db.utils import load_backend

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the portal's PostgreSQL backend"),
]

MARK = "SELECT 'the last request'"


def _connection(**overrides):
    settings_dict = {**connections.settings["default"], **overrides}  # a copy: the test's own
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "kept")


@pytest.fixture
def kept_connection():
    """A connection of its own, kept across requests as a web worker keeps it
    (CONN_MAX_AGE, CONN_HEALTH_CHECKS), outside the test's transaction, and trusted for a
    minute after the server last answered so that a slow machine does not time the test."""
    wrapper = _connection(CONN_MAX_AGE=600)
    wrapper.full_check_interval = 60
    with wrapper.cursor() as cursor:
        cursor.execute(MARK)
    yield wrapper
    wrapper.close()


def _query(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # read the statistics as they are now
        cursor.execute(sql, params)
        return cursor.fetchone()


def _pid(wrapper):
    return wrapper.connection.info.backend_pid


def _last_query_of(pid):
    return _query("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])[0]


def _check(wrapper):
    """What Django does with a kept connection at a request's start
    (`close_old_connections`) and before its first query."""
    wrapper.close_if_unusable_or_obsolete()
    wrapper.close_if_health_check_failed()
    assert wrapper.health_check_done


def _next_request(wrapper):
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_sound_idle_connection_the_server_answered_lately_is_checked_without_a_query(kept_connection):
    pid = _pid(kept_connection)
    _check(kept_connection)
    assert _pid(kept_connection) == pid
    assert _last_query_of(pid) == MARK  # Django's own check sends SELECT 1


def test_a_connection_not_asked_within_the_interval_gets_the_full_check_which_renews_the_trust(kept_connection):
    pid = _pid(kept_connection)
    kept_connection._answered_at -= 120  # as if the server last answered two minutes ago
    before = time.monotonic()
    _check(kept_connection)
    assert _last_query_of(pid) == "SELECT 1"
    assert kept_connection._answered_at >= before
    with kept_connection.cursor() as cursor:
        cursor.execute(MARK)
    _check(kept_connection)
    assert _last_query_of(pid) == MARK
    assert _pid(kept_connection) == pid


def test_a_connection_the_server_ended_is_replaced_before_the_first_query(kept_connection):
    pid = _pid(kept_connection)
    _query("SELECT pg_terminate_backend(%s)", [pid])  # as a restart of the server ends it
    deadline = time.monotonic() + 10
    while _query("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])[0]:
        assert time.monotonic() < deadline, "the server did not end the connection"
        time.sleep(0.05)
    assert _next_request(kept_connection) != pid  # and the request's query ran, on a new connection


def test_a_connection_closed_on_this_side_is_replaced_before_the_first_query(kept_connection):
    pid = _pid(kept_connection)
    kept_connection.connection.close()  # as the driver closes a connection it found broken
    assert _next_request(kept_connection) != pid


def test_a_connection_left_in_a_transaction_gets_the_full_check(kept_connection):
    pid = _pid(kept_connection)
    with kept_connection.connection.cursor() as cursor:  # the driver's own, unseen by Django
        cursor.execute("BEGIN")
    _check(kept_connection)
    assert _last_query_of(pid) == "SELECT 1"


def test_a_sound_connection_with_something_to_read_gets_the_full_check_and_is_kept(kept_connection):
    with kept_connection.cursor() as cursor:
        cursor.execute("LISTEN portal_backend_test")
    pid = _pid(kept_connection)
    # Another session's notification waits on the socket, as a notice from the server would.
    notifier = _connection()
    with notifier.cursor() as cursor:
        cursor.execute("NOTIFY portal_backend_test")
    notifier.close()
    readable, _, _ = select.select([kept_connection.connection.fileno()], [], [], 10)
    assert readable, "the notification did not arrive"
    _check(kept_connection)
    # Django's SELECT 1 ran and read the notification; the connection is the same.
    assert [n.channel for n in kept_connection.connection.notifies] == ["portal_backend_test"]
    assert _pid(kept_connection) == pid
    assert _last_query_of(pid) == "SELECT 1"
