"""In a real browser: a clerk attaches a blank form to a matter through a Chinese file picker
(the browser's own "Choose File" stays hidden), and a resident downloads it from the matter's
page on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from catalog.tests.factories import make_matter, real_pdf
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = real_pdf()


def test_a_clerk_adds_a_blank_form_and_a_resident_downloads_it(
    browser_page: Any, district: Any
) -> None:
    matter = make_matter(
        district.market,
        code="MKT-0001",
        name="食品经营许可证核发",
        window="15—18 号窗口",
        materials=[{"name": "食品经营许可申请书", "originals": 1, "copies": 0, "notes": ""}],
    )
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto(f"/staff/matters/{matter.pk}/edit/")

    picker = page.locator("input[type=file]")
    assert picker.evaluate("el => getComputedStyle(el).opacity") == "0"
    assert page.get_by_text("选择文件", exact=True).is_visible()
    picker.set_input_files({"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": PDF})
    assert page.locator(".file-name").inner_text() == "申请书.pdf"
    page.get_by_label("对应材料").select_option("食品经营许可申请书")
    page.get_by_role("button", name="上传表格").click()
    page.get_by_text("表格已上传").wait_for()

    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/matters/MKT-0001/")
    assert page.get_by_text("15—18 号窗口").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="空白表格").click()
    assert download.value.suggested_filename == "食品经营许可申请书（空白表格）.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
