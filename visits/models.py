"""下基层调研: cadres' visit logs (调研走访台账), their photos, the review items that flag shallow
visits, and the office's annual visit plans.

A visit is written once and then only appended to: an edit writes a new `VisitRevision` with
its reason and the visit's current fields follow it, while the first revision keeps what was
first recorded (the page shows the whole history). The problems a visit finds are the problems
app's duties (`problems.actions.open_problem`, source = the visit), never stored here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from org.models import Unit


class Site(models.Model):
    """A place in a unit's area that cadres visit (a village, a community, an enterprise, a
    household). The unit's sites are its area: the model-site check compares the sites visited
    with those never visited."""

    class Kind(models.TextChoices):
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"
        ENTERPRISE = "enterprise", "企业"
        HOUSEHOLD = "household", "农户/居民户"
        PROJECT = "project", "项目工地"
        OTHER = "other", "其他"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="visit_sites")
    kind = models.CharField("地点类型", max_length=16, choices=Kind.choices)
    name = models.CharField("地点名称", max_length=100)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    archived = models.BooleanField("已撤销", default=False)

    class Meta:
        ordering = ["unit", "kind", "name"]
        verbose_name = "走访地点"
        verbose_name_plural = "走访地点"
        constraints = [
            # A site typed again on the road finds the same row (get-or-create by name).
            models.UniqueConstraint(fields=["unit", "kind", "name"], name="visits_site_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Visit(models.Model):
    """One visit by one cadre (the one who logs it) and any companions."""

    class Kind(models.TextChoices):
        PUBLICITY = "publicity", "宣传"
        RESEARCH = "research", "调研"
        RECEPTION = "reception", "信访接待"
        ONSITE = "onsite", "现场办公"

    class Origin(models.TextChoices):
        LOGGED = "logged", "现场登记"
        # Entries carried over from paper ledgers or older systems: the form's rules did not
        # apply to them, which is how a photo-only entry can exist at all.
        IMPORTED = "imported", "历史台账导入"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="visits")
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits_logged",
        verbose_name="登记人",
    )
    companions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="visits_joined", verbose_name="同行人员"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="visits", verbose_name="走访地点"
    )
    kind = models.CharField("走访类型", max_length=16, choices=Kind.choices)
    unannounced = models.BooleanField("四不两直（未提前通知）", default=False)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    learned = models.TextField("了解到的情况", blank=True)
    no_problem_reason = models.TextField("未发现问题的说明", blank=True)
    problem_count = models.PositiveIntegerField("发现问题数", default=0)
    counterpart_total = models.PositiveIntegerField("交谈人数", default=0)
    # MinHash signature of `learned` (supervision.formalism.shingles.fingerprint): the same
    # summary across one cadre's logs is found by comparing signatures first.
    learned_signature = models.BinaryField(default=b"", editable=False)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.LOGGED)
    revision_count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        indexes = [
            # The unit's ledger and the office's list, newest first.
            models.Index(fields=["unit", "-started_at"], name="visits_unit_started_idx"),
            # "My visits", the copied-summary check and the plan's done days (one cadre).
            models.Index(fields=["cadre", "-started_at"], name="visits_cadre_started_idx"),
        ]

    def __str__(self) -> str:
        return f"走访记录 {self.pk}"

    @property
    def number(self) -> str:
        return f"ZF{self.pk:06d}"


class Counterpart(models.Model):
    """The people a visit talked to: a kind and a number; an optional contact, sealed with the
    complainant identity's cipher and never shown on any page (the problems app's callback
    receives it as `raised_by`)."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", "群众/村民"
        ENTERPRISE = "enterprise", "企业负责人/职工"
        GRASSROOTS = "grassroots", "村（社区）干部"
        VULNERABLE = "vulnerable", "困难群众/老人"
        OTHER = "other", "其他"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="counterparts")
    kind = models.CharField("交谈对象", max_length=16, choices=Kind.choices)
    count = models.PositiveIntegerField("人数")
    sealed_contact = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.count} 人"

    @property
    def has_contact(self) -> bool:
        return bool(self.sealed_contact)


class AppendOnly(models.Model):
    """A row written once: saving it again or deleting it is refused (the history of a visit
    must explain what it said before)."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("走访记录的修改历史只能追加，不能更改")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("走访记录的修改历史不能删除")


class VisitRevision(AppendOnly):
    """One version of a visit's editable fields: number 1 is what was first recorded."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    values = models.JSONField()
    changed = models.JSONField(default=list)  # the field names this revision changed
    reason = models.TextField("修改理由")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["visit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "number"], name="visits_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.visit} 第{self.number}版"


def photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"visits/{instance.visit_id}/{filename}"


class VisitPhoto(models.Model):
    """A photo of a visit, stored without its metadata (zuofeng.uploads). What the checks need
    from the metadata is kept here first: the perceptual hash, the EXIF time and position."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    file = models.FileField(upload_to=photo_path, max_length=300)
    # imagehash.phash as a signed 64-bit integer (what BigIntegerField holds).
    phash = models.BigIntegerField(null=True)
    taken_at = models.DateTimeField("拍摄时间（EXIF）", null=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class VisitFlag(models.Model):
    """A review item for the office (never a deduction): why a visit, or a cadre's visits,
    look shallow. The office confirms or dismisses it with a reason; dismissals are counted."""

    class Kind(models.TextChoices):
        PHOTO_ONLY = "photo_only", "只拍照：无交谈对象、无发现"
        REUSED_PHOTO = "reused_photo", "照片重复使用"
        PHOTO_TIME = "photo_time", "照片拍摄时间与走访时间不符"
        PHOTO_PLACE = "photo_place", "照片拍摄地点与走访地点不符"
        COPIED_SUMMARY = "copied_summary", "走访情况雷同"
        MODEL_SITES = "model_sites", "反复走访“示范点”"

    class Status(models.TextChoices):
        OPEN = "open", "待复核"
        CONFIRMED = "confirmed", "已确认"
        DISMISSED = "dismissed", "已排除"

    # One flag per kind and subject, raised again by nobody once it exists (a dismissed flag
    # is not re-raised by the next sweep): "photo_time:v12", "model_sites:u7:2026".
    key = models.CharField(max_length=60, unique=True)
    kind = models.CharField("疑点类型", max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The visit flagged (None for the model-site flag, which is about a cadre's year).
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    # The earlier visit it resembles (a reused photo, a copied summary).
    other_visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.FloatField("评分", default=0)
    reason = models.TextField("原因")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField("复核意见", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "走访疑点"
        verbose_name_plural = "走访疑点"
        indexes = [
            # The office's review queue: open flags, newest first.
            models.Index(fields=["status", "-created_at"], name="visits_flag_status_idx"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class VisitPlan(models.Model):
    """How many days a leading cadre plans to spend on visits in a year (set by the office)."""

    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_plans"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    planned_days = models.PositiveIntegerField("计划走访天数")
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["year", "unit", "cadre"]
        verbose_name = "年度走访计划"
        verbose_name_plural = "年度走访计划"
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="visits_plan_cadre_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.cadre} {self.planned_days} 天"
