"""The one state-change path every app's actions take.

A state change of a record (a case accepted, a work order returned, a complaint answered, a
task closed) is always the same five steps in one transaction:

1. lock the record's row (`SELECT … FOR UPDATE` of its own row only: two people acting on
   the same record at once must not both succeed, and a lock over the joined matter or unit
   would serialise every action on every record of that matter);
2. check the states the step may start from, refusing with `Conflict` (the pages show its
   message, the API answers 409 with it);
3. run the change (the caller's code inside the `with` block);
4. write the audit event of exactly what changed (`record_change` of the named fields);
5. mark the rollup days the record counted for before and counts for after, under every
   source of its model (a case by the day received and by its deadline's day:
   `zuofeng.measures.attribution` before, `mark_changed` after), so the scorecard sees the
   change.

    with transition(case, actor=actor, action="cases.accept_case", fields=CASE_FIELDS,
                    allowed=[Case.Status.SUBMITTED], doing="受理") as change:
        case = change.obj
        ...
        case.save()

An exception inside the block rolls everything back, the audit event included. Creating a
record is not a transition: the creating action calls `record_created`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from zuofeng import measures
from zuofeng.audit.chain import record, record_change, snapshot


class Conflict(Exception):
    """The record is not in a state that allows this step (HTTP 409 in the API)."""


def lock(obj: models.Model, *, select_related: Iterable[str] = ()) -> Any:
    """The record re-read with its own row locked (inside the caller's transaction)."""
    manager = type(obj)._default_manager
    return manager.select_for_update(of=("self",)).select_related(*select_related).get(pk=obj.pk)


def require_status(obj: Any, allowed: Iterable[str], *, doing: str, noun: str = "") -> None:
    """Refuse a step the record's current status does not allow, in words a clerk can act on."""
    if obj.status in set(allowed):
        return
    noun = noun or str(obj._meta.verbose_name)
    label = getattr(obj, "number", "") or obj.pk
    raise Conflict(
        f"{noun} {label} 当前状态为“{obj.get_status_display()}”，不能{doing}。"
        "页面可能已过期，请刷新后查看最新状态。"
    )


@dataclass
class Change:
    """What the block changes: the locked record, and the reason the audit event gives
    (the block may set it once it knows, e.g. which materials were asked for)."""

    obj: Any
    reason: str = ""


@contextmanager
def transition(
    obj: models.Model,
    *,
    actor: Any,
    action: str,
    fields: list[str],
    allowed: Iterable[str] | None = None,
    doing: str = "",
    noun: str = "",
    reason: str = "",
    select_related: Iterable[str] = (),
    permit: Callable[[Any], None] | None = None,
) -> Iterator[Change]:
    """Lock, check, change, audit and mark, in one transaction (see the module docstring).

    `permit(locked)` checks who may act (raising PermissionDenied) before the status check, so
    another unit's clerk learns nothing about the record's state. `allowed=None` skips the
    status check (for steps any state allows)."""
    # savepoint=False: inside an action's own atomic block the step joins it (a failure rolls
    # the whole action back) instead of paying for a savepoint on every step.
    with transaction.atomic(savepoint=False):
        locked = lock(obj, select_related=select_related)
        if permit is not None:
            permit(locked)
        if allowed is not None:
            require_status(locked, allowed, doing=doing, noun=noun)
        before = snapshot(locked, fields)
        counted_before = measures.attribution(locked)
        change = Change(locked, reason)
        yield change
        record_change(
            actor=actor,
            action=action,
            obj=change.obj,
            fields=fields,
            before=before,
            reason=change.reason,
        )
        measures.mark_changed(change.obj, before=counted_before)


def record_created(
    obj: models.Model, *, actor: Any, action: str, fields: list[str], reason: str = ""
) -> None:
    """The audit event and rollup marks of a newly created record (inside its transaction)."""
    record(actor=actor, action=action, obj=obj, after=snapshot(obj, fields), reason=reason)
    measures.mark_changed(obj)
