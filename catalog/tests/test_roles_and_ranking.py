"""Who may edit a matter, and search results that put name matches first."""

from __future__ import annotations

import pytest

from catalog.search import query_terms
from catalog.tests.factories import make_matter
from conftest import District

pytestmark = pytest.mark.django_db


def test_window_staff_see_their_units_matters_but_cannot_edit_them(district: District) -> None:
    matter = make_matter(district.market, name="食品经营许可证核发")
    client = district.client_for(district.amy)
    assert client.get("/staff/matters/").status_code == 200
    response = client.post(f"/staff/matters/{matter.pk}/edit/", {"name": "改名"})
    assert response.status_code == 403
    matter.refresh_from_db()
    assert matter.name == "食品经营许可证核发"


def test_search_leaves_out_matters_that_only_need_the_thing_searched_for(
    district: District,
) -> None:
    # "AAA" sorts first by code, but only asks for a licence as a material.
    make_matter(
        district.market,
        code="AAA-1",
        name="食品经营许可证核发",
        materials=[{"name": "营业执照", "originals": 1, "copies": 1, "notes": ""}],
    )
    make_matter(district.market, code="ZZZ-1", name="个体工商户营业执照设立登记")
    page = district.client_for(district.alice).get("/matters/", {"q": "营业执照"})
    names = [m.name for m in page.context["page"].object_list]
    assert names == ["个体工商户营业执照设立登记"]
    page = district.client_for(district.alice).get("/matters/", {"q": "办理营业执照"})
    assert [m.name for m in page.context["page"].object_list] == ["个体工商户营业执照设立登记"]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("怎么办身份证", ["身份证"]),
        ("我要办营业执照", ["营业执照"]),
        ("结婚登记需要什么材料", ["结婚登记"]),
    ],
)
def test_everyday_phrasings_reduce_to_the_words_that_matter(
    phrase: str, expected: list[str]
) -> None:
    assert query_terms(phrase) == expected
