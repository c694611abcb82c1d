from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from scorecard.defaults import install

    install(apps)


def backwards(apps: Any, schema_editor: Any) -> None:
    from scorecard.defaults import uninstall

    uninstall(apps)


class Migration(migrations.Migration):
    dependencies = [("scorecard", "0002_rollup_state")]

    operations = [migrations.RunPython(forwards, backwards)]
