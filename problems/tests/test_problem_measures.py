"""The problem measures count outcomes a person would count by hand (solved, solved on time,
still overdue, satisfied callbacks), the drill-down lists exactly those problems, and the
shared sweep warns and escalates an overdue problem like any duty."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from complaints.identity import Identity
from problems import actions
from problems.models import Problem
from scorecard import rollups
from zuofeng.duty.models import Escalation, Notification, WarningLevel
from zuofeng.duty.sweep import sweep
from zuofeng.measures import MEASURES, get_measure

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = dt.date(2026, 11, 1)
DECEMBER = dt.date(2026, 12, 1)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=SH)


NOW = at(20)
RAISER = Identity(name="测试居民", phone="13500000000")


def story(district: Any) -> dict[str, Problem]:
    """The market regulator's November (2 November 2026 is a Monday; 5 working days → the 9th,
    10 → the 16th):
    p1 reported on the 5th, satisfied → solved on time;
    p2 reported on the 12th after its deadline, basically satisfied → solved, late;
    p3 reported on the 4th, dissatisfied on the 5th, never reported again → overdue;
    p4 anonymous, reported on the 6th, verified solved by the office → solved on time;
    p5 reported on the 6th in time, waiting for the callback → neither solved nor overdue.
    And the HR bureau's p6, never touched (counts for the HR bureau only)."""

    def open_(name: str, days: int, raised: Identity | None = RAISER, unit: Any = None) -> Problem:
        problem, _ = actions.open_problem(
            actor=district.olivia,
            source=district.town,
            unit=unit or district.market,
            title=f"问题{name}",
            description="群众在座谈会上反映的问题",
            raised_by=raised,
            deadline_workdays=days,
            at=at(2),
        )
        return problem

    p = {
        "p1": open_("p1", 10),
        "p2": open_("p2", 5),
        "p3": open_("p3", 5),
        "p4": open_("p4", 5, raised=None),
        "p5": open_("p5", 5),
        "p6": open_("p6", 5, unit=district.hr),
    }
    olivia, alice = district.olivia, district.alice
    actions.report_problem(p["p1"], actor=alice, report="已办", at=at(5))
    actions.record_callback(p["p1"], actor=olivia, result="satisfied", at=at(6))
    actions.report_problem(p["p2"], actor=alice, report="已办", at=at(12))
    actions.record_callback(p["p2"], actor=olivia, result="basic", at=at(13))
    actions.report_problem(p["p3"], actor=alice, report="已办", at=at(4))
    actions.record_callback(p["p3"], actor=olivia, result="dissatisfied", note="没改", at=at(5))
    actions.report_problem(p["p4"], actor=alice, report="已办", at=at(6))
    actions.verify_problem(
        p["p4"], actor=olivia, result="verified", note="匿名，现场核实", at=at(10)
    )
    actions.report_problem(p["p5"], actor=alice, report="已办", at=at(6))
    return {name: Problem.objects.get(pk=problem.pk) for name, problem in p.items()}


EXPECTED = {
    "problems.due": {"p1", "p2", "p3", "p4", "p5"},
    "problems.solved": {"p1", "p2", "p4"},
    "problems.solved_on_time": {"p1", "p4"},
    "problems.overdue": {"p3"},
}


@pytest.mark.django_db
def test_every_problem_measure_matches_the_hand_count(district: Any) -> None:
    problems = story(district)
    names = {problem.pk: name for name, problem in problems.items()}
    for code, expected in EXPECTED.items():
        records = get_measure(code).records(district.market.pk, NOVEMBER, DECEMBER, NOW)
        assert {names[r.pk] for r in records} == expected, code
    callbacks = get_measure("problems.callbacks").records(
        district.market.pk, NOVEMBER, DECEMBER, NOW
    )
    assert sorted(names[c.problem_id] for c in callbacks) == ["p1", "p2", "p3"]
    satisfied = get_measure("problems.callback_satisfied").records(
        district.market.pk, NOVEMBER, DECEMBER, NOW
    )
    assert sorted(names[c.problem_id] for c in satisfied) == ["p1", "p2"]


@pytest.mark.django_db
def test_the_rollups_agree_with_the_records(district: Any) -> None:
    story(district)
    sweep(NOW)
    totals = rollups.totals(NOVEMBER, DECEMBER, MEASURES)
    market = totals[district.market.pk]
    for code, expected in EXPECTED.items():
        assert market.get(code, 0) == len(expected), code
    assert market.get("problems.callbacks") == 3
    assert market.get("problems.callback_satisfied") == 2
    assert totals[district.hr.pk].get("problems.overdue") == 1


def test_no_problem_measure_counts_visits_or_problems_found() -> None:
    """Outcomes only (design §7): every measure but the denominator has a condition."""
    codes = [code for code in MEASURES if code.startswith("problems.")]
    assert set(codes) >= {"problems.solved_on_time", "problems.callback_satisfied"}
    for code in codes:
        measure = MEASURES[code]
        assert measure.definition and "走访次数" not in measure.label
        assert measure.condition is not None or code == "problems.due"


@pytest.mark.django_db
def test_the_sweep_turns_an_overdue_problem_red_and_escalates_it(district: Any) -> None:
    problems = story(district)
    sweep(NOW)
    p6 = Problem.objects.get(pk=problems["p6"].pk)
    assert p6.warning_level == WarningLevel.RED and p6.escalation_level >= 1
    assert Escalation.objects.filter(duty_type="problems.problem", duty_id=str(p6.pk)).exists()
    note = Notification.objects.filter(unit=district.hr, link__contains=f"/staff/problems/{p6.pk}/")
    assert note.exists()
    # A problem waiting for the office's callback has no running clock: no warning.
    assert Problem.objects.get(pk=problems["p5"].pk).warning_level == WarningLevel.NONE
