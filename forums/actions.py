"""Recording a forum and the problems raised at it. The office records forums (its own or a
unit's); each problem raised is opened through `problems.actions.open_problem`, so it is a
duty of its owner unit like a problem found on a visit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from complaints.identity import Identity
from forums.models import Attendance, Forum
from org.models import Unit
from org.scoping import sees_all_units
from problems.actions import open_problem
from problems.models import Problem
from zuofeng.transitions import record_created
from zuofeng.validation import plain_text
from zuofeng.workdays.calendar import local_date

# The kinds of participant the form offers (any other kind may be typed).
ATTENDEE_KINDS = (
    "群众代表",
    "企业代表",
    "人大代表、政协委员",
    "村（社区）干部",
    "部门工作人员",
)
MAX_ATTENDEES = 999
FORUM_FIELDS = ["title", "held_on", "place", "unit_id", "host"]


def _require_office(actor: Any) -> None:
    if not sees_all_units(actor):
        raise PermissionDenied("座谈会由督查室登记")


def clean_attendance(attendance: Mapping[str, int | None]) -> dict[str, int]:
    """Kinds with at least one participant; at least one kind; numbers in range."""
    cleaned: dict[str, int] = {}
    for kind, count in attendance.items():
        if not count:
            continue
        kind = plain_text(kind, "参会人员类别", 30)
        if not 0 < count <= MAX_ATTENDEES:
            raise ValidationError({"参会人员": f"“{kind}”的人数应为 1 至 {MAX_ATTENDEES}"})
        cleaned[kind] = cleaned.get(kind, 0) + count
    if not cleaned:
        raise ValidationError({"参会人员": "请至少填写一类参会人员的人数"})
    return cleaned


@transaction.atomic
def record_forum(
    *,
    actor: Any,
    title: str,
    held_on: dt.date,
    place: str,
    unit: Unit,
    attendance: Mapping[str, int | None],
    minutes: str,
    host: str = "",
    at: dt.datetime | None = None,
) -> Forum:
    _require_office(actor)
    at = at or timezone.now()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for key, check in (
        ("title", lambda: plain_text(title, "座谈会主题", 100)),
        ("place", lambda: plain_text(place, "地点", 100)),
        ("host", lambda: plain_text(host, "主持人", 60, required=False)),
        ("minutes", lambda: plain_text(minutes, "会议纪要", 20000)),
        ("attendance", lambda: clean_attendance(attendance)),
    ):
        try:
            values[key] = check()
        except ValidationError as exc:
            for label, messages in exc.message_dict.items():
                errors.setdefault(label, []).extend(messages)
    if held_on is None:
        errors.setdefault("召开日期", []).append("请填写召开日期")
    elif held_on > local_date(at):
        errors.setdefault("召开日期", []).append("召开日期不能晚于今天：座谈会开过之后再登记")
    if unit is None or unit.archived:
        errors.setdefault("组织单位", []).append("请选择组织单位")
    if errors:
        raise ValidationError(errors)
    forum = Forum.objects.create(
        title=values["title"],
        held_on=held_on,
        place=values["place"],
        unit=unit,
        host=values["host"],
        minutes=values["minutes"],
        recorded_at=at,
        recorded_by=actor,
    )
    Attendance.objects.bulk_create(
        Attendance(forum=forum, kind=kind, count=count)
        for kind, count in values["attendance"].items()
    )
    record_created(forum, actor=actor, action="forums.record_forum", fields=FORUM_FIELDS)
    return forum


def raise_problem(
    forum: Forum,
    *,
    actor: Any,
    unit: Unit,
    title: str,
    description: str,
    raised_by: Identity | None = None,
    deadline_workdays: int | None = None,
    at: dt.datetime | None = None,
) -> tuple[Problem, str]:
    """A problem raised at the forum, given to `unit` on the clock (see `open_problem`)."""
    _require_office(actor)
    return open_problem(
        actor=actor,
        source=forum,
        unit=unit,
        title=title,
        description=description,
        raised_by=raised_by,
        deadline_workdays=deadline_workdays,
        at=at,
    )
