"""Rating a decided case through each channel: the applicant's own case page, the signed SMS
link (page and API), the hall rating device (评价器) and staff entering a phone rating. Each
stores exactly one rating with its channel as source and the case's indicator tags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import actions as case_actions
from cases.models import Case
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from evaluations.actions import rate_case
from evaluations.links import rating_link, rating_token
from evaluations.models import HALL_TAGS, ONLINE_TAGS, Evaluation, Rectification
from zuofeng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

APPLICANT_NAME = "申凌霄"
APPLICANT_PHONE = "13911112222"
APPLICANT_ID = "110105198803150027"


def decided_case(
    staff: User,
    matter: Matter,
    *,
    channel: str = Case.Channel.WINDOW,
    applicant_user: User | None = None,
    applicant_name: str = APPLICANT_NAME,
    applicant_phone: str = APPLICANT_PHONE,
    applicant_id_number: str = APPLICANT_ID,
    at: dt.datetime | None = None,
    decide: bool = True,
) -> Case:
    """A case of `matter` submitted, accepted and (unless decide=False) approved by `staff`."""
    at = at or timezone.now() - dt.timedelta(hours=2)
    case = case_actions.submit_case(
        actor=applicant_user if channel == Case.Channel.ONLINE else staff,
        matter=matter,
        channel=channel,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        applicant_id_number=applicant_id_number,
        applicant_user=applicant_user,
        at=at,
    )
    case = case_actions.accept_case(actor=staff, case=case, at=at + dt.timedelta(minutes=10))
    if decide:
        case = case_actions.decide_case(
            actor=staff, case=case, approve=True, at=at + dt.timedelta(minutes=20)
        )
    return case


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, name="食品经营许可", online=True)


@pytest.fixture
def hall_case(district: District, matter: Matter) -> Case:
    return decided_case(district.amy, matter, applicant_user=district.ruth)


@pytest.fixture
def online_case(district: District, matter: Matter) -> Case:
    return decided_case(
        district.alice, matter, channel=Case.Channel.ONLINE, applicant_user=district.ruth
    )


def the_only_rating() -> Evaluation:
    assert Evaluation.objects.count() == 1
    return Evaluation.objects.get()


# --- the applicant's own case page ----------------------------------------------------------


def test_the_applicant_rates_an_online_case_with_the_online_tags(
    district: District, online_case: Case
) -> None:
    client = district.client_for(district.ruth)
    url = reverse("evaluations:rate_own", args=[online_case.number])

    page = client.get(url)
    assert page.status_code == 200
    for tag in ONLINE_TAGS:
        assert tag in page.content.decode()
    assert "服务态度" not in page.content.decode()

    response = client.post(
        url,
        {
            "level": "4",
            "tags": ["便捷度", "办事效率"],
            "comment": "网上办很方便",
            "anonymous": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:my_case", args=[online_case.number])
    rating = the_only_rating()
    assert rating.case == online_case
    assert rating.source == Evaluation.Source.APPLICANT_PAGE
    assert rating.level == 4
    assert rating.tags == ["便捷度", "办事效率"]
    assert rating.comment == "网上办很方便"
    assert rating.anonymous is True
    assert rating.allow_publication is False
    assert rating.rated_by == district.ruth
    assert rating.unit == district.market


def test_a_case_at_the_hall_is_rated_with_the_hall_tags_on_the_applicant_page(
    district: District, hall_case: Case
) -> None:
    client = district.client_for(district.ruth)
    url = reverse("evaluations:rate_own", args=[hall_case.number])

    page = client.get(url).content.decode()
    for tag in HALL_TAGS:
        assert tag in page
    assert "平台操作性" not in page

    client.post(url, {"level": "5", "tags": ["服务态度"]})
    assert the_only_rating().tags == ["服务态度"]


def test_another_persons_case_does_not_exist_for_the_applicant(
    district: District, matter: Matter
) -> None:
    someone_elses = decided_case(district.amy, matter, applicant_user=None)
    client = district.client_for(district.ruth)
    url = reverse("evaluations:rate_own", args=[someone_elses.number])

    assert client.get(url).status_code == 404
    assert client.post(url, {"level": "5"}).status_code == 404
    assert not Evaluation.objects.exists()


def test_the_applicant_page_needs_a_login(hall_case: Case) -> None:
    response = Client().get(reverse("evaluations:rate_own", args=[hall_case.number]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- the SMS link ---------------------------------------------------------------------------


def test_the_sms_link_rates_without_a_login(hall_case: Case) -> None:
    client = Client()
    url = rating_link(hall_case.pk)

    assert client.get(url).status_code == 200
    response = client.post(url, {"level": "5", "tags": ["服务效率", "服务水平"]})

    assert response.status_code == 200
    assert "感谢您的评价" in response.content.decode()
    rating = the_only_rating()
    assert rating.source == Evaluation.Source.SMS_LINK
    assert rating.tags == ["服务效率", "服务水平"]
    assert rating.rated_by is None


def test_the_sms_page_shows_the_matter_unit_and_date_but_nothing_personal(
    district: District, hall_case: Case
) -> None:
    page = Client().get(rating_link(hall_case.pk)).content.decode()

    assert "食品经营许可" in page
    assert district.market.name in page
    decided = timezone.localtime(hall_case.decided_at)
    assert f"{decided.year}年{decided.month}月{decided.day}日" in page
    for personal in (APPLICANT_NAME, APPLICANT_PHONE, APPLICANT_ID, hall_case.query_code):
        assert personal not in page


def test_a_logged_in_visitor_of_the_sms_link_is_not_recorded_as_the_rater(
    district: District, hall_case: Case
) -> None:
    district.client_for(district.alice).post(rating_link(hall_case.pk), {"level": "4"})

    assert the_only_rating().rated_by is None


def test_the_api_rates_through_the_sms_token(hall_case: Case) -> None:
    response = APIClient().post(
        "/api/ratings/",
        {
            "token": rating_token(hall_case.pk),
            "level": 3,
            "tags": ["服务水平"],
            "comment": "等了一会儿",
            "allow_publication": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["level_display"] == "基本满意"
    rating = the_only_rating()
    assert rating.source == Evaluation.Source.SMS_LINK
    assert rating.tags == ["服务水平"]
    assert rating.allow_publication is True
    assert APPLICANT_NAME not in response.content.decode()


# --- the hall rating device -----------------------------------------------------------------


def test_the_window_opens_the_rating_device_for_the_case_in_front_of_it(
    district: District, hall_case: Case
) -> None:
    client = district.client_for(district.amy)
    url = reverse("evaluations:hall_device", args=[hall_case.pk])

    page = client.get(url)
    assert page.status_code == 200
    for tag in HALL_TAGS:
        assert tag in page.content.decode()
    assert "非常不满意" in page.content.decode()

    response = client.post(url, {"level": "5", "tags": ["服务态度"]})

    assert response.status_code == 200
    text = response.content.decode()
    assert "感谢您的评价" in text
    assert reverse("cases:staff_detail", args=[hall_case.pk]) in text
    rating = the_only_rating()
    assert rating.source == Evaluation.Source.HALL_DEVICE
    assert rating.tags == ["服务态度"]
    assert rating.rated_by == district.amy


@pytest.mark.parametrize("who", ["bob", "olivia", "ruth"])
def test_the_rating_device_of_another_units_case_is_a_404(
    district: District, hall_case: Case, who: str
) -> None:
    client = district.client_for(getattr(district, who))
    url = reverse("evaluations:hall_device", args=[hall_case.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"level": "1"}).status_code == 404
    assert not Evaluation.objects.exists()


# --- ratings given by phone -----------------------------------------------------------------


def test_the_office_enters_a_rating_given_by_phone(district: District, hall_case: Case) -> None:
    client = district.client_for(district.olivia)
    url = reverse("evaluations:phone_rate", args=[hall_case.pk])

    page = client.get(url)
    assert page.status_code == 200
    # The office calling the applicant needs the number to dial.
    assert APPLICANT_PHONE in page.content.decode()

    response = client.post(url, {"level": "4", "tags": ["服务效率"], "comment": "回访时表示满意"})

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:staff_detail", args=[hall_case.pk])
    rating = the_only_rating()
    assert rating.source == Evaluation.Source.PHONE
    assert rating.tags == ["服务效率"]
    assert rating.rated_by == district.olivia


@pytest.mark.parametrize("who", ["alice", "amy", "ahead", "bob", "dora"])
def test_no_unit_may_enter_a_phone_rating_least_of_all_for_its_own_case(
    district: District, hall_case: Case, who: str
) -> None:
    """好差评 rules: the rating is independent of the unit rated. 市场监管局's own staff and
    head (and any other unit) get no phone-rating page, and nothing they post counts."""
    client = district.client_for(getattr(district, who))
    url = reverse("evaluations:phone_rate", args=[hall_case.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"level": "5", "comment": "非常满意"}).status_code == 404
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("who", ["alice", "ahead"])
def test_the_action_refuses_a_phone_rating_by_the_rated_unit(
    district: District, hall_case: Case, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        rate_case(
            actor=getattr(district, who),
            case=hall_case,
            level=5,
            source=Evaluation.Source.PHONE,
        )
    assert not Evaluation.objects.exists()


# --- what a bad rating starts ---------------------------------------------------------------


@pytest.mark.parametrize("level", ["1", "2"])
def test_a_bad_rating_opens_a_rectification_for_the_unit(hall_case: Case, level: str) -> None:
    Client().post(rating_link(hall_case.pk), {"level": level, "comment": "等了很久"})

    rectification = Rectification.objects.get()
    assert rectification.evaluation == the_only_rating()
    assert rectification.unit == hall_case.unit
    assert rectification.status == Rectification.Status.VERIFYING
    assert rectification.due_at is not None


def test_a_good_rating_opens_no_rectification(hall_case: Case) -> None:
    Client().post(rating_link(hall_case.pk), {"level": "3"})

    assert the_only_rating().level == 3
    assert not Rectification.objects.exists()


def test_a_rating_is_audited_with_the_staff_who_opened_the_device(
    district: District, hall_case: Case
) -> None:
    district.client_for(district.amy).post(
        reverse("evaluations:hall_device", args=[hall_case.pk]), {"level": "5"}
    )

    event = AuditEvent.objects.get(action="evaluations.rate_case")
    assert event.actor == district.amy


def test_the_case_page_offers_phone_rating_to_the_office_only(
    district: District, hall_case: Case
) -> None:
    """No dead link: the rated unit's case page does not offer a page it may not use."""
    url = reverse("evaluations:phone_rate", args=[hall_case.pk])
    detail = reverse("cases:staff_detail", args=[hall_case.pk])

    unit_page = district.client_for(district.alice).get(detail).content.decode()
    office_page = district.client_for(district.olivia).get(detail).content.decode()

    assert url not in unit_page and "电话评价由督查室回访录入" in unit_page
    assert url in office_page
