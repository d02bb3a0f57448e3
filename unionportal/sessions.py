"""Sessions read from Redis, kept in the database (production, with `REDIS_URL`).

A logged-in member's page cost the session query and the user query and little else (the
page itself comes from the cache); reading the session from Redis takes one of the two away.
The database stays the record: a Redis restart loses nothing but speed, and backups keep
every session.

Why the cache copy is short-lived: the portal's cache fails soft (unionportal/cache.py), so
a log-out while Redis cannot be reached deletes the session from the database but not from
Redis. A copy of the cookie kept by someone else would work again once Redis is back, with
Django's own cached_db for as long as the session (two weeks); here for at most
`CACHE_SECONDS`. Without Redis (`make run`, several processes with their own local memory)
the plain database sessions stay: a per-process copy would outlive a log-out elsewhere.
"""

from django.contrib.sessions.backends import cached_db


class _CappedTimeouts:
    """The session cache, with every entry's lifetime cut to `seconds`."""

    def __init__(self, cache, seconds: int):
        self._cache = cache
        self._seconds = seconds

    def set(self, key, value, timeout=None, *args, **kwargs):
        timeout = self._seconds if timeout is None else min(timeout, self._seconds)
        return self._cache.set(key, value, timeout, *args, **kwargs)

    async def aset(self, key, value, timeout=None, *args, **kwargs):
        timeout = self._seconds if timeout is None else min(timeout, self._seconds)
        return await self._cache.aset(key, value, timeout, *args, **kwargs)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    CACHE_SECONDS = 15 * 60

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _CappedTimeouts(self._cache, self.CACHE_SECONDS)
