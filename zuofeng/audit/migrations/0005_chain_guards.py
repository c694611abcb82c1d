"""The database itself refuses to rewrite history, and the application cannot switch that off.

Events: no UPDATE, DELETE or TRUNCATE. Heads: no DELETE or TRUNCATE; an UPDATE (or INSERT)
must move the head forward to an event that exists at that position with that hash.

The maintenance switch (the test suite flushes its throw-away databases with it) needs, on
PostgreSQL, both the session setting `zuofeng.audit_maintenance=on` AND membership of the
role `zuofeng_audit_maintainer` (created here when the migrating role may; superusers are
members of every role). The application connects as a role that is neither a member nor the
tables' owner, so it can neither use the switch nor `ALTER TABLE ... DISABLE TRIGGER`
(README, "Audit log"). On SQLite the switch is the connection function registered by the
audit app (zuofeng/audit/guard.py), as before.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

MAINTAINER_ROLE = "zuofeng_audit_maintainer"

SQLITE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       WHEN NOT zuofeng_audit_maintenance()
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       WHEN NOT zuofeng_audit_maintenance()
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_auditchainhead
       WHEN NOT zuofeng_audit_maintenance() AND (
         NEW.chain <> OLD.chain OR NEW.seq <= OLD.seq OR NOT EXISTS (
           SELECT 1 FROM audit_auditevent
           WHERE chain = NEW.chain AND seq = NEW.seq AND hash = NEW.last_hash))
       BEGIN SELECT RAISE(ABORT, 'audit chain heads only move forward'); END""",
    f"""CREATE TRIGGER audit_head_insert BEFORE INSERT ON audit_auditchainhead
       WHEN NOT zuofeng_audit_maintenance() AND NOT (
         (NEW.seq = 0 AND NEW.last_hash = '{"0" * 64}')
         OR EXISTS (SELECT 1 FROM audit_auditevent
                    WHERE chain = NEW.chain AND seq = NEW.seq AND hash = NEW.last_hash))
       BEGIN SELECT RAISE(ABORT, 'an audit chain head must name an existing event'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
       WHEN NOT zuofeng_audit_maintenance()
       BEGIN SELECT RAISE(ABORT, 'audit chain heads cannot be deleted'); END""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "audit_event_no_update",
        "audit_event_no_delete",
        "audit_head_forward",
        "audit_head_insert",
        "audit_head_no_delete",
    )
]

CREATE_ROLE = f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '{MAINTAINER_ROLE}') THEN
    CREATE ROLE {MAINTAINER_ROLE} NOLOGIN;
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE NOTICE 'role {MAINTAINER_ROLE} not created (no CREATEROLE): create it as an admin';
  WHEN duplicate_object OR unique_violation THEN
    NULL;  -- another database of this cluster migrated at the same moment
END $$"""


def postgres(schema: str) -> list[str]:
    # Every function pins its search_path (the migrating schema, temporary objects last): a
    # session could otherwise shadow audit_auditevent with a temporary table of its own.
    path = f'SET search_path = pg_catalog, "{schema}", pg_temp'
    return [
        CREATE_ROLE,
        f"""CREATE OR REPLACE FUNCTION audit_maintenance_on() RETURNS boolean AS $$
            BEGIN
              IF coalesce(current_setting('zuofeng.audit_maintenance', true), '') <> 'on' THEN
                RETURN false;
              END IF;
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{MAINTAINER_ROLE}') THEN
                RETURN false;
              END IF;
              RETURN pg_has_role(session_user, '{MAINTAINER_ROLE}', 'MEMBER');
            END; $$ LANGUAGE plpgsql STABLE {path}""",
        f"""CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
            BEGIN
              IF audit_maintenance_on() THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
              END IF;
              RAISE EXCEPTION 'audit events are append-only';
            END; $$ LANGUAGE plpgsql {path}""",
        """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
           FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
        # TRUNCATE bypasses row triggers; refuse it too.
        """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
           FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
        f"""CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger AS $$
            BEGIN
              IF TG_OP IN ('INSERT', 'UPDATE') THEN
                IF (TG_OP = 'INSERT' OR (NEW.chain = OLD.chain AND NEW.seq > OLD.seq)) AND (
                     (TG_OP = 'INSERT' AND NEW.seq = 0 AND NEW.last_hash = repeat('0', 64))
                     OR EXISTS (SELECT 1 FROM audit_auditevent
                                WHERE chain = NEW.chain AND seq = NEW.seq
                                  AND hash = NEW.last_hash)) THEN
                  RETURN NEW;
                END IF;
                IF audit_maintenance_on() THEN RETURN NEW; END IF;
                RAISE EXCEPTION 'audit chain heads only move forward to an existing event';
              END IF;
              IF audit_maintenance_on() THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NULL;
              END IF;
              RAISE EXCEPTION 'audit chain heads cannot be deleted';
            END; $$ LANGUAGE plpgsql {path}""",
        """CREATE TRIGGER audit_head_guard BEFORE INSERT OR UPDATE OR DELETE
           ON audit_auditchainhead FOR EACH ROW EXECUTE FUNCTION audit_head_guard()""",
        """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_auditchainhead
           FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard()""",
    ]


POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead",
    "DROP TRIGGER IF EXISTS audit_head_guard ON audit_auditchainhead",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_head_guard()",
    "DROP FUNCTION IF EXISTS audit_event_refuse_change()",
    "DROP FUNCTION IF EXISTS audit_maintenance_on()",
]


def install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = SQLITE
    elif vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            statements = postgres(cursor.fetchone()[0])
    else:
        statements = []
    for statement in statements:
        schema_editor.execute(statement, params=None)


def uninstall(apps: Any, schema_editor: Any) -> None:
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_legacy_events")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(verbose_name="链内序号"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="audit_event_chain_seq_uniq"
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
