"""考核: explicit, published evaluation standards, monthly scorecards and accountability.

- A *measure* is a count of records attributed to a unit and a day (cases received, cases
  decided on time, satisfied ratings...). Measures are defined in code
  (`zuofeng.measures`), each with the records behind it, and summed per unit per day into
  `DailyRollup`, kept up to date incrementally.
- An *indicator* is a published formula over measures: numerator / denominator (a rate) or
  a numerator alone (a count), with a direction, a weight and a target. Indicators belong to
  a `Standard` (考核办法) that takes effect from a month: a month is always scored by the
  standard in force then, and a standard that scored a published month can no longer be
  edited (the office issues a new one instead).
- A `Scorecard` is one month's computation: draft → published (frozen). A correction of a
  published month is a new scorecard version for the same month, audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zuofeng.duty.models import Duty


class Standard(models.Model):
    """考核办法: a set of indicators in force from `effective_from` (a month's first day)."""

    name = models.CharField("名称", max_length=100)
    effective_from = models.DateField("起始月份", unique=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "考核办法"
        verbose_name_plural = "考核办法"

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y年%m月}起）"


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER_BETTER = "higher", "越高越好"
        LOWER_BETTER = "lower", "越低越好"

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("指标名称", max_length=60)
    numerator_text = models.TextField("分子（通俗说明）")
    denominator_text = models.TextField("分母（通俗说明）", blank=True)
    # Measure codes from zuofeng.measures; no denominator → the value is a count.
    numerator_measure = models.CharField("分子度量", max_length=60)
    denominator_measure = models.CharField("分母度量", max_length=60, blank=True)
    direction = models.CharField(
        "方向", max_length=8, choices=Direction.choices, default=Direction.HIGHER_BETTER
    )
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2)
    # A rate's target as a fraction (0.95); a count's target as a number (0 overdue cases).
    target = models.DecimalField("目标值", max_digits=10, decimal_places=4)
    # Below this many denominator records the unit is marked "数据不足", not punished.
    min_sample = models.PositiveIntegerField("最少样本数", default=5)
    unit_kinds = models.JSONField("适用单位类型", default=list)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["standard", "sort_order", "code"]
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="indicator_code_per_standard")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator_measure)

    def clean(self) -> None:
        """Unknown measures and edits of a frozen standard are refused (also checked again
        when a month is computed)."""
        from django.core.exceptions import ValidationError

        from scorecard.compute import indicator_errors, standard_is_locked

        if self.standard_id is not None and standard_is_locked(self.standard):
            raise ValidationError(LOCKED_MESSAGE)
        errors = indicator_errors(self)
        if errors:
            raise ValidationError(errors)

    def formula_text(self) -> str:
        """The formula in plain Chinese, for pages and the Excel export."""
        from scorecard.compute import formula_text

        return formula_text(self)


LOCKED_MESSAGE = (
    "该考核办法已用于已发布的月度考核，不能再修改其指标；"
    "如需调整权重或目标，请新建一个考核办法并设定起始月份。"
)


class Scorecard(models.Model):
    """One month's scores for every unit, computed by the office, then published (frozen)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待审核"
        PUBLISHED = "published", "已发布"
        SUPERSEDED = "superseded", "已被更正版本取代"

    month = models.DateField("月份")  # the month's first day
    version = models.PositiveSmallIntegerField("版本", default=1)
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="scorecards")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    correction_reason = models.TextField("更正原因", blank=True)

    class Meta:
        ordering = ["-month", "-version"]
        verbose_name = "月度考核"
        verbose_name_plural = "月度考核"
        constraints = [
            models.UniqueConstraint(fields=["month", "version"], name="scorecard_month_version"),
            # At most one published version of a month at a time.
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(status="published"),
                name="scorecard_one_published_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}考核（第{self.version}版，{self.get_status_display()}）"


class UnitScore(models.Model):
    """One unit's weighted total and rank in one scorecard (ranked within its kind group)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="unit_scores")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    # Departments and townships are ranked separately (design; issue 6).
    group = models.CharField("排名组", max_length=16)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField("排名")
    group_size = models.PositiveSmallIntegerField("组内单位数")

    class Meta:
        ordering = ["scorecard", "group", "rank"]
        verbose_name = "单位得分"
        verbose_name_plural = "单位得分"
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "unit"], name="unitscore_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.total}"


