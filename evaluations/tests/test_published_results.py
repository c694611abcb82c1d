"""The published monthly results (好差评结果公开): per unit the number of ratings, both
satisfaction rates, bad reviews and the share rectified on time, computed by hand here; a unit
below the minimum sample shows 样本不足; ratings taken out by an upheld appeal do not count;
default ratings can be left out; no personal data ever; only comments the rater allowed to
publish, scrubbed. The same numbers as JSON, and a query count that does not grow with units.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from evaluations import actions
from evaluations.models import Evaluation, Rectification
from evaluations.tests.test_rating_channels import decided_case
from org.actions import add_person
from org.models import Unit
from org.roles import Role

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
TODAY = dt.datetime(2026, 4, 15, 10, 0, tzinfo=SH)
MARCH = dt.datetime(2026, 3, 10, 9, 0, tzinfo=SH)
MARCH_URL = "/ratings/2026/3/"

# Planted in the applicant fields and a published comment: none may reach the public page.
SECRET_NAME = "标记姓名甲乙"
SECRET_PHONE = "13987654321"
SECRET_ID = "11010519800101123X"


@pytest.fixture(autouse=True)
def april(db: Any) -> Any:
    """Results are published for past months: the suite lives in mid-April 2026."""
    with time_machine.travel(TODAY):
        yield


@pytest.fixture(autouse=True)
def min_sample(settings: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "RATING_MIN_SAMPLE": 10}


@pytest.fixture
def matters(district: District) -> dict[str, Matter]:
    return {
        "market": make_matter(district.market, name="食品经营许可"),
        "hr": make_matter(district.hr, name="失业登记"),
    }


_sequence = iter(range(1, 10_000))


def rate(
    staff: User,
    matter: Matter,
    level: int,
    *,
    default: bool = False,
    comment: str = "",
    allow_publication: bool = False,
    at: dt.datetime | None = None,
    **applicant: Any,
) -> Evaluation:
    """One decided case of `matter`, rated in March 2026 (a few minutes apart)."""
    at = at or MARCH + dt.timedelta(minutes=next(_sequence))
    case = decided_case(staff, matter, at=at - dt.timedelta(days=1), **applicant)
    return actions.rate_case(
        actor=None,
        case=case,
        level=level,
        source=Evaluation.Source.DEFAULT if default else Evaluation.Source.SMS_LINK,
        is_default=default,
        comment=comment,
        allow_publication=allow_publication,
        at=at,
    )


def close(district: District, rectification: Rectification, *, late: bool = False) -> None:
    """Verify, rectify, call back and approve: within the deadline, or after it."""
    assert rectification.due_at is not None
    if late:
        at = rectification.due_at + dt.timedelta(days=3)
    else:
        at = rectification.opened_at + dt.timedelta(hours=2)
    rectification = actions.verify_rectification(
        actor=district.alice, rectification=rectification, finding="情况属实", at=at
    )
    rectification = actions.rectify(
        actor=district.alice,
        rectification=rectification,
        outcome=Rectification.Outcome.IMMEDIATE,
        measures="当场改正并致歉",
        at=at,
    )
    rectification = actions.record_callback(
        actor=district.olivia,
        rectification=rectification,
        answer=Rectification.CallbackAnswer.SATISFIED,
        at=at,
    )
    actions.approve_rectification(actor=district.ahead, rectification=rectification, at=at)


@pytest.fixture
def march(district: District, matters: dict[str, Matter]) -> dict[str, list[Evaluation]]:
    """Market: 12 ratings, 6×5, 3×4, 1×3, 2×1 → 75.0% and 83.3%, two bad reviews, one
    rectified on time and one late. HR: 3 ratings (5, 4, 3), below the minimum sample of 10."""
    market = [rate(district.amy, matters["market"], level) for level in [5] * 6 + [4] * 3 + [3]]
    bad = [rate(district.amy, matters["market"], 1) for _ in range(2)]
    close(district, bad[0].rectification)
    close(district, bad[1].rectification, late=True)
    hr = [rate(district.bob, matters["hr"], level) for level in (5, 4, 3)]
    return {"market": market + bad, "hr": hr}


def page(url: str = MARCH_URL) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def row_of(html: str, unit: Unit) -> list[str]:
    """The cells of the unit's row in the results table, as text."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if unit.name in row:
            return [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
    raise AssertionError(f"no row for {unit.name}")


# --- the numbers ----------------------------------------------------------------------------


def test_the_numbers_match_a_hand_computed_month(district: District, march: Any) -> None:
    html = page()

    assert row_of(html, district.market) == ["12", "75.0%", "83.3%", "2", "1/2（50.0%）"]


def test_a_unit_below_the_minimum_sample_shows_sample_too_small(
    district: District, march: Any
) -> None:
    assert row_of(page(), district.hr) == ["3", "样本不足", "样本不足", "0", "—"]


def test_the_minimum_sample_is_configurable(settings: Any, district: District, march: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "RATING_MIN_SAMPLE": 13}
    assert row_of(page(), district.market)[1:3] == ["样本不足", "样本不足"]

    settings.ZUOFENG = {**settings.ZUOFENG, "RATING_MIN_SAMPLE": 12}
    assert row_of(page(), district.market)[1:3] == ["75.0%", "83.3%"]

    settings.ZUOFENG = {**settings.ZUOFENG, "RATING_MIN_SAMPLE": 3}
    assert row_of(page(), district.hr)[1:3] == ["66.7%", "100.0%"]


def test_a_rating_excluded_by_an_upheld_appeal_does_not_count(
    district: District, matters: dict[str, Matter], march: Any
) -> None:
    malicious = rate(
        district.amy, matters["market"], 1, comment="恶意差评内容", allow_publication=True
    )
    appeal = actions.file_appeal(
        actor=district.alice, evaluation=malicious, reason="与办件无关", evidence="录音"
    )
    before = row_of(page(), district.market)
    assert before[0] == "13"

    actions.decide_appeal(actor=district.olivia, appeal=appeal, uphold=True, note="申诉成立")

    html = page()
    assert row_of(html, district.market) == ["12", "75.0%", "83.3%", "2", "1/2（50.0%）"]
    assert "恶意差评内容" not in html


def test_a_rejected_appeal_leaves_the_rating_counted(
    district: District, matters: dict[str, Matter], march: Any
) -> None:
    contested = rate(district.amy, matters["market"], 1)
    appeal = actions.file_appeal(
        actor=district.alice, evaluation=contested, reason="不认可", evidence="无"
    )
    actions.decide_appeal(actor=district.olivia, appeal=appeal, uphold=False, note="不成立")

    assert row_of(page(), district.market)[:4] == ["13", "69.2%", "76.9%", "3"]


def test_default_ratings_count_unless_left_out(
    district: District, matters: dict[str, Matter], march: Any
) -> None:
    for _ in range(2):
        rate(district.amy, matters["market"], 3, default=True)

    with_defaults = page()
    without = page(f"{MARCH_URL}?defaults=0")

    # 9 of 14 satisfied, 12 of 14 with 基本满意.
    assert row_of(with_defaults, district.market)[:3] == ["14", "64.3%", "85.7%"]
    assert row_of(without, district.market)[:3] == ["12", "75.0%", "83.3%"]
    assert f'href="{MARCH_URL}?defaults=0"' in with_defaults
    assert f'href="{MARCH_URL}"' in without
    assert "不含超期默认评价" in without


def test_ratings_of_other_months_do_not_count(
    district: District, matters: dict[str, Matter], march: Any
) -> None:
    # 00:30 on 1 April in Shanghai is still 31 March in UTC: the month is the local one.
    rate(district.amy, matters["market"], 1, at=dt.datetime(2026, 4, 1, 0, 30, tzinfo=SH))
    rate(district.amy, matters["market"], 1, at=dt.datetime(2026, 2, 28, 23, 30, tzinfo=SH))

    assert row_of(page(), district.market)[0] == "12"
    assert row_of(page("/ratings/2026/4/"), district.market)[0] == "1"


def test_the_footer_says_how_rates_are_computed_and_the_page_prints(march: Any) -> None:
    html = page()

    assert "计算方法" in html
    assert "（非常满意 + 满意）÷ 评价数" in html
    assert "data-print" in html


# --- personal data and published comments ---------------------------------------------------


def test_the_published_page_carries_no_personal_data(
    district: District, matters: dict[str, Matter], march: Any
) -> None:
    rating = rate(
        district.amy,
        matters["market"],
        2,
        comment=(
            f"办事员很耐心但流程太长。有事打我电话{SECRET_PHONE}，"
            f"身份证{SECRET_ID}，我叫{SECRET_NAME}"
        ),
        allow_publication=True,
        applicant_name=SECRET_NAME,
        applicant_phone=SECRET_PHONE,
        applicant_id_number=SECRET_ID,
        applicant_user=district.ruth,
    )

    html = page()

    assert "办事员很耐心但流程太长" in html
    assert html.count("[已隐去]") == 3
    for secret in (
        SECRET_NAME,
        SECRET_PHONE,
        SECRET_ID,
        SECRET_ID.lower(),
        rating.case.query_code,
        rating.case.number,
        district.ruth.first_name,
    ):
        assert secret not in html


def test_comments_not_allowed_for_publication_are_absent(
    district: District, matters: dict[str, Matter], march: Any
) -> None:
    rate(district.amy, matters["market"], 5, comment="可以公开的表扬", allow_publication=True)
    rate(district.amy, matters["market"], 5, comment="只给单位看的意见", allow_publication=False)

    html = page()

    assert "可以公开的表扬" in html
    assert "只给单位看的意见" not in html


def test_at_most_fifty_comments_are_published_newest_first(
    district: District, matters: dict[str, Matter]
) -> None:
    for number in range(52):
        rate(
            district.amy,
            matters["market"],
            4,
            comment=f"评价第{number:02d}条",
            allow_publication=True,
        )

    html = page()

    assert html.count("评价第") == 50
    assert "评价第00条" not in html and "评价第01条" not in html
    assert html.index("评价第51条") < html.index("评价第50条")


# --- months ---------------------------------------------------------------------------------


def test_the_results_default_to_the_last_complete_month(district: District, march: Any) -> None:
    html = page("/ratings/")

    assert "2026年3月" in html
    assert row_of(html, district.market)[0] == "12"


def test_in_january_the_last_complete_month_is_last_december(db: Any) -> None:
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, 0, tzinfo=SH)):
        assert "2026年12月" in page("/ratings/")


