from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from zuofeng.workdays.calendar import clear_cache
from zuofeng.workdays.models import DayOverride


@receiver(post_save, sender=DayOverride)
@receiver(post_delete, sender=DayOverride)
def forget_cached_calendar(**kwargs: Any) -> None:
    clear_cache()
