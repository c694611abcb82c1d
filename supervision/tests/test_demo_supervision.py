"""The supervision demo step: a dozen directives, trees three levels deep, planted formalism,
one closed task reopened by complaints."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from demo.builder import build_people, build_units
from demo.supervision import build_supervision
from supervision.models import Directive, FormalismFlag, Report, Task
from zuofeng.workdays.calendar import LOCAL_TZ

NOW = dt.datetime(2026, 12, 3, 10, 30, tzinfo=LOCAL_TZ)


@pytest.mark.django_db
def test_the_demo_plants_what_the_office_should_find() -> None:
    with time_machine.travel(NOW, tick=False):
        units = build_units(5)
        build_people(5, units)
        counts = build_supervision(5, NOW.date(), now=NOW)
    assert Directive.objects.count() == 12 == counts["directives"]
    assert Task.objects.filter(depth=2).exists() and not Task.objects.filter(depth=3).exists()
    kinds = set(FormalismFlag.objects.values_list("kind", flat=True))
    assert kinds == {"copy_own_earlier", "copy_other_unit", "copy_directive", "empty_claim"}
    assert Report.objects.filter(status=Report.Status.RETURNED).exists()
    assert Report.objects.filter(status=Report.Status.SUBMITTED).exists()
    reopened = Task.objects.get(title="幸福小区化粪池满溢整治")
    assert reopened.status == Task.Status.ACTIVE and reopened.reopened_count == 1
    assert Task.objects.filter(card="red").exists() and Task.objects.filter(card="yellow").exists()
    # Good reports are not flagged for sharing the demo's sentence patterns.
    flagged = (
        FormalismFlag.objects.filter(kind="copy_other_unit").values("report").distinct().count()
    )
    assert flagged <= 4, counts
