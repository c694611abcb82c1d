"""Search ranks by relevance and leaves out noise: a catalogue where the business licence is a
material of dozens of matters still answers "办理营业执照" with the licence matters only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from catalog.tests.factories import make_matter
from conftest import District

pytestmark = pytest.mark.django_db

LICENCE_MATTERS = [
    "个体工商户营业执照设立登记",
    "企业营业执照变更登记",
    "营业执照遗失补领",
    "企业营业执照注销登记",
]
LICENCE = {"name": "营业执照", "originals": 1, "copies": 1, "notes": ""}


@pytest.fixture
def crowded(district: District) -> None:
    """Like the demo: four licence matters, and many matters asking for a licence."""
    for number, name in enumerate(LICENCE_MATTERS, start=1):
        make_matter(district.market, code=f"MKT-{number:04d}", name=name, materials=[LICENCE])
    make_matter(district.market, code="MKT-0010", name="食品经营许可证核发", materials=[LICENCE])
    make_matter(
        district.hr,
        code="HRS-0001",
        name="失业保险金申领",
        legal_basis="《失业保险条例》第十四条",
        materials=[LICENCE, {"name": "社会保障卡", "originals": 1, "copies": 0, "notes": ""}],
    )
    make_matter(district.hr, code="HRS-0002", name="就业创业证申领", materials=[LICENCE])
    for number in range(3, 40):
        make_matter(
            district.town, code=f"QSZ-{number:04d}", name=f"村级事务{number}号", materials=[LICENCE]
        )
    make_matter(
        district.town,
        code="QSZ-0100",
        name="农村宅基地审批",
        legal_basis="《中华人民共和国土地管理法》第六十二条",
        materials=[{"name": "户籍证明", "originals": 1, "copies": 0, "notes": ""}],
    )


def names(query: str) -> list[str]:
    page = Client().get("/matters/", {"q": query}).content.decode()
    return re.findall(r'<a href="/matters/[^/"]+/">([^<]+)</a>', page)


def test_a_business_licence_search_finds_the_licence_matters_and_not_unemployment_benefit(
    crowded: None,
) -> None:
    found = names("办理营业执照")

    assert sorted(found) == sorted(LICENCE_MATTERS)
    assert "失业保险金申领" not in found


def test_the_whole_phrase_ranks_first(crowded: None) -> None:
    assert names("我要申请营业执照变更") == ["企业营业执照变更登记"]
    assert names("营业执照遗失")[0] == "营业执照遗失补领"


def test_generic_words_alone_match_nothing_and_the_page_says_what_to_type(
    crowded: None,
) -> None:
    assert names("办理") == []
    assert names("怎么申请") == []
    page = Client().get("/matters/", {"q": "我要办理"}).content.decode()
    assert "请输入要办的具体事情，例如：营业执照" in page


def test_a_colloquial_name_still_finds_the_matter(crowded: None) -> None:
    assert names("申请失业金") == ["失业保险金申领"]
    assert names("社保卡") == ["失业保险金申领"]  # needs the 社会保障卡


def test_materials_and_legal_basis_are_searched_when_no_name_matches(crowded: None) -> None:
    assert names("户籍证明") == ["农村宅基地审批"]
    assert names("土地管理法") == ["农村宅基地审批"]
    assert names("社会保障卡") == ["失业保险金申领"]


def test_a_name_match_outranks_a_unit_match(district: District) -> None:
    make_matter(district.market, code="MKT-0001", name="计量器具强制检定")
    make_matter(district.hr, code="HRS-0001", name="市场监督管理投诉举报")

    assert names("市场监督管理") == ["市场监督管理投诉举报", "计量器具强制检定"]


def test_a_matter_code_finds_that_matter(crowded: None) -> None:
    assert names("HRS-0002") == ["就业创业证申领"]


def test_the_same_ranking_through_the_api(crowded: None) -> None:
    response: Any = Client().get("/api/matters/", {"q": "办理营业执照"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "失业保险金申领" not in text and "营业执照遗失补领" in text
