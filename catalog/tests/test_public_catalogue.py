"""The public service catalogue: search in Chinese, filters, pages, and each matter's guide."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog import actions
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(district: District) -> dict[str, Matter]:
    return {
        "licence": make_matter(
            district.market,
            code="MKT-0001",
            name="个体工商户营业执照办理",
            promised_limit_days=0,
            online=True,
        ),
        "licence_change": make_matter(
            district.market,
            code="MKT-0002",
            name="企业营业执照变更登记",
            promised_limit_days=3,
        ),
        "food": make_matter(
            district.market,
            code="MKT-0003",
            name="食品经营许可证核发",
            promised_limit_days=10,
            materials=[{"name": "营业执照复印件", "originals": 0, "copies": 1}],
        ),
        "unemployment": make_matter(
            district.hr,
            code="HRS-0001",
            name="失业保险金申领",
            promised_limit_days=0,
            online=True,
            materials=[{"name": "社会保障卡", "originals": 1, "copies": 0}],
        ),
        "employment": make_matter(
            district.hr,
            code="HRS-0002",
            name="就业创业证申领",
            promised_limit_days=5,
        ),
    }


def listed_codes(response: Any) -> list[str]:
    return re.findall(r'href="/matters/([^/"]+)/"', response.content.decode())


def search(**params: str) -> Any:
    return Client().get("/matters/", params)


def test_the_catalogue_lists_every_public_matter(catalogue: dict[str, Matter]) -> None:
    response = search()

    assert response.status_code == 200
    assert sorted(listed_codes(response)) == sorted(m.code for m in catalogue.values())
    assert "共 5 项" in response.content.decode()


def test_searching_for_a_business_licence_finds_the_licence_matters_only(
    catalogue: dict[str, Matter],
) -> None:
    codes = listed_codes(search(q="营业执照"))

    # The food permit lists a copy of the business licence among its materials: noise
    # when matters named after the licence exist.
    assert sorted(codes) == ["MKT-0001", "MKT-0002"]
    assert "HRS-0001" not in codes


def test_a_phrase_with_a_generic_verb_finds_the_same_matters(catalogue: dict[str, Matter]) -> None:
    assert sorted(listed_codes(search(q="办理营业执照"))) == ["MKT-0001", "MKT-0002"]
    assert sorted(listed_codes(search(q="我要申请营业执照变更"))) == ["MKT-0002"]


def test_a_search_matches_materials_and_unit_names(catalogue: dict[str, Matter]) -> None:
    assert listed_codes(search(q="社会保障卡")) == ["HRS-0001"]
    assert sorted(listed_codes(search(q="人力资源和社会保障局"))) == ["HRS-0001", "HRS-0002"]


def test_a_matter_matching_through_several_materials_is_listed_once(
    district: District, catalogue: dict[str, Matter]
) -> None:
    make_matter(
        district.town,
        code="QSZ-0001",
        name="农村宅基地审批",
        materials=[
            {"name": "身份证明", "originals": 1, "copies": 1},
            {"name": "户籍证明", "originals": 1, "copies": 0},
        ],
    )

    response = search(q="证明")

    assert listed_codes(response) == ["QSZ-0001"]
    assert "共 1 项" in response.content.decode()


def test_a_search_with_no_match_says_so_in_chinese(catalogue: dict[str, Matter]) -> None:
    response = search(q="护照签证")

    assert listed_codes(response) == []
    page = response.content.decode()
    assert "没有找到相关事项" in page
    assert "共 0 项，关键词“护照签证”" in page


def test_the_search_keeps_what_was_typed_in_the_box(catalogue: dict[str, Matter]) -> None:
    page = search(q="营业执照").content.decode()

    assert 'value="营业执照"' in page


def test_filtering_by_unit_shows_only_that_units_matters(catalogue: dict[str, Matter]) -> None:
    assert sorted(listed_codes(search(unit="HRS"))) == ["HRS-0001", "HRS-0002"]


def test_filtering_immediate_matters_shows_those_done_the_same_day(
    catalogue: dict[str, Matter],
) -> None:
    response = search(immediate="1")

    assert sorted(listed_codes(response)) == ["HRS-0001", "MKT-0001"]
    assert "即办件" in response.content.decode()


def test_filtering_online_matters(catalogue: dict[str, Matter]) -> None:
    assert sorted(listed_codes(search(online="1"))) == ["HRS-0001", "MKT-0001"]


def test_filters_and_search_combine(catalogue: dict[str, Matter]) -> None:
    assert listed_codes(search(q="营业执照", immediate="1")) == ["MKT-0001"]
    assert listed_codes(search(q="营业执照", unit="HRS")) == []


def test_the_unit_filter_offers_only_units_with_public_matters(
    district: District, catalogue: dict[str, Matter]
) -> None:
    page = search().content.decode()

    assert '<option value="MKT"' in page
    assert '<option value="HRS"' in page
    assert '<option value="QSZ"' not in page


def test_the_catalogue_is_split_into_pages_of_twenty(district: District) -> None:
    for number in range(45):
        make_matter(district.town, code=f"QSZ-{number:04d}", name=f"乡镇事项{number}")

    first, third = search(), search(page="3")

    assert len(listed_codes(first)) == 20
    assert "第 1 / 3 页" in first.content.decode()
    assert listed_codes(third) == [f"QSZ-{n:04d}" for n in range(40, 45)]
    assert 'href="?page=2"' in third.content.decode()


def test_the_next_page_link_keeps_the_search_and_filters(district: District) -> None:
    for number in range(25):
        make_matter(district.town, code=f"QSZ-{number:04d}", name=f"宅基地事项{number}")

    page = search(q="宅基地", unit="QSZ").content.decode()

    assert "page=2" in page
    link = re.search(r'class="pagination-next" href="\?([^"]+)"', page)
    assert link is not None
    query = link.group(1).replace("&amp;", "&")
    assert "unit=QSZ" in query and "page=2" in query and "q=" in query
    assert len(listed_codes(Client().get("/matters/?" + query))) == 5


def test_a_page_number_out_of_range_shows_the_last_page(catalogue: dict[str, Matter]) -> None:
    response = search(page="99")

    assert response.status_code == 200
    assert len(listed_codes(response)) == 5


def test_an_archived_matter_is_not_listed(district: District, catalogue: dict[str, Matter]) -> None:
    actions.archive_matter(actor=district.alice, matter=catalogue["licence"], reason="合并办理")

    assert "MKT-0001" not in listed_codes(search())
    assert "MKT-0001" not in listed_codes(search(q="营业执照"))


def test_the_matters_of_an_archived_unit_are_not_listed(
    district: District, catalogue: dict[str, Matter]
) -> None:
    from org import actions as org_actions

    org_actions.archive_unit(actor=district.root, unit=district.hr, reason="机构改革")

    assert sorted(listed_codes(search())) == ["MKT-0001", "MKT-0002", "MKT-0003"]


def test_an_empty_catalogue_says_there_is_nothing(db: Any) -> None:
    page = search().content.decode()

    assert "共 0 项" in page
    assert "没有找到相关事项" in page


# --- one matter ---------------------------------------------------------------------------


def test_a_matter_page_shows_its_materials_steps_and_limits(district: District) -> None:
    make_matter(
        district.market,
        code="MKT-0009",
        name="食品经营许可证核发",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        steps="提交申请\n材料审查\n现场核查\n作出决定",
        statutory_limit_days=20,
        promised_limit_days=8,
        fee="不收费",
        online=True,
        contact_phone="0571-88886666",
        materials=[
            {"name": "食品经营许可申请书", "originals": 1, "copies": 0, "notes": ""},
            {"name": "营业执照", "originals": 0, "copies": 2, "notes": "加盖公章"},
        ],
    )

    response = Client().get("/matters/MKT-0009/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="title">食品经营许可证核发</h1>' in page
    assert "区市场监督管理局" in page
    assert "《中华人民共和国食品安全法》第三十五条" in page
    assert "承诺 8 个工作日办结" in page
    assert "法定时限 20 个工作日" in page
    assert "可网上办理" in page
    assert "0571-88886666" in page
    row = next(tr for tr in page.split("<tr>") if "营业执照</td>" in tr).split("</tr>")[0]
    assert "复印件 2 份" in row and "加盖公章" in row
    assert "原件" not in row  # no "原件 0 份"
    steps = re.findall(r"<li>([^<]+)</li>", page.split("办理流程")[1])
    assert steps[:4] == ["提交申请", "材料审查", "现场核查", "作出决定"]


def test_an_immediate_matter_page_says_it_is_done_the_same_day(
    catalogue: dict[str, Matter],
) -> None:
    page = Client().get("/matters/MKT-0001/").content.decode()

    assert "即办件：当个工作日办结" in page


def test_a_matter_without_materials_says_none_are_needed(district: District) -> None:
    make_matter(district.market, code="MKT-0010", materials=[])

    assert "无需提交材料" in Client().get("/matters/MKT-0010/").content.decode()


def test_an_archived_matter_page_is_not_found(
    district: District, catalogue: dict[str, Matter]
) -> None:
    actions.archive_matter(actor=district.alice, matter=catalogue["food"], reason="改为告知承诺")

    assert Client().get("/matters/MKT-0003/").status_code == 404


def test_an_unknown_matter_page_is_not_found(catalogue: dict[str, Matter]) -> None:
    assert Client().get("/matters/NO-SUCH/").status_code == 404


def test_markup_is_refused_and_older_markup_is_still_escaped(district: District) -> None:
    with pytest.raises(ValidationError, match="不能包含网页代码"):
        make_matter(district.market, code="MKT-0011", name="<script>alert(1)</script>许可")
    # A row stored before the rule (or by hand in the database) is escaped on the page.
    matter = make_matter(district.market, code="MKT-0011", name="许可")
    Matter.objects.filter(pk=matter.pk).update(name="<script>alert(1)</script>许可")

    page = Client().get("/matters/MKT-0011/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;许可" in page


# --- query counts -------------------------------------------------------------------------


def count_queries(path: str) -> int:
    cache.clear()  # the page as first built, not as served from the cache
    client = Client()
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context)


@pytest.mark.parametrize("path", ["/matters/", "/matters/?q=营业执照", "/matters/?immediate=1"])
def test_the_catalogue_page_makes_as_many_queries_for_45_matters_as_for_25(
    district: District, path: str
) -> None:
    # Both more than a page: a first page shorter than a page needs no COUNT.
    units = [district.market, district.hr, district.town]
    for number in range(25):
        make_matter(units[number % 3], name=f"营业执照事项{number}", promised_limit_days=0)
    few = count_queries(path)
    for number in range(25, 45):
        make_matter(units[number % 3], name=f"营业执照事项{number}", promised_limit_days=0)

    assert count_queries(path) == few


def test_a_matter_page_makes_as_many_queries_for_ten_materials_as_for_one(
    district: District,
) -> None:
    make_matter(district.market, code="MKT-ONE")
    make_matter(
        district.market,
        code="MKT-TEN",
        materials=[{"name": f"材料{n}", "originals": 1, "copies": 0} for n in range(10)],
    )

    assert count_queries("/matters/MKT-TEN/") == count_queries("/matters/MKT-ONE/")
