"""The complaints API: scoped, paginated, filterable reads without identities, and the
steps as POST endpoints that answer 409 for an out-of-order step."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from complaints import actions
from complaints.models import Complaint
from complaints.tests.test_staff_pages import (
    BRIBE,
    IDENTITY,
    assert_no_identity,
    file,
    routed,
)
from conftest import District

pytestmark = pytest.mark.django_db

API = "/api/complaints/"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def step_url(complaint: Complaint, step: str) -> str:
    return f"{API}{complaint.pk}/{step}/"


def numbers(response: Any) -> list[str]:
    return [row["number"] for row in response.json()["results"]]


def test_the_list_is_scoped_to_what_the_user_may_see(district: District) -> None:
    mine = routed(district)
    theirs = routed(district, unit=district.hr)
    integrity = routed(district, BRIBE, category="integrity")
    waiting = file(district)
    alice = district.client_for(district.alice)
    assert numbers(alice.get(API)) == [mine.number]
    assert alice.get(f"{API}{integrity.pk}/").status_code == 404
    assert alice.get(f"{API}{theirs.pk}/").status_code == 404
    assert alice.get(f"{API}{waiting.pk}/").status_code == 404
    assert set(numbers(district.client_for(district.dora).get(API))) == {integrity.number}
    everything = numbers(district.client_for(district.olivia).get(API))
    assert set(everything) == {mine.number, theirs.number, integrity.number, waiting.number}


def test_the_api_is_for_staff(district: District) -> None:
    assert Client().get(API).status_code == 403
    assert district.client_for(district.ruth).get(API).status_code == 404


def test_the_list_filters_paginates_and_refuses_unknown_parameters(district: District) -> None:
    routed(district)
    red = routed(district)
    Complaint.objects.filter(pk=red.pk).update(warning_level="red")
    other = routed(district, unit=district.hr)
    olivia = district.client_for(district.olivia)
    body = olivia.get(API).json()
    assert body["count"] == 3 and "next" in body
    assert numbers(olivia.get(API, {"warning_level": "red"})) == [red.number]
    assert numbers(olivia.get(API, {"unit": "HRS"})) == [other.number]
    assert numbers(olivia.get(API, {"category": "integrity"})) == []
    assert numbers(olivia.get(API))[0] == red.number  # red first
    refused = olivia.get(API, {"colour": "red"})
    assert refused.status_code == 400 and "不支持的查询参数" in refused.json()["detail"]
    assert olivia.get(API, {"status": "bogus"}).status_code == 400


def test_no_identity_in_any_response(district: District) -> None:
    complaint = routed(district)
    # The complaint really carries the identity the responses must leave out.
    revealed = actions.reveal_identity(
        actor=district.olivia, complaint=complaint, reason="核实理由乙"
    )
    assert revealed.name == IDENTITY.name and revealed.phone == IDENTITY.phone
    for user in (district.alice, district.olivia):
        client = district.client_for(user)
        for url in (API, f"{API}{complaint.pk}/"):
            response = client.get(url)
            text = response.content.decode()
            # A refusal would pass the checks below without showing anything.
            assert response.status_code == 200 and complaint.number in text
            assert_no_identity(text)
            assert "核实理由乙" not in text
        answer = post(client, step_url(complaint, "respond"), {"note": "收到"})
        if user == district.alice:  # the handling unit's answer carries the complaint
            assert answer.status_code == 200 and answer.json()["number"] == complaint.number
        assert_no_identity(answer.content.decode())


def test_the_whole_flow_through_the_api(district: District) -> None:
    complaint = file(district)
    olivia = district.client_for(district.olivia)
    alice = district.client_for(district.alice)
    triaged = post(olivia, step_url(complaint, "triage"), {"category": "service", "unit": "MKT"})
    assert triaged.status_code == 200
    assert triaged.json()["handling_unit"] == "MKT" and triaged.json()["status"] == "routed"
    assert post(alice, step_url(complaint, "respond"), {"note": "收到"}).json()["status"] == (
        "handling"
    )
    answered = post(alice, step_url(complaint, "answer"), {"text": "已整改"})
    assert answered.json()["status"] == "answered"
    assert [e["kind"] for e in answered.json()["events"]][-1] == "answered"
    done = post(alice, step_url(complaint, "callback"), {"result": "basic"})
    assert done.status_code == 200 and done.json()["status"] == "closed"


def test_out_of_order_steps_are_409_with_a_chinese_message(district: District) -> None:
    complaint = routed(district)
    alice = district.client_for(district.alice)
    response = post(alice, step_url(complaint, "callback"), {"result": "satisfied"})
    assert response.status_code == 409
    assert "不能登记回访结果" in response.json()["detail"]
    again = post(
        district.client_for(district.olivia), step_url(complaint, "triage"), {"category": "service"}
    )
    assert again.status_code == 409 and "不能甄别分办" in again.json()["detail"]


def test_refusals_are_403_and_bad_input_400(district: District) -> None:
    complaint = routed(district)
    olivia = district.client_for(district.olivia)
    assert post(olivia, step_url(complaint, "respond"), {"note": "x"}).status_code == 403
    alice = district.client_for(district.alice)
    # Triage is the office's: for anyone else it does not exist (404, as on the pages).
    assert post(alice, step_url(complaint, "triage"), {"category": "service"}).status_code == 404
    assert post(alice, step_url(complaint, "respond"), {}).status_code == 400
    assert post(alice, step_url(complaint, "callback"), {"result": "great"}).status_code == 400
    waiting = file(district, unit=None)
    missing = post(olivia, step_url(waiting, "triage"), {"category": "service"})
    assert missing.status_code == 400 and "被举报单位" in missing.content.decode()


def test_integrity_goes_to_discipline_through_the_api(district: District) -> None:
    complaint = file(district, BRIBE)
    olivia = district.client_for(district.olivia)
    body = post(olivia, step_url(complaint, "triage"), {"category": "integrity"}).json()
    assert body["handling_unit"] == "JJW"
    assert district.client_for(district.alice).get(f"{API}{complaint.pk}/").status_code == 404


def test_the_office_closes_with_a_reason(district: District) -> None:
    complaint = routed(district)
    actions.answer(actor=district.alice, complaint=complaint, text="已整改")
    # The unit that answered cannot close it itself: the office's step answers 404 to anyone else.
    alice = district.client_for(district.alice)
    assert post(alice, step_url(complaint, "close"), {"reason": "已办"}).status_code == 404
    olivia = district.client_for(district.olivia)
    assert post(olivia, step_url(complaint, "close"), {"reason": ""}).status_code == 400
    assert post(olivia, step_url(complaint, "close"), {"reason": "联系不上"}).json()["status"] == (
        "closed"
    )


def test_the_endpoints_are_in_the_openapi_schema(district: District) -> None:
    schema = district.client_for(district.olivia).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/complaints/" in paths
    for step in ("triage", "respond", "answer", "callback", "close"):
        operation = paths[f"/api/complaints/{{id}}/{step}/"]["post"]
        assert "409" in operation["responses"]
    properties = schema["components"]["schemas"]["ComplaintDetail"]["properties"]
    for forbidden in ("name", "phone", "id_number", "contact", "identity", "receipt_hash"):
        assert forbidden not in properties


def test_the_list_does_not_query_per_row(
    district: District, django_assert_max_num_queries: Any
) -> None:
    for _ in range(10):
        routed(district)
    client = district.client_for(district.olivia)
    client.get(API)
    with django_assert_max_num_queries(8):
        assert len(numbers(client.get(API))) == 10
