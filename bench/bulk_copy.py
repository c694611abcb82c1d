"""Bulk loading for the benchmarks: PostgreSQL's binary COPY built from numpy columns.

A table's rows are given as one value per concrete column of a Django model: a numpy array
(one value per row), a constant, `None` (NULL), or `Vocab` (codes into a small list of
strings). A column missing from the spec takes the field's default, so a field added to a
model later still loads. Rows are encoded vectorised, a chunk at a time: each row is laid out
in fixed-width slots (length word + the widest value of its column), a mask marks the bytes a
row actually uses, and `buffer[mask]` is the byte stream COPY expects. No Python loop runs
per row, so encoding costs a fraction of what PostgreSQL spends parsing.

`load(model, columns, rows)` drops the table's secondary indexes and unique constraints,
COPYs with foreign-key triggers off (`session_replication_role = replica`: the rows are
valid by construction and the constraints stay declared), recreates the indexes and
constraints, and moves the id sequence past the loaded ids.

Timestamps are int64 microseconds since the Unix epoch (UTC); dates are numpy datetime64[D].
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

PG_EPOCH_US = 946_684_800 * 1_000_000  # 2000-01-01T00:00:00Z, PostgreSQL's epoch
HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
FIXED = {
    "bigint": ">i8",
    "integer": ">i4",
    "smallint": ">i2",
    "boolean": "u1",
    "timestamp with time zone": ">i8",
    "date": ">i4",
    "double precision": ">f8",
}
CHUNK_ROWS = 200_000


@dataclass
class Vocab:
    """A text column drawn from a few values: `codes[i]` indexes `words`."""

    words: list[str]
    codes: np.ndarray


@dataclass
class Text:
    """ASCII text of varying length: row i is `data[i, :lengths[i]]`."""

    data: np.ndarray  # uint8 (rows, widest)
    lengths: np.ndarray


def pg_kind(field: Any, connection: Any) -> str:
    db_type = field.db_type(connection) or ""
    if db_type in FIXED or db_type in ("jsonb", "bytea", "text"):
        return db_type
    if db_type.startswith("varchar"):
        return "text"
    if db_type.startswith("numeric"):
        return "numeric"  # only NULL is supported (no benchmark fills these)
    raise ValueError(f"{field.name}: unsupported column type {db_type}")


def _words_table(words: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    width = max((len(w) for w in words), default=0)
    table = np.zeros((len(words), max(width, 1)), np.uint8)
    for i, word in enumerate(words):
        table[i, : len(word)] = np.frombuffer(word, np.uint8)
    return table, np.array([len(w) for w in words], np.int32)


def _encode_text(kind: str, text: str | bytes) -> bytes:
    data = text if isinstance(text, bytes) else text.encode()
    return b"\x01" + data if kind == "jsonb" else data  # jsonb's binary form: version 1


def _slot(kind: str, value: Any, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
    """(data bytes (n, width), lengths (n,), -1 for NULL) of one column for rows [a, b)."""
    n = b - a
    if value is None:
        return np.zeros((n, 0), np.uint8), np.full(n, -1, np.int32)
    if kind in FIXED:
        dtype = np.dtype(FIXED[kind])
        array = value[a:b] if isinstance(value, np.ndarray) else np.full(n, value)
        if kind == "timestamp with time zone":
            array = array.astype(np.int64) - PG_EPOCH_US
        elif kind == "date":
            array = (array.astype("datetime64[D]") - np.datetime64("2000-01-01")).astype(np.int64)
        data = np.ascontiguousarray(array.astype(dtype)).view(np.uint8).reshape(n, dtype.itemsize)
        return data, np.full(n, dtype.itemsize, np.int32)
    if isinstance(value, Vocab):
        table, lengths = _words_table([_encode_text(kind, w) for w in value.words])
        codes = value.codes[a:b]
        return table[codes], lengths[codes]
    if isinstance(value, Text):
        return value.data[a:b], value.lengths[a:b].astype(np.int32)
    if isinstance(value, np.ndarray) and value.dtype == np.uint8 and value.ndim == 2:
        return value[a:b], np.full(n, value.shape[1], np.int32)  # fixed-width ASCII
    table, lengths = _words_table([_encode_text(kind, value)])
    return np.broadcast_to(table, (n, table.shape[1])), np.broadcast_to(lengths, (n,))


def encode(kinds: list[str], values: list[Any], nulls: list[Any], a: int, b: int) -> bytes:
    """Rows [a, b) in COPY's binary row format."""
    n = b - a
    slots = []
    for kind, value, null in zip(kinds, values, nulls, strict=True):
        data, lengths = _slot(kind, value, a, b)
        if null is not None:
            lengths = np.where(null[a:b], -1, lengths).astype(np.int32)
        slots.append((data, lengths))
    width = 2 + sum(4 + data.shape[1] for data, _ in slots)
    buffer = np.zeros((n, width), np.uint8)
    used = np.zeros((n, width), bool)
    buffer[:, :2] = np.frombuffer(struct.pack(">h", len(slots)), np.uint8)
    used[:, :2] = True
    offset = 2
    for data, lengths in slots:
        buffer[:, offset : offset + 4] = lengths.astype(">i4").view(np.uint8).reshape(n, 4)
        used[:, offset : offset + 4] = True
        size = data.shape[1]
        if size:
            buffer[:, offset + 4 : offset + 4 + size] = data
            used[:, offset + 4 : offset + 4 + size] = np.arange(size) < lengths[:, None]
        offset += 4 + size
    return buffer[used].tobytes()


def _default(field: Any, connection: Any) -> Any:
    default = field.get_default()
    if field.get_internal_type() == "JSONField":
        return json.dumps(default)
    if field.get_internal_type() == "BinaryField":
        return bytes(default)
    return field.get_db_prep_save(default, connection)


def _spec(model: Any, columns: dict[str, Any], connection: Any) -> tuple[list[str], ...]:
    names, kinds, values, nulls = [], [], [], []
    for field in model._meta.concrete_fields:
        if field.attname in columns:
            value = columns[field.attname]
        elif field.primary_key:
            continue
        else:
            value = _default(field, connection)
        null = None
        if isinstance(value, tuple):  # (values, null mask)
            value, null = value
        kind = pg_kind(field, connection)
        names.append(connection.ops.quote_name(field.column))
        kinds.append(kind)
        values.append(value)
        nulls.append(null)
    return names, kinds, values, nulls


def chunks(rows: int, size: int = CHUNK_ROWS) -> Iterator[tuple[int, int]]:
    for start in range(0, rows, size):
        yield start, min(rows, start + size)


def copy_rows(model: Any, columns: dict[str, Any], rows: int) -> None:
    """COPY `rows` rows into the model's table (indexes and triggers as they are)."""
    from django.db import connection

    names, kinds, values, nulls = _spec(model, columns, connection)
    sql = f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(HEADER)
        for a, b in chunks(rows):
            copy.write(encode(kinds, values, nulls, a, b))
        copy.write(TRAILER)


def load(model: Any, columns: dict[str, Any], rows: int) -> None:
    """Bulk load: secondary indexes and unique constraints dropped and rebuilt around the
    COPY, foreign-key triggers off during it, the id sequence moved past the ids."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
    try:
        copy_rows(model, columns, rows)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )
