"""Bad rating input is refused with a clear message and nothing is stored: a case not yet
decided, a second rating, a forged or expired link, a level outside 1–5, an overlong comment
or one with markup, a tag of the other channel. Pages answer 409 for the case's state and 400
for the input; the API does the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from evaluations.links import rating_link, rating_token
from evaluations.models import Evaluation, Rectification
from evaluations.tests.test_rating_channels import decided_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, name="食品经营许可", online=True)


@pytest.fixture
def case(district: District, matter: Matter) -> Case:
    return decided_case(district.amy, matter, applicant_user=district.ruth)


@pytest.fixture
def undecided(district: District, matter: Matter) -> Case:
    return decided_case(district.amy, matter, applicant_user=district.ruth, decide=False)


def api_rate(case_pk: int | None = None, token: str | None = None, **fields: Any) -> Any:
    payload = {"token": token if token is not None else rating_token(case_pk), **fields}
    return APIClient().post("/api/ratings/", payload, format="json")


def nothing_stored() -> bool:
    return not Evaluation.objects.exists() and not Rectification.objects.exists()


def text(response: Any) -> str:
    return response.content.decode()


# --- the case's state: 409 ------------------------------------------------------------------


def test_a_case_not_yet_decided_cannot_be_rated_on_any_page(
    district: District, undecided: Case
) -> None:
    pages = [
        (
            district.client_for(district.ruth),
            reverse("evaluations:rate_own", args=[undecided.number]),
        ),
        (Client(), rating_link(undecided.pk)),
        (
            district.client_for(district.amy),
            reverse("evaluations:hall_device", args=[undecided.pk]),
        ),
        (
            district.client_for(district.olivia),
            reverse("evaluations:phone_rate", args=[undecided.pk]),
        ),
    ]
    for client, url in pages:
        shown = client.get(url)
        posted = client.post(url, {"level": "5"})

        assert shown.status_code == 409, url
        assert posted.status_code == 409, url
        assert "尚未办结" in text(posted)
    assert nothing_stored()


def test_the_api_refuses_a_case_not_yet_decided_with_409(undecided: Case) -> None:
    response = api_rate(undecided.pk, level=1)

    assert response.status_code == 409
    assert "尚未办结" in response.json()["detail"]
    assert nothing_stored()


def test_a_second_rating_is_refused_and_the_first_one_stays(district: District, case: Case) -> None:
    client = district.client_for(district.ruth)
    url = reverse("evaluations:rate_own", args=[case.number])
    client.post(url, {"level": "5", "comment": "很好"})

    again = client.post(url, {"level": "1", "comment": "改主意了"})

    assert again.status_code == 409
    assert "已经评价过了" in text(again)
    rating = Evaluation.objects.get()
    assert (rating.level, rating.comment) == (5, "很好")
    assert not Rectification.objects.exists()


def test_a_case_rated_in_one_channel_cannot_be_rated_in_another(
    district: District, case: Case
) -> None:
    Client().post(rating_link(case.pk), {"level": "4"})

    device = district.client_for(district.amy).post(
        reverse("evaluations:hall_device", args=[case.pk]), {"level": "1"}
    )
    link_again = Client().get(rating_link(case.pk))
    api_again = api_rate(case.pk, level=2)

    assert device.status_code == 409
    assert "已经评价过了" in text(device)
    assert link_again.status_code == 409
    assert "已经评价过了" in text(link_again)
    assert api_again.status_code == 409
    assert "已经评价过了" in api_again.json()["detail"]
    assert Evaluation.objects.count() == 1
    assert Evaluation.objects.get().level == 4


# --- the link: 400 --------------------------------------------------------------------------


def forged(token: str) -> str:
    """The same payload with one character of the signature changed."""
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


@pytest.mark.parametrize("mangle", [forged, lambda token: "not-a-token", lambda token: token[5:]])
def test_a_forged_link_is_refused_and_stores_nothing(case: Case, mangle: Any) -> None:
    url = reverse("evaluations:sms_rate", args=[mangle(rating_token(case.pk))])

    shown = Client().get(url)
    posted = Client().post(url, {"level": "5"})

    assert shown.status_code == 400
    assert posted.status_code == 400
    assert "评价链接无效" in text(posted)
    assert nothing_stored()


def test_a_link_signed_for_another_purpose_is_refused(case: Case) -> None:
    from django.core import signing

    other = signing.dumps({"case": case.pk}, salt="cases.something-else", compress=True)

    assert (
        Client().post(reverse("evaluations:sms_rate", args=[other]), {"level": "5"}).status_code
        == 400
    )
    assert nothing_stored()


def test_an_expired_link_is_refused_and_stores_nothing(settings: Any, case: Case) -> None:
    days = int(settings.ZUOFENG["RATING_LINK_MAX_AGE_DAYS"])
    url = rating_link(case.pk)
    token = rating_token(case.pk)

    with time_machine.travel(timezone.now() + dt.timedelta(days=days, hours=1)):
        page = Client().post(url, {"level": "5"})
        api = api_rate(token=token, level=5)

    assert page.status_code == 400
    assert "已过期" in text(page)
    assert api.status_code == 400
    assert "已过期" in api.json()["token"][0]
    assert nothing_stored()


def test_a_link_just_inside_its_lifetime_still_works(settings: Any, case: Case) -> None:
    days = int(settings.ZUOFENG["RATING_LINK_MAX_AGE_DAYS"])
    url = rating_link(case.pk)

    with time_machine.travel(timezone.now() + dt.timedelta(days=days, hours=-1)):
        response = Client().post(url, {"level": "5"})

    assert response.status_code == 200
    assert Evaluation.objects.count() == 1


def test_the_api_refuses_a_forged_token_with_400(case: Case) -> None:
    response = api_rate(token=forged(rating_token(case.pk)), level=5)

    assert response.status_code == 400
    assert "评价链接无效" in response.json()["token"][0]
    assert nothing_stored()


# --- the level: 400 -------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["0", "6", "abc", "-1", "4.5", ""])
def test_a_level_outside_one_to_five_is_refused_on_the_page(case: Case, level: str) -> None:
    response = Client().post(rating_link(case.pk), {"level": level})

    assert response.status_code == 400
    assert "请选择评价等级" in text(response)
    assert nothing_stored()


def test_a_missing_level_is_refused_on_the_page(district: District, case: Case) -> None:
    response = district.client_for(district.olivia).post(
        reverse("evaluations:phone_rate", args=[case.pk]), {"comment": "忘了选等级"}
    )

    assert response.status_code == 400
    assert "请选择评价等级" in text(response)
    # What was typed is kept so it need not be typed again.
    assert "忘了选等级" in text(response)
    assert nothing_stored()


@pytest.mark.parametrize("level", [0, 6, "abc", None, 4.5, True])
def test_a_level_outside_one_to_five_is_refused_by_the_api(case: Case, level: Any) -> None:
    response = api_rate(case.pk, level=level)

    assert response.status_code == 400
    assert "评价等级" in response.json()["level"][0]
    assert nothing_stored()


# --- the comment: 400 -----------------------------------------------------------------------


def test_a_comment_of_100000_characters_is_refused(district: District, case: Case) -> None:
    huge = "慢" * 100_000

    page = district.client_for(district.ruth).post(
        reverse("evaluations:rate_own", args=[case.number]), {"level": "2", "comment": huge}
    )
    api = api_rate(case.pk, level=2, comment=huge)

    assert page.status_code == 400
    assert "评价内容不能超过" in text(page)
    assert api.status_code == 400
    assert "评价内容不能超过" in api.json()["comment"][0]
    assert nothing_stored()


def test_a_comment_at_the_limit_is_accepted(settings: Any, case: Case) -> None:
    limit = int(settings.ZUOFENG["RATING_COMMENT_MAX_CHARS"])

    response = Client().post(rating_link(case.pk), {"level": "4", "comment": "好" * limit})

    assert response.status_code == 200
    assert len(Evaluation.objects.get().comment) == limit


@pytest.mark.parametrize(
    "comment",
    [
        "<script>alert(1)</script>",
        "态度<b>很差</b>",
        "点这里 <a href='javascript:alert(1)'>链接</a>",
        "&lt;script&gt;",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_a_comment_with_markup_is_refused(district: District, case: Case, comment: str) -> None:
    page = district.client_for(district.amy).post(
        reverse("evaluations:hall_device", args=[case.pk]), {"level": "1", "comment": comment}
    )
    api = api_rate(case.pk, level=1, comment=comment)

    assert page.status_code == 400
    assert "网页代码" in text(page)
    assert api.status_code == 400
    assert "网页代码" in api.json()["comment"][0]
    assert nothing_stored()


def test_a_comparison_in_plain_words_is_not_markup(case: Case) -> None:
    response = Client().post(rating_link(case.pk), {"level": "4", "comment": "等了 < 10 分钟"})

    assert response.status_code == 200
    assert Evaluation.objects.get().comment == "等了 < 10 分钟"


# --- the tags: 400 --------------------------------------------------------------------------


def test_a_tag_of_the_other_channel_is_refused(case: Case) -> None:
    page = Client().post(rating_link(case.pk), {"level": "5", "tags": ["平台操作性"]})
    api = api_rate(case.pk, level=5, tags=["平台操作性"])

    assert page.status_code == 400
    assert "评价指标" in text(page)
    assert api.status_code == 400
    assert "服务效率" in api.json()["tags"][0]
    assert nothing_stored()
