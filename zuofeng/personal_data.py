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
    counts: dict[str, int] = {}
    for store in personal_data_stores():
        for noun, count in store.reseal(actor=actor, batch_size=batch_size).items():
            counts[noun] = counts.get(noun, 0) + count
    return counts
