"""The visits demo step: a year of visits with problems found and solved, plans for the heads,
and the planted shallow visits, each found; good visits are not flagged."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from demo.builder import build_people, build_units
from demo.visits import build_visits
from problems.models import Problem
from visits.models import Visit, VisitFlag, VisitPlan
from zuofeng.workdays.calendar import LOCAL_TZ

NOW = dt.datetime(2026, 12, 3, 10, 30, tzinfo=LOCAL_TZ)


@pytest.mark.django_db
def test_the_demo_plants_what_the_office_should_find() -> None:
    with time_machine.travel(NOW, tick=False):
        units = build_units(5)
        build_people(5, units)
        counts = build_visits(5, NOW.date(), now=NOW)
    assert Visit.objects.count() == counts["visits"] > 100, counts
    kinds = set(VisitFlag.objects.values_list("kind", flat=True))
    assert kinds == set(VisitFlag.Kind.values), kinds
    # Each planted kind is found where it was planted, and nowhere else.
    assert VisitFlag.objects.filter(kind="copied_summary").values("cadre").distinct().count() == 1
    assert VisitFlag.objects.filter(kind="reused_photo").values("cadre").distinct().count() == 1
    assert VisitFlag.objects.filter(kind="model_sites").count() == 1
    assert VisitFlag.objects.filter(kind="photo_only").count() == 2
    assert VisitFlag.objects.filter(status="confirmed").exists()
    assert VisitFlag.objects.filter(status="dismissed").exists()
    problems = Problem.objects.filter(source_type="visits.visit")
    assert problems.count() == counts["visit_problems"] > 30
    assert problems.filter(status=Problem.Status.CLOSED).count() == counts["visit_problems_solved"]
    assert problems.exclude(status=Problem.Status.CLOSED).exists()
    assert VisitPlan.objects.count() == counts["visit_plans"] > 20
