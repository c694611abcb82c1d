"""Indexes for the rollup refresh. Partial indexes for its search for passed deadlines
(`scorecard.rollups._mark_deadlines_passed`, conditions in `scorecard.measures`'
`Source.deadlines`): each deadline among the rows still pending for it, so the search is a
range scan over a few thousand rows instead of a pass over every complaint (1,000,000 in
bench/scorecard_bench.py: ~0.3 s a refresh). Cases already have theirs
(`case_running_due_idx`).

The indexes live on other apps' tables but serve only the scorecard, so they are created
here in SQL (the same text on PostgreSQL and SQLite) rather than in those apps' models.
"""

from __future__ import annotations

from django.db import migrations

INDEXES = [
    (
        "scorecard_complaint_respond_due_idx",
        "complaints_complaint",
        "respond_due_at",
        "responded_at",
    ),
    (
        "scorecard_complaint_resolve_due_idx",
        "complaints_complaint",
        "resolve_due_at",
        "first_answered_at",
    ),
    ("scorecard_rectification_due_idx", "evaluations_rectification", "due_at", "closed_at"),
]


# The refresh recomputes work orders by (unit, day opened), the attribution of their source;
# the table had no index for it, so each recomputation read all of it.
ATTRIBUTION = (
    "scorecard_rectification_unit_opened_idx",
    "evaluations_rectification",
    "unit_id, opened_at",
)


class Migration(migrations.Migration):
    dependencies = [
        ("scorecard", "0003_default_standard"),
        ("complaints", "0001_complaint"),
        ("evaluations", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON {table} ({deadline}) WHERE {done} IS NULL",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, deadline, done in INDEXES
    ] + [
        migrations.RunSQL(
            f"CREATE INDEX {ATTRIBUTION[0]} ON {ATTRIBUTION[1]} ({ATTRIBUTION[2]})",
            f"DROP INDEX IF EXISTS {ATTRIBUTION[0]}",
        )
    ]
