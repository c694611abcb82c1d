"""Public progress lookup: number and query code open a case's public progress, without login,
without personal data, without telling which of the two was wrong, and not as fast as a script
would like."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from cases import actions
from cases.models import Case
from catalog.tests.factories import make_matter
from conftest import District

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Markers planted in the case: none of them may ever reach a lookup answer.
APPLICANT_NAME = "甄士隐"
APPLICANT_PHONE = "13912345678"
APPLICANT_ID = "11010519491231002X"
INTERNAL_NOTE = "内部核查QX7"
NOT_FOUND = "未找到该办件，请核对办件编号和查询码"
LIMITED = "查询过于频繁，请稍后再试"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen() -> Iterator[Any]:
    # Monday 3 March 2025, 10:00 in the district; time stands still so rate windows hold.
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI), tick=False) as t:
        yield t


@pytest.fixture
def case(district: District, frozen: Any) -> Case:
    """An accepted case (5 working days promised) with a processing step."""
    matter = make_matter(
        district.market, name="食品经营许可证核发", online=True, promised_limit_days=5
    )
    case = actions.submit_case(
        actor=district.ruth,
        matter=matter,
        channel=Case.Channel.ONLINE,
        applicant_name=APPLICANT_NAME,
        applicant_phone=APPLICANT_PHONE,
        applicant_id_number=APPLICANT_ID,
        applicant_user=district.ruth,
    )
    actions.accept_case(actor=district.alice, case=case)
    actions.record_step(
        actor=district.alice,
        case=case,
        note=f"{INTERNAL_NOTE}：已电话联系{APPLICANT_NAME}（{APPLICANT_PHONE}）",
        public_note="材料审查中",
    )
    case.refresh_from_db()
    return case


def look_up(number: str, code: str, client: Client | None = None, **extra: Any) -> Any:
    return (client or Client()).post(
        "/cases/lookup/", {"number": number, "query_code": code}, **extra
    )


def api_look_up(number: str, code: str, client: Client | None = None, **extra: Any) -> Any:
    return (client or Client()).post(
        "/api/lookup/",
        json.dumps({"number": number, "query_code": code}),
        content_type="application/json",
        **extra,
    )


def assert_no_personal_data(text: str) -> None:
    for secret in (
        APPLICANT_NAME,
        APPLICANT_NAME[0] + "*",  # not even masked
        APPLICANT_PHONE,
        "139****5678",
        APPLICANT_ID,
        "1101",
        INTERNAL_NOTE,
        "艾丽",  # the handling clerk's name
    ):
        assert secret not in text, secret


# --- the page -----------------------------------------------------------------------------


def test_the_lookup_page_asks_for_the_number_and_the_query_code() -> None:
    response = Client().get("/cases/lookup/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="number"' in html and 'name="query_code"' in html
    assert "csrfmiddlewaretoken" in html


def test_the_right_number_and_code_show_status_timeline_due_date_unit_and_matter(
    case: Case,
) -> None:
    response = look_up(case.number, case.query_code)

    html = response.content.decode()
    assert response.status_code == 200
    assert "已受理，办理中" in html
    assert "区市场监督管理局" in html
    assert "食品经营许可证核发" in html
    assert "2025年3月10日" in html  # five working days after Monday 3 March
    for label in ("提交申请", "受理", "办理"):
        assert label in html
    assert "材料审查中" in html
    assert "2025年3月3日 10:00" in html


def test_the_lookup_shows_no_personal_data_and_no_internal_notes(case: Case) -> None:
    response = look_up(case.number, case.query_code)

    assert response.status_code == 200
    assert_no_personal_data(response.content.decode())


def test_the_query_code_may_be_typed_in_lower_case_and_with_spaces(case: Case) -> None:
    code = case.query_code.lower()
    response = look_up(f" {case.number} ", f"{code[:4]} {code[4:]}")

    assert "已受理，办理中" in response.content.decode()


def test_a_wrong_code_and_an_unknown_number_get_byte_identical_answers(case: Case) -> None:
    wrong_code = look_up(case.number, "WRONG234")
    unknown_number = look_up("20990101999999", case.query_code)

    assert wrong_code.status_code == unknown_number.status_code
    assert wrong_code.content == unknown_number.content
    assert NOT_FOUND in wrong_code.content.decode()
    assert case.number not in wrong_code.content.decode()


def test_a_code_typed_in_chinese_is_an_ordinary_miss(case: Case) -> None:
    response = look_up(case.number, "查询码")

    assert response.status_code == 200
    assert NOT_FOUND in response.content.decode()


def test_an_empty_form_asks_for_both_fields_again() -> None:
    response = look_up("", "")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("该字段是必填项") == 2


def test_a_case_waiting_for_materials_says_its_clock_is_paused(
    case: Case, district: District
) -> None:
    actions.request_supplement(actor=district.alice, case=case, materials=["营业执照复印件"])

    html = look_up(case.number, case.query_code).content.decode()

    assert "待补正材料" in html
    assert "请补正材料：营业执照复印件" in html
    assert "暂停计时" in html


def test_the_lookup_form_refuses_a_cross_site_post(case: Case) -> None:
    response = look_up(case.number, case.query_code, client=Client(enforce_csrf_checks=True))

    assert response.status_code == 403


def test_a_lookup_costs_at_most_three_queries(
    case: Case, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        response = look_up(case.number, case.query_code)
    assert response.status_code == 200


def test_lookups_from_one_address_are_throttled_and_other_addresses_still_served(
    case: Case, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "LOOKUP_RATE": "3/m"}
    flood = Client(REMOTE_ADDR="203.0.113.9")
    # Guessing codes is exactly what the limit stops: misses count like hits.
    for _ in range(3):
        assert look_up(case.number, "WRONG234", client=flood).status_code == 200

    with django_assert_num_queries(0):  # a limited request costs the database nothing
        limited = look_up(case.number, case.query_code, client=flood)
    neighbour = look_up(case.number, case.query_code, client=Client(REMOTE_ADDR="198.51.100.7"))

    assert limited.status_code == 429
    assert LIMITED in limited.content.decode()
    assert limited["Retry-After"] == "60"
    assert neighbour.status_code == 200
    assert "已受理，办理中" in neighbour.content.decode()


def test_the_limit_lifts_when_its_window_has_passed(case: Case, settings: Any, frozen: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "LOOKUP_RATE": "3/m"}
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        last = look_up(case.number, case.query_code, client=client)
    assert last.status_code == 429

    frozen.shift(dt.timedelta(minutes=2))

    assert look_up(case.number, case.query_code, client=client).status_code == 200


def test_opening_the_form_does_not_use_up_the_limit(case: Case, settings: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "LOOKUP_RATE": "3/m"}
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        assert client.get("/cases/lookup/").status_code == 200

    assert look_up(case.number, case.query_code, client=client).status_code == 200


# --- the API ------------------------------------------------------------------------------


def test_the_api_returns_the_public_progress_as_json(case: Case) -> None:
    response = api_look_up(case.number, case.query_code.lower())

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "number",
        "status",
        "status_label",
        "matter",
        "unit",
        "due_at",
        "timeline",
    }
    assert body["number"] == case.number
    assert body["status"] == "accepted"
    assert body["status_label"] == "已受理，办理中"
    assert body["matter"] == "食品经营许可证核发"
    assert body["unit"] == "区市场监督管理局"
    assert body["due_at"].startswith("2025-03-10T23:59:59")
    assert body["due_at"].endswith("+08:00")
    assert [(e["kind"], e["label"]) for e in body["timeline"]] == [
        ("submitted", "提交申请"),
        ("accepted", "受理"),
        ("step", "办理"),
    ]
    assert body["timeline"][2]["note"] == "材料审查中"
    assert set(body["timeline"][0]) == {"at", "kind", "label", "note"}


def test_the_api_answer_contains_no_personal_data(case: Case) -> None:
    response = api_look_up(case.number, case.query_code)

    assert response.status_code == 200
    assert_no_personal_data(response.content.decode())
    assert_no_personal_data(json.dumps(response.json(), ensure_ascii=False))


def test_the_api_gives_the_same_404_for_a_wrong_code_and_an_unknown_number(case: Case) -> None:
    wrong_code = api_look_up(case.number, "WRONG234")
    unknown_number = api_look_up("20990101999999", case.query_code)

    assert wrong_code.status_code == unknown_number.status_code == 404
    assert wrong_code.content == unknown_number.content
    assert wrong_code.json() == {"detail": NOT_FOUND}


def test_the_api_asks_for_both_fields() -> None:
    response = Client().post("/api/lookup/", {}, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"number", "query_code"}


def test_the_api_needs_neither_a_login_nor_a_csrf_token(case: Case, district: District) -> None:
    logged_in = Client(enforce_csrf_checks=True)
    logged_in.force_login(district.ruth)

    assert api_look_up(case.number, case.query_code, client=logged_in).status_code == 200
    anonymous = Client(enforce_csrf_checks=True)
    assert api_look_up(case.number, case.query_code, client=anonymous).status_code == 200


def test_an_api_lookup_costs_at_most_three_queries(
    case: Case, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        response = api_look_up(case.number, case.query_code)
    assert response.status_code == 200


def test_the_api_is_throttled_per_address_even_behind_a_forged_forwarded_header(
    case: Case, settings: Any
) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "LOOKUP_RATE": "3/m"}
    flood = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(3):
        response = api_look_up(
            case.number, "WRONG234", client=flood, HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}"
        )
        assert response.status_code == 404

    limited = api_look_up(
        case.number, case.query_code, client=flood, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    neighbour = api_look_up(case.number, case.query_code, client=Client(REMOTE_ADDR="198.51.100.7"))

    assert limited.status_code == 429
    assert limited.json()["detail"].startswith(LIMITED)
    assert "Retry-After" in limited
    assert neighbour.status_code == 200


def test_the_api_lookup_is_described_in_the_schema() -> None:
    response = Client().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    operation = json.loads(response.content)["paths"]["/api/lookup/"]["post"]
    assert operation["operationId"] == "cases_lookup"
    assert set(operation["responses"]) >= {"200", "404", "429"}
    assert "requestBody" in operation
    result_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert result_schema["$ref"].endswith("/LookupResult")
