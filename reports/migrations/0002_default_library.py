from __future__ import annotations

from django.db import migrations

from reports.library import install


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
