"""A report is a frozen snapshot: its facts (every figure, with the measure or query behind
it, the parameters, the row count and the snapshot time) and its versions (the generated
draft and each edit the office saves), plus the office's library of causes and measures."""

from __future__ import annotations

from django.conf import settings
from django.db import models

PROBLEM_CHOICES = [
    ("mindset", "思想观念陈旧，推诿扯皮"),
    ("service", "服务意识不强，办事效率不高"),
    ("bureaucratism", "官僚主义作风"),
    ("formalism", "形式主义问题"),
    ("disconnect", "调查研究不深入，脱离群众"),
]


class Report(models.Model):
    class Scope(models.TextChoices):
        DISTRICT = "district", "全区"
        KIND = "kind", "一类单位"
        UNIT = "unit", "单个单位"

    title = models.CharField("标题", max_length=120)
    start = models.DateField("起始日期")
    end = models.DateField("截止日期")  # inclusive, as the office chose it
    scope = models.CharField("范围", max_length=10, choices=Scope.choices)
    scope_value = models.CharField("范围取值", max_length=40, blank=True)
    scope_label = models.CharField("范围名称", max_length=120)
    unit_ids = models.JSONField("包含单位", default=list)
    snapshot_at = models.DateTimeField("数据快照时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("生成时间")
    stale_checked_at = models.DateTimeField("最近核对时间", null=True, blank=True)
    stale_count = models.PositiveIntegerField("已变化的数据项", default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "调研报告"
        verbose_name_plural = "调研报告"

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> Version | None:
        return self.versions.order_by("-number").first()


class Fact(models.Model):
    """One figure of a report, frozen at the snapshot."""

    class Kind(models.TextChoices):
        COUNT = "count", "计数"
        RATE = "rate", "比率"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="facts")
    key = models.CharField(max_length=120)
    position = models.PositiveIntegerField("序号")
    label = models.CharField("名称", max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.COUNT)
    code = models.CharField("度量或查询", max_length=80, blank=True)
    params = models.JSONField("参数", default=dict)
    value = models.BigIntegerField("数值", null=True)  # counts; rates keep num/den in params
    row_count = models.BigIntegerField("记录数", null=True)
    snapshot_at = models.DateTimeField("快照时间")
    live_value = models.BigIntegerField("最新数值", null=True, blank=True)
    stale = models.BooleanField("已变化", default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="report_fact_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label}={self.value}"


class Version(models.Model):
    class Origin(models.TextChoices):
        GENERATED = "generated", "系统生成"
        EDITED = "edited", "人工修改"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    origin = models.CharField("来源", max_length=10, choices=Origin.choices)
    content = models.JSONField("内容")  # {"sections": [...], "charts": [...]}
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("保存时间")
    note = models.CharField("修改说明", max_length=200, blank=True)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class LibraryEntry(models.Model):
    """Findings → causes → measures: the office's library the draft's 原因分析 and 对策建议
    are chosen from, by which problems the evidence ranks highest."""

    class Kind(models.TextChoices):
        CAUSE = "cause", "原因"
        REMEDY = "remedy", "对策"

    problem = models.CharField("问题", max_length=16, choices=PROBLEM_CHOICES)
    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    heading = models.CharField("要点", max_length=60)
    text = models.TextField("内容")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["problem", "kind", "sort_order", "id"]
        verbose_name = "原因与对策库条目"
        verbose_name_plural = "原因与对策库"

    def __str__(self) -> str:
        return f"{self.get_problem_display()} · {self.get_kind_display()} · {self.heading}"