class IndicatorScore(models.Model):
    """One indicator for one unit in one scorecard: the value, where it came from, and the
    points. Numerator and denominator are kept so that the drill-down matches the number."""

    unit_score = models.ForeignKey(UnitScore, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    numerator = models.PositiveIntegerField("分子")
    denominator = models.PositiveIntegerField("分母", null=True, blank=True)
    value = models.DecimalField("指标值", max_digits=12, decimal_places=4, null=True, blank=True)
    # 0..100 before weighting; null when the unit has too little data (数据不足).
    normalised = models.DecimalField("标准化得分", max_digits=6, decimal_places=2, null=True)
    points = models.DecimalField("加权得分", max_digits=7, decimal_places=2)
    insufficient_data = models.BooleanField("数据不足", default=False)

    class Meta:
        ordering = ["unit_score", "indicator__sort_order"]
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        constraints = [
            models.UniqueConstraint(
                fields=["unit_score", "indicator"], name="indicatorscore_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.value}"


class DailyRollup(models.Model):
    """Σ of one measure for one unit on one local day. Maintained incrementally; rebuilt
    from raw rows by `manage.py rebuild_rollups` with the same result."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    measure = models.CharField("度量", max_length=60)
    value = models.PositiveIntegerField("数值")

    class Meta:
        verbose_name = "每日汇总"
        verbose_name_plural = "每日汇总"
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "measure"], name="rollup_unique")
        ]
        indexes = [models.Index(fields=["day", "unit"], name="rollup_day_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.measure}={self.value}"


class DirtyDay(models.Model):
    """A (unit, day) of one source whose rollups must be recomputed: written by the
    actions' saves, consumed by the sweep."""

    source = models.CharField(max_length=60)  # a model label, e.g. "cases.case"
    unit_id = models.IntegerField()
    day = models.DateField()
    # Re-marking an already dirty day rewrites this (an upsert that takes the row lock).
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "unit_id", "day"], name="dirtyday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.unit_id} {self.day}"


class Interview(models.Model):
    """约谈: the head of a unit in the bottom N for M consecutive months is called in."""

    class Status(models.TextChoices):
        FLAGGED = "flagged", "待约谈"
        HELD = "held", "已约谈"

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="interviews")
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged_month = models.DateField("触发月份")
    reason = models.TextField("触发原因")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.FLAGGED)
    held_at = models.DateTimeField("约谈时间", null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes = models.TextField("约谈记录", blank=True)

    class Meta:
        ordering = ["-flagged_month", "unit"]
        verbose_name = "约谈"
        verbose_name_plural = "约谈"
        constraints = [
            models.UniqueConstraint(fields=["unit", "flagged_month"], name="interview_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.flagged_month:%Y年%m月}"


class Commitment(Duty):
    """A commitment the head made at the interview: a duty on the shared clock."""

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        DONE = "done", "已完成"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="commitments")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="commitments")
    text = models.TextField("承诺事项")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_note = models.TextField("完成情况", blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = "整改承诺"
        verbose_name_plural = "整改承诺"

    def __str__(self) -> str:
        return self.text[:30]


class RollupState(models.Model):
    """When the rollups were last refreshed: the refresh marks the days whose deadlines
    passed since then (a case that became overdue changes its day's counts)."""

    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rollups refreshed at {self.refreshed_at}"

    @classmethod
    def current(cls) -> RollupState:
        state, _ = cls.objects.get_or_create(pk=1)
        return state
