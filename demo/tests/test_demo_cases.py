"""The demo's cases: a year of bulk-loaded history with four planted patterns, and about
twenty live cases made through the actions, in every warning state.

One build of 2,000 historical cases is shared by the class (rolled back afterwards), with
the clock frozen at a fixed moment so that the live cases and the sweep are reproducible.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from typing import Any

import chinese_calendar
import pytest
from django.core.management.base import CommandError
from django.db.models import Count, F, Q

from cases.actions import QUERY_CODE_ALPHABET
from cases.models import Case, CaseEvent
from catalog.models import Matter
from demo import data
from demo.cases import BATCH, Catalogue, credit_code, plan_history, resident_id_number
from demo.tests.conftest import ANCHOR, COUNT, SEED, run
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.models import Escalation, EscalationLevel, WarningLevel
from zuofeng.workdays.calendar import add_workdays, is_workday, local_date

LIVE = 20
PLANTED = (
    data.SLOW_UNIT,
    data.TRANSFER_HEAVY_UNIT,
    data.RECEIVE_ONLY_UNIT,
    data.REPEAT_SUPPLEMENT_UNIT,
)


def history() -> Any:
    """The bulk-loaded cases (the live ones come after them)."""
    return Case.objects.filter(pk__lte=COUNT)


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def by_home_unit(queryset: Any, condition: Q, minimum: int) -> dict[str, float]:
    """Per unit offering the matter: the share of `queryset` meeting `condition`, for units
    with at least `minimum` cases in it."""
    rows = queryset.values("matter__unit__code").annotate(
        total=Count("pk"), hits=Count("pk", filter=condition)
    )
    return {
        row["matter__unit__code"]: share(row["hits"], row["total"])
        for row in rows
        if row["total"] >= minimum
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("built")
class TestDemoCases:
    def test_the_build_reports_its_cases(self, built: str) -> None:
        assert f"办件 {COUNT + LIVE} 件" in built
        assert Case.objects.count() == COUNT + LIVE

    def test_history_is_deterministic_for_seed_and_anchor(self) -> None:
        catalogue = Catalogue.from_db()
        fields = (
            "number",
            "query_code",
            "status",
            "unit_id",
            "submitted_at",
            "accepted_at",
            "due_at",
            "decided_at",
            "closed_at",
            "warning_level",
            "escalation_level",
            "supplement_count",
            "transfer_count",
            "applicant_id_number",
        )

        def planned(seed: int, anchor: dt.date) -> list[tuple[Any, ...]]:
            plan = plan_history(seed, anchor, COUNT, catalogue)
            return [tuple(getattr(rows.case, name) for name in fields) for rows in plan]

        first = planned(SEED, ANCHOR)
        assert first == planned(SEED, ANCHOR)
        # The database holds exactly the plan, events included.
        assert list(history().order_by("pk").values_list(*fields)) == first
        plan = plan_history(SEED, ANCHOR, COUNT, catalogue)
        planned_events = [(e.case_id, e.kind, e.at) for rows in plan for e in rows.events]
        stored_events = list(
            CaseEvent.objects.filter(case__pk__lte=COUNT)
            .order_by("pk")
            .values_list("case_id", "kind", "at")
        )
        assert stored_events == planned_events
        # Another seed, or another anchor, is another history.
        assert planned(SEED + 1, ANCHOR)[:50] != first[:50]
        assert planned(SEED, ANCHOR - dt.timedelta(days=7))[:50] != first[:50]

    def test_every_case_has_a_number_and_a_query_code(self) -> None:
        rows = list(Case.objects.values_list("pk", "number", "query_code", "submitted_at"))
        assert len({number for _, number, _, _ in rows}) == len(rows)
        for pk, number, code, submitted in rows:
            assert number == f"{local_date(submitted):%Y%m%d}{pk:06d}"
            assert len(code) == 8
            assert set(code) <= set(QUERY_CODE_ALPHABET)

    def test_history_covers_the_year_before_the_anchor_on_working_days(self) -> None:
        submitted = [local_date(at) for at in history().values_list("submitted_at", flat=True)]
        assert min(submitted) >= ANCHOR - dt.timedelta(days=365)
        assert max(submitted) < ANCHOR
        months = Counter((day.year, day.month) for day in submitted)
        assert len(months) >= 12
        for case in history().exclude(channel=Case.Channel.ONLINE).only("submitted_at"):
            assert is_workday(local_date(case.submitted_at)), case
        for day in submitted:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            assert not (on_holiday and name), f"a case on {name} ({day})"
        weekdays = Counter(day.weekday() for day in submitted)
        assert min(weekdays[d] for d in range(5)) > 3 * max(weekdays[5], weekdays[6])

    def test_volumes_and_outcomes_are_realistic(self) -> None:
        cases = history()
        total = cases.count()
        channels = Counter(cases.values_list("channel", flat=True))
        assert 0.42 <= share(channels[Case.Channel.WINDOW], total) <= 0.62
        assert 0.30 <= share(channels[Case.Channel.ONLINE], total) <= 0.48
        assert channels[Case.Channel.PHONE] and channels[Case.Channel.SELF_SERVICE]
        kinds = Counter(CaseEvent.objects.filter(case__in=cases).values_list("kind", flat=True))
        assert 0.015 <= share(kinds[CaseEvent.Kind.NOT_ACCEPTED], total) <= 0.05
        assert 0.03 <= share(kinds[CaseEvent.Kind.REFUSED], total) <= 0.07
        assert 0.08 <= share(cases.filter(supplement_count__gt=0).count(), total) <= 0.18
        assert 0.01 <= share(cases.filter(status__in=Case.OPEN_STATUSES).count(), total) <= 0.05
        decided = cases.filter(clock_stopped_at__isnull=False)
        late = decided.filter(clock_stopped_at__gt=F("due_at")).count()
        assert share(late, decided.count()) < 0.12  # most are decided on time
        # A few matters carry much of the volume; the long tail carries little each.
        top = list(cases.values("matter__name").annotate(n=Count("pk")).order_by("-n")[:10])
        names = "".join(row["matter__name"] for row in top)
        assert "营业执照" in names and ("社会保障卡" in names or "登记" in names)
        assert sum(row["n"] for row in top) > 0.25 * total
        assert Matter.objects.annotate(n=Count("cases")).filter(n__lte=3).count() > 50

    def test_timelines_are_ordered(self) -> None:
        timelines: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
        for case_id, kind, at in CaseEvent.objects.order_by("case_id", "pk").values_list(
            "case_id", "kind", "at"
        ):
            timelines[case_id].append((kind, at))
        assert len(timelines) == Case.objects.count()
        final = {CaseEvent.Kind.APPROVED, CaseEvent.Kind.REFUSED, CaseEvent.Kind.NOT_ACCEPTED}
        for case_id, events in timelines.items():
            kinds = [kind for kind, _ in events]
            moments = [at for _, at in events]
            assert moments == sorted(moments), case_id
            assert kinds[0] == CaseEvent.Kind.SUBMITTED, case_id
            assert sum(kind in final for kind in kinds) <= 1, case_id
            if CaseEvent.Kind.CLOSED in kinds:
                assert kinds[-1] == CaseEvent.Kind.CLOSED and kinds[-2] in final, case_id
            if CaseEvent.Kind.APPROVED in kinds or CaseEvent.Kind.REFUSED in kinds:
                assert CaseEvent.Kind.ACCEPTED in kinds, case_id
            assert kinds.count(CaseEvent.Kind.SUPPLIED) <= kinds.count(
                CaseEvent.Kind.SUPPLEMENT_REQUESTED
            )

    def test_clock_fields_are_consistent(self) -> None:
        for case in Case.objects.select_related("matter"):
            if case.accepted_at is None:
                # Waiting for acceptance runs the acceptance clock (Art. 32); otherwise none.
                if case.clock_phase == Case.ClockPhase.ACCEPTANCE:
                    assert case.status == Case.Status.SUBMITTED and case.due_at is not None, case
                else:
                    assert case.clock_started_at is None and case.due_at is None, case
                assert case.status in (
                    Case.Status.SUBMITTED,
                    Case.Status.SUPPLEMENT,
                    Case.Status.NOT_ACCEPTED,
                    Case.Status.CLOSED,
                ), case
                continue
            assert case.clock_started_at == case.accepted_at, case
            assert case.limit_workdays == case.matter.promised_limit_days, case
            expected = add_workdays(case.accepted_at, case.limit_workdays + case.paused_workdays)
            assert case.due_at == expected, case
            if case.decided_at is not None:
                assert case.clock_stopped_at == case.decided_at, case
                assert case.clock_paused_at is None, case
            else:
                assert case.clock_stopped_at is None, case
                assert (case.clock_paused_at is not None) == (
                    case.status == Case.Status.SUPPLEMENT
                ), case
            if case.clock_stopped_at and case.clock_stopped_at > case.due_at:
                # Decided late: the sweep had turned it red and escalated it.
                assert case.warning_level == WarningLevel.RED, case
                assert case.escalation_level >= EscalationLevel.HEAD, case

    def test_every_escalation_is_recorded(self) -> None:
        recorded = Counter(
            int(duty_id)
            for duty_id in Escalation.objects.filter(duty_type="cases.case").values_list(
                "duty_id", flat=True
            )
        )
        levels = dict(Case.objects.values_list("pk", "escalation_level"))
        assert {pk: n for pk, n in recorded.items()} == {
            pk: level for pk, level in levels.items() if level
        }

    def test_the_four_planted_patterns_stand_out(self) -> None:
        cases = history()
        decided = cases.filter(clock_stopped_at__isnull=False)
        late = by_home_unit(decided, Q(clock_stopped_at__gt=F("due_at")), 30)
        assert max(late, key=late.get) == data.SLOW_UNIT
        assert late[data.SLOW_UNIT] >= 0.25
        assert sorted(late.values())[-2] < 0.6 * late[data.SLOW_UNIT]
        red = Counter(
            Case.objects.filter(
                status__in=Case.OPEN_STATUSES, warning_level=WarningLevel.RED
            ).values_list("matter__unit__code", flat=True)
        )
        assert red.most_common(1)[0][0] == data.SLOW_UNIT

        buck = by_home_unit(cases, Q(buck_passing=True), 30)
        assert max(buck, key=buck.get) == data.TRANSFER_HEAVY_UNIT
        assert buck[data.TRANSFER_HEAVY_UNIT] >= 0.1
        assert cases.filter(
            matter__unit__code=data.TRANSFER_HEAVY_UNIT, transfers__is_return=True
        ).exists()

        forwarded = by_home_unit(
            cases.filter(channel=Case.Channel.WINDOW), Q(forwarded_to_back_office=True), 20
        )
        assert max(forwarded, key=forwarded.get) == data.RECEIVE_ONLY_UNIT
        assert forwarded[data.RECEIVE_ONLY_UNIT] >= 0.8
        assert not Matter.objects.filter(
            unit__code=data.RECEIVE_ONLY_UNIT, window_authority=Matter.WindowAuthority.DECIDE
        ).exists()

        repeated = by_home_unit(cases, Q(one_time_rule_broken=True), 30)
        assert max(repeated, key=repeated.get) == data.REPEAT_SUPPLEMENT_UNIT
        assert repeated[data.REPEAT_SUPPLEMENT_UNIT] >= 0.08
        assert cases.filter(
            matter__unit__code=data.REPEAT_SUPPLEMENT_UNIT, supplement_requests__is_repeat=True
        ).exists()

    def test_live_cases_are_open_in_every_warning_state_now(self) -> None:
        live = Case.objects.filter(pk__gt=COUNT)
        assert live.count() == LIVE
        open_market = live.filter(unit__code="MKT", status__in=Case.OPEN_STATUSES)
        assert set(open_market.values_list("warning_level", flat=True)) >= {
            WarningLevel.NONE,
            WarningLevel.BLUE,
            WarningLevel.YELLOW,
            WarningLevel.RED,
        }
        assert set(open_market.values_list("escalation_level", flat=True)) >= {
            EscalationLevel.HEAD,
            EscalationLevel.OFFICE,
        }
        statuses = set(live.values_list("status", flat=True))
        assert statuses >= {
            Case.Status.SUBMITTED,
            Case.Status.SUPPLEMENT,
            Case.Status.ACCEPTED,
            Case.Status.APPROVED,
            Case.Status.REFUSED,
            Case.Status.NOT_ACCEPTED,
            Case.Status.CLOSED,
        }
        for unit in PLANTED:
            assert live.filter(matter__unit__code=unit).exists(), unit
        assert live.filter(buck_passing=True, matter__unit__code=data.TRANSFER_HEAVY_UNIT)
        assert live.filter(one_time_rule_broken=True, unit__code=data.REPEAT_SUPPLEMENT_UNIT)
        assert live.filter(forwarded_to_back_office=True, unit__code=data.RECEIVE_ONLY_UNIT)
        assert live.filter(applicant_user__username="resident").exists()

    def test_demo_accounts_prints_a_case_to_look_up(self) -> None:
        number, code = (
            Case.objects.filter(applicant_user__username="resident")
            .order_by("-submitted_at")
            .values_list("number", "query_code")[0]
        )
        assert f"编号 {number}，查询码 {code}" in run("demo_accounts")

    def test_live_cases_went_through_the_audited_actions(self) -> None:
        submitted = AuditEvent.objects.filter(action="cases.submit_case")
        assert submitted.count() == LIVE
        assert AuditEvent.objects.filter(action="cases.accept_case").exists()
        assert AuditEvent.objects.filter(action="duty.warning").exists()

    def test_history_is_audited_one_event_per_batch_and_the_chain_verifies(self) -> None:
        loads = list(AuditEvent.objects.filter(action="demo.load_cases").order_by("pk"))
        assert len(loads) == math.ceil(COUNT / BATCH)
        assert sum(event.after["cases"] for event in loads) == COUNT
        assert (
            sum(event.after["case_events"] for event in loads)
            == CaseEvent.objects.filter(case__pk__lte=COUNT).count()
        )
        assert verify_chain() is None

    def test_applicants_are_fictional(self) -> None:
        for kind, name, phone, id_number in history().values_list(
            "applicant_kind", "applicant_name", "applicant_phone", "applicant_id_number"
        ):
            assert name and phone.startswith("13900") and len(phone) == 11
            assert len(id_number) == 18
            if kind == Case.ApplicantKind.RESIDENT:
                assert id_number.startswith("999999")
                birth = dt.date.fromisoformat(
                    f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
                )
                assert resident_id_number(birth, int(id_number[14:17])) == id_number
            else:
                assert id_number.startswith("91999999")
                assert name.startswith(data.DISTRICT) and name.endswith("有限公司")


def test_resident_ids_and_credit_codes_carry_valid_check_characters() -> None:
    # Known-good checksums, computed by hand from GB 11643 and GB 32100.
    assert resident_id_number(dt.date(1990, 1, 1), 123) == "999999199001011238"
    code = credit_code(1)
    assert len(code) == 18 and code.startswith("91999999")
    assert code[8:17] == "000000019"  # organisation code 00000001 with check digit 9


@pytest.mark.django_db
def test_an_anchor_in_the_future_is_refused() -> None:
    with pytest.raises(CommandError, match="晚于今天"):
        run("build_demo", "--anchor", "2999-01-01")
