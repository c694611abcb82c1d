"""In a real browser: a resident searches the catalogue and opens a matter page."""

from __future__ import annotations

from typing import Any

import pytest

from catalog import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_searches_for_business_licence_and_opens_the_matter(
    browser_page: Any, district: Any
) -> None:
    actions.create_matter(
        actor=None,
        code="MKT-0001",
        name="个体工商户营业执照设立登记",
        unit=district.market,
        legal_basis="《促进个体工商户发展条例》",
        steps="申请\n受理\n审核\n发照",
        statutory_limit_days=15,
        promised_limit_days=1,
        online=True,
        materials=[{"name": "经营者身份证明", "originals": 1, "copies": 1, "notes": ""}],
    )
    actions.create_matter(
        actor=None,
        code="HRS-0001",
        name="失业保险金申领",
        unit=district.hr,
        legal_basis="《失业保险条例》",
        steps="申请\n审核\n发放",
        statutory_limit_days=10,
        promised_limit_days=5,
    )
    page = browser_page
    page.goto("/")
    page.get_by_label("搜索办事事项").fill("营业执照")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/matters/?q=*")
    assert page.get_by_text("共 1 项").is_visible()
    assert page.get_by_role("link", name="失业保险金申领").count() == 0
    page.get_by_role("link", name="个体工商户营业执照设立登记").click()
    page.wait_for_url("**/matters/MKT-0001/")
    assert page.get_by_role("heading", name="个体工商户营业执照设立登记").is_visible()
    assert page.get_by_text("承诺 1 个工作日办结").is_visible()
    assert page.get_by_role("cell", name="经营者身份证明").is_visible()
    assert page.get_by_role("button", name="打印本页").is_visible()
