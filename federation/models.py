"""上下级联动: the tables that cross instances, and the local bookkeeping around them.

The *contract* tables (`fed_*`, listed in `federation.contract`) have the same shape at every
level. A district fills the upward ones from its own rollups and published results
(`federation.refresh`) and publishes them; the level above subscribes to them, so that there
they hold every district's rows. The level above fills `fed_directive` and publishes it
downwards. Every contract row carries its district code and a global key: a UUID derived
from the row's natural key (uuid5), so that a refill at the district or a re-copy at the
level above writes the same keys again instead of duplicates. Local ids (units, matters,
indicators) never leave the district: the unit code does.

Nothing in these tables identifies a resident, a complainant or a counterpart: counts, codes,
published scores and task progress only (tests/test_contract_columns.py checks the columns
PostgreSQL actually publishes).
"""

from __future__ import annotations

import uuid

from django.db import models

from federation.keys import NAMESPACE, global_key

__all__ = ["NAMESPACE", "global_key"]


class ContractRow(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    district = models.CharField("区县代码", max_length=12)

    class Meta:
        abstract = True


class UnitDayRow(ContractRow):
    """A count for one unit of the district on one local day."""

    unit_code = models.CharField("单位编码", max_length=32)
    day = models.DateField("日期")

    class Meta:
        abstract = True


class FedContract(ContractRow):
    """One row per district: its contract version and when it last refreshed (the level
    above reads the data's age from it)."""

    name = models.CharField("区县名称", max_length=60)
    version = models.PositiveSmallIntegerField("合同版本")
    refreshed_at = models.DateTimeField("最近刷新")

    class Meta:
        db_table = "fed_contract"
        verbose_name = "上报合同"
        verbose_name_plural = "上报合同"
        constraints = [models.UniqueConstraint(fields=["district"], name="fed_contract_once")]

    def __str__(self) -> str:
        return f"{self.district} v{self.version}"


class FedUnit(ContractRow):
    """A district's unit as the level above knows it: code, name, kind (no people, no
    phone numbers)."""

    code = models.CharField("单位编码", max_length=32)
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类型", max_length=16)
    sort_order = models.IntegerField("排序", default=0)
    archived = models.BooleanField("已撤销", default=False)

    class Meta:
        db_table = "fed_unit"
        verbose_name = "区县单位"
        verbose_name_plural = "区县单位"
        # The city's unit list per district.
        indexes = [models.Index(fields=["district", "code"], name="fed_unit_district_idx")]

    def __str__(self) -> str:
        return f"{self.district}/{self.code}"


class FedRollup(UnitDayRow):
    """Σ of one measure for one unit on one local day (the district's DailyRollup)."""

    measure = models.CharField("度量", max_length=60)
    value = models.PositiveIntegerField("数值")

    class Meta:
        db_table = "fed_rollup"
        verbose_name = "区县每日汇总"
        verbose_name_plural = "区县每日汇总"
        indexes = [
            # The month's ranking: one range of days over every district.
            models.Index(fields=["day", "district"], name="fed_rollup_day_idx"),
            # A district's refresh window.
            models.Index(fields=["district", "day"], name="fed_rollup_district_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.district}/{self.unit_code} {self.day} {self.measure}={self.value}"


class FedScorecard(ContractRow):
    """A district's own published month (its standard named, with its version date)."""

    month = models.DateField("月份")
    version = models.PositiveSmallIntegerField("版本")
    status = models.CharField("状态", max_length=12)
    standard_name = models.CharField("考核办法", max_length=100)
    standard_from = models.DateField("考核办法起始月份")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        db_table = "fed_scorecard"
        verbose_name = "区县月度考核"
        verbose_name_plural = "区县月度考核"

    def __str__(self) -> str:
        return f"{self.district} {self.month:%Y-%m} v{self.version}"


class FedUnitScore(ContractRow):
    """One unit's total and rank in a district's published month."""

    month = models.DateField("月份")
    version = models.PositiveSmallIntegerField("版本")
    unit_code = models.CharField("单位编码", max_length=32)
    group = models.CharField("排名组", max_length=16)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField("排名")
    group_size = models.PositiveSmallIntegerField("组内单位数")

    class Meta:
        db_table = "fed_unit_score"
        verbose_name = "区县单位得分"
        verbose_name_plural = "区县单位得分"
        indexes = [models.Index(fields=["district", "month"], name="fed_unit_score_month_idx")]

    def __str__(self) -> str:
        return f"{self.district}/{self.unit_code} {self.month:%Y-%m} {self.total}"


class FedComplaintDay(UnitDayRow):
    """Complaints received per handling unit, local day and confirmed category (untriaged
    ones under `triage`): counts only."""

    category = models.CharField("类别", max_length=20)
    received = models.PositiveIntegerField("收到")
    closed = models.PositiveIntegerField("已办结")

    class Meta:
        db_table = "fed_complaint_day"
        verbose_name = "区县举报日计数"
        verbose_name_plural = "区县举报日计数"
        indexes = [models.Index(fields=["district", "day"], name="fed_complaint_day_idx")]

    def __str__(self) -> str:
        return f"{self.district}/{self.unit_code} {self.day} {self.category}"


class FedRatingDay(UnitDayRow):
    """Ratings (好差评) per unit, local day and level, excluding those an upheld appeal
    took out of the statistics."""

    level = models.PositiveSmallIntegerField("评价等级")
    count = models.PositiveIntegerField("件数")

    class Meta:
        db_table = "fed_rating_day"
        verbose_name = "区县评价日计数"
        verbose_name_plural = "区县评价日计数"
        indexes = [models.Index(fields=["district", "day"], name="fed_rating_day_idx")]

    def __str__(self) -> str:
        return f"{self.district}/{self.unit_code} {self.day} L{self.level}"


class FedDirective(models.Model):
    """A directive of the level above (published downwards): it arrives in each target
    district's 督查督办 as a task with this deadline."""

    class Status(models.TextChoices):
        ISSUED = "issued", "已下达"
        WITHDRAWN = "withdrawn", "已撤回"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    issuer = models.CharField("下达机关代码", max_length=12)
    issuer_name = models.CharField("下达机关", max_length=60)
    title = models.CharField("决策部署", max_length=200)
    source = models.CharField("来源（会议或文号）", max_length=200)
    summary = models.TextField("内容摘要")
    deadline = models.DateField("完成时限")
    # District codes; empty means every district.
    districts = models.JSONField("下达区县", default=list, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    issued_at = models.DateTimeField("下达时间")

    class Meta:
        db_table = "fed_directive"
        ordering = ["-issued_at"]
        verbose_name = "上级部署"
        verbose_name_plural = "上级部署"

    def __str__(self) -> str:
        return self.title

    def targets(self, code: str) -> bool:
        return not self.districts or code in self.districts


class FedTaskProgress(ContractRow):
    """A district's progress on a directive from above: the reported and verified progress
    of the task it became, its card and state."""

    directive = models.UUIDField("上级部署")
    task_number = models.CharField("任务编号", max_length=32)
    status = models.CharField("状态", max_length=16)
    deadline = models.DateField("完成时限")
    reported_progress = models.FloatField("上报进度")
    verified_progress = models.FloatField("核实进度")
    card = models.CharField("督办牌", max_length=8)
    lagging = models.BooleanField("进度滞后")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        db_table = "fed_task_progress"
        verbose_name = "区县落实进度"
        verbose_name_plural = "区县落实进度"
        indexes = [models.Index(fields=["directive"], name="fed_task_progress_dir_idx")]

    def __str__(self) -> str:
        return f"{self.district} {self.task_number}"


# --- local bookkeeping (never published) -------------------------------------------------


class District(models.Model):
    """At the level above: a subscribed district, with the link into its own instance."""

    code = models.CharField("区县代码", max_length=12, unique=True)
    name = models.CharField("区县名称", max_length=60)
    base_url = models.URLField("本区平台地址", blank=True)
    subscription = models.CharField("订阅名", max_length=63, blank=True)
    added_at = models.DateTimeField("加入时间")

    class Meta:
        ordering = ["code"]
        verbose_name = "下级区县"
        verbose_name_plural = "下级区县"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class DirectiveIntake(models.Model):
    """At a district: which local directive a directive from above became (so that the
    sweep turns each one into a task exactly once)."""

    source = models.UUIDField(unique=True)
    directive = models.ForeignKey(
        "supervision.Directive", on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey("supervision.Task", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.source} → {self.directive_id}"
