"""The duty clock's storage: an abstract model every kind of duty inherits, and the two
records every duty shares (escalations and notifications)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

# Before any notification: "never marked all read".
_NEVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class WarningLevel(models.TextChoices):
    NONE = "none", "正常"
    BLUE = "blue", "蓝色预警"
    YELLOW = "yellow", "黄色预警"
    RED = "red", "红色预警"


# Most urgent first: work queues sort by this rank.
WARNING_RANK = {
    WarningLevel.RED: 0,
    WarningLevel.YELLOW: 1,
    WarningLevel.BLUE: 2,
    WarningLevel.NONE: 3,
}


class EscalationLevel(models.IntegerChoices):
    NONE = 0, "未升级"
    HEAD = 1, "已升级至一把手"
    OFFICE = 2, "已升级至督查室"


class Duty(models.Model):
    """Something a unit owes someone by a deadline counted in working days.

    Concrete duties (cases, rectifications, complaints, tasks, problems) inherit these
    fields and implement `duty_unit_id` (who is accountable) and `__str__`. The fields are
    changed only through `zuofeng.duty.clock`, never by hand.
    """

    limit_workdays = models.PositiveIntegerField("时限（工作日）", null=True, blank=True)
    clock_started_at = models.DateTimeField("计时开始", null=True, blank=True)
    clock_paused_at = models.DateTimeField("暂停于", null=True, blank=True)
    paused_workdays = models.PositiveIntegerField("累计暂停工作日", default=0)
    clock_stopped_at = models.DateTimeField("计时结束", null=True, blank=True)
    due_at = models.DateTimeField("截止时间", null=True, blank=True)
    warning_level = models.CharField(
        "预警", max_length=8, choices=WarningLevel.choices, default=WarningLevel.NONE
    )
    returned_for_quality = models.BooleanField("因质量退回", default=False)
    escalation_level = models.PositiveSmallIntegerField(
        "升级", choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )

    class Meta:
        abstract = True

    @property
    def clock_running(self) -> bool:
        return (
            self.clock_started_at is not None
            and self.clock_stopped_at is None
            and self.clock_paused_at is None
        )

    @property
    def overdue_at_stop(self) -> bool:
        """Whether a finished duty finished late (for on-time rates)."""
        return bool(self.clock_stopped_at and self.due_at and self.clock_stopped_at > self.due_at)


class Escalation(models.Model):
    """One escalation of one duty; counted in the accountable unit's score."""

    duty_type = models.CharField("事项类型", max_length=100)
    duty_id = models.CharField("事项编号", max_length=64)
    duty_label = models.CharField("事项", max_length=200)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="escalations")
    level = models.PositiveSmallIntegerField("升级至", choices=EscalationLevel.choices)
    created_at = models.DateTimeField("升级时间")
    due_at = models.DateTimeField("原截止时间")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "超期升级"
        verbose_name_plural = "超期升级"
        constraints = [
            # A sweep running twice must not escalate the same duty to the same level twice.
            models.UniqueConstraint(
                fields=["duty_type", "duty_id", "level"], name="escalation_once_per_level"
            )
        ]
        indexes = [
            # Unit pages and scores: a unit's escalations in a period.
            models.Index(fields=["unit", "created_at"], name="escalation_unit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.duty_label} → {self.get_level_display()}"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """The notifications one user's inbox holds: those to them personally, to the staff of
        their unit, to the head of a unit they head, and (the office) to the office."""
        # Imported here: org imports nothing from duty, but duty's models load before org's.
        from org.scoping import sees_all_units, unit_of

        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = Q(audience=Notification.Audience.USER, user_id=user.pk)
        unit = unit_of(user)
        if unit is not None:
            mine |= Q(audience=Notification.Audience.UNIT_STAFF, unit_id=unit.pk)
        # A subquery, not a list: the nav bar's count stays one query.
        from org.models import Unit

        headed = Unit.objects.filter(head_id=user.pk).values("pk")
        mine |= Q(audience=Notification.Audience.UNIT_HEAD, unit_id__in=headed)
        if sees_all_units(user):
            mine |= Q(audience=Notification.Audience.OFFICE)
        return self.filter(mine)

    def with_read(self, user: Any) -> NotificationQuerySet:
        """Annotate `is_read` for `user`: read one by one, or before their 全部已读 mark."""
        marked = InboxMark.objects.filter(user_id=user.pk).values("read_until")[:1]
        read_one = NotificationRead.objects.filter(user_id=user.pk, notification=OuterRef("pk"))
        return self.annotate(
            # Coalesce: with no mark, `created_at <= NULL` would be NULL and hide the row from
            # both read and unread filters.
            is_read=Exists(read_one) | Q(created_at__lte=Coalesce(Subquery(marked), Value(_NEVER))),
        )

    def unread_for(self, user: Any) -> NotificationQuerySet:
        return self.visible_to(user).with_read(user).filter(is_read=False)


class Notification(models.Model):
    """A message to the people of one unit holding one role (or to one user)."""

    class Audience(models.TextChoices):
        UNIT_STAFF = "unit_staff", "承办人员"
        UNIT_HEAD = "unit_head", "一把手"
        OFFICE = "office", "督查室"
        USER = "user", "个人"

    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    audience = models.CharField(max_length=16, choices=Audience.choices)
    title = models.CharField("标题", max_length=200)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通知"
        verbose_name_plural = "通知"
        indexes = [
            # A user's inbox: the newest notifications for their unit and role.
            models.Index(fields=["unit", "audience", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationRead(models.Model):
    """One user has opened or marked one notification (a notification to a unit is read by
    each of its people separately)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("阅读时间")

    class Meta:
        verbose_name = "通知已读"
        verbose_name_plural = "通知已读"
        constraints = [
            # Marking twice (two tabs, a double click) keeps one row; it also serves the
            # unread count's EXISTS lookup by (user, notification).
            models.UniqueConstraint(fields=["user", "notification"], name="notification_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} 已读 {self.notification_id}"


class InboxMark(models.Model):
    """全部已读: everything created up to `read_until` counts as read for this user, so marking
    an office inbox of thousands read writes one row, not thousands."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    read_until = models.DateTimeField("已读至")

    class Meta:
        verbose_name = "消息全部已读标记"
        verbose_name_plural = "消息全部已读标记"

    def __str__(self) -> str:
        return f"{self.user_id} 已读至 {self.read_until:%Y-%m-%d %H:%M}"
