from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from scorecard.defaults import upgrade_investigation

    upgrade_investigation(apps)


class Migration(migrations.Migration):
    dependencies = [("scorecard", "0006_supervision_standard")]

    # Backwards leaves the revision: it may already have scored a month.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
