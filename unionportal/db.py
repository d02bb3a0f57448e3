"""One INSERT, or one SELECT by equal values, past the ORM's query building, for what
members do by the hundred at once: an appeal from the public form (its choices checked,
the appeal stored), a poll's answers at a staff meeting.

`Model.save`, `bulk_create` and `QuerySet.get` spent more CPU on those requests than the
rest of the request did (docs/performance.md): signals, the save-or-update decision, the
query compiler (a lookup by primary key: 0.43 ms of CPU through the ORM, 0.10 ms as SQL). Here
each value goes through its own field exactly as the ORM would send it (`pre_save` fills
`auto_now` dates and writes an uploaded file to its storage; `get_db_prep_save` adapts the
value to the database), so SQLite and PostgreSQL store the same row either way.

No `pre_save` or `post_save` signal is sent, so a model something listens to (the page-cache
bumps of `unionportal.caching.bump_on_change`, a receiver added later) is saved the ORM's
way instead, row by row: the listener is never skipped, only the speed is lost. Validation
stays the caller's (a form, `full_clean`, the database's constraints).
"""

from collections.abc import Sequence
from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import IntegerField
from django.db.models.signals import post_save, pre_save


def insert_rows(model, rows: list, columns: list[str] | None = None, *, return_pks: bool = False) -> None:
    """Store `rows`, unsaved instances of `model`, in one INSERT of `columns` (field names;
    by default every concrete field but an automatic primary key). With `return_pks`, each
    instance gets the primary key the database gave it and counts as saved."""
    if not rows:
        return
    if _has_listeners(model):
        for obj in rows:
            obj.save(force_insert=True)
        return
    fields = _insert_fields(model, columns)
    if return_pks and not connection.features.can_return_rows_from_bulk_insert:
        # Not on the portal's two databases (PostgreSQL; SQLite 3.35+): the ORM's way.
        model.objects.bulk_create(rows)
        return
    params = [value for obj in rows for value in _values(obj, fields)]
    sql = _insert_values_sql(model, fields, len(rows), return_pks=return_pks)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if return_pks:
            for obj, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                _mark_stored(obj, pk)


def _mark_stored(obj, pk) -> None:
    # The key as the field reads it (SQLite gives a UUID key back as hex text).
    obj.pk = type(obj)._meta.pk.to_python(pk)
    obj._state.adding = False
    obj._state.db = connection.alias


