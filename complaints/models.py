"""监督举报: complaints about units' and cadres' work style, and the complainant's identity,
which lives in its own table, encrypted, and never travels with the complaint."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from org.roles import Role
from org.scoping import has_role, sees_all_units, unit_of
from zuofeng.duty.models import Duty


class ComplaintCategory(models.Model):
    """The taxonomy of design §1, with each category's resolution limit (configuration, not
    code: local rules differ). Also the service list of the Open311 endpoint."""

    code = models.CharField("代码", max_length=16, primary_key=True)
    name = models.CharField("名称", max_length=40)
    description = models.TextField("说明", blank=True)
    resolve_workdays = models.PositiveSmallIntegerField("办理时限（工作日）", default=10)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "举报类别"
        verbose_name_plural = "举报类别"

    def __str__(self) -> str:
        return self.name


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ComplaintQuerySet:
        """What a staff user may read. The office reads everything (never identities);
        discipline inspection reads integrity complaints and what was routed to it; a unit
        reads only what was routed to it — not complaints *about* it that went elsewhere,
        and nothing still waiting for triage."""
        if sees_all_units(user):
            return self
        unit = unit_of(user)
        if has_role(user, Role.DISCIPLINE):
            own = Q(handling_unit=unit) if unit is not None else Q(pk__in=[])
            return self.filter(own | Q(category_id="integrity"))
        if unit is None:
            return self.none()
        return self.filter(handling_unit=unit)

    def open(self) -> ComplaintQuerySet:
        return self.exclude(status=Complaint.Status.CLOSED)


# What every complaint audit event records, before and after (attnames).
COMPLAINT_FIELDS = [
    "status",
    "category_id",
    "unit_id",
    "handling_unit_id",
    "subject_is_head",
    "due_at",
    "warning_level",
    "callback",
    "reopen_count",
]


class Complaint(Duty):
    class Channel(models.TextChoices):
        WEB = "web", "网上举报"
        HOTLINE = "hotline", "12345热线"
        LETTER = "letter", "来信"
        VISIT = "visit", "来访"
        FORUM = "forum", "座谈会"
        SURVEY = "survey", "问卷调查"
        OPEN311 = "open311", "Open311接口"

    class Status(models.TextChoices):
        TRIAGE = "triage", "待甄别分办"
        ROUTED = "routed", "待响应"
        HANDLING = "handling", "办理中"
        ANSWERED = "answered", "已答复待回访"
        DISSATISFIED = "dissatisfied", "不满意，可申请重办"
        CLOSED = "closed", "已办结"

    class Callback(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        DISSATISFIED = "dissatisfied", "不满意"
        UNREACHABLE = "unreachable", "联系不上"

    number = models.CharField("举报编号", max_length=24, unique=True)
    # Only a hash of the receipt code is kept: a copy of the database does not let anyone
    # follow (or answer the callback of) someone else's complaint.
    receipt_hash = models.CharField(max_length=64, editable=False)
    # The Open311 token handed to a client at POST time (tokens/{token} → the request id).
    token = models.CharField(max_length=32, unique=True, editable=False)
    channel = models.CharField("渠道", max_length=12, choices=Channel.choices)
    text = models.TextField("举报内容")
    place = models.CharField("地点", max_length=200, blank=True)
    occurred_on = models.DateField("发生日期", null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # The unit complained about; unknown until triage when a channel does not say.
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_about",
        verbose_name="被举报单位",
    )
    subject_name = models.CharField("被举报干部", max_length=60, blank=True)
    subject_is_head = models.BooleanField("被举报人是单位一把手", default=False)
    # Who must answer: the unit itself, discipline inspection or the supervision office.
    handling_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
        verbose_name="承办单位",
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices)
    received_at = models.DateTimeField("收到时间")

    # Classification: the model's suggestion, then what triage confirmed or corrected.
    suggested_category = models.ForeignKey(
        ComplaintCategory, on_delete=models.PROTECT, related_name="+", verbose_name="建议类别"
    )
    confidence = models.FloatField("置信度")
    category_words = models.JSONField("判断依据", default=list, blank=True)
    category = models.ForeignKey(
        ComplaintCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name="确认类别",
    )
    triaged_at = models.DateTimeField("分办时间", null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The two deadlines behind the three rates (the clock itself may restart on reopen).
    respond_due_at = models.DateTimeField("响应期限", null=True, blank=True)
    responded_at = models.DateTimeField("响应时间", null=True, blank=True)
    resolve_due_at = models.DateTimeField("办理期限", null=True, blank=True)
    first_answered_at = models.DateTimeField("首次答复时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answer = models.TextField("答复内容", blank=True)
    callback = models.CharField("回访结果", max_length=12, choices=Callback.choices, blank=True)
    callback_at = models.DateTimeField("回访时间", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    # Near-duplicates: a MinHash signature of the text, and the group it joined.
    signature = models.BinaryField(default=bytes, editable=False)
    cluster = models.ForeignKey(
        "ComplaintCluster",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    hotline_ticket = models.CharField("热线工单号", max_length=64, null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "监督举报"
        verbose_name_plural = "监督举报"
        constraints = [
            # Re-importing a hotline export must not create the same ticket twice.
            models.UniqueConstraint(
                fields=["hotline_ticket"],
                condition=Q(hotline_ticket__isnull=False),
                name="complaint_unique_hotline_ticket",
            ),
        ]
        indexes = [
            models.Index(fields=["handling_unit", "status"], name="complaint_unit_status_idx"),
            models.Index(fields=["status", "received_at"], name="complaint_status_recv_idx"),
            models.Index(fields=["handling_unit", "triaged_at"], name="complaint_unit_month_idx"),
            # The scorecard's rollups look for passed deadlines only among the complaints still
            # waiting for a response or a first answer (a few thousand, not every complaint).
            models.Index(
                fields=["respond_due_at"],
                name="complaint_respond_due_idx",
                condition=Q(responded_at__isnull=True),
            ),
            models.Index(
                fields=["resolve_due_at"],
                name="complaint_resolve_due_idx",
                condition=Q(first_answered_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def can_reopen(self) -> bool:
        return self.status == self.Status.DISSATISFIED and self.reopen_count == 0


class ComplaintCluster(models.Model):
    """Near-duplicate complaints: the same problem reported by many people (a hot spot)."""

    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    size = models.PositiveIntegerField("件数", default=1)
    last_at = models.DateTimeField("最近一件")

    class Meta:
        ordering = ["-size", "-last_at"]
        verbose_name = "同类举报"
        verbose_name_plural = "同类举报"

    def __str__(self) -> str:
        return f"同类举报 {self.size} 件"


class TriageSettings(models.Model):
    """The office's own triage settings (one row): the confidence above which it confirms
    the classifier's suggestions in bulk. Changed only through
    `handling.actions.set_bulk_threshold`, which audits every change."""

    SINGLETON = 1
    DEFAULT_THRESHOLD = 0.9

    bulk_threshold = models.FloatField("批量确认的置信度下限", default=DEFAULT_THRESHOLD)
    updated_at = models.DateTimeField("修改时间", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "甄别分办设置"
        verbose_name_plural = "甄别分办设置"
        constraints = [
            # Never a second row: the setting is the district's one value.
            models.CheckConstraint(condition=Q(pk=1), name="triage_settings_singleton"),
            models.CheckConstraint(
                condition=Q(bulk_threshold__gte=0.5) & Q(bulk_threshold__lte=0.99),
                name="triage_settings_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return f"批量确认置信度 ≥ {self.bulk_threshold:.0%}"

    @classmethod
    def current(cls) -> TriageSettings:
        """The stored settings, or the defaults while the office has not changed them."""
        return cls.objects.filter(pk=cls.SINGLETON).first() or cls(pk=cls.SINGLETON)


class ComplainantIdentity(models.Model):
    """Who complained, encrypted at rest (see `complaints.identity`).

    No page, API, export or notification of a handling unit reads this table; the office
    and discipline inspection read it only through `actions.reveal_identity`, which is
    audited with its reason.
    """

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="+")
    # An applicant who filed while logged in, so that "my complaints" can list it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sealed = models.TextField()
    # Set by `handling.actions.anonymise_identities` once the retention period after closing
    # has passed: `sealed` then holds an empty identity and `user` is cleared, for good.
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True)

    class Meta:
        verbose_name = "举报人身份（加密）"
        verbose_name_plural = "举报人身份（加密）"

    def __str__(self) -> str:
        return "举报人身份（已加密）"


class ComplaintEvent(models.Model):
    """One step on a complaint's timeline. `public_note` is what the complainant sees with
    the receipt; `note` is internal."""

    class Kind(models.TextChoices):
        FILED = "filed", "收到举报"
        TRIAGED = "triaged", "甄别分办"
        RESPONDED = "responded", "承办单位已响应"
        ANSWERED = "answered", "答复"
        CALLBACK = "callback", "回访"
        REOPENED = "reopened", "不满意重办"
        CLOSED = "closed", "办结"
        REVEALED = "revealed", "查阅举报人身份"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("内部说明", blank=True)
    public_note = models.CharField("公开说明", max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "举报办理记录"
        verbose_name_plural = "举报办理记录"

    def __str__(self) -> str:
        return self.get_kind_display()


def complaint_attachment_path(instance: ComplaintAttachment, filename: str) -> str:
    return f"complaints/{instance.complaint_id}/{filename}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=complaint_attachment_path, max_length=300)
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "举报附件"
        verbose_name_plural = "举报附件"

    def __str__(self) -> str:
        return self.original_name


class HotlineSource(models.Model):
    """A 12345 hotline system whose exports we import, with its saved column mapping."""

    name = models.CharField("来源名称", max_length=60, unique=True)
    # Our field name → the column header in that system's export
    # (see complaints.intake.hotline_rows.FIELDS).
    column_map = models.JSONField("列对应关系", default=dict)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "热线数据来源"
        verbose_name_plural = "热线数据来源"

    def __str__(self) -> str:
        return self.name


def hotline_upload_path(instance: HotlineImport, filename: str) -> str:
    return f"hotline/{instance.token}{instance.extension}"


class HotlineImport(models.Model):
    """One uploaded hotline export and the progress of its import (rows, errors by row)."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    source = models.ForeignKey(HotlineSource, on_delete=models.PROTECT, related_name="imports")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    original_name = models.CharField("文件名", max_length=200)
    file = models.FileField(upload_to=hotline_upload_path, max_length=300)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    duplicate_count = models.PositiveIntegerField("重复（已导入过）", default=0)
    error_count = models.PositiveIntegerField("错误行数", default=0)
    # [{"row": 12, "message": "..."}], the first few hundred; error_count has the total.
    errors = models.JSONField("错误明细", default=list, blank=True)
    message = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("上传时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    # Written with every count (at least once a batch): a running import whose progress
    # stopped long ago was killed (see hotline.close_stalled).
    progress_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "热线导入"
        verbose_name_plural = "热线导入"

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"


class Open311Client(models.Model):
    """An Open311 client allowed to POST requests. Only a hash of its API key is stored;
    the key is shown once, when the admin issues it."""

    name = models.CharField("客户端名称", max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField("密钥前缀", max_length=8, editable=False)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "Open311 接入方"
        verbose_name_plural = "Open311 接入方"

    def __str__(self) -> str:
        return self.name
