"""The district's side of the contract: fill the upward tables from its own rollups and
published results, idempotently.

`refresh(now)` is a sweep step (and `manage.py federation refresh`). For each contract table
it computes the rows the district should publish — over the last `window_days()` days for the
daily tables, over everything with `full=True` — compares them with what the table holds and
writes only the difference: new and changed rows by their global key (an upsert), rows that
no longer exist deleted. A run with nothing new writes nothing but the contract row's
`refreshed_at` (the heartbeat the level above reads the data's age from), so replication
carries the day's changes, not the district's whole history.

It reads the rollups (after bringing them up to date), never the raw rows for what the
scorecard counts; complaints and ratings are counted by unit, day and category/level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from complaints.models import Complaint
from evaluations.models import Evaluation
from federation import conf, contract
from federation.models import (
    DirectiveIntake,
    FedComplaintDay,
    FedContract,
    FedRatingDay,
    FedRollup,
    FedScorecard,
    FedTaskProgress,
    FedUnit,
    FedUnitScore,
    global_key,
)
from org.models import Unit
from scorecard import rollups
from scorecard.models import DailyRollup, Scorecard, UnitScore
from zuofeng.periods import day_start
from zuofeng.workdays.calendar import LOCAL_TZ

Rows = list[dict[str, Any]]
BATCH = 5000


def _fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname != "id"]


# Each table's natural key, in the order `global_key` takes it (after the table's prefix).
NATURAL: dict[type[models.Model], tuple[str, tuple[str, ...]]] = {
    FedUnit: ("unit", ("district", "code")),
    FedRollup: ("rollup", ("district", "unit_code", "day", "measure")),
    FedScorecard: ("scorecard", ("district", "month", "version")),
    FedUnitScore: ("unitscore", ("district", "month", "version", "unit_code")),
    FedComplaintDay: ("complaints", ("district", "unit_code", "day", "category")),
    FedRatingDay: ("ratings", ("district", "unit_code", "day", "level")),
    FedTaskProgress: ("progress", ("district", "directive")),
}


def sync(model: type[models.Model], scope: Q, rows: list[dict[str, Any]]) -> int:
    """Make the rows of `model` matching `scope` equal `rows` (field dicts); returns the
    number of rows written or deleted. Rows are matched by natural key; only a new row's
    global key is computed (uuid5 of every row of a window cost as much as the rest)."""
    prefix, natural = NATURAL[model]
    names = _fields(model)
    held = {
        tuple(values[1 : len(natural) + 1]): (values[0], values[len(natural) + 1 :])
        for values in model.objects.filter(scope)
        .values_list("id", *natural, *names)
        .iterator(BATCH)
    }
    changed = []
    wanted = set()
    for fields in rows:
        key = tuple(fields[name] for name in natural)
        wanted.add(key)
        old = held.get(key)
        if old is None:
            changed.append(model(id=global_key(prefix, *key), **fields))
        elif old[1] != tuple(fields[name] for name in names):
            changed.append(model(id=old[0], **fields))
    gone = [old[0] for key, old in held.items() if key not in wanted]
    for start in range(0, len(changed), BATCH):
        model.objects.bulk_create(
            changed[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=names,
        )
    for start in range(0, len(gone), BATCH):
        model.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    return len(changed) + len(gone)


def _units(code: str) -> Rows:
    return [
        {
            "district": code,
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "sort_order": u.sort_order,
            "archived": u.archived,
        }
        for u in Unit.objects.order_by()
    ]


def _rollups(code: str, since: dt.date | None) -> Rows:
    queryset = DailyRollup.objects.order_by()
    if since is not None:
        queryset = queryset.filter(day__gte=since)
    return [
        {
            "district": code,
            "unit_code": unit,
            "day": day,
            "measure": measure,
            "value": value,
        }
        for unit, day, measure, value in queryset.values_list(
            "unit__code", "day", "measure", "value"
        ).iterator(BATCH)
    ]


def _scorecards(code: str) -> Rows:
    cards = Scorecard.objects.exclude(status=Scorecard.Status.DRAFT).select_related("standard")
    return [
        {
            "district": code,
            "month": c.month,
            "version": c.version,
            "status": c.status,
            "standard_name": c.standard.name,
            "standard_from": c.standard.effective_from,
            "published_at": c.published_at,
        }
        for c in cards
    ]


def _unit_scores(code: str) -> Rows:
    scores = UnitScore.objects.exclude(scorecard__status=Scorecard.Status.DRAFT).values_list(
        "scorecard__month", "scorecard__version", "unit__code", "group", "total", "rank",
        "group_size",
    )  # fmt: skip
    return [
        {
            "district": code,
            "month": month,
            "version": version,
            "unit_code": unit,
            "group": group,
            "total": total,
            "rank": rank,
            "group_size": size,
        }
        for month, version, unit, group, total, rank, size in scores
    ]


def _complaint_days(code: str, since: dt.date | None) -> Rows:
    queryset = Complaint.objects.order_by().filter(handling_unit__isnull=False)
    if since is not None:
        queryset = queryset.filter(received_at__gte=day_start(since))
    grouped = (
        queryset.annotate(
            local_day=TruncDate("received_at", tzinfo=LOCAL_TZ),
            cat=Coalesce("category_id", models.Value("triage")),
        )
        .values("handling_unit__code", "local_day", "cat")
        .annotate(received=Count("pk"), closed=Count("pk", filter=Q(status="closed")))
    )
    return [
        {
            "district": code,
            "unit_code": row["handling_unit__code"],
            "day": row["local_day"],
            "category": row["cat"],
            "received": row["received"],
            "closed": row["closed"],
        }
        for row in grouped
    ]


def _rating_days(code: str, since: dt.date | None) -> Rows:
    queryset = Evaluation.objects.order_by().filter(excluded=False)
    if since is not None:
        queryset = queryset.filter(created_at__gte=day_start(since))
    grouped = (
        queryset.annotate(local_day=TruncDate("created_at", tzinfo=LOCAL_TZ))
        .values("unit__code", "local_day", "level")
        .annotate(count=Count("pk"))
    )
    return [
        {
            "district": code,
            "unit_code": row["unit__code"],
            "day": row["local_day"],
            "level": row["level"],
            "count": row["count"],
        }
        for row in grouped
    ]


def _task_progress(code: str, now: dt.datetime) -> Rows:
    rows: Rows = []
    for intake in DirectiveIntake.objects.select_related("task"):
        task = intake.task
        rows.append(
            {
                "district": code,
                "directive": intake.source,
                "task_number": task.number,
                "status": task.status,
                "deadline": task.deadline,
                "reported_progress": task.reported_progress,
                "verified_progress": task.verified_progress,
                "card": task.card,
                "lagging": task.lagging,
                "closed_at": task.closed_at,
                "updated_at": now,
            }
        )
    return rows


def _keep_updated_at(rows: Rows) -> Rows:
    """A task's row changes only when its progress does: `updated_at` keeps the time of the
    last real change (else every sweep would rewrite every row)."""
    held = {
        (row["district"], row["directive"]): row
        for row in FedTaskProgress.objects.filter(district=conf.district_code()).values()
    }
    for fields in rows:
        old = held.get((fields["district"], fields["directive"]))
        if old and all(old[n] == v for n, v in fields.items() if n != "updated_at"):
            fields["updated_at"] = old["updated_at"]
    return rows


def refresh(now: dt.datetime | None = None, *, full: bool = False) -> dict[str, int]:
    """Bring this district's contract tables up to date. Returns rows written per table."""
    now = now or timezone.now()
    code = conf.district_code()
    rollups.refresh(now)
    since = None if full else timezone.localdate(now) - dt.timedelta(days=conf.window_days())
    mine = Q(district=code)
    window = mine if since is None else mine & Q(day__gte=since)
    written: dict[str, int] = {}
    plan: Iterable[tuple[type[models.Model], Q, Rows]] = (
        (FedUnit, mine, _units(code)),
        (FedRollup, window, _rollups(code, since)),
        (FedScorecard, mine, _scorecards(code)),
        (FedUnitScore, mine, _unit_scores(code)),
        (FedComplaintDay, window, _complaint_days(code, since)),
        (FedRatingDay, window, _rating_days(code, since)),
        (FedTaskProgress, mine, _keep_updated_at(_task_progress(code, now))),
    )
    with transaction.atomic():
        for model, scope, rows in plan:
            count = sync(model, scope, rows)
            if count:
                written[model._meta.db_table] = count
        FedContract.objects.update_or_create(
            id=global_key("contract", code),
            defaults={
                "district": code,
                "name": conf.district_name(),
                "version": contract.VERSION,
                "refreshed_at": now,
            },
        )
    return written


def sweep_refresh(now: dt.datetime) -> dict[str, int]:
    """The sweep step: only a district publishes (the level above holds others' rows), and
    only once an operator started it (`manage.py federation refresh --full` writes the
    contract row): a district that federates with nobody does no work for it."""
    if (
        conf.is_upper_level()
        or not FedContract.objects.filter(district=conf.district_code()).exists()
    ):
        return {}
    return {f"federation.{table}": count for table, count in refresh(now).items()}
