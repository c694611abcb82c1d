"""Issue 13, defects 3 and 8: bad input is a 400 with a Chinese message, never a 500.

A NUL byte in a path, query or form field reached PostgreSQL (which refuses it) and answered
500; a blank search crashed on both engines; Open311 took two values for one attribute and
stored invalid UTF-8 as U+FFFD; the triage API answered 403 where every other office-only
place answers 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from catalog.tests.factories import make_matter
from complaints.intake.open311 import keys
from complaints.models import Complaint, Open311Client
from complaints.tests.test_open311 import assert_error
from complaints.tests.test_staff_pages import file, routed
from conftest import District
from zuofeng.middleware_input import input_problem

BASE = "/open311/v2/"
ATTITUDE = "市场监管局窗口的工作人员态度很差，问了三遍都不耐烦，还让我明天再来"
PLACE = "区政务服务中心二楼"
MIDDLEWARE = "zuofeng.middleware_input.RefuseBadInputMiddleware"


@pytest.fixture(autouse=True)
def with_input_middleware(settings: Any) -> None:
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:2], MIDDLEWARE, *settings.MIDDLEWARE[2:]]
    cache.clear()


@pytest.fixture
def api_key(district: District) -> str:
    client = Open311Client(name="掌上政务 App")
    key = keys.set_key(client)
    client.save()
    return key


def open311_post(key: str, fmt: str = "json", **fields: Any) -> Any:
    fields.setdefault("service_code", "service")
    fields.setdefault("description", ATTITUDE)
    fields.setdefault("address_string", PLACE)
    return Client().post(f"{BASE}requests.{fmt}", {"api_key": key, **fields})


# --- Open311 ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_nul_in_an_open311_field_name_is_a_400_in_the_spec_format(
    district: District, api_key: str, fmt: str
) -> None:
    response = open311_post(api_key, fmt, **{"attribute[unit\x00]": "MKT"})
    assert_error(response, 400, "控制字符")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("field", ["description", "address_string", "first_name", "phone"])
def test_a_nul_in_an_open311_field_value_is_dropped_never_a_500(
    district: District, api_key: str, field: str
) -> None:
    # The house rule (zuofeng.validation.without_controls): control characters in submitted
    # text are dropped on every channel. On PostgreSQL a NUL used to answer 500.
    values = {"description": ATTITUDE, "address_string": PLACE, "first_name": "小明"}
    values["phone"] = "13800000000"
    values[field] = values[field][:2] + "\x00" + values[field][2:]
    response = open311_post(api_key, **values)
    assert response.status_code == 201, response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.text == ATTITUDE and complaint.place == PLACE


@pytest.mark.parametrize(
    "path",
    [
        "requests/X%00Y.json",
        "tokens/ab%00cd.json",
        "services/serv%00ice.json",
        "requests.json?service_request_id=A%00B",
        "requests.json?service_code=%00",
    ],
)
def test_a_nul_in_an_open311_id_token_or_filter_is_a_400_in_the_spec_format(
    district: District, path: str
) -> None:
    response = Client().get(BASE + path)
    assert_error(response, 400, "控制字符")


@pytest.mark.parametrize("path", ["requests/" + "A" * 41 + ".json", "tokens/" + "a" * 65 + ".json"])
def test_an_over_long_id_or_token_is_a_404_in_the_spec_format(
    district: District, path: str
) -> None:
    assert_error(Client().get(BASE + path), 404, "编号")


def test_an_oversize_body_is_refused_in_the_spec_format(
    district: District, api_key: str, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = open311_post(api_key, description="很长" * 10_000)
    assert_error(response, 413, "过大")
    assert not Complaint.objects.exists()


def test_two_values_for_one_attribute_are_refused(district: District, api_key: str) -> None:
    response = Client().post(
        f"{BASE}requests.json",
        {
            "api_key": api_key,
            "service_code": "service",
            "description": ATTITUDE,
            "address_string": PLACE,
            "attribute[unit]": ["MKT", "HRS"],
        },
    )
    assert_error(response, 400, "attribute[unit]")
    assert not Complaint.objects.exists()


def test_invalid_utf8_is_refused_not_stored_as_replacement_characters(
    district: District, api_key: str
) -> None:
    body = (
        f"api_key={api_key}&service_code=service&address_string=%E4%BA%8C%E6%A5%BC"
        "&description=%E6%80%81%E5%BA%A6%FF%FE%E5%B7%AE%E5%B7%AE%E5%B7%AE%E5%B7%AE%E5%B7%AE"
    )
    response = Client().post(
        f"{BASE}requests.json", body, content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 400, "UTF-8")
    assert not Complaint.objects.exists()


# --- the REST API and pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/matters/?q=%00", "/api/matters/MKT%00001/", "/matters/?q=%00", "/api/matters/?unit=%00"],
)
def test_a_nul_in_a_matter_search_or_detail_is_a_400_in_chinese(
    district: District, path: str
) -> None:
    response = Client().get(path)
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


@pytest.mark.parametrize("blank", [" ", "   ", "\u3000"])
def test_a_blank_matter_search_lists_everything(district: District, blank: str) -> None:
    matter = make_matter(district.market, name="食品经营许可证核发")
    response = Client().get("/api/matters/", {"q": blank})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [matter.code]


def test_a_nul_in_an_api_form_field_name_is_a_400_and_nothing_changes(district: District) -> None:
    complaint = file(district)
    before = complaint.status
    olivia = district.client_for(district.olivia)
    response = olivia.post(
        f"/api/complaints/{complaint.pk}/triage/",
        {"category\x00": "service", "unit": "MKT"},
    )
    assert response.status_code == 400 and "控制字符" in response.json()["detail"]
    complaint.refresh_from_db()
    assert complaint.status == before and complaint.handling_unit is None


@pytest.mark.parametrize(
    ("query", "fine"),
    [("q=%E8%90%A5%E4%B8%9A", True), ("q=a%09b", False), ("q=%FF", False), ("a%00=1", False)],
)
def test_the_check_itself(rf: Any, query: str, fine: bool) -> None:
    assert (input_problem(rf.get("/api/matters/?" + query)) is None) is fine


# --- defect 8: triage is 404 for whoever may not triage -------------------------------------


def test_triage_through_the_api_is_404_for_a_unit_that_may_see_the_complaint(
    district: District,
) -> None:
    complaint = routed(district)
    alice = district.client_for(district.alice)
    assert alice.get(f"/api/complaints/{complaint.pk}/").status_code == 200
    response = alice.post(
        f"/api/complaints/{complaint.pk}/triage/",
        json.dumps({"category": "service"}),
        content_type="application/json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["alice", "bob", "dora", "ruth"])
def test_triage_pages_are_404_for_everyone_but_the_office(district: District, who: str) -> None:
    complaint = file(district)
    client = district.client_for(getattr(district, who))
    for path in [
        "/staff/complaints/triage/",
        "/staff/complaints/triage/bulk/",
        "/staff/complaints/triage/settings/",
        f"/staff/complaints/{complaint.pk}/triage/",
        f"/staff/complaints/{complaint.pk}/triage/preview/",
    ]:
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"category": "service"}).status_code == 404, path