def test_months_link_to_their_neighbours_but_not_to_the_future(march: Any) -> None:
    html = page(f"{MARCH_URL}?defaults=0")
    assert 'href="/ratings/2026/2/?defaults=0"' in html
    assert 'href="/ratings/2026/4/?defaults=0"' in html

    current = page("/ratings/2026/4/")
    assert 'href="/ratings/2026/3/"' in current
    assert "/ratings/2026/5/" not in current
    assert "本月尚未结束" in current


@pytest.mark.parametrize(
    "url",
    [
        "/ratings/2026/5/",
        "/ratings/2027/1/",
        "/ratings/2026/13/",
        "/ratings/2026/0/",
        "/ratings/1999/12/",
    ],
)
def test_a_future_or_impossible_month_is_a_404(url: str) -> None:
    assert Client().get(url).status_code == 404


def test_a_month_without_ratings_says_so(db: Any) -> None:
    html = page("/ratings/2026/1/")

    assert "该月没有评价记录" in html
    assert "该月没有同意公开的评价内容" in html


# --- cost -----------------------------------------------------------------------------------


def test_the_page_costs_the_same_number_of_queries_for_one_unit_or_three(
    district: District, matters: dict[str, Matter]
) -> None:
    rate(district.amy, matters["market"], 1, comment="一条公开评价", allow_publication=True)
    with CaptureQueriesContext(connection) as one_unit:
        page()

    tina = add_person(
        actor=None, username="tina", full_name="田娜", roles=[Role.UNIT_STAFF], unit=district.town
    )
    town_matter = make_matter(district.town, name="农村建房审批")
    for _ in range(3):
        rate(district.bob, matters["hr"], 2, comment="又一条公开评价", allow_publication=True)
        rate(tina, town_matter, 4, comment="第三个单位的评价", allow_publication=True)
    with CaptureQueriesContext(connection) as three_units:
        html = page()

    assert district.town.name in html
    assert len(three_units) == len(one_unit)
    assert len(three_units) <= 5


