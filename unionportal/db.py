"""One INSERT past the ORM's save machinery, for the writes members make by the hundred at
once: an appeal from the public form, a poll's answers at a staff meeting.

`Model.save` and `bulk_create` spent more CPU on those requests than the rest of the request
did (docs/performance.md): signals, the save-or-update decision, the query compiler. Here
each value goes through its own field exactly as the ORM would send it (`pre_save` fills
`auto_now` dates and writes an uploaded file to its storage; `get_db_prep_save` adapts the
value to the database), so SQLite and PostgreSQL store the same row either way.

Only for models no receiver watches: `post_save` is not sent (the page-cache bumps of
`unionportal.caching.bump_on_change` listen to it; appeals and poll answers are not
cached pages). Validation stays the caller's (a form, `full_clean`, the database's
constraints).
"""

from django.db import connection


def insert_rows(model, rows: list, columns: list[str] | None = None, *, return_pks: bool = False) -> None:
    """Store `rows`, unsaved instances of `model`, in one INSERT of `columns` (field names;
    by default every concrete field but an automatic primary key). With `return_pks`, each
    instance gets the primary key the database gave it and counts as saved."""
    if not rows:
        return
    meta = model._meta
    if columns is None:
        fields = [field for field in meta.concrete_fields if not (field.primary_key and field.db_returning)]
    else:
        fields = [meta.get_field(name) for name in columns]
    if return_pks and not connection.features.can_return_rows_from_bulk_insert:
        # Not on the portal's two databases (PostgreSQL; SQLite 3.35+): the ORM's way.
        model.objects.bulk_create(rows)
        return
    params = [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for obj in rows for field in fields]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Table and column names come from the model, never from input.
    sql = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES {', '.join([row] * len(rows))}"  # noqa: S608
    if return_pks:
        sql += f" RETURNING {quote(meta.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if return_pks:
            for obj, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
