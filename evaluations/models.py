"""好差评: one rating per case, and the rectification work order a bad rating opens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from org.scoping import scope_to_unit
from zuofeng.duty.models import Duty


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASIC = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)

# Indicator tags a rater may tick, by where the service was given (national 好差评 rules).
HALL_TAGS = ("服务效率", "服务水平", "服务态度")
ONLINE_TAGS = ("办事效率", "办事指南准确度", "便捷度", "平台操作性")


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> EvaluationQuerySet:
        """A unit's own ratings (every unit's for the office)."""
        return scope_to_unit(self, user)

    def counted(self) -> EvaluationQuerySet:
        """Ratings that count in statistics: not excluded by an upheld appeal."""
        return self.filter(excluded=False)


class Evaluation(models.Model):
    class Source(models.TextChoices):
        APPLICANT_PAGE = "applicant_page", "申请人办件页"
        SMS_LINK = "sms_link", "短信评价链接"
        HALL_DEVICE = "hall_device", "大厅评价器"
        PHONE = "phone", "电话回访录入"
        DEFAULT = "default", "超期默认评价"

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="evaluation", verbose_name="办件"
    )
    # The unit that decided the case: it answers for the rating.
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="evaluations")
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    tags = models.JSONField("评价指标", default=list, blank=True)
    comment = models.TextField("评价内容", blank=True)
    anonymous = models.BooleanField("匿名评价", default=False)
    allow_publication = models.BooleanField("同意公开评价内容", default=False)
    source = models.CharField("评价渠道", max_length=16, choices=Source.choices)
    is_default = models.BooleanField("默认评价", default=False)
    created_at = models.DateTimeField("评价时间")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the supervision office upholds the unit's appeal: visible, audited, not deleted.
    excluded = models.BooleanField("不计入统计", default=False)
    excluded_reason = models.TextField("不计入原因", blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "好差评"
        verbose_name_plural = "好差评"
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="evaluation_level_1_to_5"
            ),
        ]
        indexes = [
            # Monthly published results: one unit's ratings in a month.
            models.Index(fields=["unit", "created_at"], name="evaluation_unit_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class RectificationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> RectificationQuerySet:
        """A unit's own work orders (every unit's for the office)."""
        return scope_to_unit(self, user)

    def open(self) -> RectificationQuerySet:
        return self.exclude(status__in=Rectification.FINISHED_STATUSES)


class Rectification(Duty):
    """差评整改: verify, rectify or explain, call the rater back, the head approves closure."""

    class Status(models.TextChoices):
        VERIFYING = "verifying", "待核实"
        RECTIFYING = "rectifying", "整改中"
        CALLBACK = "callback", "待回访"
        APPROVAL = "approval", "待一把手审核"
        CLOSED = "closed", "已办结"
        # The office upheld the unit's appeal: the review was malicious or mistaken, so the
        # work order ends without a rectification and its clock stops (no more escalations).
        WITHDRAWN = "withdrawn", "申诉成立，整改终止"

    class Outcome(models.TextChoices):
        IMMEDIATE = "immediate", "立行立改"
        BY_DEADLINE = "by_deadline", "限期整改"
        EXPLAINED = "explained", "解释说明"

    class CallbackAnswer(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        DISSATISFIED = "dissatisfied", "不满意"
        UNREACHABLE = "unreachable", "联系不上"

    FINISHED_STATUSES = (Status.CLOSED, Status.WITHDRAWN)

    number = models.CharField("整改单号", max_length=24, unique=True)
    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.PROTECT, related_name="rectification"
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="rectifications")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.VERIFYING
    )
    opened_at = models.DateTimeField("派单时间")
    verify_due_at = models.DateTimeField("核实期限")
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    finding = models.TextField("核实情况", blank=True)
    outcome = models.CharField("整改方式", max_length=12, choices=Outcome.choices, blank=True)
    measures = models.TextField("整改措施 / 解释说明", blank=True)
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    callback_answer = models.CharField(
        "回访结果", max_length=12, choices=CallbackAnswer.choices, blank=True
    )
    callback_note = models.TextField("回访记录", blank=True)
    callback_at = models.DateTimeField("回访时间", null=True, blank=True)
    re_rating = models.PositiveSmallIntegerField(
        "回访后重新评价", choices=Level.choices, null=True, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        indexes = [
            # The unit's rectification queue.
            models.Index(fields=["unit", "status", "due_at"], name="rectification_queue_idx"),
            # The duty sweep: running clocks by deadline.
            models.Index(
                fields=["due_at"],
                name="rectification_running_due_idx",
                condition=Q(clock_started_at__isnull=False, clock_stopped_at__isnull=True),
            ),
            # The scorecard's rollups: work orders by (unit, day opened), and the search for
            # deadlines that passed among the orders not yet closed.
            models.Index(fields=["unit", "opened_at"], name="rectification_unit_opened_idx"),
            models.Index(
                fields=["due_at"],
                name="rectification_open_due_idx",
                condition=Q(closed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in self.FINISHED_STATUSES

    @property
    def verified_late(self) -> bool:
        """Verified after the verify deadline, or not verified and past it (shown, not scored)."""
        moment = self.verified_at or timezone.now()
        return moment > self.verify_due_at

    @property
    def closed_on_time(self) -> bool | None:
        if self.closed_at is None or self.due_at is None:
            return None
        return self.closed_at <= self.due_at


class AppealQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> AppealQuerySet:
        """A unit's own appeals (every unit's for the office, which decides them)."""
        return scope_to_unit(self, user)


class Appeal(models.Model):
    """申诉: a unit contests a rating it considers malicious or mistaken."""

    class Status(models.TextChoices):
        PENDING = "pending", "待督查室裁定"
        UPHELD = "upheld", "申诉成立（不计入统计）"
        REJECTED = "rejected", "申诉不成立"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="appeals")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="appeals")
    reason = models.TextField("申诉理由")
    evidence = models.TextField("证据说明")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField("申诉时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("裁定时间", null=True, blank=True)
    decision_note = models.TextField("裁定意见", blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = "申诉"
        verbose_name_plural = "申诉"
        constraints = [
            # One undecided appeal per rating: a unit cannot flood the office with copies.
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(status="pending"),
                name="appeal_one_pending_per_evaluation",
            ),
        ]
        indexes = [
            # The office's queue: pending appeals, oldest first.
            models.Index(fields=["status", "filed_at"], name="appeal_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} 申诉（{self.get_status_display()}）"
