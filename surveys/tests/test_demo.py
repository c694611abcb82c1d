"""The demo's two surveys: a few thousand answers whose tallies match a recount, tokens used
as many times as the token survey has answers, nothing linking them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from demo.surveys import HALL_ANSWERS, build_surveys
from org import actions as org_actions
from org.models import Unit
from surveys.actions import spec_of
from surveys.models import Quota, Survey, TextAnswer
from surveys.results import (
    question_results,
    recompute_number_stats,
    recompute_tallies,
    stored_number_stats,
    stored_tallies,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(district: Any) -> dict[str, int]:
    org_actions.create_unit(actor=None, code="CGJD", name="城关街道办事处", kind=Unit.Kind.STREET)
    return build_surveys(7, dt.date(2026, 11, 30), now=timezone.now())


def test_the_demo_builds_two_open_surveys_with_a_few_thousand_answers(
    built: dict[str, int],
) -> None:
    hall = Survey.objects.get(title="政务服务大厅群众满意度调查")
    firms = Survey.objects.get(title="营商环境企业问卷")
    assert hall.status == firms.status == Survey.Status.OPEN
    assert hall.responses.count() == HALL_ANSWERS
    assert firms.responses.count() == firms.tokens.filter(used=True).count() > 500
    assert not firms.allow_link and firms.tokens.count() == built["survey_tokens"]
    for survey in (hall, firms):
        assert stored_tallies(survey) == recompute_tallies(survey, spec_of(survey))
        assert stored_number_stats(survey) == recompute_number_stats(survey, spec_of(survey))
    total, results = question_results(hall, spec_of(hall))
    assert total == HALL_ANSWERS
    satisfaction = next(r for r in results if r.question.name == "satisfaction")
    assert 2 < satisfaction.mean < 4.5
    assert TextAnswer.objects.filter(survey=hall, category="service").exists()
    quota = Quota.objects.get(survey=firms)
    assert quota.filled == firms.responses.filter(answers__kind="large").count() <= quota.cap
