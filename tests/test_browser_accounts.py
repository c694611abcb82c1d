"""Issue 13, done when: an office user is made to enrol in TOTP after the password, scans
(here: reads) the key from the enrolment page, keeps the recovery codes, and on the next
login enters the authenticator's code."""

from __future__ import annotations

import time
from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import TOTP

from conftest import PASSWORD, District

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def authenticator(secret: str, *, steps_ahead: int = 0) -> str:
    """What the phone app shows for this key (`steps_ahead` 30-second steps later)."""
    clock = TOTP(b32decode(secret.replace(" ", "")))
    clock.time = time.time() + 30 * steps_ahead
    return f"{clock.token():06d}"


def password_step(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_an_office_user_enrols_in_totp_and_logs_in_with_it(
    browser_page: Any, live_server: Any, district: District, settings: Any
) -> None:
    settings.ZUOFENG_MFA_REQUIRED_ROLES = ["supervisor", "discipline", "admin"]
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})

    # The password alone leads only to enrolment: the workbench is out of reach.
    password_step(page, "olivia")
    page.get_by_role("heading", name="启用两步验证").wait_for()
    assert "/accounts/mfa/setup/" in page.url
    page.goto("/staff/complaints/")
    page.get_by_role("heading", name="启用两步验证").wait_for()
    assert page.locator("figure.totp-qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text()

    page.get_by_label("验证码").fill(authenticator(secret))
    page.get_by_role("button", name="完成设置").click()
    page.get_by_role("heading", name="两步验证已启用").wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_load_state()
    assert "/accounts/" not in page.url
    page.goto("/staff/complaints/")
    assert page.get_by_role("heading", name="启用两步验证").count() == 0

    # Next login: password, then the authenticator's code (the next step's: a code is
    # accepted once, and the enrolment just used this step's).
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="退出").first.click()
    page.wait_for_load_state()
    password_step(page, "olivia")
    page.get_by_role("heading", name="两步验证").wait_for()
    page.get_by_label("验证码").fill("000000")
    page.get_by_role("button", name="验证").click()
    page.get_by_text("验证码不正确").wait_for()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=district.olivia).update(throttling_failure_timestamp=None)
    page.get_by_label("验证码").fill(authenticator(secret, steps_ahead=1))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/staff/")
    assert page.get_by_role("heading", name="两步验证").count() == 0
    assert "工作台" in page.content()
