"""Django's PostgreSQL backend with a cheaper health check of a busy kept connection.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before each request's first query on a
kept connection, a round trip on every request that reads the database. Here that check
runs at most once a second per connection; in between, a connection that is open, idle and
has nothing to read on its socket passes without a query. A server that ended the
connection (a restart, `pg_terminate_backend`, `idle_session_timeout`, pgbouncer shutting
down) writes its farewell and closes the stream, so the socket is readable and Django's
check runs, as for any other state.

A peer that vanished without closing the stream (a host rebooted or an address failed over
to another host, a NAT's idle timeout) leaves nothing to read, and only a query finds out.
Django retries no query, so such a connection would fail its request: the bound of one
second since the server last answered is what keeps that case to a failover completed
within a second of a successful check. A quiet site, whose requests are further apart than
that, gets Django's check on every request, as before; a busy worker saves the round trip
on all its requests but one a second.

Django's check after an error in a request (`close_if_unusable_or_obsolete`) is unchanged.
"""

import select
import time

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import is_psycopg3

if is_psycopg3:
    from psycopg.pq import TransactionStatus

    IDLE = TransactionStatus.IDLE
else:
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE as IDLE


class DatabaseWrapper(base.DatabaseWrapper):
    # Seconds after the server last answered (a check, or opening the connection) during
    # which an idle, quiet connection is trusted without asking it again.
    full_check_interval = 1.0
    _answered_at = float("-inf")

    def connect(self):
        super().connect()
        self._answered_at = time.monotonic()

    def close_if_health_check_failed(self):
        due = self.connection is not None and self.health_check_enabled and not self.health_check_done and not self.pool
        if due and time.monotonic() - self._answered_at < self.full_check_interval and self._idle_with_nothing_to_read():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
        if due and self.connection is not None:  # Django's check ran and passed (a failed one closes it)
            self._answered_at = time.monotonic()

    def _idle_with_nothing_to_read(self) -> bool:
        connection = self.connection
        if connection.info.transaction_status != IDLE:  # a closed connection's is UNKNOWN
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (AttributeError, OSError, ValueError):
            # No poll() on this platform, or no socket to poll: Django's check decides.
            return False
