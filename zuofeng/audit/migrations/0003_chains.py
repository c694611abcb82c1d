"""One chain per unit: events get a chain, a position in it and a key id; the single head row
becomes one head row per chain.

The old append-only triggers are dropped first so that 0004 may number the existing events;
0005 puts stricter ones back.
"""

from __future__ import annotations

import importlib
from django.db import migrations, models

OLD = importlib.import_module("zuofeng.audit.migrations.0002_append_only_triggers")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(
            OLD._run({"sqlite": OLD.SQLITE_REVERSE, "postgresql": OLD.POSTGRES_REVERSE}),
            OLD._run({"sqlite": OLD.SQLITE, "postgresql": OLD.POSTGRES}),
        ),
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "chain",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="审计链"
                    ),
                ),
                ("seq", models.BigIntegerField(default=0, verbose_name="链内序号")),
                ("last_hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "审计链头", "verbose_name_plural": "审计链头"},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default="system", max_length=40, verbose_name="审计链"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(null=True, verbose_name="链内序号"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="密钥编号"),
        ),
    ]
