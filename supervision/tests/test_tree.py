"""Directives broken into tasks: weights that must sum to 100, the formula, the leaf clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from supervision import actions, rollup
from supervision.models import Directive, Task
from supervision.tests.factories import directive, task

pytestmark = pytest.mark.django_db


def test_issuing_is_refused_while_sibling_weights_do_not_sum_to_100(district: Any) -> None:
    d = directive(district.olivia)
    task(d, district.olivia, district.market, title="甲", weight=60)
    task(d, district.olivia, district.hr, title="乙", weight=30)
    with pytest.raises(ValidationError) as refused:
        actions.issue_directive(d, actor=district.olivia)
    assert "权重合计为 90，应为 100" in str(refused.value)
    d.refresh_from_db()
    assert d.status == Directive.Status.DRAFT


def test_weights_change_only_all_together_and_summing_to_100(district: Any) -> None:
    d = directive(district.olivia)
    a = task(d, district.olivia, district.market, title="甲", weight=60)
    b = task(d, district.olivia, district.hr, title="乙", weight=40)
    actions.issue_directive(d, actor=district.olivia)
    with pytest.raises(ValidationError, match="合计为 110"):
        actions.set_weights(
            d, actor=district.olivia, parent=None, weights={a.pk: 70, b.pk: 40}, reason="调整"
        )
    # A new task after issuing must come with its siblings' new weights.
    with pytest.raises(ValidationError, match="合计为 120"):
        task(d, district.olivia, district.town, title="丙", weight=20)
    task(
        d,
        district.olivia,
        district.town,
        title="丙",
        weight=20,
        sibling_weights={a.pk: 50, b.pk: 30},
    )
    assert sorted(Task.objects.filter(directive=d).values_list("weight", flat=True)) == [20, 30, 50]


def test_issuing_starts_the_clock_of_leaves_only(district: Any) -> None:
    d = directive(district.olivia)
    parent = task(d, district.olivia, district.market, title="总任务", weight=100)
    leaf = task(
        d,
        district.olivia,
        district.market,
        parent=parent,
        title="子任务",
        weight=100,
        deadline=dt.date(2026, 12, 30),
    )
    actions.issue_directive(d, actor=district.olivia)
    parent.refresh_from_db()
    leaf.refresh_from_db()
    assert parent.clock_started_at is None
    assert leaf.clock_started_at is not None
    assert leaf.due_at.date() == dt.date(2026, 12, 30)


def test_parent_progress_is_the_weighted_sum_of_its_children(district: Any) -> None:
    d = directive(district.olivia)
    parent = task(d, district.olivia, district.market, title="总任务", weight=100)
    q = task(
        d,
        district.olivia,
        district.market,
        parent=parent,
        title="改造户数",
        weight=70,
        kind=Task.Kind.QUANTITATIVE,
        target=200,
    )
    s = task(d, district.olivia, district.market, parent=parent, title="方案", weight=30)
    Task.objects.filter(pk=q.pk).update(verified_amount=50)
    q.refresh_from_db()
    rollup.refresh_leaf(q)
    s.verified_state = Task.State.DONE
    s.save()
    rollup.refresh_leaf(s)
    parent.refresh_from_db()
    # 70 × 25 % + 30 × 100 % over 100.
    assert parent.verified_progress == pytest.approx(47.5)
    rows = rollup.formula(parent)
    assert [(r["weight"], r["verified"]) for r in rows] == [(70, 25.0), (30, 100.0)]


def test_milestone_leaf_counts_weights_of_verified_milestones(district: Any) -> None:
    d = directive(district.olivia)
    leaf = task(d, district.olivia, district.market, kind=Task.Kind.MILESTONES, weight=100)
    m1 = actions.add_milestone(
        leaf, actor=district.olivia, title="方案批复", due_on=dt.date(2026, 11, 30), weight=30
    )
    actions.add_milestone(
        leaf, actor=district.olivia, title="完工验收", due_on=dt.date(2026, 12, 30), weight=70
    )
    from django.utils import timezone

    m1.verified_at = timezone.now()
    m1.save()
    leaf.refresh_from_db()
    rollup.refresh_leaf(leaf)
    leaf.refresh_from_db()
    assert leaf.verified_progress == pytest.approx(30.0)
