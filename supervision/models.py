"""督查督办: directives (决策部署) broken into a tree of tasks down to the units.

- A `Directive` is recorded by the office and holds the tree's roots. It declares how often
  units report (cadence) and which fields a report asks for, so the burden it puts on the
  units is visible.
- A `Task` is a node of any depth (`parent`). Each leaf is a duty on the shared clock
  (`zuofeng.duty`): the sweep gives it blue/yellow/red warnings and escalates it. Its progress
  comes from its kind: quantitative (amounts summed from accepted reports over a target),
  milestones (weights of verified milestones) or status. A parent's progress is never typed:
  it is Σ weight × progress / Σ weight over its children, stored on the row and refreshed along
  the ancestors of a changed leaf (`supervision.rollup`).
- Two numbers everywhere: reported (what the unit says) and verified (what the office accepted).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zuofeng.duty.models import Duty


class Directive(models.Model):
    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "每月一报"
        QUARTERLY = "quarterly", "每季度一报"
        ON_COMPLETION = "completion", "完成时一报"

    class Status(models.TextChoices):
        DRAFT = "draft", "起草中"
        ISSUED = "issued", "已下达"
        ARCHIVED = "archived", "已归档"

    title = models.CharField("决策部署", max_length=200)
    source = models.CharField("来源（会议或文号）", max_length=200)
    issued_on = models.DateField("日期")
    leader = models.CharField("牵头领导", max_length=60)
    summary = models.TextField("内容摘要")
    public = models.BooleanField("向社会公开", default=False)
    cadence = models.CharField(
        "报送频次", max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    # The typed fields each report asks for besides progress and text (the burden a unit
    # carries, counted per unit and month). A list of short labels.
    report_fields = models.JSONField("报送字段", default=list, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("录入时间")
    issued_at = models.DateTimeField("下达时间", null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "决策部署"
        verbose_name_plural = "决策部署"

    def __str__(self) -> str:
        return self.title


def directive_attachment_path(instance: DirectiveAttachment, filename: str) -> str:
    return f"supervision/directives/{instance.directive_id}/{filename}"


class DirectiveAttachment(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    file = models.FileField(upload_to=directive_attachment_path, max_length=300)

    def __str__(self) -> str:
        return self.original_name


class Card(models.TextChoices):
    NONE = "none", "正常"
    YELLOW = "yellow", "黄牌"
    RED = "red", "红牌"


class Task(Duty):
    """One node of a directive's task tree; leaves are duties on the shared clock."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", "量化指标"
        MILESTONES = "milestones", "节点计划"
        STATUS = "status", "状态"

    class Status(models.TextChoices):
        ACTIVE = "active", "推进中"
        CLOSE_REQUESTED = "close_requested", "已申请销号"
        CLOSED = "closed", "已销号"

    class State(models.TextChoices):
        """The progress of a status-kind leaf."""

        NOT_STARTED = "not_started", "未启动"
        UNDERWAY = "underway", "推进中"
        DONE = "done", "已完成"

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # Materialised path of ancestor ids ("12/45/"): the ancestors of a changed leaf in one
    # read, and a subtree as a prefix.
    path = models.CharField(max_length=500, db_index=True, default="", editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    title = models.CharField("任务", max_length=200)
    # 牵头单位: the accountable unit (the duty's unit, the audit chain's unit).
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="supervision_tasks",
        verbose_name="牵头单位",
    )
    assisting_units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="supervision_assists", verbose_name="配合单位"
    )
    deadline = models.DateField("完成时限")
    weight = models.PositiveSmallIntegerField("权重", default=0)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField("进度类型", max_length=12, choices=Kind.choices, default=Kind.STATUS)
    # Quantitative leaves: amounts summed from reports over a fixed target.
    target = models.DecimalField("目标量", max_digits=14, decimal_places=2, null=True, blank=True)
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    reported_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    verified_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # Status leaves.
    reported_state = models.CharField(
        max_length=12, choices=State.choices, default=State.NOT_STARTED
    )
    verified_state = models.CharField(
        max_length=12, choices=State.choices, default=State.NOT_STARTED
    )
    # Progress in percent, 0–100; on a parent always rolled up, never typed.
    reported_progress = models.FloatField("上报进度", default=0)
    verified_progress = models.FloatField("核实进度", default=0)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    affects_residents = models.BooleanField("涉及群众切身利益（销号须回访）", default=False)
    # The problem the task fixes, for the reopening by new complaints (MinHash signature of
    # the complaints' near-duplicate index).
    problem_text = models.TextField("问题描述", blank=True)
    problem_signature = models.BinaryField(default=bytes, editable=False)
    card = models.CharField("督办牌", max_length=8, choices=Card.choices, default=Card.NONE)
    card_reason = models.CharField("亮牌原因", max_length=200, blank=True)
    # Verified progress behind the elapsed share by more than the margin (set with the card).
    lagging = models.BooleanField("进度滞后", default=False)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField("重新打开次数", default=0)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        ordering = ["path", "position", "id"]
        verbose_name = "督办任务"
        verbose_name_plural = "督办任务"
        indexes = [
            # A unit's task list (我的任务) by status.
            models.Index(fields=["unit", "status"], name="sv_task_unit_status_idx"),
            # The tree of one directive, children of one parent in order.
            models.Index(fields=["parent", "position"], name="sv_task_parent_idx"),
            # The reopening sweep: tasks closed in the last 90 days.
            models.Index(
                fields=["closed_at"],
                name="sv_task_closed_idx",
                condition=Q(status="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"督-{self.directive_id}-{self.pk}"

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.split("/") if part]


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due_on = models.DateField("计划完成")
    weight = models.PositiveSmallIntegerField("权重", default=1)
    reported_done_at = models.DateTimeField("上报完成", null=True, blank=True)
    verified_at = models.DateTimeField("核实完成", null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "节点"
        verbose_name_plural = "节点"

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    """A unit's progress report on one leaf task for one period."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        ACCEPTED = "accepted", "已采纳"
        RETURNED = "returned", "已退回"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("报送期", max_length=7)  # YYYY-MM of the period's first month
    text = models.TextField("进展情况")
    # Kind-specific claims: an amount done this period, milestones done, a state.
    amount = models.DecimalField(
        "本期完成量", max_digits=14, decimal_places=2, null=True, blank=True
    )
    milestones_done = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=12, choices=Task.State.choices, blank=True)
    reported_progress = models.FloatField("上报进度")
    field_values = models.JSONField("报送字段", default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    signature = models.BinaryField(default=bytes, editable=False)
    evidence_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "进展报送"
        verbose_name_plural = "进展报送"
        constraints = [
            # One live report per task and period: a returned one is replaced by a new one.
            models.UniqueConstraint(
                fields=["task", "period"],
                condition=~Q(status="returned"),
                name="sv_report_one_live_per_period",
            )
        ]
        indexes = [
            # The office's review queue, oldest first.
            models.Index(fields=["status", "submitted_at"], name="sv_report_status_idx"),
            # Reports of one unit (burden, same-period copy candidates).
            models.Index(fields=["unit", "period"], name="sv_report_unit_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.period}"


def report_attachment_path(instance: ReportAttachment, filename: str) -> str:
    return f"supervision/reports/{instance.report_id}/{filename}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    file = models.FileField(upload_to=report_attachment_path, max_length=300)

    def __str__(self) -> str:
        return self.original_name


class ReportLink(models.Model):
    """A record of the platform a report cites as evidence (a case or complaint it resolved)."""

    class Kind(models.TextChoices):
        CASE = "case", "办件"
        COMPLAINT = "complaint", "监督举报"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.CharField("编号", max_length=32)
    record_id = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ReportBand(models.Model):
    """LSH band keys of a report's text signature: candidates for the copy check are the
    reports sharing a band key, fetched through this table's index."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField()

    class Meta:
        indexes = [
            # Candidates of a new report: every report with one of its band keys.
            models.Index(fields=["key"], name="sv_report_band_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.key}"


class FormalismFlag(models.Model):
    """A review item for a person (never a deduction): why a report looks formalistic."""

    class Kind(models.TextChoices):
        COPY_OWN_EARLIER = "copy_own_earlier", "跨时抄：重复本单位此前报告"
        COPY_OTHER_UNIT = "copy_other_unit", "互抄：与其他单位同期报告雷同"
        COPY_DIRECTIVE = "copy_directive", "以文件落实文件：照抄部署原文"
        EMPTY_CLAIM = "empty_claim", "空泛表态：称已完成但无佐证、无实据"

    class Status(models.TextChoices):
        OPEN = "open", "待复核"
        DISMISSED = "dismissed", "已排除"
        UPHELD = "upheld", "已确认"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    score = models.FloatField("相似度/评分")
    source_report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField("原因")
    passages = models.JSONField("对照段落", default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    dismissal_reason = models.TextField("排除理由", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "形式主义疑点"
        verbose_name_plural = "形式主义疑点"
        indexes = [
            models.Index(fields=["status", "created_at"], name="sv_flag_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.get_kind_display()}"


class CardEvent(models.Model):
    """One spell of a card on a task: a red that later turns yellow stays in the history."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="card_history")
    card = models.CharField(max_length=8, choices=Card.choices)
    reason = models.CharField("原因", max_length=200, blank=True)
    started_at = models.DateTimeField("亮牌时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "亮牌记录"
        verbose_name_plural = "亮牌记录"

    def __str__(self) -> str:
        return f"{self.task} {self.get_card_display()}"


class Closure(models.Model):
    """The record of a task's 销号: who asked, with what evidence, who checked, the callback."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="closures")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    evidence = models.TextField("销号依据")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    callback_note = models.TextField("群众回访情况", blank=True)
    reopened_at = models.DateTimeField("重新打开时间", null=True, blank=True)
    reopen_reason = models.TextField("重新打开原因", blank=True)
    reopen_complaints = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} 销号"


def closure_attachment_path(instance: ClosureAttachment, filename: str) -> str:
    return f"supervision/closures/{instance.closure_id}/{filename}"


class ClosureAttachment(models.Model):
    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    file = models.FileField(upload_to=closure_attachment_path, max_length=300)

    def __str__(self) -> str:
        return self.original_name
