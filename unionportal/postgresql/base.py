"""Django's PostgreSQL backend with a cheaper health check of a reused connection.

With `CONN_HEALTH_CHECKS`, Django checks a persistent connection before a request's first
query with a `SELECT 1`: a round trip to the server on every request that reads the
database, one of the three a logged-in member's page makes (docs/performance.md). A
connection left idle between requests has nothing to read:
when the server ends it (a restart, `pg_terminate_backend`, pgbouncer's idle timeout), its
socket turns readable with the server's farewell or with the end of the stream. So a socket
with nothing to read, on a connection idle and open, passes without a query, and any other
state gets Django's own check (urllib3 decides whether a kept-alive HTTP connection was
dropped the same way). A server that vanished without closing the stream (a host powered
off) is caught by neither check before the query's own timeout.

Django's check after an error in a request (`close_if_unusable_or_obsolete`) is unchanged.
"""

import select

from django.db.backends.postgresql import base

# psycopg2's TRANSACTION_STATUS_IDLE and psycopg 3's TransactionStatus.IDLE.
_IDLE = 0


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self._idle_with_nothing_to_read()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _idle_with_nothing_to_read(self) -> bool:
        connection = self.connection
        if connection.closed or connection.info.transaction_status != _IDLE:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (AttributeError, OSError, ValueError):
            # No poll() on this platform, or no socket to poll: Django's check decides.
            return False
