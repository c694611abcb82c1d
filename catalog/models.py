from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from org.scoping import scope_to_unit
from zuofeng.validation import plain_text

# Codes appear in public addresses (/matters/<code>/): a slash or space would break the
# catalogue's links, so codes are checked against this wherever they are entered.
MATTER_CODE_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
MATTER_CODE_RULE = "事项编码只能包含字母、数字和“-”“_”“.”，且以字母或数字开头"


# The matter's free texts that reach the public page.
TEXT_FIELDS = ("name", "legal_basis", "steps", "fee", "contact_phone", "place", "hours", "window")


def refuse_markup(obj: models.Model, fields: tuple[str, ...]) -> None:
    """ValidationError keyed by field for every listed text holding HTML or script."""
    errors = {}
    for name in fields:
        label = str(obj._meta.get_field(name).verbose_name)
        try:
            plain_text(getattr(obj, name), label, max_chars=1_000_000, required=False)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


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
    place = models.CharField(
        "办理地点", max_length=200, blank=True, help_text="如：区政务服务中心二楼 B 区"
    )
    hours = models.CharField(
        "办理时间",
        max_length=200,
        blank=True,
        help_text="如：工作日 上午 9:00—12:00，下午 13:30—17:00（法定节假日除外）",
    )
    window = models.CharField("受理窗口", max_length=100, blank=True, help_text="如：15—18 号窗口")
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

    def clean(self) -> None:
        # Any unit's staff (and the Excel import, and the admin) write these texts, which the
        # public page shows: markup is refused where it is typed, as complaints refuse it,
        # not only escaped on output.
        refuse_markup(self, TEXT_FIELDS)

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

    @property
    def quantity_text(self) -> str:
        """ "原件 1 份 · 复印件 2 份", a zero left out; "—" when neither is asked for."""
        parts = []
        if self.originals:
            parts.append(f"原件 {self.originals} 份")
        if self.copies:
            parts.append(f"复印件 {self.copies} 份")
        return " · ".join(parts) or "—"


def form_file_path(instance: FormFile, filename: str) -> str:
    return f"catalog/forms/{instance.token}{instance.extension}"


class FormFile(models.Model):
    """A blank form or a filled-in sample (空白表格、示例样表) residents download from a
    matter's page: public documents, so anyone may download them."""

    class Kind(models.TextChoices):
        BLANK = "blank", "空白表格"
        SAMPLE = "sample", "示例样表"

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="form_files")
    # By name, not by key: a matter's materials are rewritten whole on every save.
    material_name = models.CharField(
        "对应材料", max_length=200, blank=True, help_text="留空表示整个事项通用"
    )
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.BLANK)
    title = models.CharField("名称", max_length=200)
    file = models.FileField("文件", upload_to=form_file_path, max_length=200)
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        ordering = ["matter", "material_name", "kind", "id"]
        verbose_name = "表格下载"
        verbose_name_plural = "表格下载"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def download_name(self) -> str:
        return f"{self.title}（{self.get_kind_display()}）{self.extension}"
