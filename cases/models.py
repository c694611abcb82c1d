"""Cases (办件): one application for one matter, tracked on the shared duty clock."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from org.scoping import scope_to_unit
from zuofeng.duty.models import Duty
from zuofeng.masking import mask_id_number, mask_name, mask_phone


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """Cases a staff user may see: their own unit's (every unit's for the office)."""
        return scope_to_unit(self, user)

    def owned_by(self, user: Any) -> CaseQuerySet:
        """An applicant's own cases."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(applicant_user=user)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=Case.OPEN_STATUSES)


class Case(Duty):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交，待受理"
        SUPPLEMENT = "supplement", "待补正材料"
        ACCEPTED = "accepted", "已受理，办理中"
        NOT_ACCEPTED = "not_accepted", "不予受理"
        APPROVED = "approved", "已办结（准予）"
        REFUSED = "refused", "已办结（不予许可）"
        CLOSED = "closed", "已归档"

    class Channel(models.TextChoices):
        WINDOW = "window", "大厅窗口"
        ONLINE = "online", "网上办理"
        PHONE = "phone", "电话预约"
        SELF_SERVICE = "self_service", "自助终端"

    class ClockPhase(models.TextChoices):
        # Which deadline the duty clock counts: the decision whether to accept (Administrative
        # Licensing Law Art. 32: accept, refuse or give the one-time notice within 5 working
        # days), or the promised time to decide an accepted case.
        NONE = "", "未计时"
        ACCEPTANCE = "acceptance", "受理期限"
        PROCESSING = "processing", "承诺办结期限"

    class ApplicantKind(models.TextChoices):
        RESIDENT = "resident", "个人"
        ENTERPRISE = "enterprise", "企业"

    OPEN_STATUSES = (Status.SUBMITTED, Status.SUPPLEMENT, Status.ACCEPTED)
    DECIDED_STATUSES = (Status.APPROVED, Status.REFUSED)

    number = models.CharField("办件编号", max_length=20, unique=True, null=True, blank=True)
    # A short secret the applicant gets with the number; both are needed for the public lookup.
    query_code = models.CharField("查询码", max_length=12)
    matter = models.ForeignKey(
        "catalog.Matter", on_delete=models.PROTECT, related_name="cases", verbose_name="事项"
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name="承办单位"
    )
    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    # The status to return to when the applicant has supplied the missing materials.
    status_before_supplement = models.CharField(max_length=16, blank=True)
    clock_phase = models.CharField(
        "计时阶段", max_length=16, choices=ClockPhase.choices, default=ClockPhase.NONE, blank=True
    )
    # Accepted by law, not by staff: nobody accepted, refused or gave the one-time notice
    # within the acceptance limit (Art. 32), so the case counts as accepted from receipt.
    deemed_accepted = models.BooleanField("逾期视为受理", default=False)

    applicant_kind = models.CharField(
        "申请人类型", max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.RESIDENT
    )
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_phone = models.CharField("联系电话", max_length=20)
    applicant_id_number = models.CharField("证件号码", max_length=32)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name="申请人账号",
    )

    submitted_at = models.DateTimeField("提交时间")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_at = models.DateTimeField("归档时间", null=True, blank=True)
    decision_reason = models.TextField("理由", blank=True)
    decision_legal_basis = models.TextField("法律依据", blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="经办人",
    )

    # Measures of the survey's failures, kept on the case so unit pages count them cheaply.
    forwarded_to_back_office = models.BooleanField("窗口只收件转后台", default=False)
    supplement_count = models.PositiveSmallIntegerField("补正次数", default=0)
    one_time_rule_broken = models.BooleanField("违反一次性告知", default=False)
    transfer_count = models.PositiveSmallIntegerField("转办次数", default=0)
    buck_passing = models.BooleanField("推诿", default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-submitted_at"]
        indexes = [
            # The unit's work queue: open cases of one unit, most urgent first.
            models.Index(
                fields=["unit", "status", "warning_level", "due_at"], name="case_queue_idx"
            ),
            # The open cases only (a few percent of a year's), for the queue's filter and its
            # count: the office's queue has no unit to narrow by, and read every case of the
            # year without it. The condition is Case.OPEN_STATUSES.
            models.Index(
                fields=["unit", "warning_level", "due_at"],
                name="case_open_queue_idx",
                condition=Q(status__in=("submitted", "supplement", "accepted")),
            ),
            # Monthly measures per unit (明进暗不进, buck-passing, on-time rates).
            models.Index(fields=["unit", "submitted_at"], name="case_unit_month_idx"),
            # The sweep: running clocks by deadline.
            models.Index(
                fields=["due_at"],
                name="case_running_due_idx",
                condition=Q(clock_started_at__isnull=False, clock_stopped_at__isnull=True),
            ),
            # Lateness by the month the deadline passes (the `cases.case.due` source): the
            # rollups' recomputation of a unit's deadline days, `WHERE accepted_at IS NOT NULL
            # AND unit_id IN (…) AND due_at >= day AND due_at < next day`, grouped by unit and
            # local day, and the drill-down of one unit's cases due in a month. Only accepted
            # cases have a promised deadline, hence the condition (the source's `base`).
            models.Index(
                fields=["unit", "due_at"],
                name="case_unit_due_idx",
                condition=Q(accepted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def awaiting_acceptance(self) -> bool:
        """The clock counts the acceptance limit, not the promised one."""
        return self.clock_phase == self.ClockPhase.ACCEPTANCE

    @property
    def promised_due_at(self) -> Any:
        """The promised deadline the applicant is told; None until the case is accepted."""
        return self.due_at if self.clock_phase == self.ClockPhase.PROCESSING else None

    @property
    def masked_name(self) -> str:
        return mask_name(self.applicant_name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.applicant_phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.applicant_id_number)


class CaseEvent(models.Model):
    """One step on a case's timeline, with its handler and time (public text kept apart)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "提交申请"
        FORWARDED = "forwarded", "窗口收件，转后台办理"
        SUPPLEMENT_REQUESTED = "supplement_requested", "一次性告知补正材料"
        SUPPLIED = "supplied", "补正材料已提交"
        ACCEPTED = "accepted", "受理"
        NOT_ACCEPTED = "not_accepted", "不予受理"
        STEP = "step", "办理"
        TRANSFERRED = "transferred", "转办"
        APPROVED = "approved", "办结：准予"
        REFUSED = "refused", "办结：不予许可"
        CLOSED = "closed", "归档"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    note = models.TextField("内部说明", blank=True)
    # What the public lookup shows: never names, phones or ID numbers.
    public_note = models.CharField("公开说明", max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"


class SupplementRequest(models.Model):
    """A one-time notice (一次性告知) listing every missing material."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supplement_requests")
    materials = models.JSONField("需补正材料")
    # What the applicant reads with the notice (the notice box, the printed 一次性告知书).
    note = models.TextField("告知申请人的说明", blank=True)
    # What stays with the staff: never shown to the applicant or printed.
    internal_note = models.TextField("内部备注", blank=True)
    # The listed materials handed in so far: the notice is answered only when all are.
    supplied_materials = models.JSONField("已补正材料", default=list, blank=True)
    requested_at = models.DateTimeField("告知时间")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplied_at = models.DateTimeField("补正时间", null=True, blank=True)
    # A second notice for the same case breaks the one-time rule; kept visible, not hidden.
    is_repeat = models.BooleanField("重复告知", default=False)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = "补正告知"
        verbose_name_plural = "补正告知"
        constraints = [
            # The applicant never holds two open notices for one case: a second notice while
            # the first is unanswered is a conflict, not a repeat (supply_materials closes it).
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(supplied_at__isnull=True),
                name="supplement_one_open_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} 补正：{'、'.join(self.materials)}"

    @property
    def outstanding_materials(self) -> list[str]:
        """The listed materials not yet handed in, in the notice's order."""
        supplied = set(self.supplied_materials or [])
        return [material for material in self.materials if material not in supplied]


class Transfer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("转办理由")
    at = models.DateTimeField("转办时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Sent back to a unit that already had the case: the clearest sign of 推诿.
    is_return = models.BooleanField("退回已办理过的单位", default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "转办"
        verbose_name_plural = "转办"
        constraints = [
            # A "transfer" to one's own unit would count as work done without moving the case.
            models.CheckConstraint(
                condition=~Q(from_unit=models.F("to_unit")), name="transfer_to_another_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_unit} → {self.to_unit}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is generated: the uploaded name is kept only as data, never as a path.
    return f"cases/{instance.case_id}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    material_name = models.CharField("材料", max_length=200)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return f"{self.material_name}：{self.original_name}"
