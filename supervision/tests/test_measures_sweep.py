"""Supervision in the kernel: measures in the registry, leaf tasks on the shared duty sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision import actions
from supervision.models import Task
from supervision.tests.factories import BLANK_PDF, directive, task
from zuofeng.duty.models import Escalation, Notification
from zuofeng.duty.sweep import sweep
from zuofeng.measures import get_measure

pytestmark = pytest.mark.django_db
ISSUED = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def issued_leaf(district: Any, deadline: dt.date) -> Task:
    with time_machine.travel(ISSUED, tick=False):
        d = directive(district.olivia)
        leaf = task(d, district.olivia, district.market, weight=100, deadline=deadline)
        actions.issue_directive(d, actor=district.olivia)
    leaf.refresh_from_db()
    return leaf


def test_an_overdue_leaf_escalates_through_the_shared_sweep(district: Any) -> None:
    leaf = issued_leaf(district, dt.date(2026, 11, 20))
    sweep(dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC))
    leaf.refresh_from_db()
    assert leaf.warning_level == "red"
    assert Escalation.objects.filter(duty_type="supervision.task", duty_id=str(leaf.pk)).exists()
    note = Notification.objects.filter(unit=district.market, audience="unit_head").first()
    assert note is not None and "/staff/supervision/" in note.link
    # The supervision sweep steps ran too: the card is red.
    assert leaf.card == "red"


def test_measures_count_tasks_on_time_overdue_and_returned_reports(district: Any) -> None:
    on_time = issued_leaf(district, dt.date(2026, 11, 30))
    late = issued_leaf(district, dt.date(2026, 11, 30))
    pdf = SimpleUploadedFile("a.pdf", BLANK_PDF, content_type="application/pdf")
    with time_machine.travel(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC), tick=False):
        actions.request_close(on_time, actor=district.alice, evidence="完成", attachments=[pdf])
        actions.close_task(on_time, actor=district.olivia)
        report = actions.submit_report(late, actor=district.alice, text="已完成。", state="done")
        actions.return_report(report, actor=district.olivia, reason="无佐证")
    now = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)
    start, end = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    unit = district.market.pk

    def count(code: str) -> int:
        return get_measure(code).records(unit, start, end, now).count()

    assert count("supervision_tasks_due") == 2
    assert count("supervision_tasks_on_time") == 1
    assert count("supervision_tasks_overdue") == 1
    assert count("supervision_reports") == 1
    assert count("supervision_reports_returned") == 1


def test_issued_and_split_tasks_enter_the_rollups_as_a_rebuild_counts_them(district: Any) -> None:
    from scorecard import rollups

    codes = ["supervision_tasks_due"]
    start, end = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    now = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
    rollups.rebuild()
    leaf = issued_leaf(district, dt.date(2026, 11, 20))
    rollups.refresh(now)
    assert rollups.totals(start, end, codes).get(district.market.pk) == {"supervision_tasks_due": 1}
    # Split after issue: the leaf becomes a parent, leaves its own count, its child enters.
    with time_machine.travel(now, tick=False):
        task(leaf.directive, district.olivia, district.market, parent=leaf, weight=100,
             deadline=dt.date(2026, 11, 18))  # fmt: skip
    rollups.refresh(now)
    incremental = rollups.totals(start, end, codes)
    rollups.rebuild()
    assert incremental == rollups.totals(start, end, codes)
    assert incremental[district.market.pk] == {"supervision_tasks_due": 1}
