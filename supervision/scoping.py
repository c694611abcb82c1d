"""Reads a user may make, in one place: another unit's task is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from org.scoping import sees_all_units, unit_of
from supervision.models import Directive, FormalismFlag, Report, Task


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    """The office sees every task; a unit its own (as lead or assisting unit)."""
    tasks = Task.objects.all()
    if sees_all_units(user):
        return tasks
    unit = unit_of(user)
    if unit is None:
        return tasks.none()
    return tasks.filter(Q(unit=unit) | Q(assisting_units=unit)).distinct()


def get_task_for_user(user: Any, pk: int) -> Task:
    task = (
        tasks_visible_to(user).select_related("directive", "unit", "parent").filter(pk=pk).first()
    )
    if task is None:
        raise Http404
    return task


def get_directive_for_office(pk: int) -> Directive:
    directive = Directive.objects.filter(pk=pk).first()
    if directive is None:
        raise Http404
    return directive


def get_public_directive(pk: int) -> Directive:
    directive = Directive.objects.filter(
        pk=pk, public=True, status__in=[Directive.Status.ISSUED, Directive.Status.ARCHIVED]
    ).first()
    if directive is None:
        raise Http404
    return directive


def get_report_for_user(user: Any, pk: int) -> Report:
    report = Report.objects.select_related("task", "task__directive").filter(pk=pk).first()
    if report is None or not tasks_visible_to(user).filter(pk=report.task_id).exists():
        raise Http404
    return report


def get_flag_for_office(pk: int) -> FormalismFlag:
    flag = FormalismFlag.objects.select_related("report", "report__task").filter(pk=pk).first()
    if flag is None:
        raise Http404
    return flag
