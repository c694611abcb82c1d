"""A visit is appended to, never overwritten; the office's annual plans against days visited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import District
from problems.actions import report_problem, verify_problem
from visits import actions
from visits.models import VisitPlan, VisitRevision
from visits.tests.factories import SUMMARY, CounterpartInput, ProblemInput, day_at, log
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_edit_is_a_new_revision_and_the_original_stays(district: District) -> None:
    visit = log(district.alice).visit
    actions.revise_visit(
        visit, actor=district.alice, reason="补记停水户数", learned="补充：停水的是八户。" + SUMMARY
    )
    visit.refresh_from_db()
    assert visit.learned.startswith("补充") and visit.revision_count == 2
    first, second = VisitRevision.objects.filter(visit=visit).order_by("number")
    assert first.values["learned"] == SUMMARY and first.reason == "首次登记"
    assert second.changed == ["learned"] and second.reason == "补记停水户数"
    assert AuditEvent.objects.filter(action="visits.revise_visit", reason="补记停水户数").exists()


def test_a_revision_cannot_be_changed_or_deleted(district: District) -> None:
    revision = VisitRevision.objects.get(visit=log(district.alice).visit)
    revision.reason = "改写历史"
    with pytest.raises(ValueError, match="只能追加"):
        revision.save()
    with pytest.raises(ValueError, match="不能删除"):
        revision.delete()


def test_an_edit_needs_a_reason_a_change_and_the_cadre_who_logged_it(district: District) -> None:
    visit = log(district.alice).visit
    with pytest.raises(ValidationError, match="修改理由"):
        actions.revise_visit(visit, actor=district.alice, reason="", learned="新内容")
    with pytest.raises(ValidationError, match="没有修改任何内容"):
        actions.revise_visit(visit, actor=district.alice, reason="无", learned=SUMMARY)
    with pytest.raises(PermissionDenied):
        actions.revise_visit(visit, actor=district.ahead, reason="代改", learned="新内容")
    assert VisitRevision.objects.filter(visit=visit).count() == 1


def test_the_office_sets_plans_and_the_head_sees_plan_against_done(district: District) -> None:
    year = day_at(0).year
    with pytest.raises(PermissionDenied):
        actions.set_visit_plan(
            actor=district.alice, cadre=district.ahead, year=year, planned_days=5
        )
    actions.set_visit_plan(actor=district.olivia, cadre=district.ahead, year=year, planned_days=10)
    plan = actions.set_visit_plan(
        actor=district.olivia, cadre=district.ahead, year=year, planned_days=4, note="调整"
    )
    assert VisitPlan.objects.count() == 1 and plan.planned_days == 4
    # Two visits on one day count one day; a visit as a companion counts too.
    start = day_at(3, 9)
    log(district.ahead, started_at=start)
    log(district.ahead, started_at=start + dt.timedelta(hours=3), site_name="桃源村")
    logged = log(
        district.alice,
        companions=[district.ahead],
        started_at=day_at(2, 9),
        no_problem_reason="",
        counterparts=[CounterpartInput("resident", 2)],
        problems=[
            ProblemInput("村道塌陷", "村口道路塌陷一处", district.town),
            ProblemInput("路灯不亮", "三盏路灯损坏", district.town),
        ],
    )
    solved, still_open = (p for p, _ in logged.problems)
    report_problem(solved, actor=_town_clerk(district), report="已修复路面")
    verify_problem(solved, actor=district.olivia, result="verified", note="现场查看已修复")
    page = district.client_for(district.ahead).get("/staff/visits/plan/").content.decode()
    assert "计划走访 <strong>4</strong> 天，已走访 <strong>2</strong> 天（50%）" in page
    assert still_open.title in page and solved.title not in page
    office = district.client_for(district.olivia).get("/staff/visits/plans/").content.decode()
    assert "安海" in office and "50%" in office


def _town_clerk(district: District) -> object:
    from org import actions as org_actions
    from org.roles import Role

    return org_actions.add_person(
        actor=None, username="tina", full_name="田娜", roles=[Role.UNIT_STAFF],
        unit=district.town, password="pw-zuofeng-1",
    )  # fmt: skip
