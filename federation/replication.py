"""The level above's side of PostgreSQL logical replication: one subscription per district
upwards (`zfup_<district>` on `zuofeng_up`), one per district downwards made at the district
(`zfdown_<upper>` on `zuofeng_down`).

Each subscription uses a replication slot created beforehand (`create_slot = false`): that
works both across servers and between databases of one cluster, where CREATE SUBSCRIPTION
creating its own slot would wait for its own transaction. A slot keeps the changes its
subscriber has not confirmed, so a district or a link that is down loses nothing: the
subscription resumes where it stopped. Only a lost slot (a district restored from a backup, a
slot dropped to save disk) needs `resync`, which deletes that district's rows here and copies
its tables afresh: the rows' global keys make the copy exact, never doubled.

The connection strings are given once on the command line (`federation add-district`) and
kept by PostgreSQL in the subscription (readable by superusers only), never in a table of ours.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from federation import conf, contract
from federation.models import (
    District,
    FedComplaintDay,
    FedContract,
    FedRatingDay,
    FedRollup,
    FedScorecard,
    FedTaskProgress,
    FedUnit,
    FedUnitScore,
)

UP_MODELS = (
    FedContract, FedUnit, FedRollup, FedScorecard, FedUnitScore, FedComplaintDay, FedRatingDay,
    FedTaskProgress,
)  # fmt: skip


class FederationError(Exception):
    """An operation that cannot be done, said in plain words for the operator."""


def up_subscription(code: str) -> str:
    return f"zfup_{code}"


def up_slot(code: str) -> str:
    return f"zfup_{conf.district_code()}_{code}"


def down_subscription() -> str:
    return f"zfdown_{conf.district_code()}"


def down_slot(code: str) -> str:
    return f"zfdown_{conf.district_code()}_{code}"


# pg_subscription is shared by every database of a cluster: ours are those of this database.
HERE = "subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())"


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def remote(dsn: str) -> Any:
    import psycopg

    try:
        return psycopg.connect(dsn, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise FederationError(f"cannot connect to {dsn_host(dsn)}: {exc}") from exc


def dsn_host(dsn: str) -> str:
    """The connection string without its password, for messages."""
    return " ".join(part for part in dsn.split() if not part.startswith("password="))


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise FederationError("federation replication needs PostgreSQL (DATABASE_URL)")


def _execute(cursor: Any, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params or [])
    return cursor.fetchall() if cursor.description else []


def ensure_slot(cursor: Any, slot: str) -> None:
    if not _execute(cursor, "SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", [slot]):
        _execute(cursor, "SELECT pg_create_logical_replication_slot(%s, 'pgoutput')", [slot])


def drop_slot(cursor: Any, slot: str, *, wait: float = 30.0) -> None:
    """Drop a slot once its walsender has let go of it (it does so shortly after its
    subscription is disabled)."""
    deadline = time.monotonic() + wait
    while True:
        rows = _execute(
            cursor, "SELECT active FROM pg_replication_slots WHERE slot_name = %s", [slot]
        )
        if not rows:
            return
        if not rows[0][0]:
            _execute(cursor, "SELECT pg_drop_replication_slot(%s)", [slot])
            return
        if time.monotonic() > deadline:
            raise FederationError(f"replication slot {slot} is still in use")
        time.sleep(0.2)


def subscribe(cursor: Any, name: str, dsn: str, publication: str, slot: str) -> None:
    _execute(
        cursor,
        f"CREATE SUBSCRIPTION {name} CONNECTION {literal(dsn)} PUBLICATION {publication} "
        f"WITH (create_slot = false, slot_name = {literal(slot)}, copy_data = true)",
    )


def subscription_dsn(cursor: Any, name: str) -> str | None:
    rows = _execute(
        cursor, f"SELECT subconninfo FROM pg_subscription WHERE subname = %s AND {HERE}", [name]
    )
    return rows[0][0] if rows else None


def unsubscribe(cursor: Any, name: str) -> str | None:
    """Drop a subscription without needing its publisher (detach the slot first), then drop
    the slot on the publisher when it can be reached. Returns the publisher's DSN."""
    dsn = subscription_dsn(cursor, name)
    if dsn is None:
        return None
    rows = _execute(
        cursor, f"SELECT subslotname FROM pg_subscription WHERE subname = %s AND {HERE}", [name]
    )
    slot = rows[0][0]
    _execute(cursor, f"ALTER SUBSCRIPTION {name} DISABLE")
    _execute(cursor, f"ALTER SUBSCRIPTION {name} SET (slot_name = NONE)")
    _execute(cursor, f"DROP SUBSCRIPTION {name}")
    if slot:
        try:
            with remote(dsn) as publisher, publisher.cursor() as other:
                drop_slot(other, slot)
        except FederationError:
            pass  # the district is down: its slot is dropped when it is removed there
    return dsn


