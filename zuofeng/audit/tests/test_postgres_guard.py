"""PostgreSQL: the application's role cannot switch the append-only triggers off, and writers
of different units do not wait for each other (SQLite serialises every writer anyway)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection, connections, transaction

from tests.concurrency import at_once
from zuofeng.audit.chain import record, verify_chain
from zuofeng.audit.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("database roles and row locks of PostgreSQL")


def event(chain: str, n: int = 0) -> AuditEvent:
    with transaction.atomic():
        return record(actor=None, action="t", object_type="t", object_id=str(n), chain=chain)


@pytest.fixture
def app_role() -> Iterator[dict[str, Any]]:
    """A LOGIN role like production's application role: every DML privilege on the audit
    tables, not their owner, not a member of zuofeng_audit_maintainer."""
    settings = connection.settings_dict
    name = f"zf_audit_app_{settings['NAME']}"[:63]
    password = secrets.token_hex(12)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN NOSUPERUSER PASSWORD '{password}'")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE "
            f"ON audit_auditevent, audit_auditchainhead TO {name}"
        )
    try:
        yield {
            "host": settings["HOST"] or "127.0.0.1",
            "port": settings["PORT"] or 5432,
            "dbname": settings["NAME"],
            "user": name,
            "password": password,
        }
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {name}")
            cursor.execute(f"DROP ROLE {name}")


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE audit_auditevent SET reason = 'forged'", "append-only"),
        ("DELETE FROM audit_auditevent WHERE seq = 2", "append-only"),
        ("TRUNCATE audit_auditevent CASCADE", "append-only"),
        ("UPDATE audit_auditchainhead SET seq = 1", "only move forward"),
        ("DELETE FROM audit_auditchainhead", "cannot be deleted"),
        ("TRUNCATE audit_auditchainhead", "cannot be deleted"),
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change", "owner"),
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", "owner"),
        ("ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_head_guard", "owner"),
        ("SET ROLE zuofeng_audit_maintainer", "permission denied"),
    ],
)
def test_the_application_role_cannot_rewrite_history_even_with_the_switch_on(
    app_role: dict[str, Any], statement: str, refusal: str
) -> None:
    event("unit:1", 1)
    event("unit:1", 2)
    with psycopg.connect(**app_role) as conn:
        conn.execute("SET zuofeng.audit_maintenance = 'on'")
        # The role can read and append like the application does...
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (2,)
        with pytest.raises(psycopg.Error) as refused:
            conn.execute(statement)
        conn.rollback()
    assert refusal in str(refused.value)
    assert AuditEvent.objects.count() == 2
    assert AuditChainHead.objects.get(chain="unit:1").seq == 2
    assert verify_chain() is None


def test_the_maintainer_role_with_the_switch_may_flush(app_role: dict[str, Any]) -> None:
    # What the test suite relies on (it connects as a superuser, a member of every role);
    # and the proof that the refusals above come from the role check, not the setting.
    event("unit:1")
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT zuofeng_audit_maintainer TO {app_role['user']}")
    with psycopg.connect(**app_role) as conn:
        conn.execute("SET zuofeng.audit_maintenance = 'on'")
        conn.execute("DELETE FROM audit_auditevent")
        conn.execute("DELETE FROM audit_auditchainhead")
    assert not AuditEvent.objects.exists()


def test_writers_of_different_units_do_not_wait_for_each_other() -> None:
    event("unit:1")
    event("unit:2")
    holding, release = threading.Event(), threading.Event()

    def hold_unit_1() -> None:
        try:
            with transaction.atomic():
                record(actor=None, action="t", object_type="t", object_id="held", chain="unit:1")
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_unit_1)
    holder.start()
    try:
        assert holding.wait(timeout=30)

        def write(chain: str) -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
                record(actor=None, action="t", object_type="t", object_id="other", chain=chain)

        write("unit:2")  # another unit's chain: no wait
        with pytest.raises(OperationalError, match="lock timeout"):
            write("unit:1")  # the same chain waits for the holder
    finally:
        release.set()
        holder.join(timeout=30)
    assert AuditChainHead.objects.get(chain="unit:1").seq == 2
    assert AuditChainHead.objects.get(chain="unit:2").seq == 2
    assert verify_chain() is None


def test_the_first_writers_of_a_new_chain_both_append() -> None:
    results, errors = at_once(*(lambda n=n: event("unit:9", n) for n in range(4)))
    assert errors == []
    assert sorted(e.seq for e in results) == [1, 2, 3, 4]
    assert AuditChainHead.objects.get(chain="unit:9").seq == 4
    assert verify_chain() is None
