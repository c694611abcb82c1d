"""The taxonomy of design §1 with default resolution limits (see complaints/defaults.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from complaints.defaults import install_categories

    install_categories(apps, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaint")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
