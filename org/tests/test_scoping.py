"""Data is scoped by unit: another unit's record does not exist for a unit user (404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from catalog.tests.factories import make_matter
from conftest import District
from org.scoping import scope_to_unit, sees_all_units, unit_of


@pytest.fixture
def matters(district: District) -> dict[str, Any]:
    return {
        "market": make_matter(district.market, name="食品经营许可"),
        "hr": make_matter(district.hr, name="失业保险金申领"),
    }


def edit_url(matter: Any) -> str:
    return f"/staff/matters/{matter.pk}/edit/"


def test_unit_staff_can_open_their_own_units_matter(district: District, matters: dict) -> None:
    response = district.client_for(district.alice).get(edit_url(matters["market"]))

    assert response.status_code == 200
    assert "食品经营许可" in response.content.decode()


def test_unit_staff_asking_for_another_units_matter_get_not_found(
    district: District, matters: dict
) -> None:
    response = district.client_for(district.alice).get(edit_url(matters["hr"]))

    assert response.status_code == 404


def test_unit_staff_cannot_save_another_units_matter(district: District, matters: dict) -> None:
    response = district.client_for(district.bob).post(
        edit_url(matters["market"]), {"name": "被改掉的名称"}
    )

    assert response.status_code == 404
    matters["market"].refresh_from_db()
    assert matters["market"].name == "食品经营许可"


def test_unit_head_sees_their_own_unit_only(district: District, matters: dict) -> None:
    client = district.client_for(district.ahead)

    assert client.get(edit_url(matters["market"])).status_code == 200
    assert client.get(edit_url(matters["hr"])).status_code == 404


@pytest.mark.parametrize("who", ["olivia", "root"])
def test_the_supervision_office_and_admins_see_every_units_matters(
    district: District, matters: dict, who: str
) -> None:
    client = district.client_for(getattr(district, who))

    assert client.get(edit_url(matters["market"])).status_code == 200
    assert client.get(edit_url(matters["hr"])).status_code == 200


def test_the_staff_matter_list_shows_only_the_users_own_unit(
    district: District, matters: dict
) -> None:
    page = district.client_for(district.alice).get("/staff/matters/").content.decode()

    assert "食品经营许可" in page
    assert "失业保险金申领" not in page


def test_the_supervisor_matter_list_shows_all_units(district: District, matters: dict) -> None:
    page = district.client_for(district.olivia).get("/staff/matters/").content.decode()

    assert "食品经营许可" in page
    assert "失业保险金申领" in page


@pytest.mark.parametrize("path", ["/staff/", "/staff/matters/", "/staff/matters/import/"])
def test_anonymous_visitors_of_staff_pages_are_sent_to_the_login_page(
    district: District, matters: dict, path: str
) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_visitors_asking_for_a_matter_edit_page_are_sent_to_login(
    district: District, matters: dict
) -> None:
    response = Client().get(edit_url(matters["market"]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "path",
    ["/staff/matters/", "/staff/matters/import/", "/staff/matters/export.xlsx", "edit"],
    ids=["list", "import", "export", "edit"],
)
def test_applicants_asking_for_staff_pages_get_not_found(
    district: District, matters: dict, path: str
) -> None:
    if path == "edit":
        path = edit_url(matters["market"])

    response = district.client_for(district.ruth).get(path)

    assert response.status_code == 404


def test_applicants_cannot_post_an_edit_either(district: District, matters: dict) -> None:
    response = district.client_for(district.ruth).post(
        edit_url(matters["market"]), {"name": "被改掉的名称"}
    )

    assert response.status_code == 404
    matters["market"].refresh_from_db()
    assert matters["market"].name == "食品经营许可"


def test_applicants_asking_for_the_staff_workbench_are_sent_to_their_cases(
    district: District,
) -> None:
    # The workbench is where login lands everyone, so an applicant goes to their own cases.
    response = district.client_for(district.ruth).get("/staff/")

    assert response.status_code == 302
    assert response["Location"] == "/my/cases/"


def test_scope_to_unit_returns_nothing_for_the_public_and_applicants(
    district: District, matters: dict
) -> None:
    from catalog.models import Matter

    assert unit_of(district.ruth) is None
    assert not sees_all_units(district.ruth)
    assert list(scope_to_unit(Matter.objects.all(), district.ruth)) == []
    assert set(scope_to_unit(Matter.objects.all(), district.alice)) == {matters["market"]}
