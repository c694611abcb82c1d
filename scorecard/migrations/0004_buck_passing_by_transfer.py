from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from scorecard.defaults import BUCK_PASSING_MEASURE, BUCK_PASSING_TEXT, revise

    revise(
        apps,
        "buck_passing",
        "推诿率按转出单位的推诿转办次数计。",
        numerator_measure=BUCK_PASSING_MEASURE,
        numerator_text=BUCK_PASSING_TEXT,
    )


class Migration(migrations.Migration):
    dependencies = [("scorecard", "0003_default_standard")]

    # Backwards leaves the revised indicator: the old formula charged the wrong unit.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
