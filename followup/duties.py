"""Any registered duty, read through the duty registry and the shared clock fields only.

This module never imports a duty app: what it knows of a case, a complaint, a rectification or
a task is what the app registered (`DutyKind`: model, unit field, label field, page) and the
clock fields every `Duty` has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast

from zuofeng.duty.registry import DutyKind, registered_duties

FOLLOWUP_TYPE = "followup.followup"


def followed_kinds() -> list[DutyKind]:
    """Every registered duty kind the office can follow up: all but the notices themselves
    (an overdue notice is followed up on its own page, not by a notice about a notice)."""
    return [kind for kind in registered_duties() if kind.object_type != FOLLOWUP_TYPE]


def kind_for(object_type: str) -> DutyKind | None:
    return next((k for k in followed_kinds() if k.object_type == object_type), None)


def kind_name(kind: DutyKind) -> str:
    return str(kind.model._meta.verbose_name)


@dataclass(frozen=True)
class DutyRef:
    """One duty as the follow-up pages see it."""

    kind: DutyKind
    object_id: str
    unit_id: int
    label: str
    due_at: dt.datetime | None
    started: bool
    stopped: bool
    paused: bool
    warning_level: str
    escalation_level: int

    @property
    def object_type(self) -> str:
        return self.kind.object_type

    @property
    def kind_name(self) -> str:
        return kind_name(self.kind)

    @property
    def link(self) -> str:
        return self.kind.link(self.object_id)

    @property
    def is_open(self) -> bool:
        """Its clock started and has not stopped (a paused clock is still open)."""
        return self.started and not self.stopped

    def overdue(self, now: dt.datetime) -> bool:
        return self.is_open and not self.paused and self.due_at is not None and self.due_at < now


_CLOCK = ["due_at", "clock_started_at", "clock_stopped_at", "clock_paused_at"]


def read_duty(object_type: str, object_id: Any) -> DutyRef | None:
    """The duty a follow-up is about, or None if no registered kind has it."""
    kind = kind_for(object_type)
    if kind is None:
        return None
    unit_column = f"{kind.unit_field}_id"
    try:
        row = (
            kind.model._default_manager.filter(pk=object_id)
            .values(unit_column, kind.label_field, "warning_level", "escalation_level", *_CLOCK)
            .first()
        )
    except (ValueError, TypeError, ValidationError):  # not a pk of this model
        return None
    if row is None or row[unit_column] is None:
        return None
    return DutyRef(
        kind=kind,
        object_id=str(object_id),
        unit_id=row[unit_column],
        label=str(row[kind.label_field]),
        due_at=row["due_at"],
        started=row["clock_started_at"] is not None,
        stopped=row["clock_stopped_at"] is not None,
        paused=row["clock_paused_at"] is not None,
        warning_level=row["warning_level"],
        escalation_level=row["escalation_level"],
    )


def duty_of(obj: Any) -> DutyRef | None:
    """The DutyRef of a duty instance (for the panel on its page)."""
    return read_duty(obj._meta.label_lower, obj.pk)


# The columns of one overdue row, the same for every kind so the kinds can be UNIONed and
# paginated in the database (ordered by deadline, oldest first).
OVERDUE_COLUMNS = (
    "o_type",
    "o_id",
    "o_unit",
    "o_label",
    "o_due",
    "o_warning",
    "o_escalation",
)


def _overdue_of(
    kind: DutyKind, now: dt.datetime, unit_id: int | None, escalated_to: int
) -> QuerySet[Any]:
    # A running clock past its deadline. A paused clock (补正: the applicant owes materials) is
    # not the unit's delay, the same rule as the cases' own "overdue" flag.
    queryset = kind.model._default_manager.filter(
        clock_started_at__isnull=False,
        clock_stopped_at__isnull=True,
        clock_paused_at__isnull=True,
        due_at__lt=now,
    )
    if unit_id is not None:
        queryset = queryset.filter(**{f"{kind.unit_field}_id": unit_id})
    if escalated_to:
        queryset = queryset.filter(escalation_level__gte=escalated_to)
    return (
        queryset.order_by()
        .annotate(
            o_type=Value(kind.object_type, output_field=CharField()),
            o_id=Cast("pk", CharField()),
            o_unit=F(f"{kind.unit_field}_id"),
            o_label=Cast(kind.label_field, CharField()),
            o_due=F("due_at"),
            o_warning=F("warning_level"),
            o_escalation=F("escalation_level"),
        )
        .values_list(*OVERDUE_COLUMNS)
    )


def overdue_duties(
    now: dt.datetime,
    *,
    object_type: str = "",
    unit_id: int | None = None,
    escalated_to: int = 0,
) -> QuerySet[Any] | None:
    """Overdue duties of every kind (or one; of one unit; escalated at least to a level), as
    one database query ordered by deadline; None when no kind matches. Rows are tuples in
    `OVERDUE_COLUMNS` order."""
    kinds = [k for k in followed_kinds() if not object_type or k.object_type == object_type]
    if not kinds:
        return None
    parts = [_overdue_of(kind, now, unit_id, escalated_to) for kind in kinds]
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("o_due", "o_type", "o_id")


def overdue_count(now: dt.datetime) -> int:
    queryset = overdue_duties(now)
    return queryset.count() if queryset is not None else 0
