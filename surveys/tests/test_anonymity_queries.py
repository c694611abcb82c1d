"""No query ever joins a token to a response: answering with a token, the results, the text
answers, the export and the token pages are all captured and checked. And "one token, one
answer" holds under two redemptions at the same instant (PostgreSQL)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from org import actions as org_actions
from org.models import Unit
from org.roles import Role
from surveys import actions
from surveys.models import Response, Survey, TextAnswer, Token
from surveys.reads import answers_for_export
from surveys.tests.conftest import good_answers, sample_spec
from tests.concurrency import at_once

TOKEN_TABLES = re.compile(r'"surveys_token(batch)?"')
ANSWER_TABLES = re.compile(r'"surveys_(response|textanswer|tally)"')


def _mixes(sql: str) -> bool:
    return bool(TOKEN_TABLES.search(sql) and ANSWER_TABLES.search(sql))


@pytest.mark.django_db
def test_no_query_while_answering_or_reading_results_touches_tokens_and_answers_together(
    district: Any, open_survey: Survey
) -> None:
    office = Client()
    assert office.login(username="olivia", password=PASSWORD)
    batch = actions.issue_tokens(open_survey, actor=district.olivia, size=3)
    codes = list(batch.tokens.values_list("code", flat=True))
    resident = Client()
    url = reverse("surveys:answer", args=[open_survey.link_key])
    with CaptureQueriesContext(connection) as captured:
        resident.get(reverse("surveys:token_answer", args=[codes[0]]))
        assert resident.post(url, {**good_answers(), "token": codes[0]}).status_code == 302
        assert resident.post(url, {**good_answers(), "token": codes[0]}).status_code == 409
        resident.post(url, {**good_answers(), "token": codes[1]})
        resident.post(url, good_answers())
        office.get(reverse("surveys:results", args=[open_survey.pk]))
        office.get(reverse("surveys:results", args=[open_survey.pk]), {"area": "QSZ"})
        office.get(reverse("surveys:texts", args=[open_survey.pk, "advice"]))
        office.get(reverse("surveys:tokens", args=[open_survey.pk]))
        office.get(reverse("surveys:token_sheets", args=[open_survey.pk, batch.pk]))
        rows = list(answers_for_export(open_survey))
    statements = [q["sql"] for q in captured.captured_queries]
    assert any(TOKEN_TABLES.search(s) for s in statements)  # tokens were read and written
    assert any(ANSWER_TABLES.search(s) for s in statements)
    assert [s for s in statements if _mixes(s)] == []
    assert len(rows) == 3
    # Nothing the token carries reaches the stored answer.
    for response in Response.objects.all():
        stored = repr(response.answers) + response.area + str(response.day)
        assert not any(code in stored for code in codes)


@pytest.mark.django_db
def test_the_token_update_writes_only_the_used_flag(open_survey: Survey, district: Any) -> None:
    code = actions.issue_tokens(open_survey, actor=district.olivia, size=1).tokens.get().code
    with CaptureQueriesContext(connection) as captured:
        actions.submit_response(open_survey, good_answers(), token=code)
    updates = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "surveys_token"')
    ]
    assert len(updates) == 1
    assert re.search(r'SET "used" = (true|1|%s)', updates[0], re.IGNORECASE)
    assert "WHERE" in updates[0] and '"used"' in updates[0].split("WHERE", 1)[1]


@pytest.fixture
def olivia(transactional_db: Any) -> Any:
    """The office's user, committed (the racing threads have their own connections)."""

    office = org_actions.create_unit(
        actor=None, code="DCS", name="区政府督查室", kind=Unit.Kind.SUPERVISION
    )
    olivia = org_actions.add_person(
        actor=None,
        username="olivia",
        full_name="欧丽",
        roles=[Role.SUPERVISOR],
        unit=office,
        password=PASSWORD,
    )
    return olivia


@pytest.mark.django_db(transaction=True)
def test_two_redemptions_of_one_token_at_once_give_one_response(olivia: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL; SQLite serialises writers")
    survey = actions.create_survey(
        actor=olivia, title="并发", allow_tokens=True, spec=sample_spec()
    )
    survey = actions.open_survey(survey, actor=olivia)
    codes = list(
        actions.issue_tokens(survey, actor=olivia, size=5).tokens.values_list("code", flat=True)
    )
    for code in codes:
        results, errors = at_once(
            lambda code=code: actions.submit_response(survey, good_answers(), token=code),
            lambda code=code: actions.submit_response(survey, good_answers(), token=code),
        )
        assert len(results) == 1
        assert len(errors) == 1 and isinstance(errors[0], actions.Refused)
        assert "已经使用过" in str(errors[0])
    assert Response.objects.filter(survey=survey).count() == len(codes)
    assert TextAnswer.objects.filter(survey=survey).count() == len(codes)
    assert Token.objects.filter(used=True).count() == len(codes)
    total = survey.tallies.get(question="_total", area="QSZ").count
    assert total == len(codes)


@pytest.mark.django_db(transaction=True)
def test_two_answers_racing_for_the_last_quota_place_take_it_once(olivia: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL; SQLite serialises writers")
    survey = actions.create_survey(actor=olivia, title="配额并发", spec=sample_spec())
    actions.set_quota(survey, actor=olivia, question="area", choice="QSZ", cap=1)
    survey = actions.open_survey(survey, actor=olivia)
    results, errors = at_once(
        lambda: actions.submit_response(survey, good_answers()),
        lambda: actions.submit_response(survey, good_answers()),
    )
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], actions.Refused)
    assert Response.objects.filter(survey=survey).count() == 1
