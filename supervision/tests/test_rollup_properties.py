"""Property tests of the roll-up: for many random trees and random updates, every stored
progress stays within 0–100 and every parent equals Σ weight × progress / Σ weight of its
children (a seeded generator: hypothesis is not installed)."""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from supervision import rollup
from supervision.models import Task
from supervision.tests.factories import directive, random_tree


def check_invariants(directive_id: int) -> int:
    rows = list(
        Task.objects.filter(directive_id=directive_id).values_list(
            "id", "parent_id", "weight", "reported_progress", "verified_progress"
        )
    )
    children: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for _pk, parent_id, weight, reported, verified in rows:
        assert 0.0 <= reported <= 100.0
        assert 0.0 <= verified <= 100.0
        if parent_id is not None:
            children[parent_id].append((weight, reported, verified))
    checked = 0
    for pk, _, _, reported, verified in rows:
        kids = children.get(pk)
        if not kids:
            continue
        total = sum(w for w, _, _ in kids)
        assert reported == pytest.approx(sum(w * r for w, r, _ in kids) / total, abs=1e-6)
        assert verified == pytest.approx(sum(w * v for w, _, v in kids) / total, abs=1e-6)
        checked += 1
    return checked


def test_pure_tree_matches_definition_on_random_trees() -> None:
    rng = random.Random(20261203)
    for _ in range(300):
        n = rng.randint(1, 60)
        rows: list[tuple[int, int | None, int]] = []
        for node in range(1, n + 1):
            parent = rng.randint(1, node - 1) if node > 1 and rng.random() < 0.85 else None
            rows.append((node, parent, rng.randint(1, 100)))
        parents = {p for _, p, _ in rows if p}
        leaves = {
            node: (rng.uniform(0, 100), rng.uniform(0, 100))
            for node, _, _ in rows
            if node not in parents
        }
        result = rollup.compute_tree(rows, leaves)
        for node, _, _ in rows:
            assert 0.0 <= result[node][0] <= 100.0 and 0.0 <= result[node][1] <= 100.0
            kids = [(w, result[c]) for c, p, w in rows if p == node]
            if kids:
                total = sum(w for w, _ in kids)
                assert result[node][1] == pytest.approx(sum(w * v[1] for w, v in kids) / total)


def test_extreme_values_never_leave_0_to_100() -> None:
    assert rollup.weighted([(100, 100.0)] * 7) == 100.0
    assert rollup.weighted([(1, 100.0), (99, 100.0)]) <= 100.0
    assert rollup.quantity_percent(Decimal("250"), Decimal("100")) == 100.0
    assert rollup.quantity_percent(Decimal("-5"), Decimal("100")) == 0.0
    assert rollup.weighted([]) == 0.0


@pytest.mark.django_db
def test_random_trees_after_random_leaf_updates_keep_the_invariants(district: Any) -> None:
    rng = random.Random(7)
    for round_ in range(6):
        d = directive(district.olivia, title=f"随机树{round_}")
        tasks = random_tree(d.pk, district.market.pk, rng.randint(20, 200), rng)
        rollup.recompute_directive(d.pk)
        assert check_invariants(d.pk) > 0
        parents = set(
            Task.objects.filter(directive=d, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
        leaves = [t for t in tasks if t.pk not in parents]
        for _ in range(40):
            leaf = Task.objects.get(pk=rng.choice(leaves).pk)
            leaf.verified_amount = Decimal(rng.randint(-10, 150))
            leaf.reported_amount = Decimal(rng.randint(0, 300))
            leaf.save(update_fields=["verified_amount", "reported_amount"])
            rollup.refresh_leaf(leaf)
        check_invariants(d.pk)
        # The incremental path stored exactly what a full recompute gives.
        assert rollup.recompute_directive(d.pk) == 0


@pytest.mark.django_db
def test_quantities_are_summed_not_percentages_averaged(district: Any) -> None:
    """A leaf's percent comes from its summed amounts over its target."""
    d = directive(district.olivia)
    from supervision.tests.factories import task

    leaf = task(
        d, district.olivia, district.market, kind=Task.Kind.QUANTITATIVE, target=300, weight=100
    )
    leaf.verified_amount = Decimal(40) + Decimal(50)
    leaf.save(update_fields=["verified_amount"])
    rollup.refresh_leaf(leaf)
    leaf.refresh_from_db()
    assert leaf.verified_progress == pytest.approx(30.0)
