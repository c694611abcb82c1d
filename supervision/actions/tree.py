"""Directives and their task trees: recorded and edited by the office, issued to the units."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from complaints.intake.similarity import signatures
from org.models import Unit
from supervision import rollup
from supervision.models import Directive, DirectiveAttachment, Milestone, Task
from zuofeng import measures
from zuofeng.duty.clock import start_clock
from zuofeng.transitions import record_created, transition
from zuofeng.uploads import store_all, store_upload
from zuofeng.validation import plain_text, required_text
from zuofeng.workdays.calendar import end_of_day, workdays_between

DIRECTIVE_FIELDS = [
    "title", "source", "issued_on", "leader", "summary", "public", "cadence", "report_fields",
    "status",
]  # fmt: skip
TASK_FIELDS = [
    "title", "unit_id", "deadline", "weight", "kind", "target", "measure_unit",
    "affects_residents", "problem_text", "parent_id", "status",
]  # fmt: skip


def _clean_directive(fields: dict[str, Any]) -> dict[str, Any]:
    out = {
        "title": plain_text(fields.get("title"), "决策部署名称", 200),
        "source": plain_text(fields.get("source"), "来源（会议或文号）", 200),
        "leader": plain_text(fields.get("leader"), "牵头领导", 60),
        "summary": required_text(fields.get("summary"), "内容摘要"),
        "public": bool(fields.get("public")),
        "cadence": fields.get("cadence") or Directive.Cadence.MONTHLY,
        "issued_on": fields.get("issued_on"),
    }
    if out["cadence"] not in Directive.Cadence.values:
        raise ValidationError({"cadence": "报送频次无效"})
    if not isinstance(out["issued_on"], dt.date):
        raise ValidationError({"issued_on": "请填写日期"})
    report_fields = fields.get("report_fields") or []
    if isinstance(report_fields, str):
        report_fields = [part.strip() for part in report_fields.replace("，", ",").split(",")]
    report_fields = [plain_text(name, "报送字段", 30) for name in report_fields if name]
    if len(report_fields) > 5:
        raise ValidationError({"report_fields": "报送字段最多 5 项：减轻基层填报负担"})
    out["report_fields"] = report_fields
    return out


def create_directive(
    *,
    actor: Any,
    attachments: list[Any] = (),
    at: dt.datetime | None = None,
    **fields: Any,  # type: ignore[assignment]
) -> Directive:
    cleaned = _clean_directive(fields)
    now = at or timezone.now()
    with transaction.atomic():
        directive = Directive.objects.create(created_by=actor, created_at=now, **cleaned)
        _attach(directive, list(attachments), now)
        record_created(
            directive, actor=actor, action="supervision.create_directive", fields=DIRECTIVE_FIELDS
        )
    return directive


def _attach(directive: Directive, uploads: list[Any], now: dt.datetime) -> None:
    store_all(
        uploads,
        lambda upload: store_upload(DirectiveAttachment, upload, at=now, directive=directive),
    )


@transaction.atomic
def update_directive(
    directive: Directive,
    *,
    actor: Any,
    attachments: list[Any] = (),
    **fields: Any,  # type: ignore[assignment]
) -> Directive:
    cleaned = _clean_directive(fields)
    with transition(
        directive,
        actor=actor,
        action="supervision.update_directive",
        fields=DIRECTIVE_FIELDS,
        allowed=[Directive.Status.DRAFT, Directive.Status.ISSUED],
        doing="修改",
    ) as change:
        directive = change.obj
        for name, value in cleaned.items():
            setattr(directive, name, value)
        directive.save()
        _attach(directive, list(attachments), timezone.now())
    return directive


def _clean_task(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": plain_text(fields.get("title"), "任务名称", 200),
        "deadline": fields.get("deadline"),
        "kind": fields.get("kind") or Task.Kind.STATUS,
        "measure_unit": plain_text(fields.get("measure_unit"), "计量单位", 20, required=False),
        "affects_residents": bool(fields.get("affects_residents")),
        "problem_text": plain_text(fields.get("problem_text"), "问题描述", 2000, required=False),
    }
    if not isinstance(out["deadline"], dt.date):
        raise ValidationError({"deadline": "请填写完成时限"})
    if out["kind"] not in Task.Kind.values:
        raise ValidationError({"kind": "进度类型无效"})
    unit = fields.get("unit")
    if not isinstance(unit, Unit):
        raise ValidationError({"unit": "请选择牵头单位"})
    out["unit"] = unit
    weight = fields.get("weight")
    if weight is None or not 0 < int(weight) <= 100:
        raise ValidationError({"weight": "权重应为 1 到 100 之间的整数"})
    out["weight"] = int(weight)
    target = fields.get("target")
    if out["kind"] == Task.Kind.QUANTITATIVE:
        if target is None or Decimal(target) <= 0:
            raise ValidationError({"target": "量化指标须填写大于 0 的目标量"})
        out["target"] = Decimal(target)
    else:
        out["target"] = None
    return out


def _signature(text: str) -> bytes:
    return signatures([text])[0] if text else b""


def sibling_weight_problem(
    parent_id: int | None,
    directive_id: int,
    weights: dict[int, int],
    titles: dict[int, str] | None = None,
) -> str:
    """The refusal message when the weights of one group of siblings do not sum to 100."""
    total = sum(weights.values())
    if total == 100:
        return ""
    if parent_id:
        title = (titles or {}).get(parent_id) or Task.objects.get(pk=parent_id).title
        where = f"“{title}”下的子任务"
    else:
        where = "该决策部署下的一级任务"
    return f"{where}权重合计为 {total}，应为 100。请调整各项权重，使合计正好等于 100。"


def _sibling_weights(directive_id: int, parent_id: int | None) -> dict[int, int]:
    return dict(
        Task.objects.filter(directive_id=directive_id, parent_id=parent_id).values_list(
            "id", "weight"
        )
    )


@transaction.atomic
def add_task(
    directive: Directive,
    *,
    actor: Any,
    parent: Task | None = None,
    assisting: list[Unit] = (),  # type: ignore[assignment]
    sibling_weights: dict[int, int] | None = None,
    at: dt.datetime | None = None,
    **fields: Any,
) -> Task:
    """Add a task under `parent` (or at the top). Once the directive is issued, the new task
    comes with the weights of all its siblings (`sibling_weights`), which with its own must sum
    to 100: weights never change silently."""
    cleaned = _clean_task(fields)
    if parent is not None and parent.directive_id != directive.pk:
        raise ValidationError("上级任务不属于该决策部署")
    now = at or timezone.now()
    with transition(
        directive,
        actor=actor,
        action="supervision.add_task",
        fields=["status"],
        allowed=[Directive.Status.DRAFT, Directive.Status.ISSUED],
        doing="添加任务",
    ) as change:
        directive = change.obj
        parent_id = parent.pk if parent else None
        siblings = _sibling_weights(directive.pk, parent_id)
        if sibling_weights is not None:
            unknown = set(sibling_weights) - set(siblings)
            if unknown:
                raise ValidationError("权重表中有不属于同级的任务")
            siblings.update(sibling_weights)
        if directive.status == Directive.Status.ISSUED:
            problem = sibling_weight_problem(
                parent_id, directive.pk, {**siblings, 0: cleaned["weight"]}
            )
            if problem:
                raise ValidationError({"weight": problem})
        if parent is not None:
            parent = Task.objects.select_for_update().get(pk=parent.pk)
            if parent.reports.exists():
                raise ValidationError("该任务已有进展报送，不能再拆分子任务")
            if parent.deadline < cleaned["deadline"]:
                raise ValidationError({"deadline": "子任务的完成时限不能晚于上级任务"})
        task = Task.objects.create(
            directive=directive,
            parent=parent,
            path=(parent.path + f"{parent.pk}/") if parent else "",
            depth=(parent.depth + 1) if parent else 0,
            position=len(siblings),
            created_at=now,
            problem_signature=_signature(cleaned["problem_text"]),
            **cleaned,
        )
        task.assisting_units.set([unit for unit in assisting if unit.pk != task.unit_id])
        if sibling_weights:
            for pk, weight in sibling_weights.items():
                Task.objects.filter(pk=pk).update(weight=weight)
        if parent is not None and parent.clock_started_at is not None:
            # A leaf that is split becomes a parent: its own clock and progress are its
            # children's from now on, and it leaves the rollups it counted in.
            counted = measures.attribution(parent)
            Task.objects.filter(pk=parent.pk).update(
                clock_started_at=None, due_at=None, limit_workdays=None, warning_level="none"
            )
            parent.refresh_from_db()
            measures.mark_changed(parent, before=counted)
        if directive.status == Directive.Status.ISSUED:
            _start(task, now)
            task.save()
        record_created(task, actor=actor, action="supervision.add_task", fields=TASK_FIELDS)
        change.reason = f"添加任务“{task.title}”"
        rollup.refresh_leaf(task)
    return task


@transaction.atomic
def update_task(
    task: Task, *, actor: Any, assisting: list[Unit] | None = None, **fields: Any
) -> Task:
    """Edit a task's description; its weight changes only through `set_weights`."""
    cleaned = _clean_task({**fields, "weight": task.weight})
    cleaned.pop("weight")
    with transition(
        task,
        actor=actor,
        action="supervision.update_task",
        fields=TASK_FIELDS,
        allowed=[Task.Status.ACTIVE],
        doing="修改",
    ) as change:
        task = change.obj
        if task.parent_id and cleaned["deadline"] > task.parent.deadline:
            raise ValidationError({"deadline": "子任务的完成时限不能晚于上级任务"})
        if cleaned["kind"] != task.kind and task.reports.exists():
            raise ValidationError({"kind": "已有进展报送的任务不能改变进度类型"})
        for name, value in cleaned.items():
            setattr(task, name, value)
        task.problem_signature = _signature(task.problem_text)
        if task.clock_started_at is not None and task.due_at != end_of_day(task.deadline):
            task.limit_workdays = max(
                0, workdays_between(task.clock_started_at, end_of_day(task.deadline))
            )
            task.due_at = end_of_day(task.deadline)
        task.save()
        if assisting is not None:
            task.assisting_units.set([unit for unit in assisting if unit.pk != task.unit_id])
    if not task.children.exists():
        rollup.refresh_leaf(task)
    return task