def savepoint_if_in_transaction():
    """For a write that is one statement, atomic by itself: nothing in autocommit (no BEGIN
    and COMMIT to wait on), a savepoint inside the caller's transaction, so that a refused
    statement does not abort it."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


def _has_listeners(model) -> bool:
    return pre_save.has_listeners(model) or post_save.has_listeners(model)


def _insert_fields(model, columns: list[str] | None) -> list:
    if columns is None:
        return [field for field in model._meta.concrete_fields if not (field.primary_key and field.db_returning)]
    return [model._meta.get_field(name) for name in columns]


def _insert_values_sql(model, fields, row_count: int, *, return_pks: bool) -> str:
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Table and column names come from the model, never from input.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES {', '.join([row] * row_count)}"  # noqa: S608
    if return_pks:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql


def _values(obj, fields) -> list:
    # As Model.save sends them: pre_save fills auto_now dates and writes a file to storage.
    return [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]


def insert_with_children(parent, children: list, *, link: str) -> None:
    """Store the unsaved `parent` and its unsaved `children` (instances of one model whose
    foreign key `link` names the parent); the parent gets its new primary key.

    On PostgreSQL this is one statement: the parent's INSERT in a WITH, each child's INSERT
    reading the new key from it. A statement is atomic by itself, so outside a transaction
    none is opened: BEGIN, the two INSERTs and COMMIT were four round trips to the database
    for what is now one (docs/performance.md). Inside the caller's transaction, a refused
    statement aborts that transaction, as any refused INSERT does. Elsewhere (SQLite), and
    for a model something listens to, the two INSERTs of `insert_rows`, in a transaction
    when the caller has none.
    """
    parent_model = type(parent)
    child_model = type(children[0]) if children else None
    one_statement = (
        connection.vendor == "postgresql"
        and child_model is not None
        and not _has_listeners(parent_model)
        and not _has_listeners(child_model)
    )
    if not one_statement:
        # No savepoint inside the caller's transaction: a refused row aborts it there, as
        # the one statement does on PostgreSQL.
        with transaction.atomic(savepoint=False):
            insert_rows(parent_model, [parent], return_pks=True)
            for child in children:
                setattr(child, link, parent)
            insert_rows(child_model, children)
        return
    quote = connection.ops.quote_name
    parent_fields = _insert_fields(parent_model, None)
    link_field = child_model._meta.get_field(link)
    child_fields = [field for field in _insert_fields(child_model, None) if field is not link_field]
    params = _values(parent, parent_fields)
    child_columns = ", ".join(quote(f.column) for f in [link_field, *child_fields])
    child_table = quote(child_model._meta.db_table)
    link_column = quote(link_field.column)

    def child_insert(source: str, key: str) -> str:
        selected = ", ".join([f"{source}.{key}", *["%s"] * len(child_fields)])
        # Table and column names come from the models, never from input.
        return f"INSERT INTO {child_table} ({child_columns}) SELECT {selected} FROM {source} RETURNING {link_column}"  # noqa: S608

    pk = quote(parent_model._meta.pk.column)
    sql = f"WITH parent AS ({_insert_values_sql(parent_model, parent_fields, 1, return_pks=True)})"
    # Each child but the last is a WITH item of its own that reads the key from the one
    # before it: that order of reading makes them inserted, and numbered, in list order.
    # (One INSERT of a VALUES list would lose the typing by target column that each
    # INSERT … SELECT keeps, so a NULL or a text needs no cast.)
    source, key = "parent", pk
    for number, child in enumerate(children[:-1]):
        sql += f", child_{number} AS ({child_insert(source, key)})"
        params += _values(child, child_fields)
        source, key = f"child_{number}", link_column
    sql += " " + child_insert(source, key)
    params += _values(children[-1], child_fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (pk_value,) = cursor.fetchone()
    _mark_stored(parent, pk_value)
    for child in children:
        setattr(child, link, parent)


def fetch_one(model, fields: Sequence[str], **equals):
    """The one instance of `model` whose fields equal `equals`, with `fields` loaded (the
    rest load on first use, as after `.only()`), or None: `.only(*fields).get(**equals)` in
    one SELECT written out. Values are prepared by their fields, and a value the column
    cannot hold (text where a number is due, a number past the column's range) matches
    nothing, as in the ORM."""
    meta = model._meta
    quote = connection.ops.quote_name
    conditions, params = [], []
    for name, value in equals.items():
        field = meta.pk if name == "pk" else meta.get_field(name)
        if value is None:
            conditions.append(f"{quote(field.column)} IS NULL")  # as the ORM reads `=None`
            continue
        try:
            value = field.get_db_prep_value(field.to_python(value), connection)
        except (TypeError, ValueError, ValidationError):
            return None
        if isinstance(field, IntegerField):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            if (low is not None and value < low) or (high is not None and value > high):
                return None
        conditions.append(f"{quote(field.column)} = %s")
        params.append(value)
    # Model.from_db takes the loaded values in the model's order of fields.
    wanted = {meta.get_field(name).attname for name in fields}
    loaded = [field for field in meta.concrete_fields if field.attname in wanted]
    # Table and column names come from the model, never from input.
    sql = f"SELECT {', '.join(quote(f.column) for f in loaded)} FROM {quote(meta.db_table)} WHERE {' AND '.join(conditions)} LIMIT 2"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if len(rows) != 1:
        return None
    return instance_from_row(model, loaded, rows[0])


def instance_from_row(model, fields, row, *, connection=connection):
    """An instance of `model` from a row of a SELECT written out, whose values are those of
    `fields` (model fields, in the model's order), read as the ORM reads them (SQLite's 0/1 as
    booleans, its text as dates). The other fields load on first use, as after `.only()`."""
    table = model._meta.db_table
    values = []
    for field, value in zip(fields, row, strict=True):
        column = field.get_col(table)
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = convert(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], values)
