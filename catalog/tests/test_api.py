"""The read-only catalogue API: filters, strict query parameters, OpenAPI schema and docs."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from catalog import actions
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def catalogue(district: District) -> dict[str, Matter]:
    return {
        "licence": make_matter(
            district.market,
            code="MKT-0001",
            name="个体工商户营业执照办理",
            kind=Matter.Kind.LICENSING,
            promised_limit_days=0,
            online=True,
            materials=[
                {"name": "登记申请书", "originals": 1, "copies": 0, "notes": ""},
                {"name": "经营者身份证", "originals": 1, "copies": 1, "notes": "核验原件"},
            ],
        ),
        "change": make_matter(
            district.market,
            code="MKT-0002",
            name="企业营业执照变更登记",
            kind=Matter.Kind.LICENSING,
            promised_limit_days=3,
        ),
        "benefit": make_matter(
            district.hr,
            code="HRS-0001",
            name="失业保险金申领",
            kind=Matter.Kind.BENEFIT,
            promised_limit_days=0,
        ),
        "card": make_matter(
            district.hr,
            code="HRS-0002",
            name="就业创业证申领",
            kind=Matter.Kind.PUBLIC_SERVICE,
            promised_limit_days=5,
            online=True,
        ),
    }


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


def test_the_list_returns_public_matters_ordered_by_code(
    api: APIClient, catalogue: dict[str, Matter]
) -> None:
    response = api.get("/api/matters/")

    assert codes(response) == ["HRS-0001", "HRS-0002", "MKT-0001", "MKT-0002"]
    assert response.json()["count"] == 4


def test_a_matter_carries_its_unit_limits_and_materials(
    api: APIClient, catalogue: dict[str, Matter]
) -> None:
    item = api.get("/api/matters/MKT-0001/").json()

    assert item["name"] == "个体工商户营业执照办理"
    assert item["unit"] == "MKT"
    assert item["unit_name"] == "区市场监督管理局"
    assert item["kind"] == "licensing"
    assert item["promised_limit_days"] == 0
    assert item["statutory_limit_days"] == 20
    assert item["is_immediate"] is True
    assert item["online"] is True
    assert item["materials"] == [
        {"name": "登记申请书", "originals": 1, "copies": 0, "notes": ""},
        {"name": "经营者身份证", "originals": 1, "copies": 1, "notes": "核验原件"},
    ]


def test_an_archived_or_unknown_matter_is_not_found(
    api: APIClient, district: District, catalogue: dict[str, Matter]
) -> None:
    actions.archive_matter(actor=district.alice, matter=catalogue["change"], reason="合并")

    assert api.get("/api/matters/MKT-0002/").status_code == 404
    assert api.get("/api/matters/NOPE/").status_code == 404
    assert "MKT-0002" not in codes(api.get("/api/matters/"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"unit": "HRS"}, ["HRS-0001", "HRS-0002"]),
        ({"immediate": "true"}, ["HRS-0001", "MKT-0001"]),
        ({"immediate": "false"}, ["HRS-0002", "MKT-0002"]),
        ({"immediate": "1"}, ["HRS-0001", "MKT-0001"]),
        ({"online": "true"}, ["HRS-0002", "MKT-0001"]),
        ({"online": "false"}, ["HRS-0001", "MKT-0002"]),
        ({"kind": "licensing"}, ["MKT-0001", "MKT-0002"]),
        ({"kind": "benefit"}, ["HRS-0001"]),
        ({"q": "营业执照"}, ["MKT-0001", "MKT-0002"]),
        ({"q": "办理营业执照"}, ["MKT-0001", "MKT-0002"]),
        ({"q": "营业执照", "immediate": "true"}, ["MKT-0001"]),
        ({"unit": "QSZ"}, []),
        ({"q": "护照"}, []),
    ],
    ids=lambda value: (
        "&".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_the_list_filters(
    api: APIClient, catalogue: dict[str, Matter], params: dict[str, str], expected: list[str]
) -> None:
    assert codes(api.get("/api/matters/", params)) == expected


def test_an_unknown_query_parameter_is_refused_naming_it(
    api: APIClient, catalogue: dict[str, Matter]
) -> None:
    response = api.get("/api/matters/", {"department": "MKT"})

    assert response.status_code == 400
    assert "不支持的查询参数：department" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"immediate": "maybe"}, "immediate"),
        ({"online": "sometimes"}, "online"),
        ({"kind": "bogus"}, "kind"),
        ({"q": "营" * 101}, "q"),
    ],
    ids=["immediate=maybe", "online=sometimes", "kind=bogus", "q-too-long"],
)
def test_a_malformed_value_is_a_bad_request_with_a_message(
    api: APIClient, catalogue: dict[str, Matter], params: dict[str, str], field: str
) -> None:
    response = api.get("/api/matters/", params)

    assert response.status_code == 400
    body = response.json()
    assert field in body
    assert body[field]  # a message a client developer can read


def test_the_api_is_read_only(api: APIClient, district: District, catalogue: dict) -> None:
    api.force_authenticate(district.root)

    assert api.post("/api/matters/", {"code": "X"}, format="json").status_code == 405
    assert api.delete("/api/matters/MKT-0001/").status_code == 405
    assert Matter.objects.filter(code="MKT-0001").exists()


def test_the_list_is_paginated(api: APIClient, district: District) -> None:
    for number in range(55):
        make_matter(district.town, code=f"QSZ-{number:04d}")

    first = api.get("/api/matters/").json()
    second = api.get("/api/matters/", {"page": "2"}).json()

    assert first["count"] == 55
    assert len(first["results"]) == 50
    assert first["next"].endswith("/api/matters/?page=2")
    assert [item["code"] for item in second["results"]] == [f"QSZ-{n:04d}" for n in range(50, 55)]


def list_queries(api: APIClient, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert api.get(path).status_code == 200
    return len(context)


@pytest.mark.parametrize("path", ["/api/matters/", "/api/matters/?q=营业执照&online=true"])
def test_the_list_makes_as_many_queries_for_25_matters_as_for_5(
    api: APIClient, district: District, path: str
) -> None:
    units = [district.market, district.hr, district.town]
    materials = [{"name": "营业执照", "originals": 1, "copies": 1}, {"name": "身份证"}]
    for number in range(5):
        make_matter(units[number % 3], online=True, materials=materials)
    few = list_queries(api, path)
    for number in range(5, 25):
        make_matter(units[number % 3], online=True, materials=materials)

    assert list_queries(api, path) == few


def test_the_list_needs_few_queries(
    api: APIClient, catalogue: dict[str, Matter], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        api.get("/api/matters/")


def test_the_openapi_schema_describes_the_matters_api(api: APIClient, db: Any) -> None:
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/matters/" in schema["paths"]
    assert "/api/matters/{code}/" in schema["paths"]
    parameters = {p["name"]: p for p in schema["paths"]["/api/matters/"]["get"]["parameters"]}
    assert {"q", "unit", "immediate", "online", "kind", "page"} <= set(parameters)
    assert parameters["immediate"]["schema"]["type"] == "boolean"
    assert parameters["online"]["schema"]["type"] == "boolean"
    assert "licensing" in parameters["kind"]["schema"]["enum"]


def test_the_api_docs_page_loads_from_our_own_server(api: APIClient, db: Any) -> None:
    response = api.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/vendor/swagger-ui/" in page
    assert "cdn" not in page.lower()
