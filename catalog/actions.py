"""State changes of the service catalogue; each writes its audit event in its transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.cache import bump_version
from catalog.models import FormFile, Material, Matter, refuse_markup
from zuofeng.audit.chain import record, snapshot
from zuofeng.uploads import store_upload

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
    "place",
    "hours",
    "window",
    "archived",
]


def _materials_summary(matter: Matter) -> list[list[Any]]:
    return [[m.name, m.originals, m.copies, m.notes] for m in matter.materials.all()]


def _replace_materials(matter: Matter, materials: list[dict[str, Any]]) -> None:
    rows = [
        Material(matter=matter, position=index, **fields) for index, fields in enumerate(materials)
    ]
    for row in rows:  # bulk_create skips validation: the texts are checked here
        try:
            refuse_markup(row, ("name", "notes"))
        except ValidationError as error:
            raise ValidationError(
                {"materials": [f"材料“{row.name[:20]}”：{m}" for m in error.messages]}
            ) from None
    matter.materials.all().delete()
    Material.objects.bulk_create(rows)


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
    bump_version()  # the public catalogue shows it once committed
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
    bump_version()
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
    bump_version()
    return matter


@transaction.atomic
def add_form_file(
    *, actor: Any, matter: Matter, upload: Any, kind: str, title: str = "", material_name: str = ""
) -> FormFile:
    """Attach a blank form or a sample to a matter (or one of its materials), for download
    from the public page. The upload is checked by content before anything is written."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if kind not in FormFile.Kind.values:
        raise ValidationError("请选择“空白表格”或“示例样表”")
    material_name = material_name.strip()
    if material_name and material_name not in {m.name for m in matter.materials.all()}:
        raise ValidationError(f"本事项没有名为“{material_name}”的申请材料")
    title = (title.strip() or material_name or (upload.name or "").rsplit(".", 1)[0])[:200]
    if not title:
        raise ValidationError("请填写表格名称")
    form_file = store_upload(
        FormFile,
        upload,
        at=timezone.now(),
        matter=matter,
        kind=kind,
        title=title,
        material_name=material_name,
    )
    record(
        actor=actor,
        action="catalog.add_form_file",
        obj=matter,
        after={
            "form_file": form_file.token,
            "kind": kind,
            "title": title,
            "material": material_name,
            "file": form_file.original_name,
        },
    )
    bump_version()
    return form_file


@transaction.atomic
def remove_form_file(*, actor: Any, form_file: FormFile) -> None:
    """Withdraw a downloadable form; the stored file is removed once the row is gone."""
    matter = Matter.objects.select_for_update().get(pk=form_file.matter_id)
    record(
        actor=actor,
        action="catalog.remove_form_file",
        obj=matter,
        before={
            "form_file": form_file.token,
            "kind": form_file.kind,
            "title": form_file.title,
            "material": form_file.material_name,
            "file": form_file.original_name,
        },
    )
    stored = form_file.file
    form_file.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))
    bump_version()
