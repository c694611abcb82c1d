"""Who must answer a complaint (design §1, issue 5): by default the unit complained about;
integrity to discipline inspection; a complaint about a unit's head to the supervision
office; never to a unit whose own head is the subject."""

from __future__ import annotations

from org.models import Unit

INTEGRITY = "integrity"


def _first_of_kind(kind: str) -> Unit | None:
    return Unit.objects.active().filter(kind=kind).order_by("sort_order", "code").first()


def discipline_unit() -> Unit | None:
    return _first_of_kind(Unit.Kind.DISCIPLINE)


def office_unit() -> Unit | None:
    return _first_of_kind(Unit.Kind.SUPERVISION)


def names_head(unit: Unit | None, subject_name: str) -> bool:
    """Whether the named cadre is the unit's head (一把手), by name as people write it."""
    head = unit.head if unit is not None else None
    name = "".join((subject_name or "").split())
    if head is None or not name:
        return False
    spellings = {
        head.get_full_name().replace(" ", ""),
        f"{head.last_name}{head.first_name}",
        head.first_name,
    } - {""}
    return name in spellings


def route(*, category: str, unit: Unit | None, subject_is_head: bool) -> Unit | None:
    """The handling unit, or None while the unit complained about is still unknown."""
    if category == INTEGRITY:
        return discipline_unit()
    if unit is None:
        return None
    if subject_is_head:
        office = office_unit()
        # The office's own head is the subject: discipline inspection answers instead.
        return office if office is not None and office.pk != unit.pk else discipline_unit()
    return unit
