"""`manage.py sweep`: the set-based clock advance, its events, and its idempotence."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, connections

from org.models import Unit
from tests.dutyapp.models import Chore
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent
from zuofeng.duty import clock
from zuofeng.duty import sweep as sweep_module
from zuofeng.duty.models import Escalation, EscalationLevel, Notification, WarningLevel
from zuofeng.duty.sweep import sweep

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SH)


def make_chore(unit: Unit, title: str, start: dt.datetime, limit: int) -> Chore:
    chore = Chore(unit=unit, title=title)
    clock.start_clock(chore, at=start, limit_workdays=limit)
    chore.save()
    return chore


@pytest.fixture
def unit(db: object) -> Unit:
    return Unit.objects.create(code="U1", name="测试局", kind=Unit.Kind.DEPARTMENT)


def test_sweep_sets_each_level_like_the_clock_would(unit: Unit) -> None:
    now = at(2026, 11, 6)
    chores = [
        make_chore(unit, "fresh", at(2026, 11, 5), 10),
        make_chore(unit, "blue", at(2026, 11, 2), 5),  # due Mon 9th
        make_chore(unit, "yellow", at(2026, 11, 5), 1),  # due today
        make_chore(unit, "red", at(2026, 11, 2), 1),  # due 3rd
        make_chore(unit, "office", at(2026, 10, 26), 1),  # due 27 Oct, far late
    ]
    sweep(now)
    for chore in chores:
        expected_warning = clock.warning_for(chore, now)
        expected_escalation = clock.escalation_for(chore, now)
        chore.refresh_from_db()
        assert (chore.title, chore.warning_level) == (chore.title, expected_warning)
        assert chore.escalation_level == expected_escalation
    levels = {c.title: c.warning_level for c in Chore.objects.all()}
    assert levels == {
        "fresh": WarningLevel.NONE,
        "blue": WarningLevel.BLUE,
        "yellow": WarningLevel.YELLOW,
        "red": WarningLevel.RED,
        "office": WarningLevel.RED,
    }


def test_escalation_is_recorded_for_each_level_and_notifies_head_and_office(unit: Unit) -> None:
    chore = make_chore(unit, "late", at(2026, 10, 26), 1)
    sweep(at(2026, 11, 6))
    chore.refresh_from_db()
    assert chore.escalation_level == EscalationLevel.OFFICE
    levels = sorted(
        Escalation.objects.filter(duty_id=str(chore.pk)).values_list("level", flat=True)
    )
    assert levels == [EscalationLevel.HEAD, EscalationLevel.OFFICE]
    audiences = set(Notification.objects.filter(unit=unit).values_list("audience", flat=True))
    assert {Notification.Audience.UNIT_HEAD, Notification.Audience.OFFICE} <= audiences
    assert AuditEvent.objects.filter(action="duty.escalate", object_id=str(chore.pk)).count() == 1


def test_second_sweep_changes_nothing(unit: Unit) -> None:
    make_chore(unit, "late", at(2026, 10, 26), 1)
    make_chore(unit, "blue", at(2026, 11, 2), 5)
    first = sweep(at(2026, 11, 6))
    assert first.counts
    events, notes = AuditEvent.objects.count(), Notification.objects.count()
    second = sweep(at(2026, 11, 6, 11))
    # Other apps' periodic steps report their zero counts; nothing may have changed.
    assert {name: c for name, c in second.counts.items() if any(c.values())} == {}
    assert (AuditEvent.objects.count(), Notification.objects.count()) == (events, notes)
    assert verify_chain() is None


def test_paused_and_stopped_duties_are_left_alone(unit: Unit) -> None:
    paused = make_chore(unit, "paused", at(2026, 10, 26), 1)
    clock.pause_clock(paused, at=at(2026, 10, 26, 11))
    paused.save()
    done = make_chore(unit, "done", at(2026, 10, 26), 1)
    clock.stop_clock(done, at=at(2026, 10, 30))
    done.save()
    sweep(at(2026, 11, 6))
    assert set(Chore.objects.values_list("warning_level", flat=True)) == {WarningLevel.NONE}
    assert not Escalation.objects.exists()


def test_sweep_command_prints_what_changed(unit: Unit) -> None:
    make_chore(unit, "late", at(2026, 10, 26), 1)
    out = StringIO()
    call_command("sweep", stdout=out)
    assert "changes" in out.getvalue()
    assert Chore.objects.get().warning_level == WarningLevel.RED


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_claim_each_change_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL; SQLite serialises writers")
    unit = Unit.objects.create(code="U2", name="并发局", kind=Unit.Kind.DEPARTMENT)
    for n in range(300):
        make_chore(unit, f"late-{n}", at(2026, 10, 26), 1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            sweep(at(2026, 11, 6))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="duty.warning").count() == 300
    assert AuditEvent.objects.filter(action="duty.escalate").count() == 300
    assert Escalation.objects.count() == 600
    assert verify_chain() is None


def test_a_sweep_that_read_stale_rows_claims_nothing_another_sweep_already_did(
    unit: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sweeps interleaved deterministically, on any engine: sweep A reads its candidates,
    then sweep B runs to the end, then A claims. The conditional claim must give A nothing,
    so each change has one audit event and one notification (the PostgreSQL thread test
    above shows the same with real concurrency)."""
    for n in range(5):
        make_chore(unit, f"late-{n}", at(2026, 10, 26), 1)
    real_claim = sweep_module._claim
    interleaved: list[object] = []

    def claim_after_the_other_sweep(*args: object, **kwargs: object) -> set[object]:
        if not interleaved:
            interleaved.append("B")  # B runs once, between A's read and A's first claim
            interleaved.append(sweep(at(2026, 11, 6)))
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "_claim", claim_after_the_other_sweep)
    sweep(at(2026, 11, 6))  # A

    assert interleaved[1].counts  # B did the work
    assert AuditEvent.objects.filter(action="duty.warning").count() == 5
    assert AuditEvent.objects.filter(action="duty.escalate").count() == 5
    assert Escalation.objects.count() == 10  # head, then office: one row per level
    assert Notification.objects.count() == Notification.objects.values("title").distinct().count()
    assert verify_chain() is None
