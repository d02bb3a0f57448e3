"""A process's own copy of the public page cache, kept true by Redis's announcements.

Why: a page served from the cache cost one Redis round trip (the MGET of the page and its
parts' versions), with the unpickling of a page of some 30 KB: half of what a cached page
cost in process (0.47 ms of CPU for `/`, 0.23 ms without it), and on a deployment with Redis
on another host a network round trip (docs/performance.md, "Pages from the process's own copy").

How it stays fresh: Redis's client-side caching in broadcasting mode
(https://redis.io/docs/latest/develop/reference/client-side-caching/). The process keeps
one connection, subscribed to `__redis__:invalidate`, on which Redis announces every change
to a key whose name starts with the tracked prefix (the parts' versions), whoever made it:
another worker, another server, a Celery task, an eviction, a FLUSHDB. Before each lookup
the process reads what was announced (a poll of that socket, no round trip) and forgets
the values named. A version is kept only if it was read while the connection was up, so a
change after the read is always announced after it. Pages are kept with the versions they
were rendered at, as in Redis, and a page whose part moved is a miss by comparison.

Why not redis-py's own client-side cache: it needs Redis 7.4 (Debian 12 ships 7.0) and
caches every GET/MGET reply of a pool, rate-limit counters included.

What it gives up: a write committed on one server reaches another's copy when Redis's
announcement does, which Redis sends in the same turn of its event loop as the writer's
reply: a packet's time on the network, where a request to the other server takes longer to
arrive. The writer's own process forgets at once (`forget`). When the connection breaks,
or Redis refuses tracking, the process forgets everything and reads Redis on every
request as before, trying to connect again after `RETRY_SECONDS` (`REFUSED_RETRY_SECONDS`
after a refusal). A connection silent for `PROVEN_SECONDS` is asked for a PING before it is
trusted again, so a flow dropped on the way without a word (a vanished host, a NAT) is
trusted for at most that second and the socket timeout. The connection and that PING are
made under the copy's lock: in a threaded server (runserver) the other threads wait for
them; gunicorn's sync workers, as deployed, have one thread each.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

import redis

logger = logging.getLogger(__name__)

ANNOUNCEMENT_CHANNEL = "__redis__:invalidate"
# A Redis that is down is logged once a minute per process, as by unionportal/cache.py.
_LOG_EVERY_SECONDS = 60


class NearCache:
    """Values of tracked keys and whole pages, per process, for one Redis server.

    `connection_factory()` gives a new, unconnected redis-py `Connection` speaking RESP2
    (announcements arrive as pub/sub messages); `on_connect_failure(exc)` hears of every
    failed attempt (the cache backend then leaves a server that does not answer alone).
    `redis_key_prefix` is what the cache puts before every key (`cache.make_key("")`); the
    keys given and taken here are without it.
    """

    RETRY_SECONDS = 5.0
    # Tracking or the channel refused (an ACL): the server answers, but will go on refusing.
    REFUSED_RETRY_SECONDS = 600.0
    # A connection that has said nothing for this long is asked for a PING before it is
    # trusted again: a flow dropped on the way (a vanished host, a NAT) reads as silence.
    PROVEN_SECONDS = 1.0
    # One page never takes more than this share of the budget.
    LARGEST_PAGE_SHARE = 4

    def __init__(
        self,
        connection_factory: Callable,
        *,
        redis_key_prefix: str,
        tracked_prefix: str,
        max_page_bytes: int,
        on_connect_failure: Callable[[BaseException], None] | None = None,
    ):
        self._connection_factory = connection_factory
        self._on_connect_failure = on_connect_failure
        self._redis_key_prefix = redis_key_prefix
        self._tracked_prefix = tracked_prefix
        self._max_page_bytes = max_page_bytes
        self._lock = threading.Lock()
        self._connection = None
        self._retry_at = 0.0
        self._alive_at = 0.0
        self._epoch = 0
        self._values: dict[str, str] = {}
        self._pages: OrderedDict[str, tuple] = OrderedDict()
        self._page_bytes = 0
        self._logged_at = -_LOG_EVERY_SECONDS
        # A forked child shares the parent's socket, and maybe a lock another thread held.
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()
        self._connection = None  # the parent's: left to it, not closed
        self._retry_at = 0.0
        self._forget_all()

    # -- the announcement connection -----------------------------------------------------

    def open_epoch(self) -> int | None:
        """Take in what Redis announced; the epoch under which values read from Redis from
        now on may be kept, or None while there is no announcement connection (then nothing
        here is trusted and the caller reads Redis)."""
        with self._lock:
            if self._connection is None and not self._connect():
                return None
            try:
                self._take_announcements()
                if time.monotonic() - self._alive_at > self.PROVEN_SECONDS:
                    self._prove_alive()
            except Exception as exc:  # noqa: BLE001 - any failure: trust nothing, read Redis
                # What was announced in the meantime is lost: a new connection starts empty.
                self._drop(exc)
                if not self._connect():
                    return None
            return self._epoch

    def _connect(self) -> bool:
        if time.monotonic() < self._retry_at:
            return False
        connection = None
        try:
            connection = self._connection_factory()
            connection.connect()
            connection.send_command("CLIENT", "ID")
            client_id = connection.read_response()
            connection.send_command(
                "CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", "PREFIX", self._redis_key_prefix + self._tracked_prefix
            )
            connection.read_response()
            connection.send_command("SUBSCRIBE", ANNOUNCEMENT_CHANNEL)
            connection.read_response()
        except Exception as exc:  # noqa: BLE001 - refused, timed out, or tracking not allowed
            if connection is not None:
                connection.disconnect()
            if self._on_connect_failure is not None:
                self._on_connect_failure(exc)
            self._drop(exc)
            refused = isinstance(exc, redis.ResponseError)
            self._retry_at = time.monotonic() + (self.REFUSED_RETRY_SECONDS if refused else self.RETRY_SECONDS)
            return False
        self._connection = connection
        self._alive_at = time.monotonic()
        self._forget_all()
        return True

    def _take_announcements(self) -> None:
        connection = self._connection
        # redis-py's can_read() would open a new socket, without tracking, for a closed one.
        if not connection.is_connected:
            raise redis.ConnectionError("the announcement connection is closed")
        while connection.can_read(timeout=0):
            self._take(connection.read_response())
            self._alive_at = time.monotonic()

    def _prove_alive(self) -> None:
        """One round trip: PING, taking what was announced before its answer. No answer
        within the socket timeout raises, and the connection is dropped."""
        connection = self._connection
        connection.send_command("PING")
        while not self._take(connection.read_response()):
            pass
        self._alive_at = time.monotonic()

    def _take(self, message) -> bool:
        """Act on one message; True for a PING's answer ([b"pong", b""] when subscribed)."""
        if isinstance(message, list) and message[:1] == [b"pong"]:
            return True
        # [b"message", channel, [key, …]]; the keys are None after a FLUSHDB or FLUSHALL.
        if not isinstance(message, list) or len(message) != 3 or message[0] != b"message":
            return False
        keys = message[2]
        if keys is None:
            self._forget_all()
            return False
        cut = len(self._redis_key_prefix)
        for key in keys:
            self._values.pop(key.decode()[cut:], None)
        # Another thread may hold a value it read before this change and keep it after
        # this announcement is gone: a new epoch makes it drop that value.
        self._epoch += 1
        return False

    def _drop(self, exc: BaseException) -> None:
        if self._connection is not None:
            self._connection.disconnect()
        self._connection = None
        self._forget_all()
        if time.monotonic() - self._logged_at < _LOG_EVERY_SECONDS:
            return
        self._logged_at = time.monotonic()
        # The class names the failure; the connection's address and keys stay out of the log.
        logger.warning("Page cache: no announcements from Redis (%s); reading Redis on every request", type(exc).__name__)

    def _forget_all(self) -> None:
        self._epoch += 1
        self._values.clear()
        self._pages.clear()
        self._page_bytes = 0

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.disconnect()
            self._connection = None
            self._forget_all()

    # -- values of tracked keys ----------------------------------------------------------

    def values(self, keys: Iterable[str]) -> list[str] | None:
        """The kept values of these tracked keys, or None unless every one is kept."""
        values = self._values
        try:
            return [values[key] for key in keys]
        except KeyError:
            return None

    def keep_values(self, epoch: int | None, values: dict[str, str]) -> None:
        """Keep values read from Redis after `open_epoch()` gave `epoch`."""
        with self._lock:
            if epoch is None or epoch != self._epoch or self._connection is None:
                return
            for key, value in values.items():
                if not key.startswith(self._tracked_prefix):
                    raise ValueError(f"{key!r} is not tracked: its changes would never be announced")
                self._values[key] = value

    def forget(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._values.pop(key, None)
            # Another thread may be about to keep what it read before this process's write.
            self._epoch += 1

    def forget_all(self) -> None:
        with self._lock:
            self._forget_all()

    # -- pages --------------------------------------------------------------------------

    def page(self, key: str, versions: str):
        """A kept page (content, headers) rendered at these versions and not expired."""
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry[0] != versions or entry[3] <= time.time():
                return None
            self._pages.move_to_end(key)
        return entry[1], entry[2]

    def keep_page(self, key: str, entry: tuple) -> None:
        """Keep (versions, content, headers, expires_at); the pages served longest ago leave first."""
        size = len(entry[1])
        if size * self.LARGEST_PAGE_SHARE > self._max_page_bytes:
            return
        with self._lock:
            previous = self._pages.pop(key, None)
            if previous is not None:
                self._page_bytes -= len(previous[1])
            self._pages[key] = entry
            self._page_bytes += size
            while self._page_bytes > self._max_page_bytes:
                _key, oldest = self._pages.popitem(last=False)
                self._page_bytes -= len(oldest[1])
