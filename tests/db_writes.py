"""What a request wrote to the database, for tests that count round trips."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def recorded_writes():
    """The statements other than SELECT run inside the block, each with whether it ran in
    autocommit (outside any transaction)."""
    writes = []

    def record(execute, sql, params, many, context):
        if not sql.startswith("SELECT"):
            writes.append((sql, connection.get_autocommit()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield writes
