"""Django's database sessions, each row keeping the id of the user it logs in, so that a
logged-in member's request reads its session and its user in one query.

Every logged-in request reads its session, then asks the backend for the session's user. A
member's public page comes from the cache with only the visitor's menu rendered
(unionportal/caching.py), so those two SELECTs were most of what such a page cost. Here the
session's row is read with its user's row joined (`accounts.models.Session.user_id`, written
from the session's data at every save), and the user read so is handed to the backend
(`accounts.backends`) while `accounts.middleware.AuthenticationMiddleware` asks Django who the
visitor is. Django's own checks all still run on it: the backend named in the session, an
inactive user refused, the password hash the session was made with. The backend takes the
user only if it is the one the session's data names; otherwise (a session saved before this
column, a user deleted since) it reads the user itself, as before.

The row's table (Django's own `django_session`, with a column added), the expiry rule, the
encoding and every write stay Django's own; only the read is written out, and the user id added.

Why not a cached session (Django's cached_db): a session holds allauth's record of the
login, with the member's e-mail or username, and Redis holds nothing personal.
"""

from __future__ import annotations

import contextvars
import functools

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from unionportal.db import instance_from_row

# The user read with this request's session, set only while Django reads the request's user
# (accounts.middleware): no other lookup of a user, in this request or a later one, sees it.
user_read_with_session: contextvars.ContextVar = contextvars.ContextVar("user_read_with_session", default=None)


@functools.cache
def user_fields() -> tuple:
    """The user's fields a session's user is read with, here and by the backend: all of them."""
    return tuple(get_user_model()._meta.concrete_fields)


def _user_pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SessionStore(db.SessionStore):
    # The user whose row was read with the session's (None: no session, nobody logged in, or
    # the session's user id column names no user).
    joined_user = None

    @classmethod
    def get_model_class(cls):
        from accounts.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = _user_pk(data.get(SESSION_KEY))
        return session

    async def acreate_model_instance(self, data):
        session = await super().acreate_model_instance(data)
        session.user_id = _user_pk(data.get(SESSION_KEY))
        return session

    def _get_session_from_db(self):
        self.joined_user = None
        if self.session_key is None:  # no cookie, or one that is not a valid key
            return None
        model = self.model
        user_model = get_user_model()
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        fields = user_fields()
        columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
        # Table and column names come from the models, never from input.
        sql = (
            f"SELECT s.session_data, {columns} FROM {quote(model._meta.db_table)} s "  # noqa: S608
            f"LEFT JOIN {quote(user_model._meta.db_table)} u "
            f"ON u.{quote(user_model._meta.pk.column)} = s.{quote(model._meta.get_field('user_id').column)} "
            "WHERE s.session_key = %s AND s.expire_date > %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            # As Django's: a key that names no live session is dropped, so a new one is made.
            self._session_key = None
            return None
        user_row = row[1:]
        if user_row[fields.index(user_model._meta.pk)] is not None:
            self.joined_user = instance_from_row(user_model, fields, user_row, connection=connection)
        return model(session_key=self.session_key, session_data=row[0])
