"""A problem's life: opened on the clock, reported by its unit, called back by the office."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.identity import Identity, unseal
from complaints.models import ComplaintCategory
from problems import actions
from problems.models import Problem, ProblemRaiser, ProblemRules
from problems.reads import problems_of
from zuofeng.audit.models import AuditEvent
from zuofeng.transitions import Conflict

RAISER = Identity(name="测试居民", phone="13800000001")


def open_one(
    district: Any, *, raised_by: Identity | None = RAISER, **kw: Any
) -> tuple[Problem, str]:
    return actions.open_problem(
        actor=district.olivia,
        source=district.town,
        unit=kw.pop("unit", district.market),
        title=kw.pop("title", "菜市场周边占道经营无人管"),
        description=kw.pop(
            "description", "群众反映窗口工作人员态度冷漠，办事推诿，多次反映无人处理"
        ),
        raised_by=raised_by,
        **kw,
    )


@pytest.mark.django_db
class TestOpening:
    def test_a_problem_starts_its_clock_with_the_configured_limit(self, district: Any) -> None:
        problem, code = open_one(district)
        assert problem.status == Problem.Status.OPEN
        assert problem.limit_workdays == ProblemRules.current().resolve_workdays
        assert problem.due_at == problem.first_due_at and problem.clock_running
        assert problem.number.startswith("WT") and code and code not in problem.receipt_hash

    def test_the_administrator_changes_the_default_limit_in_one_row(self, district: Any) -> None:
        ProblemRules.objects.create(pk=1, resolve_workdays=3, redo_workdays=2)
        problem, _ = open_one(district)
        assert problem.limit_workdays == 3

    def test_an_explicit_limit_wins(self, district: Any) -> None:
        problem, _ = open_one(district, deadline_workdays=7)
        assert problem.limit_workdays == 7

    def test_it_is_classified_into_the_complaint_taxonomy(self, district: Any) -> None:
        problem, _ = open_one(district)
        assert problem.category_id in {c.code for c in ComplaintCategory.objects.all()}
        assert problem.category_id == problem.suggested_category_id
        assert 0 <= problem.confidence <= 1

    def test_the_raiser_is_sealed_and_only_the_office_can_read_it(self, district: Any) -> None:
        problem, _ = open_one(district)
        sealed = ProblemRaiser.objects.get(problem=problem).sealed
        assert "13800000001" not in sealed
        assert unseal(sealed).phone == "13800000001"
        assert actions.reveal_raiser(problem, actor=district.olivia).phone == "13800000001"
        with pytest.raises(PermissionDenied):
            actions.reveal_raiser(problem, actor=district.alice)

    def test_an_anonymous_problem_has_no_raiser(self, district: Any) -> None:
        problem, _ = open_one(district, raised_by=None)
        assert not problem.has_raiser
        assert not ProblemRaiser.objects.filter(problem=problem).exists()

    def test_the_source_is_remembered_without_a_foreign_key(self, district: Any) -> None:
        problem, _ = open_one(district)
        assert problem.source_type == "org.unit" and problem.source_id == str(district.town.pk)
        assert list(problems_of(district.town)) == [problem]

    def test_opening_is_audited(self, district: Any) -> None:
        problem, _ = open_one(district)
        assert AuditEvent.objects.filter(
            action="problems.open_problem", object_id=str(problem.pk)
        ).exists()

    def test_a_resident_cannot_open_one(self, district: Any) -> None:
        with pytest.raises(PermissionDenied):
            actions.open_problem(
                actor=district.ruth,
                source=district.town,
                unit=district.market,
                title="x问题",
                description="具体情况",
            )

    def test_markup_and_blank_text_are_refused_in_chinese(self, district: Any) -> None:
        with pytest.raises(ValidationError) as err:
            open_one(district, title="<script>x</script>")
        assert "网页代码" in str(err.value)
        with pytest.raises(ValidationError):
            open_one(district, description="  ")


@pytest.mark.django_db
class TestHandling:
    def test_report_then_satisfied_callback_closes_it_solved_on_time(self, district: Any) -> None:
        problem, _ = open_one(district)
        problem = actions.report_problem(problem, actor=district.alice, report="已清理占道摊位")
        assert problem.status == Problem.Status.REPORTED and problem.clock_stopped_at
        problem = actions.record_callback(
            problem, actor=district.olivia, result=Problem.Result.SATISFIED
        )
        assert problem.status == Problem.Status.CLOSED
        assert problem.solved_on_time
        assert problem.callbacks.count() == 1

    def test_dissatisfied_returns_it_on_a_new_clock(self, district: Any) -> None:
        problem, _ = open_one(district)
        actions.report_problem(problem, actor=district.alice, report="已处理")
        with pytest.raises(ValidationError):
            actions.record_callback(problem, actor=district.olivia, result="dissatisfied")
        problem = actions.record_callback(
            problem, actor=district.olivia, result="dissatisfied", note="摊位又回来了"
        )
        assert problem.status == Problem.Status.RETURNED
        assert problem.return_count == 1 and problem.returned_for_quality
        assert problem.limit_workdays == ProblemRules.current().redo_workdays
        assert problem.clock_running and problem.due_at > problem.callback_at
        problem = actions.report_problem(problem, actor=district.alice, report="已设固定疏导点")
        assert problem.status == Problem.Status.REPORTED

    def test_another_unit_cannot_report(self, district: Any) -> None:
        problem, _ = open_one(district)
        with pytest.raises(PermissionDenied):
            actions.report_problem(problem, actor=district.bob, report="已处理")

    def test_the_owner_unit_never_calls_back_itself(self, district: Any) -> None:
        problem, _ = open_one(district, unit=district.office)
        actions.report_problem(problem, actor=district.olivia, report="已处理")
        with pytest.raises(PermissionDenied):
            actions.record_callback(problem, actor=district.olivia, result="satisfied")

    def test_unit_staff_cannot_call_back(self, district: Any) -> None:
        problem, _ = open_one(district)
        actions.report_problem(problem, actor=district.alice, report="已处理")
        with pytest.raises(PermissionDenied):
            actions.record_callback(problem, actor=district.alice, result="satisfied")

    def test_no_callback_before_the_unit_reports(self, district: Any) -> None:
        problem, _ = open_one(district)
        with pytest.raises(Conflict):
            actions.record_callback(problem, actor=district.olivia, result="satisfied")

    def test_anonymous_problems_are_verified_with_a_reason(self, district: Any) -> None:
        problem, _ = open_one(district, raised_by=None)
        actions.report_problem(problem, actor=district.alice, report="已处理")
        with pytest.raises(ValidationError):
            actions.record_callback(problem, actor=district.olivia, result="satisfied")
        with pytest.raises(ValidationError):
            actions.verify_problem(problem, actor=district.olivia, result="verified", note="")
        problem = actions.verify_problem(
            problem, actor=district.olivia, result="verified", note="反映人匿名，现场查看已整改"
        )
        assert problem.status == Problem.Status.CLOSED

    def test_a_late_report_is_solved_but_not_on_time(self, district: Any) -> None:
        problem, _ = open_one(district)
        late = problem.first_due_at + dt.timedelta(days=3)
        actions.report_problem(problem, actor=district.alice, report="已处理", at=late)
        problem = actions.record_callback(
            problem, actor=district.olivia, result="basic", at=late + dt.timedelta(hours=1)
        )
        assert problem.status == Problem.Status.CLOSED and not problem.solved_on_time

    def test_the_office_corrects_the_category(self, district: Any) -> None:
        problem, _ = open_one(district)
        other = ComplaintCategory.objects.exclude(pk=problem.category_id).first()
        problem = actions.reclassify_problem(problem, actor=district.olivia, category=other)
        assert problem.category == other and problem.category_corrected
        with pytest.raises(PermissionDenied):
            actions.reclassify_problem(problem, actor=district.alice, category=other)

    def test_the_office_transfers_an_unanswered_problem(self, district: Any) -> None:
        problem, _ = open_one(district)
        problem = actions.transfer_problem(
            problem, actor=district.olivia, unit=district.hr, reason="属人社局职责"
        )
        assert problem.unit == district.hr
