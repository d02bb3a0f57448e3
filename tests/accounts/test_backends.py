"""accounts/backends.py: a session's user read with one SELECT, and the sessions made before
the portal's own backends (which name the libraries' classes) still logged in."""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import Client

pytestmark = pytest.mark.django_db


def _client_with_session_of(user, backend_path: str) -> tuple[Client, str]:
    """A browser holding a session as the library's backend wrote it at log-in."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend_path
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client, store.session_key


def _stored_backend(session_key: str) -> str:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)[BACKEND_SESSION_KEY]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("django.contrib.auth.backends.ModelBackend", "accounts.backends.ModelBackend"),
        ("allauth.account.auth_backends.AuthenticationBackend", "accounts.backends.AuthenticationBackend"),
    ],
)
def test_a_member_logged_in_before_the_change_stays_logged_in(member, old, new):
    client, key = _client_with_session_of(member, old)
    page = client.get("/appeal/mine/")
    assert page.status_code == 200  # the member's own page, not the log-in redirect
    assert _stored_backend(key) == new
    assert client.get("/appeal/mine/").status_code == 200


def test_logging_in_on_the_portal_s_page_records_the_portal_s_backend(regional_staff):
    client = Client()
    response = client.post("/accounts/login/", {"login": "regional_staff", "password": "pass-for-tests-123"})
    assert response.status_code == 302
    # A username log-in: the first backend that takes it, Django's, as before the change.
    assert _stored_backend(client.cookies[settings.SESSION_COOKIE_NAME].value) == "accounts.backends.ModelBackend"


def test_the_user_of_a_session_is_the_whole_user_and_an_inactive_one_is_logged_out(member):
    from django.contrib.auth import get_user_model

    from accounts.backends import AuthenticationBackend, ModelBackend

    orm = get_user_model().objects.get(pk=member.pk)
    for backend in (ModelBackend(), AuthenticationBackend()):
        read = backend.get_user(member.pk)
        assert {f.attname: getattr(read, f.attname) for f in orm._meta.concrete_fields} == {
            f.attname: getattr(orm, f.attname) for f in orm._meta.concrete_fields
        }
        assert read.get_deferred_fields() == set()
        assert backend.get_user(10**30) is None and backend.get_user("x") is None
    client, _key = _client_with_session_of(member, "accounts.backends.AuthenticationBackend")
    get_user_model().objects.filter(pk=member.pk).update(is_active=False)
    assert client.get("/appeal/mine/").status_code == 302


def test_a_changed_password_still_ends_the_other_sessions(member):
    client, _key = _client_with_session_of(member, "django.contrib.auth.backends.ModelBackend")
    member.set_password("a-new-password-456")
    member.save()
    assert client.get("/appeal/mine/").status_code == 302