@transaction.atomic
def set_weights(
    directive: Directive, *, actor: Any, parent: Task | None, weights: dict[int, int], reason: str
) -> None:
    """Re-weight one group of siblings: all of them at once, summing to 100, with a reason."""
    reason = required_text(reason, "调整原因")
    parent_id = parent.pk if parent else None
    with transition(
        directive,
        actor=actor,
        action="supervision.set_weights",
        fields=["status"],
        allowed=[Directive.Status.DRAFT, Directive.Status.ISSUED],
        doing="调整权重",
        reason=reason,
    ) as change:
        siblings = _sibling_weights(directive.pk, parent_id)
        if set(weights) != set(siblings):
            raise ValidationError("请同时填写同级全部任务的权重")
        if any(not 0 < int(w) <= 100 for w in weights.values()):
            raise ValidationError("权重应为 1 到 100 之间的整数")
        problem = sibling_weight_problem(parent_id, directive.pk, weights)
        if problem:
            raise ValidationError(problem)
        change.reason = f"{reason}（{siblings} → {weights}）"
        for pk, weight in weights.items():
            Task.objects.filter(pk=pk).update(weight=int(weight))
    if parent is not None:
        _refresh_parent(parent)
    else:
        rollup.recompute_directive(directive.pk)


def _refresh_parent(parent: Task) -> None:
    kids = list(parent.children.values_list("weight", "reported_progress", "verified_progress"))
    parent.reported_progress = rollup.weighted((w, r) for w, r, _ in kids)
    parent.verified_progress = rollup.weighted((w, v) for w, _, v in kids)
    Task.objects.filter(pk=parent.pk).update(
        reported_progress=parent.reported_progress, verified_progress=parent.verified_progress
    )
    rollup.refresh_ancestors(parent)


