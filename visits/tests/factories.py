"""Builders for visit tests: a logged visit through the action, photos as real JPEGs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from visits import actions
from visits.actions import CounterpartInput, Logged, ProblemInput
from visits.samples import make_jpeg
from zuofeng.workdays.calendar import LOCAL_TZ

SUMMARY = (
    "走访青石镇柳塘村，与村民围坐交谈一个多小时。村里自来水管网老化，东头六户人家夏季用水高峰"
    "经常停水，村民只能去邻村挑水；另有两户留守老人反映医保报销要跑镇上三趟。"
)


def photo(seed: int | str, name: str = "", **facts: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name or f"现场{seed}.jpg", make_jpeg(seed, **facts), content_type="image/jpeg"
    )


def day_at(days_ago: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL_TZ)


def log(cadre: Any, **overrides: Any) -> Logged:
    started = overrides.pop("started_at", None) or day_at(3)
    fields: dict[str, Any] = {
        "site_kind": "village",
        "site_name": "柳塘村",
        "kind": "research",
        "started_at": started,
        "ended_at": started + dt.timedelta(hours=2),
        "learned": SUMMARY,
        "counterparts": [CounterpartInput("resident", 6)],
        "no_problem_reason": "本次以了解情况为主，问题已在上次走访中交办",
    }
    fields.update(overrides)
    return actions.log_visit(actor=cadre, **fields)


__all__ = ["SUMMARY", "CounterpartInput", "ProblemInput", "day_at", "log", "photo"]
