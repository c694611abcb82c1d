from __future__ import annotations

from django.db import models

from zuofeng.duty.models import Duty


class Chore(Duty):
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=50)

    class Meta:
        verbose_name = "测试事项"

    def __str__(self) -> str:
        return self.title
