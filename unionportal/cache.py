"""The cache backend of production: Django's RedisCache that fails soft.

The cache holds nothing that is not also somewhere else (whole public pages, template
fragments, rate-limit counters), so Redis being down must cost speed, never a page: a
read that fails is a miss, a write that fails is skipped, and the page is built from the
database as if the cache were empty. Without this wrapper a stopped Redis made the home
page and the appeal form answer 500 (issue 11, item 1).

Two choices a caller may need to know:
- `add()` answers True when Redis is down ("stored"), so code that waits for an `add` to
  succeed (allauth's rate-limit lock) goes on instead of waiting and refusing: rate limits
  fail open while the cache is down (docs/security.md says why).
- `incr()` raises `CacheUnavailable`: a counter that cannot be counted must not look like
  a fresh one; `unionportal.ratelimit` catches it and lets the request through.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# The keys whose changes Redis announces to the processes' copies: the page parts' versions.
NEAR_TRACKED_PREFIX = "page-part:"
# How the copies' connections show in Redis's CLIENT LIST.
NEAR_CONNECTION_NAME = "unionportal-page-copy"

# A down Redis is logged once a minute per process, not once per request.
_LOG_EVERY_SECONDS = 60
_last_logged = 0.0
# Per server, until when this process treats it as down (see FailSoftRedisCache.SKIP_SECONDS).
_skip_until: dict[str, float] = {}
# Per server and key prefix, the process's own copy of the page cache (unionportal/near_cache.py).
_near_caches: dict[tuple[str, str], object] = {}


class CacheUnavailable(Exception):
    """The cache server did not answer (refused, timed out, or broke off)."""


def _errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.RedisError, OSError)


def _log_failure(operation: str, exc: BaseException) -> None:
    global _last_logged  # noqa: PLW0603 - one timestamp per process is the point
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY_SECONDS:
        _last_logged = now
        # The exception's class and text name the server, never a key (keys are hashed anyway).
        logger.warning("Cache unavailable (%s: %s); serving without it", operation, type(exc).__name__)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` for every cache call, and redis-py 8 fills some 170
    response callbacks in each one's `__init__`: 0.11 ms of CPU a call on the project's
    machine, against about 1.3 ms for a whole page served from the cache (two calls). A
    `redis.Redis` is meant to be kept: it holds no connection of its own, it borrows one
    from the pool per command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    """RedisCache whose failures are misses (reads) and no-ops (writes).

    After a failure the process leaves this Redis alone for `SKIP_SECONDS`: a Redis host
    that is down (no answer at all) would otherwise cost every cache call of every request
    the whole connect timeout; now it costs one call in a few seconds.
    """

    SKIP_SECONDS = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _guard(self, operation: str, call, fallback):
        if time.monotonic() < _skip_until.get(self._server_key, 0.0):
            return fallback()
        try:
            return call()
        except _errors() as exc:
            _skip_until[self._server_key] = time.monotonic() + self.SKIP_SECONDS
            _log_failure(operation, exc)
            return fallback()

    @property
    def _server_key(self) -> str:
        return ",".join(self._servers)

    @property
    def near_cache(self):
        """The process's copy of the public page cache for this server, or None when it is
        off (`PUBLIC_PAGE_CACHE_LOCAL_BYTES=0`) or the cache has replicas: a replica may
        answer a read with a value older than the primary's last announcement."""
        from django.conf import settings

        budget = settings.PUBLIC_PAGE_CACHE_LOCAL_BYTES
        if not budget or len(self._servers) != 1:
            return None
        prefix = self.make_key("")
        near = _near_caches.get((self._server_key, prefix))
        if near is None:
            from unionportal.near_cache import NearCache

            near = _near_caches[(self._server_key, prefix)] = NearCache(
                self._announcement_connection,
                redis_key_prefix=prefix,
                tracked_prefix=NEAR_TRACKED_PREFIX,
                max_page_bytes=budget,
                on_connect_failure=self._announcements_failed,
            )
        return near

    def _announcement_connection(self):
        import redis

        # A server the cache is leaving alone is left alone by the copy too: one attempt in
        # SKIP_SECONDS per process, whichever of them made it.
        if time.monotonic() < _skip_until.get(self._server_key, 0.0):
            raise CacheUnavailable(self._server_key)
        # The cache's own options (a password or TLS given there, timeouts), but RESP2 whatever
        # the URL asks: announcements must come as pub/sub messages.
        options = {key: value for key, value in self._options.items() if key not in ("pool_class", "parser_class", "serializer")}
        # What the URL says wins over OPTIONS, as in redis-py's from_url, except the protocol.
        kwargs = {**options, **redis.connection.parse_url(self._servers[0]), "protocol": 2, "client_name": NEAR_CONNECTION_NAME}
        connection_class = kwargs.pop("connection_class", redis.Connection)
        return connection_class(**kwargs)

    def _announcements_failed(self, exc: BaseException) -> None:
        import redis

        # Not for a refusal of tracking or of the channel (an ACL): the server answers the
        # cache itself. A wrong password is refused to the cache too.
        if isinstance(exc, (redis.ConnectionError, redis.TimeoutError, OSError)):
            _skip_until[self._server_key] = time.monotonic() + self.SKIP_SECONDS

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", lambda: super(FailSoftRedisCache, self).add(key, value, timeout, version), lambda: True)

    def get(self, key, default=None, version=None):
        return self._guard("get", lambda: super(FailSoftRedisCache, self).get(key, default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guard("set", lambda: super(FailSoftRedisCache, self).set(key, value, timeout, version), lambda: None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", lambda: super(FailSoftRedisCache, self).touch(key, timeout, version), lambda: False)

    def delete(self, key, version=None):
        return self._guard("delete", lambda: super(FailSoftRedisCache, self).delete(key, version), lambda: False)

    def get_many(self, keys, version=None):
        return self._guard("get_many", lambda: super(FailSoftRedisCache, self).get_many(keys, version), dict)

    def has_key(self, key, version=None):
        return self._guard("has_key", lambda: super(FailSoftRedisCache, self).has_key(key, version), lambda: False)

    def incr(self, key, delta=1, version=None):
        def unavailable():
            raise CacheUnavailable(self._server_key)

        return self._guard("incr", lambda: super(FailSoftRedisCache, self).incr(key, delta, version), unavailable)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", lambda: super(FailSoftRedisCache, self).set_many(data, timeout, version), list)

    def delete_many(self, keys, version=None):
        self._guard("delete_many", lambda: super(FailSoftRedisCache, self).delete_many(keys, version), lambda: None)

    def clear(self):
        near = self.near_cache
        if near is not None:
            near.forget_all()
        return self._guard("clear", lambda: super(FailSoftRedisCache, self).clear(), lambda: False)
