"""State changes of the service catalogue; each writes its audit event in its transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Material, Matter
from zuofeng.audit.chain import record, snapshot

MATTER_FIELDS = [
    "code",
    "name",
    "unit",
    "kind",
    "legal_basis",
    "steps",
    "fee",
    "statutory_limit_days",
    "promised_limit_days",
    "online",
    "window_authority",
    "contact_phone",
    "archived",
]


def _materials_summary(matter: Matter) -> list[list[Any]]:
    return [[m.name, m.originals, m.copies, m.notes] for m in matter.materials.all()]


def _replace_materials(matter: Matter, materials: list[dict[str, Any]]) -> None:
    matter.materials.all().delete()
    Material.objects.bulk_create(
        Material(matter=matter, position=index, **fields) for index, fields in enumerate(materials)
    )


@transaction.atomic
def create_matter(
    *, actor: Any, materials: list[dict[str, Any]] | None = None, **fields: Any
) -> Matter:
    matter = Matter(**fields)
    matter.full_clean()  # includes the code rule, so the admin enforces it too
    matter.save()
    _replace_materials(matter, materials or [])
    record(
        actor=actor,
        action="catalog.create_matter",
        obj=matter,
        after={**snapshot(matter, MATTER_FIELDS), "materials": _materials_summary(matter)},
    )
    return matter


@transaction.atomic
def update_matter(
    *,
    actor: Any,
    matter: Matter,
    changes: dict[str, Any],
    materials: list[dict[str, Any]] | None = None,
    reason: str = "",
) -> Matter:
    """Apply `changes` (field → value) and, if given, replace the materials list."""
    # Lock: two editors saving at once must not interleave field and materials writes.
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    before = {**snapshot(matter, MATTER_FIELDS), "materials": _materials_summary(matter)}
    for name, value in changes.items():
        if name not in MATTER_FIELDS:
            raise ValidationError(f"不能修改字段 {name}")
        setattr(matter, name, value)
    matter.full_clean()
    matter.save()
    if materials is not None:
        _replace_materials(matter, materials)
    after = {**snapshot(matter, MATTER_FIELDS), "materials": _materials_summary(matter)}
    changed = {k for k in after if after[k] != before[k]}
    record(
        actor=actor,
        action="catalog.update_matter",
        obj=matter,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
        reason=reason,
    )
    return matter


@transaction.atomic
def archive_matter(*, actor: Any, matter: Matter, reason: str) -> Matter:
    if not reason.strip():
        raise ValidationError("停用事项必须填写原因")
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    before = {"archived": matter.archived}
    matter.archived = True
    matter.save(update_fields=["archived", "updated_at"])
    record(
        actor=actor,
        action="catalog.archive_matter",
        obj=matter,
        before=before,
        after={"archived": True},
        reason=reason,
    )
    return matter
