"""How the demo writes its bulk-loaded history: plain rows in memory, inserted in batches,
with ONE audit event per batch.

The cases, ratings and complaints histories are hundreds of thousands of rows that no
person created, so they do not go through the actions one by one (demo.cases explains why).
Each loader plans a batch of rows, then hands it to `write_batch`, which inserts the tables
in the order given and records a single `demo.load_*` audit event that says which rows and
how many; `load_batches` adds the batches' counts up and brings PostgreSQL's sequences past
the explicit primary keys. Written once here so that the three histories cannot drift apart
in how they are stored and audited.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

from zuofeng.audit.chain import PendingEvent, record_many


class Row:
    """One row to insert, by the model fields' attnames. Plain objects instead of model
    instances: creating and saving 300,000 model instances costs more than everything else
    in the build (and bulk_create adapts every value through the field machinery)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def _sqlite_datetime(value: dt.datetime) -> str:
    # What Django's SQLite backend stores for an aware datetime (UTC, naive, str()), without
    # its per-value checks: the history writes a few hundred thousand of them.
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def insert_rows(model: type[models.Model], rows: list[Any]) -> None:
    """INSERT `rows` (objects whose attributes are field attnames). Fields a row does not set
    get their default, so a field added to the model later still gets a value.

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
            adapt = (
                partial(json.dumps, ensure_ascii=False)
                if vendor == "postgresql"
                else partial(f.get_db_prep_save, connection=connection)
            )
        columns.append((f.attname, f.get_default(), adapt))
    values = [
        tuple(
            adapt(value) if adapt is not None and value is not None else value
            for name, default, adapt in columns
            for value in (row.__dict__.get(name, default),)
        )
        for row in rows
    ]
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


def write_batch(
    tables: dict[str, tuple[type[models.Model], list[Any]]],
    *,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    reason: str,
) -> dict[str, int]:
    """Insert one batch, table by table in the order of `tables` (count name → (model,
    rows)), and record ONE audit event for it whose `after` is the row counts; returns them."""
    for model, rows in tables.values():
        insert_rows(model, rows)
    counts = {name: len(rows) for name, (_model, rows) in tables.items()}
    record_many(
        actor=None,
        events=[
            PendingEvent(
                action=action,
                object_type=object_type,
                object_id=object_id,
                object_label=object_label,
                after=counts,
                reason=reason,
            )
        ],
    )
    return counts


def load_batches(
    written: Iterable[dict[str, int]], *, sequences: Sequence[type[models.Model]]
) -> dict[str, int]:
    """Write every batch (`written` yields each batch's counts as it writes it), add the
    counts up, then reset the sequences of `sequences`: explicit primary keys (the numbers
    people read contain them) leave PostgreSQL's sequences behind."""
    totals: dict[str, int] = {}
    for counts in written:
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(sequences)):
            cursor.execute(sql)
    return totals
