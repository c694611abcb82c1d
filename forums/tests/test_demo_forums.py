"""The demo's three forums: their problems cover every fate the pages show (solved with a
satisfied callback, returned, overdue, verified, waiting), the build is reproducible, and the
first problem answers the documented receipt code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from demo.builder import build_people, build_units
from demo.forums import DEMO_RECEIPT, build_forums
from forums.models import Forum
from problems.models import Problem
from problems.reads import find_by_receipt
from zuofeng.duty.models import WarningLevel
from zuofeng.duty.sweep import sweep
from zuofeng.workdays.calendar import LOCAL_TZ

ANCHOR = dt.date(2026, 6, 15)  # a Monday
NOW = dt.datetime(2026, 6, 15, 10, 30, tzinfo=LOCAL_TZ)


def build() -> dict[str, int]:
    units = build_units(1)
    build_people(1, units)
    return build_forums(1, ANCHOR, now=NOW)


def fingerprint() -> list[tuple[Any, ...]]:
    return list(
        Problem.objects.order_by("pk").values_list(
            "title", "unit__code", "status", "category_id", "first_due_at", "callback_result"
        )
    )


@pytest.mark.django_db
def test_three_forums_with_problems_of_every_fate() -> None:
    with time_machine.travel(NOW, tick=False):
        counts = build()
        sweep(NOW)
    assert counts == {"forums": 3, "forum_problems": 10}
    assert Forum.objects.count() == 3
    statuses = {p.title: p for p in Problem.objects.all()}
    assert statuses["营业执照变更要跑三次窗口"].callback_result == Problem.Result.SATISFIED
    assert statuses["营业执照变更要跑三次窗口"].status == Problem.Status.CLOSED
    assert statuses["高龄津贴申请后几个月没有发放"].status == Problem.Status.RETURNED
    overdue = statuses["厂房扩建项目施工许可迟迟办不下来"]
    assert overdue.status == Problem.Status.OPEN and overdue.warning_level == WarningLevel.RED
    assert statuses["工业园区门口道路坑洼积水"].callback_result == Problem.Result.VERIFIED
    assert statuses["窗口只能手机预约，老人不会用"].status == Problem.Status.REPORTED
    assert not statuses["新办企业发票申领等待时间长"].solved_on_time
    assert find_by_receipt(DEMO_RECEIPT) == statuses["营业执照变更要跑三次窗口"]


@pytest.mark.django_db
def test_the_demo_is_reproducible() -> None:
    from django.db import transaction

    prints = []
    for _ in range(2):
        with time_machine.travel(NOW, tick=False), transaction.atomic():
            build()
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1] and len(prints[0]) == 10
