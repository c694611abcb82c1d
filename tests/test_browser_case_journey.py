"""In a real browser, the whole life of a case: a resident applies online, is asked once for a
missing material, supplies it; window staff accept; staff process and approve; the resident
follows every step in the public lookup without logging in."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.tests.factories import make_matter
from conftest import PASSWORD
from tests.files import real_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = real_pdf()  # uploads are checked by parsing them


def resident_id(body17: str) -> str:
    """A well-formed 18-character ID (GB 11643 checksum) for a fictional region 999999."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


def pdf(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def new_page(page: Any, base_url: str) -> Any:
    context = page.context.browser.new_context(locale="zh-CN", base_url=base_url)
    other = context.new_page()
    other.set_default_timeout(15000)
    return other


def test_resident_applies_supplies_and_follows_the_case_to_approval(
    browser_page: Any, live_server: Any, district: Any
) -> None:
    make_matter(
        district.market,
        code="MKT-0100",
        name="个体工商户营业执照设立登记",
        online=True,
        promised_limit_days=3,
        materials=[
            {"name": "经营者身份证明", "originals": 1, "copies": 1, "notes": ""},
            {"name": "经营场所证明", "originals": 1, "copies": 1, "notes": ""},
        ],
    )

    # The resident applies online, sending only the first material.
    resident = browser_page
    log_in(resident, "ruth")
    resident.goto("/matters/MKT-0100/")
    resident.get_by_role("link", name="网上申请").click()
    resident.get_by_label("申请人姓名 / 企业名称").fill("路思")
    resident.get_by_label("联系电话").fill("13900001234")
    resident.get_by_label("身份证号码 / 统一社会信用代码").fill(resident_id("99999919900101123"))
    resident.get_by_label("经营者身份证明").set_input_files(pdf("id.pdf"))
    resident.get_by_role("button", name="提交申请").click()
    resident.get_by_role("heading", name="申请已提交").wait_for()
    number = resident.locator("dt:text('办件编号') + dd").inner_text().strip()
    code = resident.locator("dt:text('查询码') + dd").inner_text().strip()

    # Window staff find it in the queue and send one notice listing what is missing.
    window = new_page(resident, live_server.url)
    log_in(window, "amy")
    window.goto("/staff/cases/")
    window.get_by_role("link", name=number).click()
    window.get_by_label("需补正的全部材料").fill("经营场所证明")
    window.get_by_role("button", name="发出补正告知").click()
    window.get_by_text("待补正材料").first.wait_for()

    # The resident sees the one-time notice and supplies the material.
    resident.goto(f"/my/cases/{number}/")
    assert resident.get_by_text("经营场所证明").first.is_visible()
    resident.get_by_label("经营场所证明").set_input_files(pdf("site.pdf"))
    resident.get_by_role("button", name="提交补正材料").click()
    resident.get_by_text("补正材料已提交").first.wait_for()

    # The window accepts; the unit's staff record a step and approve.
    window.goto("/staff/cases/")
    window.get_by_role("link", name=number).click()
    window.get_by_role("button", name="受理", exact=True).click()
    window.get_by_text("已受理，办理中").first.wait_for()

    staff = new_page(resident, live_server.url)
    log_in(staff, "alice")
    staff.goto("/staff/cases/")
    staff.get_by_role("link", name=number).click()
    staff.get_by_label("办理情况（内部）").fill("材料齐全，审查通过")
    staff.get_by_label("公开说明（申请人查询可见，勿写个人信息）").fill("审查通过")
    staff.get_by_role("button", name="登记", exact=True).click()
    staff.get_by_text("材料齐全，审查通过").first.wait_for()
    staff.get_by_role("button", name="准予并办结").click()
    staff.get_by_text("已办结（准予）").first.wait_for()

    # Anyone with the number and query code sees each step, and no personal data.
    public = new_page(resident, live_server.url)
    public.goto("/cases/lookup/")
    public.get_by_label("办件编号").fill(number)
    public.get_by_label("查询码").fill(code)
    public.get_by_role("button", name="查询").click()
    body = public.locator("main").inner_text()
    for step in (
        "申请已提交",
        "请补正材料：经营场所证明",
        "补正材料已提交",
        "已受理",
        "审查通过",
        "已办结：准予",
    ):
        assert step in body, step
    assert "路思" not in body and "13900001234" not in body
    assert district.market.name in body
