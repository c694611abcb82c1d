from __future__ import annotations

from django.db import models


class DayOverride(models.Model):
    """One day whose status the State Council's notice fixes differently from the default.

    Admins enter these for years the `chinese-calendar` library does not know yet (every
    December the next year's holidays and swapped working weekends are published), and may
    also correct a library day (an override always wins).
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日", help_text="勾选表示调休上班日；不勾选表示放假")
    name = models.CharField("说明", max_length=50, blank=True, help_text="如：春节、国庆节调休")

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "放假"
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".strip()
