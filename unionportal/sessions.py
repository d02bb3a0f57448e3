"""Django's database sessions, read with one plain SELECT instead of a queryset.

Every logged-in request reads its session. A member's public page comes from the cache
with only the visitor's menu rendered (unionportal/caching.py), so building the ORM query
for the session row was a sixth of what such a page cost. The row, the table, the expiry
rule and every write stay Django's own; only this one read is written out.

Why not a cached session (Django's cached_db): a session holds allauth's record of the
login, with the member's e-mail or username, and Redis holds nothing personal.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        if self.session_key is None:  # no cookie, or one that is not a valid key
            return None
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608 - the table name is the model's, quoted
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            # As Django's: a key that names no live session is dropped, so a new one is made.
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