# --- the JSON and the schema ----------------------------------------------------------------


def test_the_api_publishes_the_same_numbers(district: District, march: Any) -> None:
    response = APIClient().get("/api/ratings/results/2026/3/")

    assert response.status_code == 200
    data = response.json()
    assert (data["year"], data["month"], data["include_defaults"]) == (2026, 3, True)
    units = {row["unit"]: row for row in data["units"]}
    market = units[district.market.code]
    assert market["ratings"] == 12
    assert market["satisfaction_rate"] == "75.0"
    assert market["satisfaction_rate_with_basic"] == "83.3"
    assert market["bad"] == 2
    assert (market["rectifications"], market["rectified_on_time"]) == (2, 1)
    assert market["rectified_on_time_rate"] == "50.0"
    hr = units[district.hr.code]
    assert hr["enough_sample"] is False
    assert hr["satisfaction_rate"] is None
    assert hr["satisfaction_rate_with_basic"] is None


def test_the_api_leaves_out_default_ratings_on_request(
    district: District, matters: dict[str, Matter], march: Any
) -> None:
    rate(district.amy, matters["market"], 3, default=True)

    both = APIClient().get("/api/ratings/results/2026/3/").json()
    without = APIClient().get("/api/ratings/results/2026/3/?defaults=0").json()

    def market(data: dict[str, Any]) -> dict[str, Any]:
        return next(row for row in data["units"] if row["unit"] == district.market.code)

    assert market(both)["ratings"] == 13
    assert market(without)["ratings"] == 12
    assert without["include_defaults"] is False


@pytest.mark.parametrize("path", ["2026/5", "2026/13", "1999/1"])
def test_the_api_has_no_future_or_impossible_month(path: str) -> None:
    assert APIClient().get(f"/api/ratings/results/{path}/").status_code == 404


def test_the_schema_documents_both_rating_endpoints(db: Any) -> None:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    paths = response.json()["paths"]
    rate_operation = paths["/api/ratings/"]["post"]
    assert {"201", "400", "409"} <= set(rate_operation["responses"])
    results = paths["/api/ratings/results/{year}/{month}/"]["get"]
    assert {"200", "404"} <= set(results["responses"])
    assert {"year", "month", "defaults"} <= {p["name"] for p in results["parameters"]}
