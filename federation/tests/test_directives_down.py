"""A directive of the level above arrives in the district's 督查督办 as a task with its
deadline, once, and its progress flows back up."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from federation import actions, intake, refresh
from federation.models import DirectiveIntake, FedDirective, FedTaskProgress
from supervision.models import Directive, Task

NOW = dt.datetime(2026, 11, 5, 2, tzinfo=dt.UTC)


@pytest.fixture
def from_above(district, monkeypatch):
    # The city issues it (in its own database; replication brings the row to the district).
    monkeypatch.setenv("ZUOFENG_LEVEL", "city")
    monkeypatch.setenv("ZUOFENG_DISTRICT_CODE", "330100")
    monkeypatch.setenv("ZUOFENG_DISTRICT_NAME", "示范市")
    with time_machine.travel(NOW, tick=False):
        directive = actions.issue_directive_down(
            actor=None,
            title="全市营商环境攻坚",
            source="市政府第12次常务会议",
            summary="各区压缩企业开办时间，年底前完成。",
            deadline=dt.date(2026, 12, 31),
            districts=["330102"],
        )
    monkeypatch.setenv("ZUOFENG_LEVEL", "district")
    monkeypatch.setenv("ZUOFENG_DISTRICT_CODE", "330102")
    return directive


@time_machine.travel(NOW, tick=False)
def test_a_directive_from_above_becomes_an_issued_task_with_its_deadline(from_above, district):
    assert intake.sweep_intake(timezone.now()) == {"federation.directives_received": 1}
    local = Directive.objects.get()
    assert local.status == Directive.Status.ISSUED
    assert local.source == "示范市：市政府第12次常务会议"
    task = Task.objects.get(directive=local)
    assert task.deadline == dt.date(2026, 12, 31)
    assert task.unit == district.office
    assert task.due_at is not None  # its clock runs


@time_machine.travel(NOW, tick=False)
def test_a_directive_is_taken_in_once(from_above):
    intake.sweep_intake(timezone.now())
    assert intake.sweep_intake(timezone.now()) == {}
    assert Directive.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_directive_for_other_districts_is_ignored(from_above, monkeypatch):
    monkeypatch.setenv("ZUOFENG_DISTRICT_CODE", "330105")
    assert intake.sweep_intake(timezone.now()) == {}
    assert not Directive.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_tasks_verified_progress_and_card_flow_back_up(from_above):
    intake.sweep_intake(timezone.now())
    task = DirectiveIntake.objects.get().task
    Task.objects.filter(pk=task.pk).update(verified_progress=40.0, card="yellow")
    refresh.refresh(timezone.now())
    progress = FedTaskProgress.objects.get()
    assert (progress.district, progress.directive) == ("330102", from_above.pk)
    assert (progress.verified_progress, progress.card) == (40.0, "yellow")
    assert progress.task_number == task.number


def test_the_level_above_refuses_a_deadline_in_the_past(district, monkeypatch):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.issue_directive_down(
            actor=None, title="过期部署", source="文号", summary="内容",
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )  # fmt: skip
    assert not FedDirective.objects.exists()
