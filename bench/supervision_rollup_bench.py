"""Supervision roll-up benchmark: a 10,000-node task tree, one leaf change and a full recompute.

    .venv/bin/python bench/supervision_rollup_bench.py [--engine sqlite|postgres|both]
                                                       [--nodes 10000] [--updates 50]

For each engine, in a throw-away test database (SQLite file / PostgreSQL `test_…` database
created and dropped by Django's test machinery):

1. Builds one directive with a tree of 10 roots, 9 children each, then 10 and 10 (10,000 tasks,
   four levels; 9,000 quantitative leaves with random amounts), with bulk inserts.
2. Full recompute (`supervision.rollup.recompute_directive`): every stored progress zeroed
   first, so every row is written (the worst case); median of 3 runs. Also the same call when
   nothing changed (reads only).
3. One leaf change, the path a report's acceptance takes: the leaf's amount saved, its progress
   and its ancestors' recomputed (`refresh_leaf`), in one transaction; median and p95 over
   `--updates` random leaves.
4. Baseline, in the same run: a naive recursive recompute (one SELECT of children and one
   UPDATE per node), the way a roll-up without stored paths is usually written.
5. Prints the times, the targets (leaf < 50 ms, full < 1 s) and ratios against the baseline;
   checks that the incremental results equal a full recompute.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zf_sv_bench")
FANOUT = (10, 9, 10, 10)


def setup(engine: str) -> Any:
    if engine == "postgres":
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zuofeng.settings_test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if engine == "sqlite":
        # A file, not memory: the shape a deployment has.
        connection.settings_dict["TEST"]["NAME"] = f"/tmp/zf_sv_bench_{os.getpid()}.sqlite3"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    return old_name


def build_tree(rng: random.Random) -> tuple[int, list[int]]:
    import datetime as dt

    from django.utils import timezone

    from org import actions as org_actions
    from org.models import Unit
    from supervision.models import Directive, Task

    unit = org_actions.create_unit(
        actor=None, code="BEN", name="基准测试单位", kind=Unit.Kind.DEPARTMENT
    )
    now = timezone.now()
    directive = Directive.objects.create(
        title="基准",
        source="基准",
        issued_on=dt.date(2026, 1, 5),
        leader="基准",
        summary="基准",
        created_at=now,
        status=Directive.Status.ISSUED,
        issued_at=now,
    )
    parents: list[Task | None] = [None]
    leaves: list[int] = []
    for level, fanout in enumerate(FANOUT):
        rows = []
        for parent in parents:
            for position in range(fanout):
                leaf = level == len(FANOUT) - 1
                rows.append(
                    Task(
                        directive=directive,
                        parent=parent,
                        path=(parent.path + f"{parent.pk}/") if parent else "",
                        depth=level,
                        title=f"L{level}-{position}",
                        unit=unit,
                        deadline=dt.date(2026, 12, 31),
                        weight=rng.randint(1, 100),
                        position=position,
                        kind=Task.Kind.QUANTITATIVE,
                        target=100,
                        reported_amount=rng.randint(0, 100) if leaf else 0,
                        verified_amount=rng.randint(0, 100) if leaf else 0,
                        created_at=now,
                    )
                )
        Task.objects.bulk_create(rows, batch_size=2000)
        if rows[0].pk is None:
            rows = list(Task.objects.filter(directive=directive, depth=level).order_by("id"))
        parents = rows  # type: ignore[assignment]
    leaves = [t.pk for t in parents if t is not None]
    return directive.pk, leaves


def naive_recompute(directive_id: int) -> None:
    """The baseline: recursion with one SELECT of children and one UPDATE per node."""
    from supervision import rollup
    from supervision.models import Task

    def visit(task: Any) -> tuple[float, float]:
        kids = list(Task.objects.filter(parent_id=task.pk))
        if kids:
            values = [(kid.weight, visit(kid)) for kid in kids]
            reported = rollup.weighted((w, v[0]) for w, v in values)
            verified = rollup.weighted((w, v[1]) for w, v in values)
        else:
            reported, verified = rollup.leaf_percents(task)
        Task.objects.filter(pk=task.pk).update(
            reported_progress=reported, verified_progress=verified
        )
        return reported, verified

    for root in Task.objects.filter(directive_id=directive_id, parent__isnull=True):
        visit(root)


def run(engine: str, updates: int) -> dict[str, float]:
    from django.db import connection, transaction

    from supervision import rollup
    from supervision.models import Task

    rng = random.Random(20261203)
    started = time.perf_counter()
    directive_id, leaves = build_tree(rng)
    nodes = Task.objects.filter(directive_id=directive_id).count()
    print(
        f"[{engine}] tree: {nodes} tasks, {len(leaves)} leaves,"
        f" built in {time.perf_counter() - started:.1f} s"
    )
    if engine == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE supervision_task")

    def zero() -> None:
        Task.objects.filter(directive_id=directive_id).update(
            reported_progress=0, verified_progress=0
        )

    full = []
    for _ in range(3):
        zero()
        t0 = time.perf_counter()
        with transaction.atomic():
            written = rollup.recompute_directive(directive_id)
        full.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    with transaction.atomic():
        unchanged = rollup.recompute_directive(directive_id)
    full_nochange = time.perf_counter() - t0
    assert unchanged == 0

    leaf_times = []
    for pk in rng.sample(leaves, updates):
        t0 = time.perf_counter()
        with transaction.atomic():
            leaf = Task.objects.select_for_update().get(pk=pk)
            leaf.verified_amount = rng.randint(0, 100)
            leaf.save(update_fields=["verified_amount"])
            rollup.refresh_leaf(leaf)
        leaf_times.append(time.perf_counter() - t0)
    # The incremental path left exactly what a full recompute computes.
    with transaction.atomic():
        assert rollup.recompute_directive(directive_id) == 0, "incremental differs from full"

    zero()
    t0 = time.perf_counter()
    with transaction.atomic():
        naive_recompute(directive_id)
    naive = time.perf_counter() - t0
    with transaction.atomic():
        assert rollup.recompute_directive(directive_id) == 0, "baseline differs from full"

    leaf_times.sort()
    result = {
        "nodes": nodes,
        "written": written,
        "full_median": statistics.median(full),
        "full_nochange": full_nochange,
        "leaf_median": statistics.median(leaf_times),
        "leaf_p95": leaf_times[int(0.95 * (len(leaf_times) - 1))],
        "naive": naive,
    }
    print(
        f"[{engine}] full recompute ({written} rows written):"
        f" median {result['full_median'] * 1000:.0f} ms"
        f" (target < 1000 ms: {'PASS' if result['full_median'] < 1 else 'FAIL'});"
        f" nothing to write: {full_nochange * 1000:.0f} ms"
    )
    print(
        f"[{engine}] one leaf change + ancestors: median {result['leaf_median'] * 1000:.1f} ms,"
        f" p95 {result['leaf_p95'] * 1000:.1f} ms over {updates}"
        f" (target < 50 ms: {'PASS' if result['leaf_p95'] < 0.05 else 'FAIL'})"
    )
    print(
        f"[{engine}] baseline naive recursive recompute: {naive * 1000:.0f} ms;"
        f" full recompute is {naive / result['full_median']:.1f}x faster,"
        f" one leaf change {naive / result['leaf_median']:.0f}x faster"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--updates", type=int, default=50)
    args = parser.parse_args()
    if args.engine == "both":
        # Each engine in its own process: Django's settings are fixed once configured.
        for engine in ("sqlite", "postgres"):
            subprocess.run(
                [sys.executable, __file__, "--engine", engine, "--updates", str(args.updates)],
                check=True,
            )
        return
    old_name = setup(args.engine)
    from django.db import connection

    try:
        run(args.engine, args.updates)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
