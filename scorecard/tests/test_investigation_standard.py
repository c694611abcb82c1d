"""The 2027 second revision (issue 14): problems found by investigation count in the score by
their outcomes — solved on time, raisers satisfied at the callback — never by visits or photos;
as a new version, so months already scored keep the standard they were scored by."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.apps import apps

from complaints.identity import Identity
from conftest import District
from problems import actions as problems
from problems.models import Problem
from scorecard import actions, defaults
from scorecard.models import Standard
from scorecard.tests.factories import second_office
from scorecard.tests.fixtures import CLOSED, at

pytestmark = pytest.mark.django_db

INVESTIGATION = {"problems_on_time", "problems_callback"}
NOVEMBER = dt.date(2026, 11, 1)


def test_the_default_standard_scores_problems_by_outcome_only() -> None:
    standard = Standard.objects.get()
    assert standard.name == "作风建设考核办法（2027年第二次修订）"
    indicators = {i.code: i for i in standard.indicators.all()}
    assert set(indicators) >= INVESTIGATION
    assert sum(i.weight for i in indicators.values()) == 100
    for code in INVESTIGATION:
        indicators[code].full_clean()  # the measures exist in the registry
        assert indicators[code].is_rate and indicators[code].min_sample >= 5
    # Nothing in the standard counts visits, forums, surveys or photos.
    measures = {i.numerator_measure for i in indicators.values()}
    measures |= {i.denominator_measure for i in indicators.values()}
    assert not {m for m in measures if m.startswith(("visits.", "forums.", "surveys."))}


def test_a_month_already_scored_keeps_the_2027_revision(district: District) -> None:
    Standard.objects.all().delete()
    defaults._create(
        apps,
        {**defaults.STANDARD_2027, "effective_from": defaults.DEFAULT_STANDARD["effective_from"]},
        defaults.INDICATORS_2027,
    )
    previous = Standard.objects.get()
    with time_machine.travel(at(3), tick=False):
        october = actions.compute_month(
            actor=district.olivia, month=dt.date(2026, 10, 1), now=at(3)
        )
        actions.publish_scorecard(actor=second_office(district), scorecard=october, now=at(3))

    defaults.upgrade_investigation(apps)
    defaults.upgrade_investigation(apps)  # a second run changes nothing

    revised = Standard.objects.exclude(pk=previous.pk).get()
    assert revised.name == defaults.STANDARD_2027_INVESTIGATION["name"]
    assert revised.effective_from == dt.date(2026, 11, 1)
    assert not previous.indicators.filter(code__in=INVESTIGATION).exists()


def test_problems_solved_in_time_and_satisfied_callbacks_enter_the_unit_s_score(
    district: District,
) -> None:
    # Two problems of the market unit opened on Monday 2 November, due within November: one
    # reported in time and called back satisfied, one never reported.
    with time_machine.travel(at(2), tick=False):
        solved = open_problem(district, "菜市场周边占道经营无人管")
        open_problem(district, "农贸市场排水沟堵塞")
    with time_machine.travel(at(4), tick=False):
        problems.report_problem(solved, actor=district.alice, report="已清理占道摊位")
        problems.record_callback(
            Problem.objects.get(pk=solved.pk),
            actor=district.olivia,
            result=Problem.Result.SATISFIED,
        )
    with time_machine.travel(CLOSED, tick=False):
        november = actions.compute_month(actor=district.olivia, month=NOVEMBER, now=CLOSED)
    scores = {
        row.indicator.code: row
        for row in november.unit_scores.get(unit=district.market).indicators.select_related(
            "indicator"
        )
    }
    on_time, callback = scores["problems_on_time"], scores["problems_callback"]
    assert (on_time.numerator, on_time.denominator) == (1, 2)
    assert (callback.numerator, callback.denominator) == (1, 1)
    # Too few problems for a rate (fewer than five): shown, not scored.
    assert on_time.insufficient_data and callback.insufficient_data


def open_problem(district: District, title: str) -> Problem:
    problem, _ = problems.open_problem(
        actor=district.olivia,
        source=district.town,
        unit=district.market,
        title=title,
        description=f"群众反映{title}，多次反映无人处理",
        raised_by=Identity(name="测试居民", phone="13800000001"),
        deadline_workdays=5,
    )
    return problem
