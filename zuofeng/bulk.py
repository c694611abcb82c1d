"""Fast inserts of many rows that were already validated: the hotline import's complaints
(and anything else that writes tens of thousands of rows in one go).

`bulk_create` adapts every value through the field machinery (about half of a 100,000-row
hotline import went there); this inserts the same values straight through the driver.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import connection, models


def _sqlite_datetime(value: dt.datetime) -> str:
    # What Django's SQLite backend stores for an aware datetime (UTC, naive, str()), without
    # its per-value checks.
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def insert_rows(model: type[models.Model], rows: list[Any]) -> None:
    """INSERT `rows`: model instances, or any objects whose attributes are the model's field
    attnames. Fields a row does not set get their default. The primary key is inserted when
    the first row has one.

    SQLite: one prepared statement that the driver runs for every row. PostgreSQL: COPY.
    Others: multi-row INSERTs."""
    if not rows:
        return
    pk = model._meta.pk
    fields = [
        f
        for f in model._meta.concrete_fields
        if f is not pk or getattr(rows[0], pk.attname, None) is not None
    ]
    vendor = connection.vendor
    if vendor == "sqlite" and connection.timezone_name != "UTC":
        vendor = "other"  # _sqlite_datetime assumes UTC storage
    columns = []
    for f in fields:
        adapt: Callable[[Any], Any] | None = None
        if isinstance(f, models.DateTimeField):
            adapt = {"sqlite": _sqlite_datetime, "postgresql": None}.get(
                vendor, connection.ops.adapt_datetimefield_value
            )
        elif isinstance(f, models.JSONField):
            adapt = {
                "postgresql": partial(json.dumps, ensure_ascii=False),
                # What the SQLite backend's adapt_json_value stores.
                "sqlite": partial(json.dumps, cls=f.encoder),
            }.get(vendor, partial(f.get_db_prep_save, connection=connection))
        elif isinstance(f, models.DecimalField) and vendor != "postgresql":
            adapt = partial(f.get_db_prep_save, connection=connection)
        columns.append((f.attname, f.get_default(), adapt))
    # Column by column: one pass per field over the rows' attributes, the adapter only where
    # a field needs one, then zipped into row tuples (a fraction of a per-value loop's cost).
    dicts = [row.__dict__ for row in rows]
    cells = []
    for name, default, adapt in columns:
        column = [d.get(name, default) for d in dicts]
        if adapt is not None:
            column = [None if value is None else adapt(value) for value in column]
        cells.append(column)
    values = list(zip(*cells, strict=True))
    # The driver's own errors (a unique violation in COPY or executemany) become Django's,
    # so callers catch IntegrityError whichever way the rows went in.
    with connection.wrap_database_errors:
        _insert(model, fields, values, vendor)


def _insert(
    model: type[models.Model], fields: list[Any], values: list[tuple[Any, ...]], vendor: str
) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    if vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(fields))})", values
        )
        return
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per_statement = max(
            1, min(1000, (connection.features.max_query_params or 60_000) // len(fields))
        )
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholder] * len(chunk))}",
                [value for row in chunk for value in row],
            )
