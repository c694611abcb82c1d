"""The two publications over exactly the contract's columns (PostgreSQL only; SQLite has no
replication and the migration does nothing there)."""

from __future__ import annotations

from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    from federation.contract import ensure_publications

    ensure_publications(schema_editor, version=1)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP PUBLICATION IF EXISTS zuofeng_up")
        schema_editor.execute("DROP PUBLICATION IF EXISTS zuofeng_down")


class Migration(migrations.Migration):
    dependencies = [("federation", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
