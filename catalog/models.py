from __future__ import annotations

import re
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from org.scoping import scope_to_unit

# Codes appear in public addresses (/matters/<code>/): a slash or space would break the
# catalogue's links, so codes are checked against this wherever they are entered.
MATTER_CODE_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
MATTER_CODE_RULE = "事项编码只能包含字母、数字和“-”“_”“.”，且以字母或数字开头"


class MatterQuerySet(models.QuerySet):
    def public(self) -> MatterQuerySet:
        """What the public catalogue lists: current matters of current units."""
        return self.filter(archived=False, unit__archived=False)

    def editable_by(self, user: Any) -> MatterQuerySet:
        """Matters a staff user may edit: their own unit's (all for the office and admins)."""
        return scope_to_unit(self, user)


class Matter(models.Model):
    """A public service (政务服务事项) with its promised time limit."""

    class Kind(models.TextChoices):
        LICENSING = "licensing", "行政许可"
        CONFIRMATION = "confirmation", "行政确认"
        BENEFIT = "benefit", "行政给付"
        PUBLIC_SERVICE = "public_service", "公共服务"
        OTHER = "other", "其他行政权力"

    class WindowAuthority(models.TextChoices):
        NOT_IN_HALL = "not_in_hall", "未进驻大厅"
        RECEIVE_ONLY = "receive_only", "进驻大厅，窗口只收件"
        DECIDE = "decide", "进驻大厅，窗口授权办理"

    # Codes appear in public URLs: a slash or a space would break the catalogue's links.
    code = models.CharField(
        "事项编码",
        max_length=40,
        unique=True,
        validators=[RegexValidator(f"^{MATTER_CODE_PATTERN.pattern}$", MATTER_CODE_RULE)],
    )
    name = models.CharField("事项名称", max_length=200)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="matters", verbose_name="实施单位"
    )
    kind = models.CharField(
        "事项类型", max_length=20, choices=Kind.choices, default=Kind.PUBLIC_SERVICE
    )
    legal_basis = models.TextField("设定依据")
    steps = models.TextField("办理流程", help_text="每行一个步骤")
    fee = models.CharField("收费标准", max_length=200, default="不收费")
    statutory_limit_days = models.PositiveIntegerField("法定时限（工作日）")
    promised_limit_days = models.PositiveIntegerField(
        "承诺时限（工作日）", help_text="0 表示即办件，当个工作日办结"
    )
    online = models.BooleanField("可网上办理", default=False)
    window_authority = models.CharField(
        "窗口授权", max_length=16, choices=WindowAuthority.choices, default=WindowAuthority.DECIDE
    )
    contact_phone = models.CharField("咨询电话", max_length=30, blank=True)
    # Archived, never deleted: a retired matter still explains old cases.
    archived = models.BooleanField("已停用", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        ordering = ["unit__sort_order", "code"]
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("statutory_limit_days")),
                name="matter_promised_within_statutory",
                violation_error_message="承诺时限不能超过法定时限",
            ),
        ]
        indexes = [
            # Public catalogue filtered by unit: current matters of one unit.
            models.Index(fields=["unit", "archived"], name="matter_unit_archived_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_immediate(self) -> bool:
        return self.promised_limit_days == 0

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


class Material(models.Model):
    """One required material of a matter (申请材料)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("材料名称", max_length=200)
    originals = models.PositiveSmallIntegerField("原件（份）", default=1)
    copies = models.PositiveSmallIntegerField("复印件（份）", default=0)
    notes = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        ordering = ["matter", "position", "id"]
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return self.name
