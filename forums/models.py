"""座谈会: a forum with residents, enterprises or deputies, who attended (kinds and numbers,
no personal data), its minutes (纪要), and the problems raised there — each a duty in
problems/, found from here through `problems.reads.problems_of(forum)`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Forum(models.Model):
    title = models.CharField("座谈会主题", max_length=100)
    held_on = models.DateField("召开日期")
    place = models.CharField("地点", max_length=100)
    # Who convened it (the office, or a unit the office records it for).
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="forums", verbose_name="组织单位"
    )
    host = models.CharField("主持人", max_length=60, blank=True)
    minutes = models.TextField("会议纪要")
    recorded_at = models.DateTimeField("登记时间")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "座谈会"
        verbose_name_plural = "座谈会"

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on:%Y-%m-%d}）"

    @property
    def attendee_total(self) -> int:
        return sum(a.count for a in self.attendance.all())


class Attendance(models.Model):
    """One kind of participant and how many came (e.g. 群众代表 12)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="attendance")
    kind = models.CharField("参会人员类别", max_length=30)
    count = models.PositiveSmallIntegerField("人数")

    class Meta:
        ordering = ["id"]
        verbose_name = "参会人员"
        verbose_name_plural = "参会人员"
        constraints = [
            models.UniqueConstraint(fields=["forum", "kind"], name="forum_attendance_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="forum_attendance_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.count} 人"
