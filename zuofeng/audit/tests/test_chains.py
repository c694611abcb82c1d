"""One chain per unit: which chain an event goes to, and heads the database keeps moving forward."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from conftest import District
from org import actions
from zuofeng.audit.chain import PendingEvent, chain_for, record, record_many, verify_chain
from zuofeng.audit.models import AuditChainHead, AuditEvent
from zuofeng.audit.tests.helpers import make_legacy_events

pytestmark = pytest.mark.django_db


def test_events_about_a_units_records_go_to_that_units_chain(district: District) -> None:
    actions.archive_unit(actor=district.root, unit=district.market, reason="合并")
    event = AuditEvent.objects.for_object(district.market).last()
    assert event.chain == f"unit:{district.market.pk}"
    staff = district.alice.staff
    assert chain_for(staff) == f"unit:{staff.unit_id}"
    complaint = SimpleNamespace(
        _meta=SimpleNamespace(label_lower="complaints.complaint"), handling_unit_id=7, unit_id=3
    )
    assert chain_for(complaint) == "unit:7"  # who must answer, not who is accused
    assert chain_for(None) == "system"


def test_an_explicit_unit_or_chain_overrides_the_derived_one(district: District) -> None:
    record(actor=None, action="t", object_type="t", object_id="1", unit=district.hr)
    record(actor=None, action="t", object_type="t", object_id="2", unit=district.town.pk)
    record(actor=None, action="t", object_type="t", object_id="3", obj=district.hr, chain="x")
    chains = list(AuditEvent.objects.order_by("id").values_list("chain", flat=True))
    assert chains[-3:] == [f"unit:{district.hr.pk}", f"unit:{district.town.pk}", "x"]


def test_record_many_writes_each_event_to_its_chain_in_order() -> None:
    record_many(
        actor=None,
        events=[
            PendingEvent(action="t", object_type="t", object_id="a", chain="unit:2"),
            PendingEvent(action="t", object_type="t", object_id="b"),
            PendingEvent(action="t", object_type="t", object_id="c", chain="unit:2"),
        ],
        unit=5,
    )
    rows = AuditEvent.objects.order_by("chain", "seq").values_list("chain", "seq", "object_id")
    assert list(rows) == [("unit:2", 1, "a"), ("unit:2", 2, "c"), ("unit:5", 1, "b")]
    heads = AuditChainHead.objects.order_by("chain").values_list("chain", "seq")
    assert list(heads) == [("unit:2", 2), ("unit:5", 1)]
    assert verify_chain() is None


def test_two_events_cannot_take_the_same_place_in_a_chain() -> None:
    record(actor=None, action="t", object_type="t", object_id="1", chain="c")
    event = AuditEvent.objects.get(chain="c")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (created_at, actor_label, action, object_type, "
            "object_id, object_label, before, after, reason, chain, seq, key_id, prev_hash, "
            "hash) SELECT created_at, actor_label, action, object_type, object_id, "
            "object_label, before, after, reason, chain, seq, key_id, prev_hash, 'other' "
            "FROM audit_auditevent WHERE id = %s",
            [event.id],
        )


def maintenance_off(settings: Any, cursor: Any) -> None:
    settings.AUDIT_MAINTENANCE = False  # as in production (SQLite's switch)
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL zuofeng.audit_maintenance = 'off'")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditchainhead SET seq = seq - 1 WHERE chain = 'c'",
        "UPDATE audit_auditchainhead SET last_hash = 'forged' WHERE chain = 'c'",
        # Forward, but to a position no event holds.
        "UPDATE audit_auditchainhead SET seq = seq + 5 WHERE chain = 'c'",
        "DELETE FROM audit_auditchainhead WHERE chain = 'c'",
        "INSERT INTO audit_auditchainhead (chain, seq, last_hash) VALUES ('d', 3, 'forged')",
    ],
)
def test_the_database_keeps_chain_heads_moving_forward(settings: Any, statement: str) -> None:
    record(actor=None, action="t", object_type="t", object_id="1", chain="c")
    record(actor=None, action="t", object_type="t", object_id="2", chain="c")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        maintenance_off(settings, cursor)
        cursor.execute(statement)
    assert AuditChainHead.objects.get(chain="c").seq == 2
    # The application's own writes still pass the same triggers.
    with transaction.atomic(), connection.cursor() as cursor:
        maintenance_off(settings, cursor)
        record(actor=None, action="t", object_type="t", object_id="3", chain="c")
        record(actor=None, action="t", object_type="t", object_id="4", chain="new")
    assert AuditChainHead.objects.get(chain="c").seq == 3
    assert verify_chain() is None


def test_legacy_events_are_kept_as_they_were_and_sealed_by_the_migration() -> None:
    """Migration 0004 numbers pre-HMAC events into the system chain without recomputing
    them, and seals them with one keyed event; they verify with plain SHA-256."""
    make_legacy_events(3, chain="old")
    migration = importlib.import_module("zuofeng.audit.migrations.0004_legacy_events")
    migration.seal_legacy_events(apps, SimpleNamespace(connection=connection))
    rows = AuditEvent.objects.order_by("seq").values_list("chain", "seq", "key_id", "action")
    assert [(c, s, bool(k), a) for c, s, k, a in rows] == [
        ("system", 1, False, "old"),
        ("system", 2, False, "old"),
        ("system", 3, False, "old"),
        ("system", 4, True, "audit.seal_legacy"),
    ]
    assert verify_chain() is None
    record(actor=None, action="new", object_type="t", object_id="9")
    assert verify_chain() is None
    # A legacy event is still checked, with the algorithm it was written with.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = 'x' WHERE seq = 2")
    broken = verify_chain()
    assert broken is not None and "记录被篡改" in broken.problem


def test_legacy_events_without_the_migrations_seal_are_refused() -> None:
    # Plain SHA-256 rows slipped in at the start of the system chain, then the application
    # appends keyed events after them: the links hold, the missing seal gives them away.
    legacy = make_legacy_events(2, chain="system")
    AuditChainHead.objects.create(chain="system", seq=2, last_hash=legacy[-1].hash)
    record(actor=None, action="new", object_type="t", object_id="9")
    broken = verify_chain()
    assert broken is not None and "缺少封存记录" in broken.problem
