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
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# A down Redis is logged once a minute per process, not once per request.
_LOG_EVERY_SECONDS = 60
_last_logged = 0.0


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


class FailSoftRedisCache(RedisCache):
    """RedisCache whose failures are misses (reads) and no-ops (writes)."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except _errors() as exc:
            _log_failure("add", exc)
            return True

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _errors() as exc:
            _log_failure("get", exc)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except _errors() as exc:
            _log_failure("set", exc)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except _errors() as exc:
            _log_failure("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _errors() as exc:
            _log_failure("delete", exc)
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _errors() as exc:
            _log_failure("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except _errors() as exc:
            _log_failure("has_key", exc)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except _errors() as exc:
            _log_failure("incr", exc)
            raise CacheUnavailable(type(exc).__name__) from exc

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except _errors() as exc:
            _log_failure("set_many", exc)
            return []

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except _errors() as exc:
            _log_failure("delete_many", exc)

    def clear(self):
        try:
            return super().clear()
        except _errors() as exc:
            _log_failure("clear", exc)
            return False
