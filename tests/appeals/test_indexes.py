"""Every appeal a member sends writes each index of its row and its first event: none of
them may be one that another index already serves (PostgreSQL, as deployed)."""

import pytest
from django.db import connection

from appeals.models import Appeal, AppealEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes, as deployed"),
]

TABLES = [Appeal._meta.db_table, AppealEvent._meta.db_table]


def _indexes(table):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, i.indisunique, i.indpred IS NOT NULL,
                   ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n),
                   pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass
            """,
            [table],
        )
        return cursor.fetchall()


@pytest.mark.parametrize("table", TABLES)
def test_no_index_of_an_appeal_is_served_by_another(table):
    indexes = _indexes(table)
    assert len(indexes) >= 3  # the query read the table's indexes (its key, its foreign keys)
    for name, unique, partial, columns, definition in indexes:
        assert "pattern_ops" not in definition, f"{name}: a LIKE index; these columns are only looked up whole"
        if unique or partial:
            continue
        for other, _unique, other_partial, other_columns, _definition in indexes:
            if other != name and not other_partial:
                assert other_columns[: len(columns)] != columns, f"{name} {columns} is served by {other} {other_columns}"


def test_the_lookups_an_appeal_needs_keep_their_indexes():
    indexes = [(columns, unique) for _name, unique, _partial, columns, _definition in _indexes(Appeal._meta.db_table)]
    for column in ("reference", "code_hash", "form_token"):
        assert ([column], True) in indexes, f"{column} must stay unique"
    for leading in ("topic", "branch_id", "received_at", "due_date", "email", "phone", "status", "channel"):
        assert any(columns[0] == leading for columns, _unique in indexes), f"nothing serves a filter on {leading}"
