"""What the office does with a duty that runs late: 催办 (urge), 督办 (a supervision notice with
its own deadline) and a leader's 批示 (instruction).

A follow-up names its duty the way the shared clock does (`object_type` = the duty model's
`label_lower`, `object_id` = its pk), so any registered duty kind (cases, complaints,
rectifications, tasks, commitments) can be followed up without this app knowing its columns.
The accountable unit is copied from the duty at creation: the unit a notice went to stays
the unit that owes the answer, even if the case is later transferred.

A 督办 notice is itself a duty on the shared clock (`Duty`): the sweep warns and escalates it
like any other. Urges and instructions never start a clock, so the sweep never sees them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zuofeng.duty.models import Duty


class FollowUp(Duty):
    class Kind(models.TextChoices):
        URGE = "urge", "催办"
        NOTICE = "notice", "督办"
        INSTRUCTION = "instruction", "领导批示"

    class Status(models.TextChoices):
        # Urges and instructions are delivered, not answered (the unit acts on the duty).
        SENT = "sent", "已送达"
        # A notice: open → answered → closed, or returned (→ answered again).
        OPEN = "open", "待办复"
        ANSWERED = "answered", "已办复待审核"
        RETURNED = "returned", "退回重办"
        CLOSED = "closed", "已办结"

    # Statuses in which a notice still waits on someone; at most one per duty (see below).
    ACTIVE_NOTICE = (Status.OPEN, Status.ANSWERED, Status.RETURNED)

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices)
    object_type = models.CharField("事项类型", max_length=100)
    object_id = models.CharField("事项编号", max_length=64)
    duty_label = models.CharField("事项", max_length=200)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="followups", verbose_name="责任单位"
    )
    # 督办〔2026〕第N号, for notices only; year and seq make the number unique per year.
    number = models.CharField("文号", max_length=40, blank=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    seq = models.PositiveIntegerField("序号", null=True, blank=True)
    # The urge's message, the notice's requirement, or the instruction itself.
    text = models.TextField("内容")
    # 批示: who gave it (e.g. 区长 王某); empty otherwise.
    leader = models.CharField("批示领导", max_length=100, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    created_at = models.DateTimeField("时间")
    reply = models.TextField("办复情况", blank=True)
    answered_at = models.DateTimeField("办复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="办复人",
    )
    review_note = models.TextField("审核意见", blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField("退回次数", default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "督办通知"
        verbose_name_plural = "催办督办"
        constraints = [
            # 督办〔年〕第N号 is unique per year (the counter hands out each N once; this is
            # the backstop if two offices ever raced past it).
            models.UniqueConstraint(
                fields=["year", "seq"],
                condition=Q(kind="notice"),
                name="followup_notice_number_per_year",
            ),
            # One live notice per duty: a double-click or two supervisors at once must not send
            # the unit two notices about the same case.
            models.UniqueConstraint(
                fields=["object_type", "object_id"],
                condition=Q(kind="notice", status__in=["open", "answered", "returned"]),
                name="followup_one_live_notice_per_duty",
            ),
        ]
        indexes = [
            # The panel on a duty's page: its follow-ups, newest first.
            models.Index(fields=["object_type", "object_id"], name="followup_duty_idx"),
            # The unit's list of its follow-ups.
            models.Index(fields=["unit", "-created_at"], name="followup_unit_idx"),
            # The rollups' search for notices whose deadline passed while still open
            # (measures: Source.deadlines).
            models.Index(
                fields=["due_at"],
                condition=Q(clock_started_at__isnull=False, clock_stopped_at__isnull=True),
                name="followup_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return self.number
        return f"{self.get_kind_display()}：{self.duty_label}"

    @property
    def is_notice(self) -> bool:
        return self.kind == self.Kind.NOTICE

    @property
    def duty_unit_id(self) -> int:
        return self.unit_id


class NoticeCounter(models.Model):
    """The last notice number handed out in one year (locked while the next is taken)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "督办文号计数"
        verbose_name_plural = "督办文号计数"

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
