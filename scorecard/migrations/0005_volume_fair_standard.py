from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from scorecard.defaults import upgrade

    upgrade(apps)


class Migration(migrations.Migration):
    dependencies = [("scorecard", "0004_buck_passing_by_transfer")]

    # Backwards leaves the revised standard: it may already have scored a month.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
