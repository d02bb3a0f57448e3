"""Sessions (`unionportal.sessions`): Django's database sessions with the read written out;
a live session logs its member in, an expired, unknown or ended one does not."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from unionportal.sessions import SessionStore

pytestmark = pytest.mark.django_db

PRIVATE = "/accounts/email/"  # a page only a logged-in member sees


def test_the_portal_uses_these_sessions(settings):
    assert settings.SESSION_ENGINE == "unionportal.sessions"


def test_a_saved_session_is_read_back_with_one_query(django_assert_num_queries):
    store = SessionStore()
    store["member"] = 42
    store.save()
    with django_assert_num_queries(1):
        assert SessionStore(store.session_key).load() == {"member": 42}


def test_a_logged_in_member_stays_logged_in(client, member):
    client.force_login(member)
    assert client.get(PRIVATE).status_code == 200


def test_an_expired_session_logs_nobody_in_and_is_not_reused(client, member, settings):
    client.force_login(member)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(PRIVATE).status_code == 302
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None


@pytest.mark.parametrize("cookie", ["no-such-session-key-00000000000000", "short", "' OR 1=1 --"])
def test_an_unknown_or_malformed_cookie_is_an_anonymous_visitor(client, settings, cookie):
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert client.get(PRIVATE).status_code == 302
    assert client.get("/news/").status_code == 200


def test_a_session_ended_by_log_out_does_not_work_from_a_copied_cookie(client, member, settings):
    client.force_login(member)
    copied = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    client.cookies[settings.SESSION_COOKIE_NAME] = copied
    assert client.get(PRIVATE).status_code == 302
