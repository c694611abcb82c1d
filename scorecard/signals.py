"""One generic piece that keeps the rollups' dirty marks: every source model's saves and
deletes mark the (unit, day) the row counted for before and after the change.

Connected for each source of `scorecard.measures.SOURCES` in `ScorecardConfig.ready()`.
Writers that bypass signals (`bulk_create`, `QuerySet.update`) call
`scorecard.rollups.mark_dirty` or `scorecard.rollups.rebuild` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from scorecard.measures import SOURCES, Source

_BEFORE = "_scorecard_attribution_before"


def _source_of(sender: Any) -> Source | None:
    return SOURCES.get(sender._meta.label_lower)


def _remember_before(sender: Any, instance: Any, update_fields: Any = None, **_: Any) -> None:
    source = _source_of(sender)
    if source is None or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not {
        source.unit_field,
        source.unit_column,
        source.time_field,
    } & set(update_fields):
        return  # attribution unchanged: post_save marks the (same) day
    old = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list(source.unit_column, source.time_field)
        .first()
    )
    if old is not None:
        setattr(instance, _BEFORE, old)


def _mark(sender: Any, instance: Any, **_: Any) -> None:
    from scorecard.rollups import mark_dirty
    from zuofeng.workdays.calendar import local_date

    source = _source_of(sender)
    if source is None:
        return
    pairs = []
    now = source.attribution(instance)
    if now is not None:
        pairs.append(now)
    before = instance.__dict__.pop(_BEFORE, None)
    if before is not None and before[0] is not None and before[1] is not None:
        pairs.append((before[0], local_date(before[1])))
    mark_dirty(source.label, pairs)


def connect() -> None:
    for source in SOURCES.values():
        model = source.model
        uid = f"scorecard-{source.label}"
        pre_save.connect(_remember_before, sender=model, dispatch_uid=uid)
        post_save.connect(_mark, sender=model, dispatch_uid=uid)
        post_delete.connect(_mark, sender=model, dispatch_uid=uid)
