from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_integrity_constraints"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", ("submitted", "supplement", "accepted"))),
                fields=["unit", "warning_level", "due_at"],
                name="case_open_queue_idx",
            ),
        ),
    ]
