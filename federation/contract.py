"""The replicated contract: which tables flow up and down, with which columns, at which version.

Version 1 (this file is its documentation; docs/scale.md explains the operations):

up (publication `zuofeng_up`, district → city/province):
  fed_contract       district, name, version, refreshed_at
  fed_unit           district, code, name, kind, sort_order, archived
  fed_rollup         district, unit_code, day, measure, value
  fed_scorecard      district, month, version, status, standard_name, standard_from, published_at
  fed_unit_score     district, month, version, unit_code, group, total, rank, group_size
  fed_complaint_day  district, unit_code, day, category, received, closed
  fed_rating_day     district, unit_code, day, level, count
  fed_task_progress  district, directive, task_number, status, deadline, reported_progress,
                     verified_progress, card, lagging, closed_at, updated_at
down (publication `zuofeng_down`, city/province → district):
  fed_directive      issuer, issuer_name, title, source, summary, deadline, districts, status,
                     issued_at

Every table also has `id`, a UUID derived from the row's natural key (its replica identity).

Compatibility: a newer version only adds tables or nullable columns. The level above upgrades
first (a subscriber table may have columns its publisher lacks, not the reverse); a district
on an older version keeps replicating what it has, and the level above lists it as lagging.
"""

from __future__ import annotations

from django.db import connection

VERSION = 1

UP_PUBLICATION = "zuofeng_up"
DOWN_PUBLICATION = "zuofeng_down"

UP_TABLES: dict[str, tuple[str, ...]] = {
    "fed_contract": ("id", "district", "name", "version", "refreshed_at"),
    "fed_unit": ("id", "district", "code", "name", "kind", "sort_order", "archived"),
    "fed_rollup": ("id", "district", "unit_code", "day", "measure", "value"),
    "fed_scorecard": (
        "id", "district", "month", "version", "status", "standard_name", "standard_from",
        "published_at",
    ),
    "fed_unit_score": (
        "id", "district", "month", "version", "unit_code", "group", "total", "rank", "group_size",
    ),
    "fed_complaint_day": ("id", "district", "unit_code", "day", "category", "received", "closed"),
    "fed_rating_day": ("id", "district", "unit_code", "day", "level", "count"),
    "fed_task_progress": (
        "id", "district", "directive", "task_number", "status", "deadline", "reported_progress",
        "verified_progress", "card", "lagging", "closed_at", "updated_at",
    ),
}  # fmt: skip

DOWN_TABLES: dict[str, tuple[str, ...]] = {
    "fed_directive": (
        "id", "issuer", "issuer_name", "title", "source", "summary", "deadline", "districts",
        "status", "issued_at",
    ),
}  # fmt: skip

# Column names that would identify a person: none may ever be published (the tests check
# both this list and the exact contract above against what PostgreSQL publishes).
PERSONAL = (
    "phone", "mobile", "contact", "identity", "id_number", "sealed", "complainant",
    "counterpart", "applicant", "subject_name", "text", "comment", "answer", "address",
    "email", "user", "rated_by", "created_by", "head", "latitude", "longitude", "place",
)  # fmt: skip


def publication_sql(name: str, tables: dict[str, tuple[str, ...]]) -> str:
    """CREATE PUBLICATION listing exactly the contract's columns (PostgreSQL 15 column
    lists), so that a column added to a table later is not published until the contract
    says so."""
    parts = ", ".join(
        f"{table} ({', '.join(_q(c) for c in cols)})" for table, cols in tables.items()
    )
    return f"CREATE PUBLICATION {name} FOR TABLE {parts}"


def set_publication_sql(name: str, tables: dict[str, tuple[str, ...]]) -> str:
    parts = ", ".join(
        f"{table} ({', '.join(_q(c) for c in cols)})" for table, cols in tables.items()
    )
    return f"ALTER PUBLICATION {name} SET TABLE {parts}"


def _q(column: str) -> str:
    return f'"{column}"'


# The tables of each version, frozen: a migration publishes the version it brings (a new
# version's migration calls `ensure_publications(schema_editor, version=2)`).
VERSIONS: dict[int, tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]] = {
    1: (UP_TABLES, DOWN_TABLES),
}


def ensure_publications(schema_editor=None, *, version: int = VERSION) -> None:  # type: ignore[no-untyped-def]
    """Create (or bring up to `version`) both publications; PostgreSQL only."""
    conn = schema_editor.connection if schema_editor is not None else connection
    if conn.vendor != "postgresql":
        return
    up, down = VERSIONS[version]
    with conn.cursor() as cursor:
        for name, tables in ((UP_PUBLICATION, up), (DOWN_PUBLICATION, down)):
            cursor.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", [name])
            if cursor.fetchone():
                cursor.execute(set_publication_sql(name, tables))
            else:
                cursor.execute(publication_sql(name, tables))


def published_columns(name: str = UP_PUBLICATION) -> dict[str, tuple[str, ...]]:
    """What PostgreSQL actually publishes: {table: columns} (pg_publication_tables)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, attnames FROM pg_publication_tables WHERE pubname = %s", [name]
        )
        return {table: tuple(columns) for table, columns in cursor.fetchall()}
