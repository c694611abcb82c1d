"""An admin's change to the working-day calendar moves the deadlines of open duties, audited
and notified in the same transaction (zuofeng.duty.recompute)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import District
from org.models import Unit
from tests.dutyapp.models import Chore
from zuofeng.audit.models import AuditEvent
from zuofeng.duty import clock, recompute
from zuofeng.duty.models import Notification
from zuofeng.workdays import calendar
from zuofeng.workdays.actions import delete_day_overrides, save_day_override
from zuofeng.workdays.models import DayOverride

SH = ZoneInfo("Asia/Shanghai")
D = dt.date

# Before the State Council's notice for 2027: the year is predicted from the statutory days.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("before_the_notice"),
]


@pytest.fixture
def before_the_notice() -> object:
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=SH), tick=False):
        yield


@pytest.fixture
def unit(db: object) -> Unit:
    return Unit.objects.create(code="U1", name="测试局", kind=Unit.Kind.DEPARTMENT)


def chore(unit: Unit, title: str, start: D, limit: int) -> Chore:
    duty = Chore(unit=unit, title=title)
    clock.start_clock(
        duty, at=dt.datetime.combine(start, dt.time(10), tzinfo=SH), limit_workdays=limit
    )
    duty.save()
    return duty


def due_day(duty: Chore) -> D:
    duty.refresh_from_db()
    assert duty.due_at is not None
    return calendar.local_date(duty.due_at)


def enter(day: D, *, working: bool, actor: object = None) -> DayOverride:
    override = DayOverride(date=day, is_workday=working, name="国务院办公厅通知")
    save_day_override(actor=actor, override=override)
    return override


def test_an_extra_rest_day_moves_an_open_deadline_with_an_audit_event_and_a_notification(
    unit: Unit, district: District
) -> None:
    # From Mon 1 Feb 2027: 2, 3, 4, then 除夕 to 初三 (5–8 Feb), then 9, 10.
    open_duty = chore(unit, "在办", D(2027, 2, 1), 5)
    assert due_day(open_duty) == D(2027, 2, 10)

    enter(D(2027, 2, 9), working=False, actor=district.root)

    assert due_day(open_duty) == D(2027, 2, 11)
    event = AuditEvent.objects.get(action=recompute.ACTION, object_id=str(open_duty.pk))
    assert event.object_type == "dutyapp.chore"
    assert event.before["due_at"] == "2027-02-10T23:59:59+08:00"
    assert event.after["due_at"] == "2027-02-11T23:59:59+08:00"
    assert "2027-02-09" in event.reason
    assert event.actor_id == district.root.pk
    note = Notification.objects.get(unit=unit)
    assert note.audience == Notification.Audience.UNIT_STAFF
    assert note.title == "测试事项 在办 因节假日调整，截止日期改为2027年2月11日"


def test_a_swapped_working_saturday_brings_a_deadline_forward(unit: Unit) -> None:
    # From Thu 18 Feb: 19, 22, 23; with Saturday 20 a working day: 19, 20, 22.
    duty = chore(unit, "调休", D(2027, 2, 18), 3)
    assert due_day(duty) == D(2027, 2, 23)
    enter(D(2027, 2, 20), working=True)
    assert due_day(duty) == D(2027, 2, 22)


def test_a_stopped_duty_keeps_its_deadline_and_nobody_is_told(unit: Unit) -> None:
    done = chore(unit, "已办结", D(2027, 2, 1), 5)
    clock.stop_clock(done, at=dt.datetime(2027, 2, 3, 10, tzinfo=SH))
    done.save()

    enter(D(2027, 2, 9), working=False)

    assert due_day(done) == D(2027, 2, 10)
    assert not AuditEvent.objects.filter(action=recompute.ACTION).exists()
    assert not Notification.objects.exists()


def test_a_paused_duty_moves_too(unit: Unit) -> None:
    paused = chore(unit, "补正中", D(2027, 2, 1), 5)
    clock.pause_clock(paused, at=dt.datetime(2027, 2, 2, 10, tzinfo=SH))
    paused.save()
    enter(D(2027, 2, 9), working=False)
    assert due_day(paused) == D(2027, 2, 11)


def test_deleting_the_entry_moves_the_deadline_back(unit: Unit) -> None:
    duty = chore(unit, "在办", D(2027, 2, 1), 5)
    override = enter(D(2027, 2, 9), working=False)
    assert due_day(duty) == D(2027, 2, 11)

    assert delete_day_overrides(actor=None, overrides=[override]) == 1

    assert due_day(duty) == D(2027, 2, 10)
    assert AuditEvent.objects.filter(action="workdays.delete_day_override").count() == 1
    assert AuditEvent.objects.filter(action=recompute.ACTION).count() == 2


def test_moving_an_entry_to_a_later_date_recomputes_from_the_earlier_one(unit: Unit) -> None:
    # 2, 3, 4, 9: due Tue 9 Feb; with 9 Feb a rest day, Wed 10.
    duty = chore(unit, "在办", D(2027, 2, 1), 4)
    override = enter(D(2027, 2, 9), working=False)
    assert due_day(duty) == D(2027, 2, 10)

    override.date = D(2027, 2, 12)
    save_day_override(actor=None, override=override)

    assert due_day(duty) == D(2027, 2, 9)


def test_every_batch_is_recomputed(unit: Unit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recompute, "CHUNK", 2)
    duties = [chore(unit, f"第{n}件", D(2027, 2, 1), 5) for n in range(5)]
    enter(D(2027, 2, 9), working=False)
    assert [due_day(duty) for duty in duties] == [D(2027, 2, 11)] * 5
    # One notification for the unit lists them, not five.
    assert Notification.objects.get(unit=unit).title.startswith(
        "5 件测试事项因节假日调整，截止日期改为2027年2月11日"
    )


def test_a_failed_recomputation_leaves_neither_the_entry_nor_a_moved_deadline(
    unit: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    duty = chore(unit, "在办", D(2027, 2, 1), 5)

    def broken(duty: Chore) -> None:
        clock.recompute_due(duty)  # reads (and caches) the calendar with the new entry
        raise RuntimeError("boom")

    monkeypatch.setattr(recompute, "recompute_due", broken)
    with pytest.raises(RuntimeError):
        enter(D(2027, 2, 9), working=False)

    assert not DayOverride.objects.exists()
    assert calendar.is_workday(D(2027, 2, 9))  # not left in this process's cache
    assert due_day(duty) == D(2027, 2, 10)


def test_the_admin_screen_moves_open_deadlines_when_a_day_is_added_or_deleted(
    district: District,
) -> None:
    duty = chore(district.market, "在办", D(2027, 2, 1), 5)
    admin = district.client_for(district.root)

    response = admin.post(
        "/admin/workdays/dayoverride/add/", {"date": "2027-02-09", "name": "春节"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert due_day(duty) == D(2027, 2, 11)
    saved = AuditEvent.objects.get(action="workdays.save_day_override")
    assert saved.after == {"date": "2027-02-09", "is_workday": False, "name": "春节"}
    assert saved.actor_id == district.root.pk

    override = DayOverride.objects.get()
    response = admin.post(f"/admin/workdays/dayoverride/{override.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert due_day(duty) == D(2027, 2, 10)
    assert not DayOverride.objects.exists()


def test_a_deadline_moved_into_another_month_moves_the_cases_lateness_as_a_rebuild_does(
    district: District,
) -> None:
    """A case overdue since its deadline on Fri 29 January 2027 counts as late in January.
    The admin then corrects the calendar (20 January was a rest day): the deadline moves to
    Mon 1 February, and the rollups, refreshed without a rebuild, charge February instead."""
    from cases import actions as cases
    from cases.models import Case
    from catalog.tests.factories import make_matter
    from scorecard import rollups
    from scorecard.models import DailyRollup

    start = D(2026, 12, 1)
    limit = next(
        n for n in range(30, 60) if calendar.add_workdays_to_date(start, n) == D(2027, 1, 29)
    )
    matter = make_matter(
        district.market,
        name="建设工程消防验收",
        promised_limit_days=limit,
        statutory_limit_days=limit,
    )
    accepted = dt.datetime(2026, 12, 1, 10, tzinfo=SH)
    case = cases.submit_case(
        actor=district.amy,
        matter=matter,
        channel=Case.Channel.WINDOW,
        applicant_name="张三",
        applicant_phone="13800001234",
        applicant_id_number="110101199001011234",
        at=accepted,
    )
    case = cases.accept_case(actor=district.alice, case=case, at=accepted)
    assert due_day(case) == D(2027, 1, 29)

    def late() -> dict[D, int]:
        rows = DailyRollup.objects.filter(unit=district.market, measure="case_due_late")
        return {day: value for day, value in rows.values_list("day", "value")}

    now = dt.datetime(2027, 2, 3, 10, tzinfo=SH)
    with time_machine.travel(now, tick=False):
        rollups.refresh(now)
        assert late() == {D(2027, 1, 29): 1}

        enter(D(2027, 1, 20), working=False)
        assert due_day(case) == D(2027, 2, 1)
        rollups.refresh(now)

        incremental = set(DailyRollup.objects.values_list("unit_id", "day", "measure", "value"))
        assert late() == {D(2027, 2, 1): 1}
        rollups.rebuild(now=now)
        assert incremental == set(
            DailyRollup.objects.values_list("unit_id", "day", "measure", "value")
        )
