"""Supervision measures for the scorecard, declared here and registered from `ready()`.

Tasks are attributed to their lead unit and the day of their deadline (leaf tasks only: a
parent has no clock); reports to the reporting unit and the day they were submitted.
"""

from __future__ import annotations

from django.db.models import F, Q

from supervision.models import Report, Task


def register_measures() -> None:
    from zuofeng.measures import Measure, Source, register_measure

    tasks = Source(
        "supervision.task",
        "unit",
        "due_at",
        "督办任务",
        deadlines=(("due_at", Q(clock_stopped_at__isnull=True)),),
    )
    reports = Source("supervision.report", "unit", "submitted_at", "督办进展报送")
    for measure in (
        Measure(
            "supervision_tasks_due",
            "督办任务数",
            tasks,
            definition="牵头的末级督办任务，按完成时限所在日期计",
        ),
        Measure(
            "supervision_tasks_on_time",
            "督办任务按期销号数",
            tasks,
            lambda now: Q(status=Task.Status.CLOSED, clock_stopped_at__lte=F("due_at")),
            definition="在完成时限内经第二人审核销号的末级督办任务",
        ),
        Measure(
            "supervision_tasks_overdue",
            "督办任务超期未销号数",
            tasks,
            lambda now: Q(clock_stopped_at__isnull=True, due_at__lt=now),
            time_dependent=True,
            definition="已过完成时限仍未销号的末级督办任务",
        ),
        Measure(
            "supervision_tasks_lagging",
            "督办任务进度滞后数",
            tasks,
            lambda now: Q(lagging=True),
            definition="经督查室核实的进度落后于时间进度（已过工作日占比）超过设定幅度的任务",
        ),
        Measure(
            "supervision_reports",
            "督办进展报送数",
            reports,
            definition="单位报送的督办任务进展（每期每项任务一份）",
        ),
        Measure(
            "supervision_reports_returned",
            "督办进展报送被退回数",
            reports,
            lambda now: Q(status=Report.Status.RETURNED),
            definition="督查室审核后退回的进展报送",
        ),
    ):
        register_measure(measure)
