"""The audit chain: written with the change, append-only, and verifiable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from org import actions
from org.models import Unit
from zuofeng.audit.chain import PendingEvent, record, record_many, verify_chain
from zuofeng.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from zuofeng.audit.tests.helpers import make_events

pytestmark = pytest.mark.django_db


def test_each_event_links_to_the_previous_one_in_its_chain() -> None:
    events = make_events(3)
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert [e.seq for e in events] == [1, 2, 3]
    head = AuditChainHead.objects.get(chain="system")
    assert (head.seq, head.last_hash) == (3, events[2].hash)
    assert verify_chain() is None


def test_event_records_actor_action_object_and_summary(district: object) -> None:
    unit = district.market
    actions.archive_unit(actor=district.root, unit=unit, reason="机构改革合并")
    event = AuditEvent.objects.for_object(unit).last()
    assert event.action == "org.archive_unit"
    assert event.actor == district.root
    assert event.after == {"archived": True}
    assert event.reason == "机构改革合并"


def test_event_rolls_back_with_the_change() -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.create_unit(actor=None, code="X", name="回滚局", kind=Unit.Kind.DEPARTMENT)
        raise RuntimeError("change fails after its event was written")
    assert AuditEvent.objects.count() == before
    assert not Unit.objects.filter(code="X").exists()


def test_recording_outside_a_transaction_is_a_programming_error() -> None:
    # pytest-django wraps each test in a transaction; leave it to see the guard.
    with pytest.raises(RuntimeError):
        connection.in_atomic_block = False
        try:
            record(actor=None, action="x", object_type="t", object_id="1")
        finally:
            connection.in_atomic_block = True


def test_django_refuses_to_update_or_delete_events() -> None:
    event = make_events(1)[0]
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")


def test_the_database_refuses_raw_updates_and_deletes(settings: object) -> None:
    event = make_events(1)[0]
    settings.AUDIT_MAINTENANCE = False  # as in production
    for sql in (
        "UPDATE audit_auditevent SET reason = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL zuofeng.audit_maintenance = 'off'")
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def _tamper(sql: str, params: list[object]) -> None:
    """Simulate someone with database access rewriting history behind the triggers (the
    test settings leave the maintenance switch on, as an attacker with the keys could)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_audit_reports_the_first_edited_event() -> None:
    events = make_events(4)
    _tamper("UPDATE audit_auditevent SET reason = 'forged' WHERE id = %s", [events[1].pk])
    broken = verify_chain()
    assert broken is not None and broken.event_id == events[1].pk
    with pytest.raises(CommandError, match=f"#{events[1].pk}"):
        call_command("verify_audit")


def test_verify_audit_reports_a_deleted_event() -> None:
    events = make_events(4)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    broken = verify_chain()
    assert broken is not None and broken.event_id == events[3].pk
    assert "记录被删除" in broken.problem


def test_verify_audit_passes_on_an_intact_chain() -> None:
    make_events(2)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "全部校验通过" in out.getvalue()


def test_record_many_continues_the_same_chain() -> None:
    make_events(2)
    with transaction.atomic():
        record_many(
            actor=None,
            events=[
                # Non-ASCII values in the JSON columns: what goes in through the bulk insert
                # must hash the same when read back.
                PendingEvent(
                    action="t", object_type="t", object_id=str(n), after={"名称": f"单位{n}"}
                )
                for n in range(5)
            ],
        )
    make_events(1)
    assert AuditEvent.objects.count() == 8
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 9)
    )
    assert verify_chain() is None
    assert AuditEvent.objects.get(object_type="t", object_id="3").after == {"名称": "单位3"}
