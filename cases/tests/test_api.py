"""The staff cases API: scoped reads, masked personal data, every lifecycle step with its
HTTP mapping (409 for a step out of order), counter submission, the OpenAPI schema, and
two simultaneous acceptances of one case on PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases import actions
from cases.models import Case
from catalog.actions import archive_matter
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from tests.files import real_pdf
from zuofeng.duty.models import WarningLevel
from zuofeng.transitions import Conflict

pytestmark = pytest.mark.django_db

PDF = real_pdf()  # uploads are checked by parsing them
FULL_NAME, FULL_PHONE, FULL_ID = "张三丰", "13800001234", "110101199001011234"


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, code="MKT-9001", name="食品经营许可", promised_limit_days=5)


def api_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def submit(d: District, matter: Matter, actor: Any = None) -> Case:
    return actions.submit_case(
        actor=actor or d.amy,
        matter=matter,
        channel=Case.Channel.WINDOW,
        applicant_name=FULL_NAME,
        applicant_phone=FULL_PHONE,
        applicant_id_number=FULL_ID,
    )


def accepted(d: District, matter: Matter) -> Case:
    return actions.accept_case(actor=d.alice, case=submit(d, matter))


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["results"]]


def post(client: APIClient, case: Case, step: str, data: Any = None, **extra: Any) -> Any:
    return client.post(f"/api/cases/{case.pk}/{step}/", data or {}, **extra)


# --- reads ----------------------------------------------------------------------------------


def test_the_list_is_the_units_cases_most_urgent_first(district: District, matter: Matter) -> None:
    calm = accepted(district, matter)
    red = accepted(district, matter)
    Case.objects.filter(pk=red.pk).update(warning_level=WarningLevel.RED)
    submit(district, make_matter(district.hr), actor=district.bob)

    assert numbers(api_for(district.alice).get("/api/cases/")) == [red.number, calm.number]
    assert len(numbers(api_for(district.olivia).get("/api/cases/"))) == 3


def test_the_list_filters_by_warning_level_status_and_matter(
    district: District, matter: Matter
) -> None:
    other = make_matter(district.market, code="MKT-9002")
    red = accepted(district, matter)
    Case.objects.filter(pk=red.pk).update(warning_level=WarningLevel.RED)
    waiting = submit(district, other)
    done = accepted(district, matter)
    actions.decide_case(actor=district.alice, case=done, approve=True)
    client = api_for(district.alice)

    assert numbers(client.get("/api/cases/?warning_level=red")) == [red.number]
    assert numbers(client.get("/api/cases/?matter=MKT-9002")) == [waiting.number]
    assert numbers(client.get("/api/cases/?status=approved")) == [done.number]
    assert set(numbers(client.get("/api/cases/?status=open"))) == {red.number, waiting.number}


def test_unknown_or_bad_parameters_are_errors_not_ignored(district: District) -> None:
    client = api_for(district.alice)

    unknown = client.get("/api/cases/?colour=red")
    assert unknown.status_code == 400
    assert "不支持的查询参数：colour" in unknown.json()["detail"]
    assert client.get("/api/cases/?warning_level=purple").status_code == 400
    assert client.get("/api/cases/?status=lost").status_code == 400


def test_another_units_case_is_not_found(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    bob = api_for(district.bob)

    assert bob.get(f"/api/cases/{case.pk}/").status_code == 404
    assert post(bob, case, "accept").status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_the_handling_unit_gets_personal_data_in_full(district: District, matter: Matter) -> None:
    case = submit(district, matter)

    data = api_for(district.alice).get(f"/api/cases/{case.pk}/").json()

    assert data["applicant_name"] == FULL_NAME
    assert data["applicant_phone"] == FULL_PHONE
    assert data["applicant_id_number"] == FULL_ID
    assert data["query_code"] == case.query_code
    assert data["personal_data_masked"] is False
    assert [event["kind"] for event in data["events"]] == ["submitted"]


def test_the_office_gets_personal_data_masked(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    office = api_for(district.olivia)

    detail = office.get(f"/api/cases/{case.pk}/").json()
    listed = office.get("/api/cases/").json()["results"][0]

    for data in (detail, listed):
        assert data["applicant_name"] == "张**"
        assert data["applicant_phone"] == "138****1234"
        assert data["applicant_id_number"] == "1101**********1234"
        assert data["query_code"] is None
        assert data["personal_data_masked"] is True


def test_applicants_and_anonymous_users_cannot_use_the_staff_api(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)

    # One access policy: an area a role may not use is not there for it (404, as a page).
    assert api_for(district.ruth).get("/api/cases/").status_code == 404
    assert api_for(district.ruth).get(f"/api/cases/{case.pk}/").status_code == 404
    assert APIClient().get("/api/cases/").status_code == 403


def _list_queries(district: District, matter: Matter, count: int) -> int:
    for _ in range(count):
        case = accepted(district, matter)
        Case.objects.filter(pk=case.pk).update(warning_level=WarningLevel.YELLOW)
    client = api_for(district.alice)
    with CaptureQueriesContext(connection) as queries:
        assert len(numbers(client.get("/api/cases/"))) == Case.objects.count()
    return len(queries)


def test_the_list_costs_the_same_queries_for_5_or_25_cases(
    district: District, matter: Matter
) -> None:
    few = _list_queries(district, matter, 5)
    many = _list_queries(district, matter, 20)

    assert few == many
    assert many <= 8


def test_the_detail_costs_a_fixed_number_of_queries(district: District, matter: Matter) -> None:
    case = accepted(district, matter)
    client = api_for(district.alice)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/cases/{case.pk}/").status_code == 200
        return len(queries)

    before = cost()
    for n in range(5):
        actions.record_step(actor=district.alice, case=case, note=f"审查 {n}")
    assert cost() == before


# --- steps ----------------------------------------------------------------------------------


def test_accepting_through_the_api(district: District, matter: Matter) -> None:
    case = submit(district, matter)

    response = post(api_for(district.alice), case, "accept")

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["due_at"] is not None
    assert response.json()["remaining_workdays"] >= 0


def test_deciding_before_accepting_is_409_with_a_chinese_message(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)

    response = post(api_for(district.alice), case, "decide", {"approve": True}, format="json")

    assert response.status_code == 409
    assert "当前状态为“已提交，待受理”，不能办结" in response.json()["detail"]
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_a_supplement_round_trip_through_the_api(district: District, matter: Matter) -> None:
    case = accepted(district, matter)
    client = api_for(district.alice)

    response = post(
        client,
        case,
        "request_supplement",
        {"materials": ["营业执照副本", "租赁合同"], "note": "原件核验"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "supplement"
    assert response.json()["supplement_requests"][0]["materials"] == ["营业执照副本", "租赁合同"]

    response = post(
        client,
        case,
        "supply",
        {"files": [SimpleUploadedFile("营业执照副本.pdf", PDF)], "note": ""},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    # One of the two listed materials: the notice stays open for the other.
    assert response.json()["status"] == "supplement"
    assert response.json()["attachments"][0]["material_name"] == "营业执照副本"
    assert response.json()["supplement_requests"][0]["supplied_materials"] == ["营业执照副本"]

    response = post(client, case, "supply", {"materials": ["租赁合同"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"

    assert post(client, case, "supply", {"note": "再交"}, format="json").status_code == 409


def test_a_supplement_without_materials_is_400(district: District, matter: Matter) -> None:
    case = accepted(district, matter)

    response = post(
        api_for(district.alice), case, "request_supplement", {"materials": []}, format="json"
    )

    assert response.status_code == 400
    assert "materials" in response.json()


def test_refusing_acceptance_requires_reason_and_basis(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    client = api_for(district.alice)

    missing = post(client, case, "refuse_acceptance", {"reason": "不属于本机关"}, format="json")
    assert missing.status_code == 400
    assert "legal_basis" in missing.json()
    blank = post(
        client,
        case,
        "refuse_acceptance",
        {"reason": "不属于本机关", "legal_basis": "   "},
        format="json",
    )
    assert blank.status_code == 400

    done = post(
        client,
        case,
        "refuse_acceptance",
        {"reason": "不属于本机关", "legal_basis": "《行政许可法》第三十二条"},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["status"] == "not_accepted"


def test_steps_a_refusal_and_archiving_through_the_api(district: District, matter: Matter) -> None:
    case = accepted(district, matter)
    client = api_for(district.alice)

    step = post(client, case, "step", {"note": "现场核查", "public_note": "核查中"}, format="json")
    assert step.status_code == 200
    assert step.json()["events"][-1]["kind"] == "step"

    no_basis = post(client, case, "decide", {"approve": False, "reason": "不符合"}, format="json")
    assert no_basis.status_code == 400
    assert "legal_basis" in no_basis.json()

    refused = post(
        client,
        case,
        "decide",
        {"approve": False, "reason": "不符合条件", "legal_basis": "《食品安全法》第三十五条"},
        format="json",
    )
    assert refused.status_code == 200
    assert refused.json()["status"] == "refused"
    assert refused.json()["decision_legal_basis"] == "《食品安全法》第三十五条"

    closed = post(client, case, "close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert post(client, case, "close").status_code == 409


def test_a_transfer_needs_a_reason_and_a_return_is_buck_passing(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)

    no_reason = post(api_for(district.alice), case, "transfer", {"to_unit": "HRS"}, format="json")
    assert no_reason.status_code == 400

    onward = post(
        api_for(district.alice),
        case,
        "transfer",
        {"to_unit": "HRS", "reason": "属人社局职权"},
        format="json",
    )
    assert onward.status_code == 200
    assert onward.json()["unit"] == "HRS" and onward.json()["buck_passing"] is False
    assert api_for(district.alice).get(f"/api/cases/{case.pk}/").status_code == 404

    back = post(
        api_for(district.bob),
        case,
        "transfer",
        {"to_unit": "MKT", "reason": "不属于本局职权"},
        format="json",
    )
    assert back.status_code == 200
    assert back.json()["buck_passing"] is True
    assert back.json()["transfers"][-1]["is_return"] is True


def test_the_office_cannot_act_through_the_api(district: District, matter: Matter) -> None:
    case = submit(district, matter)

    response = post(api_for(district.olivia), case, "accept")

    assert response.status_code == 403
    assert "承办单位" in response.json()["detail"]


# --- submitting for an applicant ------------------------------------------------------------


def submission(matter: Matter, **overrides: Any) -> dict[str, Any]:
    data = {
        "matter": matter.code,
        "channel": "window",
        "applicant_name": FULL_NAME,
        "applicant_phone": FULL_PHONE,
        "applicant_id_number": FULL_ID,
        "accept": True,
    }
    data.update(overrides)
    return data


def test_staff_submit_and_accept_at_the_counter_in_one_call(
    district: District, matter: Matter
) -> None:
    response = api_for(district.amy).post("/api/cases/", submission(matter), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "accepted" and data["channel"] == "window"
    case = Case.objects.get()
    assert data["number"] == case.number and data["query_code"] == case.query_code


def test_a_phone_application_can_wait_for_acceptance(district: District, matter: Matter) -> None:
    response = api_for(district.amy).post(
        "/api/cases/", submission(matter, channel="phone", accept=False), format="json"
    )

    assert response.status_code == 201
    assert response.json()["status"] == "submitted"


def test_submissions_for_archived_or_foreign_matters_or_online_are_refused(
    district: District, matter: Matter
) -> None:
    retired = make_matter(district.market)
    archive_matter(actor=None, matter=retired, reason="已取消")
    client = api_for(district.amy)

    archived = client.post("/api/cases/", submission(retired), format="json")
    assert archived.status_code == 400
    assert "停用" in str(archived.json())
    foreign = client.post("/api/cases/", submission(make_matter(district.hr)), format="json")
    assert foreign.status_code == 403
    online = client.post("/api/cases/", submission(matter, channel="online"), format="json")
    assert online.status_code == 400
    assert not Case.objects.exists()


# --- the schema -----------------------------------------------------------------------------


def test_the_openapi_schema_documents_every_case_endpoint(db: Any) -> None:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/cases/"])
    assert "get" in paths["/api/cases/{id}/"]
    for step in (
        "accept",
        "request_supplement",
        "supply",
        "refuse_acceptance",
        "step",
        "decide",
        "close",
        "transfer",
    ):
        operation = paths[f"/api/cases/{{id}}/{step}/"]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"]), step
        assert operation["summary"]
    conflict = paths["/api/cases/{id}/decide/"]["post"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/Conflict")
    parameters = {p["name"] for p in paths["/api/cases/"]["get"]["parameters"]}
    assert {"warning_level", "status", "matter"} <= parameters


# --- two staff at once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_one_case_at_once_one_wins(district: District) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL; SQLite serialises writers")
    matter = make_matter(district.market, promised_limit_days=5)
    case = submit(district, matter)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(user: Any) -> None:
        try:
            barrier.wait()
            actions.accept_case(actor=user, case=case)
            result = "accepted"
        except Conflict as exc:
            result = f"conflict: {exc}"
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=accept, args=(user,)) for user in (district.alice, district.amy)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcome.split(":")[0] for outcome in outcomes) == ["accepted", "conflict"]
    conflict = next(outcome for outcome in outcomes if outcome.startswith("conflict"))
    assert "不能受理" in conflict
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED
    assert case.events.filter(kind="accepted").count() == 1