def _check_publisher(cursor: Any) -> None:
    rows = _execute(
        cursor, "SELECT 1 FROM pg_publication WHERE pubname = %s", [contract.UP_PUBLICATION]
    )
    if not rows:
        raise FederationError(
            "the district has no publication zuofeng_up: run manage.py migrate there first"
        )


def add_district(
    code: str, *, name: str, dsn: str, base_url: str = "", upper_dsn: str = ""
) -> District:
    """Subscribe to a district (initial copy of its tables, then its changes), and subscribe
    the district to this level's directives when `upper_dsn` (this database as the district
    reaches it) is given."""
    _require_postgresql()
    if not code.isalnum():
        raise FederationError("a district code is letters and digits only")
    upper_dsn = upper_dsn or conf.upper_dsn()
    with connection.cursor() as local:
        if subscription_dsn(local, up_subscription(code)):
            raise FederationError(f"district {code} is already subscribed")
        with remote(dsn) as district, district.cursor() as other:
            _check_publisher(other)
            ensure_slot(other, up_slot(code))
            subscribe(local, up_subscription(code), dsn, contract.UP_PUBLICATION, up_slot(code))
            if upper_dsn:
                ensure_slot(local, down_slot(code))
                if subscription_dsn(other, down_subscription()) is None:
                    subscribe(
                        other,
                        down_subscription(),
                        upper_dsn,
                        contract.DOWN_PUBLICATION,
                        down_slot(code),
                    )
    district, _ = District.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "base_url": base_url,
            "subscription": up_subscription(code),
            "added_at": timezone.now(),
        },
    )
    return district


def delete_rows(code: str) -> int:
    with transaction.atomic():
        return sum(model.objects.filter(district=code).delete()[0] for model in UP_MODELS)


def remove_district(code: str, *, keep_data: bool = False) -> None:
    """Stop both subscriptions of a district and (unless `keep_data`) delete its rows here."""
    _require_postgresql()
    with connection.cursor() as local:
        dsn = unsubscribe(local, up_subscription(code))
        if dsn:
            try:
                with remote(dsn) as district, district.cursor() as other:
                    unsubscribe(other, down_subscription())
            except FederationError:
                pass
        drop_slot(local, down_slot(code))
    if not keep_data:
        delete_rows(code)
    District.objects.filter(code=code).delete()


def resync(code: str) -> int:
    """After an outage that lost the district's slot (or to repair drift): drop the
    subscription, delete the district's rows here, copy its tables afresh. Returns the rows
    deleted (the copy then runs in the background: `federation status`)."""
    _require_postgresql()
    with connection.cursor() as local:
        dsn = unsubscribe(local, up_subscription(code))
        if dsn is None:
            raise FederationError(f"district {code} is not subscribed")
        deleted = delete_rows(code)
        with remote(dsn) as district, district.cursor() as other:
            ensure_slot(other, up_slot(code))
        subscribe(local, up_subscription(code), dsn, contract.UP_PUBLICATION, up_slot(code))
    return deleted


def upgrade() -> list[str]:
    """After `migrate` brought this level's tables and publications to the new contract
    version: pick up tables the districts publish now (copying them) on every subscription."""
    _require_postgresql()
    contract.ensure_publications()
    done = []
    with connection.cursor() as local:
        for (name,) in _execute(
            local, f"SELECT subname FROM pg_subscription WHERE {HERE} ORDER BY subname"
        ):
            if name.startswith("zfup_"):
                _execute(
                    local, f"ALTER SUBSCRIPTION {name} REFRESH PUBLICATION WITH (copy_data = true)"
                )
                done.append(name)
    return done


@dataclass
class DistrictStatus:
    code: str
    name: str
    base_url: str = ""
    version: int | None = None
    refreshed_at: dt.datetime | None = None
    enabled: bool | None = None
    worker_running: bool | None = None
    last_message_at: dt.datetime | None = None
    apply_errors: int | None = None
    sync_errors: int | None = None
    pending_bytes: int | None = None
    problems: list[str] = field(default_factory=list)

    def age(self, now: dt.datetime) -> dt.timedelta | None:
        return now - self.refreshed_at if self.refreshed_at else None

    @property
    def lagging(self) -> bool:
        return bool(self.problems)


