"""Builders for supervision tests: a directive with a tree, built through the actions."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from supervision import actions
from supervision.models import Directive, Task

# A one-page blank PDF that a real PDF parser opens (uploads are parsed, not only sniffed).
BLANK_PDF = (
    b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\n/Producer (pypdf)\n>>\nendobj\n2 0 obj\n<<\n"
    b"/Type /Pages\n/Count 1\n/Kids [ 4 0 R ]\n>>\nendobj\n3 0 obj\n<<\n/Type /Catalog\n"
    b"/Pages 2 0 R\n>>\nendobj\n4 0 obj\n<<\n/Type /Page\n/Resources <<\n>>\n"
    b"/MediaBox [ 0.0 0.0 595 842 ]\n/Parent 2 0 R\n>>\nendobj\nxref\n0 5\n"
    b"0000000000 65535 f \n0000000015 00000 n \n0000000054 00000 n \n0000000113 00000 n \n"
    b"0000000162 00000 n \ntrailer\n<<\n/Size 5\n/Root 3 0 R\n/Info 1 0 R\n>>\nstartxref\n256\n"
    b"%%EOF\n"
)


def directive(office_user: Any, **overrides: Any) -> Directive:
    fields = {
        "title": "关于推进老旧小区改造的决定",
        "source": "区政府第12次常务会议",
        "issued_on": dt.date(2026, 11, 2),
        "leader": "王副区长",
        "summary": "年底前完成全区老旧小区改造，群众满意。",
        "cadence": Directive.Cadence.MONTHLY,
        "report_fields": ["本月完成户数"],
    }
    fields.update(overrides)
    return actions.create_directive(actor=office_user, **fields)


def task(
    d: Directive, actor: Any, unit: Any, *, parent: Task | None = None, **overrides: Any
) -> Task:
    fields = {
        "title": "子任务",
        "unit": unit,
        "deadline": dt.date(2026, 12, 31),
        "weight": 50,
        "kind": Task.Kind.STATUS,
    }
    fields.update(overrides)
    return actions.add_task(d, actor=actor, parent=parent, **fields)


def random_tree(
    directive_id: int, unit_id: int, nodes: int, rng: random.Random, max_children: int = 6
) -> list[Task]:
    """A random tree of `nodes` tasks written with bulk_create (ids assigned level by level),
    with random weights and random status leaves. Returns every task."""
    now = timezone.now()
    created: list[Task] = []
    frontier: list[Task | None] = [None]
    remaining = nodes
    while remaining > 0:
        level: list[Task] = []
        next_frontier: list[Task | None] = []
        for parent in frontier:
            if remaining <= 0:
                break
            count = min(
                remaining, rng.randint(1, max_children) if parent else rng.randint(2, max_children)
            )
            for position in range(count):
                level.append(
                    Task(
                        directive_id=directive_id,
                        parent=parent,
                        path=(parent.path + f"{parent.pk}/") if parent else "",
                        depth=(parent.depth + 1) if parent else 0,
                        title=f"任务{len(created) + len(level)}",
                        unit_id=unit_id,
                        deadline=dt.date(2026, 12, 31),
                        weight=rng.randint(1, 100),
                        position=position,
                        kind=Task.Kind.QUANTITATIVE,
                        target=100,
                        reported_amount=rng.randint(0, 100),
                        verified_amount=rng.randint(0, 100),
                        created_at=now,
                    )
                )
            remaining -= count
        Task.objects.bulk_create(level)
        if not level[0].pk:  # engines that do not return ids
            level = list(
                Task.objects.filter(directive_id=directive_id).order_by("-id")[: len(level)]
            )[::-1]
        created.extend(level)
        next_frontier = [t for t in level if rng.random() < 0.6] or level[:1]
        frontier = next_frontier
    return created
