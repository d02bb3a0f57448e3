"""A persistent connection is checked before each request's first query: a sound idle
connection without a round trip, a connection the server ended replaced before any query
fails (unionportal/postgresql/base.py; PostgreSQL, as deployed)."""

import select
import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the portal's PostgreSQL backend"),
]


@pytest.fixture
def kept_connection():
    """A connection of its own, kept across requests as a web worker keeps it
    (CONN_MAX_AGE, CONN_HEALTH_CHECKS), outside the test's transaction."""
    wrapper = connections.create_connection("default")
    wrapper.settings_dict["CONN_MAX_AGE"] = 600
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _query(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # read the statistics as they are now
        cursor.execute(sql, params)
        return cursor.fetchone()


def _last_query_of(pid):
    return _query("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])[0]


def _next_request(wrapper):
    """What Django does with a kept connection between requests: at a request's start
    (`close_old_connections`) and before its first query."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_sound_idle_connection_is_checked_without_a_query(kept_connection):
    with kept_connection.cursor() as cursor:
        cursor.execute("SELECT 'the last request'")
    pid = kept_connection.connection.info.backend_pid
    kept_connection.close_if_unusable_or_obsolete()
    kept_connection.close_if_health_check_failed()
    assert kept_connection.health_check_done
    assert kept_connection.connection.info.backend_pid == pid
    assert _last_query_of(pid) == "SELECT 'the last request'"  # Django's own check sends SELECT 1


def test_a_connection_the_server_ended_is_replaced_before_the_first_query(kept_connection):
    pid = _next_request(kept_connection)
    _query("SELECT pg_terminate_backend(%s)", [pid])  # as a restart of the server ends it
    deadline = time.monotonic() + 10
    while _query("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])[0]:
        assert time.monotonic() < deadline, "the server did not end the connection"
        time.sleep(0.05)
    assert _next_request(kept_connection) != pid  # and the request's query ran, on a new connection


def test_a_sound_connection_with_something_to_read_gets_the_full_check_and_is_kept(kept_connection):
    with kept_connection.cursor() as cursor:
        cursor.execute("LISTEN portal_backend_test")
    pid = kept_connection.connection.info.backend_pid
    # Another session's notification waits on the socket, as a notice from the server would.
    notifier = connections.create_connection("default")
    with notifier.cursor() as cursor:
        cursor.execute("NOTIFY portal_backend_test")
    notifier.close()
    readable, _, _ = select.select([kept_connection.connection.fileno()], [], [], 10)
    assert readable, "the notification did not arrive"
    kept_connection.close_if_unusable_or_obsolete()
    kept_connection.close_if_health_check_failed()
    # Django's SELECT 1 ran and read the notification; the connection is the same.
    assert [n.channel for n in kept_connection.connection.notifies] == ["portal_backend_test"]
    assert kept_connection.connection.info.backend_pid == pid
    assert _last_query_of(pid) == "SELECT 1"
