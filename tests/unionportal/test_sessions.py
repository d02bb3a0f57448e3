"""Production sessions (`unionportal.sessions`, with Redis): read from the cache, kept in the
database, and a copy the cache could not forget lives minutes, not weeks."""

import time

import pytest
from django.contrib.sessions.models import Session

from unionportal.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_session_is_read_from_the_cache_and_kept_in_the_database(django_assert_num_queries):
    store = SessionStore()
    store["member"] = 42
    store.save()
    assert Session.objects.filter(session_key=store.session_key).exists()
    with django_assert_num_queries(0):
        assert SessionStore(store.session_key).load() == {"member": 42}


def test_a_session_is_still_read_when_the_cache_lost_it(django_assert_num_queries):
    store = SessionStore()
    store["member"] = 42
    store.save()
    store._cache.delete(store.cache_key)  # a Redis restart
    with django_assert_num_queries(1):
        assert SessionStore(store.session_key).load() == {"member": 42}


def test_a_log_out_the_cache_missed_stops_working_after_the_cap(monkeypatch):
    """Redis unreachable at log-out: the database row is gone, the cache's copy stays; it
    answers for at most CACHE_SECONDS (Django's own cached_db: the whole two weeks)."""
    monkeypatch.setattr(SessionStore, "CACHE_SECONDS", 1)
    store = SessionStore()
    store["member"] = 42
    store.save()
    Session.objects.filter(session_key=store.session_key).delete()  # the delete the cache skipped
    assert SessionStore(store.session_key).load() == {"member": 42}
    time.sleep(1.2)
    assert SessionStore(store.session_key).load() == {}


def test_logging_out_ends_the_session_everywhere(client, member, settings):
    settings.SESSION_ENGINE = "unionportal.sessions"
    client.force_login(member)
    assert client.get("/accounts/email/").status_code == 200
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    assert not SessionStore().exists(stolen)
    client.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert client.get("/accounts/email/").status_code == 302  # to the log-in page
