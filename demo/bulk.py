"""How the demo writes its bulk-loaded history: plain rows in memory, inserted in batches,
with ONE audit event per batch.

The cases, ratings and complaints histories are hundreds of thousands of rows that no
person created, so they do not go through the actions one by one (demo.cases explains why).
Each loader plans a batch of rows, then hands it to `write_batch`, which inserts the tables
in the order given and records a single `demo.load_*` audit event that says which rows and
how many; `load_batches` adds the batches' counts up and brings PostgreSQL's sequences past
the explicit primary keys. Written once here so that the three histories cannot drift apart
in how they are stored and audited. The rows go in through `zuofeng.bulk.insert_rows`
(executemany on SQLite, COPY on PostgreSQL), which the hotline import uses as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, ClassVar

from django.core.management.color import no_style
from django.db import connection, models

from zuofeng.audit.chain import PendingEvent, record_many
from zuofeng.bulk import insert_rows
from zuofeng.duty.models import Duty


class Row:
    """One row for `insert_rows`, by the model fields' attnames. Plain objects instead of model
    instances: creating and saving 300,000 model instances costs more than everything else
    in the build (and bulk_create adapts every value through the field machinery)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


class DutyRow(Row):
    """A duty (a record on the duty clock) in memory: every field of `model`, its default
    first, and what `zuofeng.duty.clock` needs, so the history runs the clock on it exactly
    as the actions run it on a saved record."""

    model: ClassVar[type[models.Model]]
    clock_running = Duty.clock_running

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(_field_defaults(self.model))
        self.__dict__.update(values)


@cache
def _field_defaults(model: type[models.Model]) -> dict[str, Any]:
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


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
