"""One machine cannot stuff the open link with answers, nor guess answer codes: both are
limited per client address (ZUOFENG_SURVEY_ANSWER_RATE, ZUOFENG_SURVEY_CODE_RATE), and an
answer with a printed code is never held back by others' answers from the same address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from surveys import actions
from surveys.models import Response, Survey
from surveys.tests.conftest import good_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "SURVEY_ANSWER_RATE": "2/h", "SURVEY_CODE_RATE": "3/m"}


def test_the_open_link_takes_a_few_answers_per_address_then_says_to_wait(
    open_survey: Survey, low_rates: None
) -> None:
    url = reverse("surveys:answer", args=[open_survey.link_key])
    client = Client()
    assert [client.post(url, good_answers()).status_code for _ in range(2)] == [302, 302]
    refused = client.post(url, good_answers())
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert int(refused["Retry-After"]) == 3600
    assert Response.objects.filter(survey=open_survey).count() == 2
    # Another address is not held back.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(url, good_answers()).status_code == 302


def test_guessing_codes_is_limited_per_address(
    open_survey: Survey, low_rates: None, district: Any
) -> None:
    client = Client()
    entry = reverse("surveys:token_entry")
    assert [client.post(entry, {"code": f"WRONG{n}"}).status_code for n in range(3)] == [400] * 3
    assert client.post(entry, {"code": "WRONG9"}).status_code == 429
    batch = actions.issue_tokens(open_survey, actor=district.olivia, size=1)
    code = batch.tokens.get().code
    assert client.get(reverse("surveys:token_answer", args=[code])).status_code == 429
    assert (
        Client(REMOTE_ADDR="10.0.0.8").get(reverse("surveys:token_answer", args=[code])).status_code
        == 200
    )
