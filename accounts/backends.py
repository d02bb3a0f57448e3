"""The portal's authentication backends: Django's and allauth's, unchanged but for how the
user of a session is read on every request of a logged-in member: the row read with the
session itself when it is this user's (accounts.sessions), else one SELECT.

`ModelBackend.get_user` builds an ORM query for one row by primary key on every request: in a
member's page served from the cache that was a quarter of the request's CPU (0.36 ms; 0.18 ms
as one SELECT written out, `unionportal.db.fetch_one`). The user is the same instance, all
fields loaded, and an inactive one is refused as before (`user_can_authenticate`).

Sessions record the dotted path of the backend that logged the member in. Those made before
these classes name the libraries' own; `SessionBackendNamesMiddleware` renames them, so
nobody is logged out by the change and the libraries' paths need not stay in
AUTHENTICATION_BACKENDS (listed, each would try a wrong password again).
"""

import functools

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model

from accounts.sessions import user_fields, user_read_with_session
from unionportal.db import fetch_one

# The libraries' paths that sessions made before these backends hold, and ours.
RENAMED_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "accounts.backends.AuthenticationBackend",
}


@functools.cache
def _user_field_names() -> tuple[str, ...]:
    return tuple(field.name for field in user_fields())


class SessionUserMixin:
    def get_user(self, user_id):
        # The user read with the request's session (accounts.sessions), if it is this one.
        user = user_read_with_session.get()
        if user is None or user.pk != user_id:
            user = fetch_one(get_user_model(), _user_field_names(), pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(SessionUserMixin, backends.ModelBackend):
    """Log-in by username and password (the admin's form), as Django's."""


class AuthenticationBackend(SessionUserMixin, auth_backends.AuthenticationBackend):
    """Log-in by e-mail or username (the portal's log-in page), as allauth's."""
