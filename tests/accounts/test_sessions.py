"""Sessions (`accounts.sessions`): Django's database sessions, each read with its user in one
query. A live session logs its member in, an expired, unknown or ended one does not, and
every check Django makes of a session's user still holds on the user read with it."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.backends import ModelBackend
from accounts.models import Session
from accounts.sessions import SessionStore, user_read_with_session
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PRIVATE = "/accounts/email/"  # a page only a logged-in member sees
MINE = "/appeal/mine/"  # the member's own appeals: their name is on it


def _logged_in(user) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, client.cookies["sessionid"].value


def test_the_portal_uses_these_sessions(settings):
    assert settings.SESSION_ENGINE == "accounts.sessions"
    assert "accounts.middleware.AuthenticationMiddleware" in settings.MIDDLEWARE


def test_a_saved_session_is_read_back_with_one_query(django_assert_num_queries):
    store = SessionStore()
    store["member"] = 42
    store.save()
    with django_assert_num_queries(1):
        assert SessionStore(store.session_key).load() == {"member": 42}


def test_a_member_s_session_row_names_them_and_is_read_with_them_in_one_query(member, django_assert_num_queries):
    client, key = _logged_in(member)
    assert Session.objects.get(session_key=key).user_id == member.pk
    store = SessionStore(key)
    with django_assert_num_queries(1):
        store.load()
    assert store.joined_user.pk == member.pk and store.joined_user.email == member.email


def test_a_logged_in_member_stays_logged_in(client, member):
    client.force_login(member)
    assert client.get(PRIVATE).status_code == 200


def test_a_password_changed_elsewhere_ends_the_other_sessions(member):
    client, _key = _logged_in(member)
    member.set_password("a-new-password-for-tests-456")
    member.save()
    assert client.get(PRIVATE).status_code == 302


def test_a_deactivated_member_is_logged_out_at_the_next_request(member):
    client, _key = _logged_in(member)
    type(member).objects.filter(pk=member.pk).update(is_active=False)  # no signal: as a bulk change
    assert client.get(PRIVATE).status_code == 302


def test_a_session_made_before_the_column_still_logs_its_member_in_with_two_queries(member, django_assert_num_queries):
    client, key = _logged_in(member)
    Session.objects.filter(session_key=key).update(user_id=None)
    with django_assert_num_queries(2):  # the session, then its user as before
        store = SessionStore(key)
        assert store.load()[SESSION_KEY] == str(member.pk) and store.joined_user is None
        assert ModelBackend().get_user(member.pk).pk == member.pk
    assert client.get(PRIVATE).status_code == 200


def test_the_user_the_session_s_data_names_is_the_one_logged_in_whatever_the_column_says(member):
    other = UserFactory(first_name="Другой", last_name="Участник")
    client, key = _logged_in(member)
    Session.objects.filter(session_key=key).update(user_id=other.pk)
    page = client.get(MINE)
    assert page.status_code == 200
    assert page.wsgi_request.user.pk == member.pk


def test_the_user_read_with_a_session_reaches_no_other_lookup(member):
    client, _key = _logged_in(member)
    assert client.get(PRIVATE).status_code == 200
    assert user_read_with_session.get() is None
    # Outside a request's check of its own user, the backend reads the row itself.
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    assert ModelBackend().get_user(member.pk) is None


def test_an_expired_session_logs_nobody_in_and_is_not_reused(client, member, settings):
    client.force_login(member)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(PRIVATE).status_code == 302
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None and store.joined_user is None


@pytest.mark.parametrize("cookie", ["no-such-session-key-00000000000000", "short", "' OR 1=1 --"])
def test_an_unknown_or_malformed_cookie_is_an_anonymous_visitor(client, settings, cookie):
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert client.get(PRIVATE).status_code == 302
    assert client.get("/news/").status_code == 200


def test_a_session_ended_by_log_out_does_not_work_from_a_copied_cookie(client, member, settings):
    client.force_login(member)
    copied = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=copied).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = copied
    assert client.get(PRIVATE).status_code == 302


def test_a_session_of_a_deleted_user_still_saves_and_logs_nobody_in(member):
    client, key = _logged_in(member)
    member.delete()
    store = SessionStore(key)
    store["note"] = "kept"
    store.save()
    connection.check_constraints(table_names=[Session._meta.db_table])  # no foreign key refuses it
    assert client.get(PRIVATE).status_code == 302


def test_the_migration_names_the_user_of_every_live_session_written_before_it(member):
    """Rows written by the code before the column (or by it during a rolling update) name no
    user; the migration names theirs, and leaves expired or unreadable ones alone."""
    migration = importlib.import_module("accounts.migrations.0004_sessions_with_their_user")
    data = DjangoSessionStore().encode(
        {SESSION_KEY: str(member.pk), BACKEND_SESSION_KEY: "accounts.backends.ModelBackend", HASH_SESSION_KEY: member.get_session_auth_hash()}
    )
    now = timezone.now()
    # Django's own model knows no user column: as the code before this change saved them.
    DjangoSession.objects.create(session_key="m" * 32, session_data=data, expire_date=now + datetime.timedelta(days=1))
    DjangoSession.objects.create(session_key="o" * 32, session_data=data, expire_date=now - datetime.timedelta(days=1))
    DjangoSession.objects.create(session_key="x" * 32, session_data="not a session", expire_date=now + datetime.timedelta(days=1))
    assert set(Session.objects.values_list("user_id", flat=True)) == {None}
    migration.name_the_user_of_each_live_session(apps, None)
    assert dict(Session.objects.values_list("session_key", "user_id")) == {"m" * 32: member.pk, "o" * 32: None, "x" * 32: None}
    client = Client()
    client.cookies["sessionid"] = "m" * 32
    assert client.get(PRIVATE).status_code == 200


def test_a_session_written_by_the_code_before_still_logs_its_member_in(member):
    """While an update rolls from node to node, the old code saves sessions without the column."""
    data = DjangoSessionStore().encode(
        {SESSION_KEY: str(member.pk), BACKEND_SESSION_KEY: "accounts.backends.ModelBackend", HASH_SESSION_KEY: member.get_session_auth_hash()}
    )
    DjangoSession.objects.create(session_key="k" * 32, session_data=data, expire_date=timezone.now() + datetime.timedelta(days=1))
    client = Client()
    client.cookies["sessionid"] = "k" * 32
    assert client.get(PRIVATE).status_code == 200
    DjangoSession.objects.filter(session_key="k" * 32).delete()  # a log-out on the old code
    assert client.get(PRIVATE).status_code == 302


def test_logging_in_as_someone_else_in_the_same_browser_names_the_new_user(member):
    other = UserFactory(username="second-member")
    client, first_key = _logged_in(member)
    client.force_login(other)
    key = client.cookies["sessionid"].value
    assert key != first_key and not Session.objects.filter(session_key=first_key).exists()
    assert Session.objects.get(session_key=key).user_id == other.pk
    assert client.get(PRIVATE).wsgi_request.user.pk == other.pk


def test_the_nightly_job_deletes_expired_sessions_and_keeps_live_ones(member, settings):
    from accounts.tasks import clear_expired_sessions

    live, _key = _logged_in(member)
    _stale, stale_key = _logged_in(UserFactory(username="left-long-ago"))
    Session.objects.filter(session_key=stale_key).update(expire_date=timezone.now() - datetime.timedelta(days=1))
    clear_expired_sessions.apply()
    assert not Session.objects.filter(session_key=stale_key).exists()
    assert live.get(PRIVATE).status_code == 200
    assert "accounts.tasks.clear_expired_sessions" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
