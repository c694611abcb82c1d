"""Every store of sealed personal data, in one registry: retention and key rotation reach them all.

A complainant's identity was the platform's first store of personal data; the raisers of
problems found by investigation and the people a cadre talked to on a visit are sealed the same
way (complaints/identity.py). The operator's two commands — `purge_personal_data` (retention)
and `reseal_identities` (key rotation) — must reach every one of them, or an old key or an
expired phone number lingers in the one store nobody remembered. So each app declares its store
here from `AppConfig.ready()`, like duties and measures, and the commands walk the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet


@dataclass(frozen=True)
class PersonalDataStore:
    """One kind of sealed personal data.

    `due(before)` counts the records whose personal data the retention purge would remove
    (their matter ended before `before`); `purge(actor=, before=)` removes it, audited, and
    returns how many records it changed; `reseal(actor=, batch_size=)` re-encrypts everything
    sealed with the newest key and returns counts by Chinese noun (e.g. {"份举报人身份": 3}).
    """

    key: str
    label: str
    due: Callable[[dt.datetime], int]
    purge: Callable[..., int]
    reseal: Callable[..., dict[str, int]]


_STORES: dict[str, PersonalDataStore] = {}


def register_personal_data(store: PersonalDataStore) -> None:
    _STORES[store.key] = store


def personal_data_stores() -> list[PersonalDataStore]:
    return list(_STORES.values())


def purge_all(*, actor: Any, before: dt.datetime) -> list[tuple[PersonalDataStore, int]]:
    """Run every store's retention purge; (store, records changed) in registration order."""
    return [(store, store.purge(actor=actor, before=before)) for store in personal_data_stores()]


def reseal_all(*, actor: Any, batch_size: int) -> dict[str, int]:
    """Re-encrypt every store with the newest key; counts by Chinese noun, summed."""
    from zuofeng.audit.chain import record

    counts: dict[str, int] = {}
    for store in personal_data_stores():
        for noun, count in store.reseal(actor=actor, batch_size=batch_size).items():
            counts[noun] = counts.get(noun, 0) + count
    with transaction.atomic():
        # One event for the whole rotation, with the counts only.
        record(
            actor=actor,
            action="personal_data.reseal",
            object_type="personal_data",
            after=counts,
            reason="用最新的身份密钥重新加密所有个人信息",
        )
    return counts


def reseal_rows(queryset: QuerySet[Any], field: str, *, batch_size: int) -> int:
    """Re-encrypt one sealed text column with the newest key, in batches, each locked and
    committed on its own (a rotation of a large table never holds one long transaction)."""
    from complaints.identity import reseal

    model = queryset.model
    done = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                queryset.select_for_update()
                .filter(pk__gt=last)
                .exclude(**{field: ""})
                .order_by("pk")
                .only("pk", field)[:batch_size]
            )
            if not batch:
                return done
            for row in batch:
                setattr(row, field, reseal(getattr(row, field)))
            model._default_manager.bulk_update(batch, [field])
            done += len(batch)
            last = batch[-1].pk


def empty_sealed(
    rows: QuerySet[Any],
    field: str,
    *,
    owner: str,
    actor: Any,
    action: str,
    reason: str,
    batch_size: int = 500,
) -> int:
    """The retention purge of one store: empty the sealed column `field` of `rows`, in batches
    each committed on its own, and audit one event per owner record (`owner` is the rows'
    foreign key to it: the problem, the visit) without any personal data. Returns how many
    owner records were anonymised; a second run finds nothing."""
    from zuofeng.audit.chain import PendingEvent, chain_for, record_many

    model = rows.model
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                rows.select_for_update(of=("self",))
                .exclude(**{field: ""})
                .select_related(owner)
                .order_by(f"{owner}_id", "pk")[:batch_size]
            )
            if not batch:
                return total
            model._default_manager.filter(pk__in=[row.pk for row in batch]).update(**{field: ""})
            owners = {getattr(row, f"{owner}_id"): getattr(row, owner) for row in batch}
            record_many(
                actor=actor,
                events=[
                    PendingEvent(
                        action=action,
                        object_type=record._meta.label_lower,
                        object_id=str(record.pk),
                        object_label=str(record),
                        after={"personal_data_anonymised": True},
                        reason=reason,
                        chain=chain_for(record),
                    )
                    for record in owners.values()
                ],
            )
            total += len(owners)
