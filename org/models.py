from __future__ import annotations

from django.conf import settings
from django.db import models


class UnitQuerySet(models.QuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(archived=False)


class Unit(models.Model):
    """An accountable organisation with one head (一把手)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "部门"
        TOWNSHIP = "township", "乡镇"
        STREET = "street", "街道"
        SERVICE_HALL = "service_hall", "政务服务中心"
        SUPERVISION = "supervision", "督查室"
        DISCIPLINE = "discipline", "纪检"

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级单位",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
        verbose_name="一把手",
    )
    phone = models.CharField("办公电话", max_length=30, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    # Archived, never deleted: an old case still names the unit that handled it.
    archived = models.BooleanField("已撤销", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A user's membership of one unit (staff of the district government)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", verbose_name="所在单位"
    )
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        ordering = ["unit", "user__username"]
        # 安全管理员's permission: grant or take away a role (org.actions.grant_role).
        permissions = [("grant_role", "可授予或撤销角色")]
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username}（{self.unit}）"
