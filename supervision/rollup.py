"""Progress that can be explained: leaves from their kind, parents Σ weight × progress / Σ weight.

Rolled-up progress is stored on every row (reported and verified), so pages read it without
recursion. After one leaf changes, only its ancestors are recomputed (`refresh_ancestors`: one
read of the ancestors' children through the materialised path, one UPDATE per ancestor); a
whole directive is recomputed in one pass over its rows (`recompute_directive`). Both use the
same pure functions below, which the property tests check against the definition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, Sum

from supervision.conf import conf
from supervision.models import Milestone, Task


def clamp(value: float) -> float:
    """Percent kept inside 0–100 (float sums may land a hair outside)."""
    return 0.0 if value < 0 else 100.0 if value > 100 else float(value)


def weighted(children: Iterable[tuple[int, float]]) -> float:
    """Σ weight × progress / Σ weight; 0 for no children or no weight."""
    total_weight = 0
    total = 0.0
    for weight, progress in children:
        total_weight += weight
        total += weight * progress
    return clamp(total / total_weight) if total_weight else 0.0


def quantity_percent(amount: Decimal | float, target: Decimal | float | None) -> float:
    """Amounts are summed, then divided once (never an average of percentages)."""
    if not target or target <= 0:
        return 0.0
    return clamp(100.0 * float(amount) / float(target))


def state_percent(state: str) -> float:
    if state == Task.State.DONE:
        return 100.0
    if state == Task.State.UNDERWAY:
        return clamp(float(conf("UNDERWAY_PERCENT")))
    return 0.0


def milestone_percents(task_ids: list[int]) -> dict[int, tuple[float, float]]:
    """(reported, verified) percent of milestone leaves: weights of milestones reported done or
    verified, over all milestone weights of the task."""
    rows = (
        Milestone.objects.filter(task_id__in=task_ids)
        .values("task_id")
        .annotate(
            total=Sum("weight"),
            verified=Sum("weight", filter=Q(verified_at__isnull=False)),
            reported=Sum(
                "weight", filter=Q(verified_at__isnull=False) | Q(reported_done_at__isnull=False)
            ),
        )
    )
    out: dict[int, tuple[float, float]] = {}
    for row in rows:
        total = row["total"] or 0
        if total:
            out[row["task_id"]] = (
                clamp(100.0 * (row["reported"] or 0) / total),
                clamp(100.0 * (row["verified"] or 0) / total),
            )
    return out


def leaf_percents(
    task: Any, milestones: dict[int, tuple[float, float]] | None = None
) -> tuple[float, float]:
    """(reported, verified) progress of a leaf from its kind."""
    if task.kind == Task.Kind.QUANTITATIVE:
        return (
            quantity_percent(task.reported_amount, task.target),
            quantity_percent(task.verified_amount, task.target),
        )
    if task.kind == Task.Kind.MILESTONES:
        if milestones is None:
            milestones = milestone_percents([task.pk])
        return milestones.get(task.pk, (0.0, 0.0))
    return state_percent(task.reported_state), state_percent(task.verified_state)


def _write(rows: list[tuple[float, float, int]]) -> None:
    """UPDATE the progress of many rows by id: on PostgreSQL one UPDATE … FROM unnest(arrays)
    (a round trip per row would cost more than the computation); on SQLite, which has no
    round trips, executemany."""
    if not rows:
        return
    table = connection.ops.quote_name(Task._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"UPDATE {table} SET reported_progress = %s, verified_progress = %s WHERE id = %s",
                rows,
            )
            return
        # Three array parameters, not three per row: binding thousands of placeholders
        # costs more than the UPDATE itself.
        ids = [row[2] for row in rows]
        cursor.execute(
            f"UPDATE {table} AS t SET reported_progress = v.r, verified_progress = v.v "
            "FROM unnest(%s::bigint[], %s::float8[], %s::float8[]) AS v(id, r, v) "
            "WHERE t.id = v.id",
            [ids, [row[0] for row in rows], [row[1] for row in rows]],
        )


def refresh_leaf(task: Task) -> Task:
    """Recompute one leaf from its kind, store it, and roll it up its ancestors."""
    reported, verified = leaf_percents(task)
    task.reported_progress, task.verified_progress = reported, verified
    _write([(reported, verified, task.pk)])
    refresh_ancestors(task)
    return task


def refresh_ancestors(task: Task) -> int:
    """Recompute the ancestors of `task` (bottom-up) from their children's stored progress.
    Returns the number of rows written."""
    ancestors = task.ancestor_ids
    if not ancestors:
        return 0
    children: dict[int, list[list[Any]]] = defaultdict(list)
    for row in Task.objects.filter(parent_id__in=ancestors).values_list(
        "id", "parent_id", "weight", "reported_progress", "verified_progress"
    ):
        children[row[1]].append(list(row))
    # The changed task's own values as the caller holds them (it may not be saved yet).
    computed: dict[int, tuple[float, float]] = {
        task.pk: (task.reported_progress, task.verified_progress)
    }
    writes: list[tuple[float, float, int]] = []
    for ancestor in reversed(ancestors):
        kids = children.get(ancestor, [])
        for kid in kids:
            if kid[0] in computed:
                kid[3], kid[4] = computed[kid[0]]
        reported = weighted((kid[2], kid[3]) for kid in kids)
        verified = weighted((kid[2], kid[4]) for kid in kids)
        computed[ancestor] = (reported, verified)
        writes.append((reported, verified, ancestor))
    _write(writes)
    return len(writes)


def compute_tree(
    rows: list[tuple[int, int | None, int]], leaf_values: dict[int, tuple[float, float]]
) -> dict[int, tuple[float, float]]:
    """Progress of every node of a tree given (id, parent_id, weight) rows and the leaves'
    (reported, verified): parents from their children, deepest first. Pure (no database)."""
    children: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    for node_id, parent_id, weight in rows:
        children[parent_id].append((node_id, weight))
    result: dict[int, tuple[float, float]] = {}
    # Iterative post-order: a deep tree must not hit Python's recursion limit.
    stack: list[tuple[int, bool]] = [(node_id, False) for node_id, _ in children[None]]
    while stack:
        node_id, expanded = stack.pop()
        kids = children.get(node_id)
        if not kids:
            result[node_id] = leaf_values.get(node_id, (0.0, 0.0))
            continue
        if not expanded:
            stack.append((node_id, True))
            stack.extend((kid, False) for kid, _ in kids)
            continue
        result[node_id] = (
            weighted((w, result[kid][0]) for kid, w in kids),
            weighted((w, result[kid][1]) for kid, w in kids),
        )
    return result


def recompute_directive(directive_id: int) -> int:
    """Recompute every node of one directive's tree, leaves from their kinds; write the rows
    whose stored progress differs. Returns the number of rows written."""
    # A plain cursor with the amounts as floats: building 30,000 Decimals and model-less
    # rows through the ORM cost more than the whole computation.
    table = connection.ops.quote_name(Task._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, parent_id, weight, kind, CAST(target AS DOUBLE PRECISION),"
            " CAST(reported_amount AS DOUBLE PRECISION), CAST(verified_amount AS DOUBLE PRECISION),"
            " reported_state, verified_state, reported_progress, verified_progress"
            f" FROM {table} WHERE directive_id = %s",
            [directive_id],
        )
        rows = cursor.fetchall()
    parents = {row[1] for row in rows if row[1] is not None}
    milestone_leaves = [
        row[0] for row in rows if row[0] not in parents and row[3] == Task.Kind.MILESTONES
    ]
    milestones = milestone_percents(milestone_leaves) if milestone_leaves else {}
    leaf_values: dict[int, tuple[float, float]] = {}
    for row in rows:
        if row[0] in parents:
            continue
        kind = row[3]
        if kind == Task.Kind.QUANTITATIVE:
            leaf_values[row[0]] = (
                quantity_percent(row[5], row[4]),
                quantity_percent(row[6], row[4]),
            )
        elif kind == Task.Kind.MILESTONES:
            leaf_values[row[0]] = milestones.get(row[0], (0.0, 0.0))
        else:
            leaf_values[row[0]] = (state_percent(row[7]), state_percent(row[8]))
    result = compute_tree([(row[0], row[1], row[2]) for row in rows], leaf_values)
    stored = {row[0]: (row[9], row[10]) for row in rows}
    writes = [
        (values[0], values[1], node_id)
        for node_id, values in result.items()
        if abs(stored[node_id][0] - values[0]) > 1e-9 or abs(stored[node_id][1] - values[1]) > 1e-9
    ]
    _write(writes)
    return len(writes)


def formula(task: Task) -> list[dict[str, Any]]:
    """The rows of a parent's formula panel: each child's weight, progress and product."""
    rows = []
    for child in task.children.all():
        rows.append(
            {
                "task": child,
                "weight": child.weight,
                "reported": child.reported_progress,
                "verified": child.verified_progress,
                "product": child.weight * child.verified_progress,
            }
        )
    return rows