STALE_AFTER = dt.timedelta(minutes=15)


def status(now: dt.datetime | None = None, *, ask_districts: bool = True) -> list[DistrictStatus]:
    """Every district known here: its contract version and data age (from its replicated
    contract row), and on PostgreSQL its subscription's state, errors and the bytes its slot
    still holds (asking the district when `ask_districts`)."""
    now = now or timezone.now()
    known = {d.code: d for d in District.objects.all()}
    contracts = {c.district: c for c in FedContract.objects.all()}
    result = []
    for code in sorted(set(known) | set(contracts)):
        district, row = known.get(code), contracts.get(code)
        item = DistrictStatus(
            code=code,
            name=(district.name if district else row.name if row else code),
            base_url=district.base_url if district else "",
            version=row.version if row else None,
            refreshed_at=row.refreshed_at if row else None,
        )
        if connection.vendor == "postgresql" and district is not None:
            _subscription_state(item, ask_districts)
        if item.version is None:
            item.problems.append("尚未收到数据")
        elif item.version < contract.VERSION:
            item.problems.append(f"合同版本 v{item.version} 低于本级 v{contract.VERSION}")
        age = item.age(now)
        if age is not None and age > STALE_AFTER:
            item.problems.append(f"数据已 {int(age.total_seconds() // 60)} 分钟未更新")
        result.append(item)
    return result


def _subscription_state(item: DistrictStatus, ask_districts: bool) -> None:
    name = up_subscription(item.code)
    with connection.cursor() as local:
        rows = _execute(
            local,
            "SELECT s.subenabled, s.subconninfo, s.subslotname, w.pid IS NOT NULL, "
            "w.last_msg_receipt_time, st.apply_error_count, st.sync_error_count "
            "FROM pg_subscription s "
            "LEFT JOIN pg_stat_subscription w ON w.subid = s.oid AND w.relid IS NULL "
            "LEFT JOIN pg_stat_subscription_stats st ON st.subid = s.oid "
            f"WHERE s.subname = %s AND s.{HERE}",
            [name],
        )
    if not rows:
        item.problems.append("未订阅")
        return
    enabled, dsn, slot, running, last, apply_errors, sync_errors = rows[0]
    item.enabled, item.worker_running, item.last_message_at = enabled, running, last
    item.apply_errors, item.sync_errors = apply_errors, sync_errors
    if not enabled:
        item.problems.append("订阅已停用")
    elif not running:
        item.problems.append("复制进程未运行")
    if apply_errors or sync_errors:
        item.problems.append(f"复制出错 {apply_errors or 0} 次，初始复制出错 {sync_errors or 0} 次")
    if ask_districts and slot:
        try:
            with remote(dsn) as district, district.cursor() as other:
                found = _execute(
                    other,
                    "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) "
                    "FROM pg_replication_slots WHERE slot_name = %s",
                    [slot],
                )
            item.pending_bytes = int(found[0][0]) if found and found[0][0] is not None else None
            if not found:
                item.problems.append("区县的复制槽已丢失：请 resync")
        except FederationError:
            item.problems.append("无法连接区县数据库")


def wait_caught_up(code: str, *, timeout: float = 60.0) -> float:
    """Seconds until the district's slot has nothing left to send (its subscriber confirmed
    the district's current WAL position): for tests, the bench and operators after resync."""
    started = time.monotonic()
    with connection.cursor() as local:
        dsn = subscription_dsn(local, up_subscription(code))
    if dsn is None:
        raise FederationError(f"district {code} is not subscribed")
    with remote(dsn) as district, district.cursor() as other:
        target = _execute(other, "SELECT pg_current_wal_lsn()")[0][0]
        while True:
            with connection.cursor() as local:
                copying = _execute(
                    local,
                    "SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s "
                    f"ON s.oid = r.srsubid WHERE s.subname = %s AND s.{HERE} "
                    "AND r.srsubstate <> 'r'",
                    [up_subscription(code)],
                )[0][0]
            done = _execute(
                other,
                "SELECT confirmed_flush_lsn >= %s::pg_lsn FROM pg_replication_slots "
                "WHERE slot_name = %s",
                [target, up_slot(code)],
            )
            if not copying and done and done[0][0]:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise FederationError(f"district {code} did not catch up in {timeout:.0f} s")
            time.sleep(0.1)
