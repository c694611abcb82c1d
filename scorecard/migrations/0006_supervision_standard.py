from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from scorecard.defaults import upgrade_2027

    upgrade_2027(apps)


class Migration(migrations.Migration):
    dependencies = [("scorecard", "0005_volume_fair_standard")]

    # Backwards leaves the 2027 revision: it may already have scored a month.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
