"""Problems found by investigation (visits, forums, surveys): each a duty of one owner unit,
closed only after the office has called back the person who raised it.

A problem names its source the way followup/ names a duty (`source_type` = the source
model's `label_lower`, `source_id` = its pk), so this app imports none of the apps that
raise problems. The raiser's contact lives in its own table, sealed with
`complaints.identity`, and never travels with the problem: no page of the owner unit reads it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from org.scoping import sees_all_units, unit_of
from zuofeng.duty.models import Duty

# What the source apps are called on the office's pages (by app label: a survey may raise
# problems from its survey or from one answer).
SOURCE_KINDS: dict[str, str] = {
    "visits": "走访调研",
    "forums": "座谈会",
    "surveys": "问卷调查",
}


def source_kind_name(source_type: str) -> str:
    return SOURCE_KINDS.get(source_type.split(".", 1)[0], "其他")


class ProblemRules(models.Model):
    """The district's time limits for problems (one row, changed by the administrator in
    the admin): local rules differ, so they are configuration, never literals in code."""

    SINGLETON = 1

    resolve_workdays = models.PositiveSmallIntegerField(
        "办理时限（工作日）",
        default=20,
        help_text="问题交办后，责任单位办理并报告结果的时限",
    )
    redo_workdays = models.PositiveSmallIntegerField(
        "退回重办时限（工作日）",
        default=10,
        help_text="回访不满意退回后，责任单位重新办理的时限",
    )

    class Meta:
        verbose_name = "调研问题办理时限"
        verbose_name_plural = "调研问题办理时限"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="problem_rules_singleton"),
            models.CheckConstraint(
                condition=Q(resolve_workdays__gte=1) & Q(redo_workdays__gte=1),
                name="problem_rules_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"办理 {self.resolve_workdays} 个工作日，重办 {self.redo_workdays} 个工作日"

    @classmethod
    def current(cls) -> ProblemRules:
        """The stored limits, or the defaults while nobody has changed them."""
        return cls.objects.filter(pk=cls.SINGLETON).first() or cls(pk=cls.SINGLETON)


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ProblemQuerySet:
        """The office reads every problem; a unit's people read their unit's only."""
        if sees_all_units(user):
            return self
        unit = unit_of(user)
        if unit is None:
            return self.none()
        return self.filter(unit=unit)

    def of_source(self, source: models.Model) -> ProblemQuerySet:
        return self.filter(source_type=source._meta.label_lower, source_id=str(source.pk))


# What every problem audit event records, before and after (attnames).
PROBLEM_FIELDS = [
    "status",
    "unit_id",
    "category_id",
    "due_at",
    "warning_level",
    "callback_result",
    "return_count",
]


class Problem(Duty):
    class Status(models.TextChoices):
        OPEN = "open", "待办理"
        REPORTED = "reported", "已办理待回访"
        RETURNED = "returned", "退回重办"
        CLOSED = "closed", "已解决"

    class Result(models.TextChoices):
        # A callback to the raiser...
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        DISSATISFIED = "dissatisfied", "不满意"
        # ...or, with nobody to call (anonymous) or nobody reachable, the office's own check.
        VERIFIED = "verified", "经核实已解决"
        UNVERIFIED = "unverified", "经核实未解决"

    # Results that close the problem as solved; the others send it back to the unit.
    SOLVED_RESULTS = (Result.SATISFIED, Result.BASIC, Result.VERIFIED)
    CALLBACK_RESULTS = (Result.SATISFIED, Result.BASIC, Result.DISSATISFIED)
    VERIFY_RESULTS = (Result.VERIFIED, Result.UNVERIFIED)
    # Statuses in which the owner unit owes the work.
    UNIT_OWES = (Status.OPEN, Status.RETURNED)

    number = models.CharField("问题编号", max_length=24, unique=True)
    # Only a keyed hash of the receipt code is kept (as for complaints): a copy of the
    # database does not let anyone follow someone else's problem.
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    source_type = models.CharField("来源类型", max_length=100)
    source_id = models.CharField("来源编号", max_length=64)
    source_label = models.CharField("来源", max_length=200)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="problems", verbose_name="责任单位"
    )
    title = models.CharField("问题", max_length=120)
    description = models.TextField("具体情况")
    # Classification: the complaint classifier's suggestion, then the office's correction.
    suggested_category = models.ForeignKey(
        "complaints.ComplaintCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="建议类别",
    )
    confidence = models.FloatField("置信度")
    category_words = models.JSONField("判断依据", default=list, blank=True)
    category = models.ForeignKey(
        "complaints.ComplaintCategory",
        on_delete=models.PROTECT,
        related_name="problems",
        verbose_name="问题类别",
    )
    category_corrected = models.BooleanField("类别经督查室更正", default=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices)
    has_raiser = models.BooleanField("有可回访的反映人", default=False)
    opened_at = models.DateTimeField("交办时间")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="交办人"
    )
    # The first deadline: what "solved on time" and "overdue" are measured against, also
    # after a return restarts the clock with the redo limit.
    first_due_at = models.DateTimeField("办理期限")
    report = models.TextField("办理情况", blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    callback_result = models.CharField(
        "回访结果", max_length=12, choices=Result.choices, blank=True
    )
    callback_note = models.TextField("回访说明", blank=True)
    callback_at = models.DateTimeField("回访时间", null=True, blank=True)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    # When the unit's accepted report was made: solved on time means by `first_due_at`.
    solved_at = models.DateTimeField("解决时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = "调研发现问题"
        verbose_name_plural = "调研发现问题"
        indexes = [
            models.Index(fields=["unit", "status"], name="problem_unit_status_idx"),
            models.Index(fields=["status", "-opened_at"], name="problem_status_opened_idx"),
            # A source's page lists its problems.
            models.Index(fields=["source_type", "source_id"], name="problem_source_idx"),
            # The rollups look for passed first deadlines among the problems not yet solved.
            models.Index(
                fields=["first_due_at"],
                condition=~Q(status="closed"),
                name="problem_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def duty_unit_id(self) -> int:
        return self.unit_id

    @property
    def source_kind(self) -> str:
        return source_kind_name(self.source_type)

    @property
    def awaits_unit(self) -> bool:
        return self.status in self.UNIT_OWES

    @property
    def solved_on_time(self) -> bool:
        return bool(self.solved_at and self.solved_at <= self.first_due_at)


class ProblemRaiser(models.Model):
    """Who raised the problem, sealed (see `complaints.identity`). Only the office's callback
    step unseals it; no page or query of the owner unit touches this table."""

    problem = models.OneToOneField(Problem, on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    class Meta:
        verbose_name = "反映人（加密）"
        verbose_name_plural = "反映人（加密）"

    def __str__(self) -> str:
        return "反映人（已加密）"


class ProblemStep(models.Model):
    """One step on a problem's timeline (the audit chain holds the same, hash-chained;
    this is what the pages and the raiser's receipt page show)."""

    class Kind(models.TextChoices):
        OPENED = "opened", "交办"
        REPORTED = "reported", "单位报告办理情况"
        CALLBACK = "callback", "回访反映人"
        VERIFIED = "verified", "督查室核实"
        RETURNED = "returned", "退回重办"
        CLOSED = "closed", "办结"
        RECLASSIFIED = "reclassified", "更正类别"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("说明", blank=True)
    # Shown to the raiser on the receipt page (never the unit's internal wording on a return).
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "问题办理记录"
        verbose_name_plural = "问题办理记录"

    def __str__(self) -> str:
        return self.get_kind_display()


class ProblemCallback(models.Model):
    """One callback (or verification) by the office, attributed to the owner unit on the day
    it was made: what the satisfaction measures count. A problem returned and solved again
    has several."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="callbacks")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    result = models.CharField("结果", max_length=12, choices=Problem.Result.choices)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="回访人"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "问题回访"
        verbose_name_plural = "问题回访"
        indexes = [models.Index(fields=["unit", "at"], name="problem_callback_unit_idx")]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.get_result_display()}"

    @property
    def is_callback(self) -> bool:
        return self.result in Problem.CALLBACK_RESULTS