def weight_problems(directive: Directive) -> list[str]:
    """Every group of siblings whose weights do not sum to 100 (the issue check)."""
    groups: dict[int | None, dict[int, int]] = defaultdict(dict)
    titles: dict[int, str] = {}
    for pk, parent_id, weight, title in Task.objects.filter(directive=directive).values_list(
        "id", "parent_id", "weight", "title"
    ):
        groups[parent_id][pk] = weight
        titles[pk] = title
    return [
        problem
        for parent_id, weights in groups.items()
        if (problem := sibling_weight_problem(parent_id, directive.pk, weights, titles))
    ]


def _start(task: Task, now: dt.datetime) -> None:
    limit = max(0, workdays_between(now, end_of_day(task.deadline)))
    start_clock(task, at=now, limit_workdays=limit)


@transaction.atomic
def issue_directive(
    directive: Directive, *, actor: Any, at: dt.datetime | None = None
) -> Directive:
    """下达: the tree goes to the units; each leaf's clock starts. Refused while any group of
    siblings' weights does not sum to 100."""
    now = at or timezone.now()
    with transition(
        directive,
        actor=actor,
        action="supervision.issue_directive",
        fields=DIRECTIVE_FIELDS,
        allowed=[Directive.Status.DRAFT],
        doing="下达",
    ) as change:
        directive = change.obj
        if not directive.tasks.exists():
            raise ValidationError("请先分解任务再下达")
        problems = weight_problems(directive)
        if problems:
            raise ValidationError(problems)
        directive.status = Directive.Status.ISSUED
        directive.issued_at = now
        directive.save()
        leaves = list(directive.tasks.filter(children__isnull=True))
        before = {leaf.pk: measures.attribution(leaf) for leaf in leaves}
        for leaf in leaves:
            _start(leaf, now)
        Task.objects.bulk_update(
            leaves,
            ["limit_workdays", "clock_started_at", "clock_paused_at", "paused_workdays",
             "clock_stopped_at", "due_at", "warning_level", "escalation_level"],
        )  # fmt: skip
        # bulk_update bypasses the state-change path: the leaves enter the rollups here.
        for leaf in leaves:
            measures.mark_changed(leaf, before=before[leaf.pk])
    return directive


@transaction.atomic
def add_milestone(task: Task, *, actor: Any, title: str, due_on: dt.date, weight: int) -> Milestone:
    title = plain_text(title, "节点名称", 200)
    if not isinstance(due_on, dt.date):
        raise ValidationError({"due_on": "请填写计划完成日期"})
    if not 0 < int(weight) <= 100:
        raise ValidationError({"weight": "节点权重应为 1 到 100 之间的整数"})
    with transition(
        task,
        actor=actor,
        action="supervision.add_milestone",
        fields=["kind"],
        allowed=[Task.Status.ACTIVE],
        doing="添加节点",
    ) as change:
        task = change.obj
        if task.kind != Task.Kind.MILESTONES:
            raise ValidationError("只有“节点计划”类任务可以添加节点")
        if due_on > task.deadline:
            raise ValidationError({"due_on": "节点不能晚于任务完成时限"})
        milestone = Milestone.objects.create(
            task=task, title=title, due_on=due_on, weight=int(weight)
        )
        change.reason = f"添加节点“{title}”（权重 {weight}）"
    rollup.refresh_leaf(task)
    return milestone
