"""Issue 13, defect 2: brute-force lockout, the second factor, idle sessions, no-store on
staff pages and the separation of the three administrators (等保 三员分立)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, District
from org import actions
from org.roles import Role
from zuofeng.audit.models import AuditEvent

PRODUCTION_MFA_ROLES = ["supervisor", "discipline", "admin", "security_admin", "audit_admin"]


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.ZUOFENG_MFA_REQUIRED_ROLES = PRODUCTION_MFA_ROLES


def log_in(
    username: str, password: str = PASSWORD, address: str = "10.0.0.1", **headers: str
) -> Any:
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def wait_out_the_throttle(device: TOTPDevice) -> None:
    """django-otp refuses any code for a second after a wrong one (doubling each time)."""
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.save()


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- Brute force


def test_wrong_passwords_lock_the_account_even_for_the_right_one(district: District) -> None:
    for n in range(4):
        _, response = log_in("alice", "wrong-password", address=f"10.0.1.{n}")
        assert response.status_code == 200  # the form again, with its error
        assert "用户名或密码不正确" in response.content.decode()
    assert log_in("alice", "wrong-password", address="10.0.1.9")[1].status_code == 429
    client, response = log_in("alice", address="10.0.2.1")
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()
    assert "30 分钟" in response.content.decode()
    assert client.get("/staff/").status_code == 302  # not logged in


def test_wrong_passwords_from_one_address_lock_that_address(district: District) -> None:
    for name in ["u1", "u2", "u3", "u4", "u5"]:
        log_in(name, "guess", address="10.0.3.3")
    _, response = log_in("bob", address="10.0.3.3")
    assert response.status_code == 429
    _, elsewhere = log_in("bob", address="10.0.3.4")
    assert elsewhere.status_code == 302  # the account itself is not locked


def test_behind_a_proxy_the_forwarded_address_is_locked_out(
    district: District, settings: Any
) -> None:
    settings.AXES_CLIENT_IP_CALLABLE = "accounts.mfa.client_ip"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    proxy = "10.9.9.9"
    for name in ["u1", "u2", "u3", "u4", "u5"]:
        log_in(name, "guess", address=proxy, HTTP_X_REAL_IP="203.0.113.7")
    assert log_in("bob", address=proxy, HTTP_X_REAL_IP="203.0.113.7")[1].status_code == 429
    assert log_in("bob", address=proxy, HTTP_X_REAL_IP="203.0.113.8")[1].status_code == 302


def test_the_security_administrator_unlocks_in_the_admin(district: District) -> None:
    for _ in range(5):
        log_in("alice", "wrong-password")
    assert log_in("alice")[1].status_code == 429
    security = actions.add_person(
        actor=None,
        username="sam",
        full_name="安全员",
        roles=[Role.SECURITY_ADMIN],
        password=PASSWORD,
    )
    admin = district.client_for(security)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="alice")
    response = admin.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert log_in("alice")[1].status_code == 302


def test_the_test_client_helpers_still_log_in(district: District) -> None:
    client = Client()
    assert client.login(username="olivia", password=PASSWORD)
    assert client.get("/staff/").status_code == 200
    assert district.client_for(district.dora).get("/staff/").status_code == 200


# --- Second factor


@pytest.mark.usefixtures("mfa_required")
def test_the_office_must_enrol_before_anything_else(district: District) -> None:
    client, response = log_in("olivia")
    assert response.status_code == 302
    page = client.get("/staff/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/mfa/setup/")
    assert client.get("/staff/complaints/").status_code == 302
    api = client.get("/api/complaints/")
    assert api.status_code == 403 and "两步验证" in api.json()["detail"]

    setup = client.get(page["Location"])
    body = setup.content.decode()
    assert setup.status_code == 200 and "启用两步验证" in body and "<svg" in body
    device = TOTPDevice.objects.get(user=district.olivia, confirmed=False)

    wrong = client.post("/accounts/mfa/setup/", {"token": "000000", "next": "/staff/"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    wait_out_the_throttle(device)
    done = client.post("/accounts/mfa/setup/", {"token": code_for(device), "next": "/staff/"})
    assert done.status_code == 200 and "恢复码" in done.content.decode()
    assert district.olivia.staticdevice_set.get().token_set.count() == 10
    assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.mfa_enrolled").count() == 1


@pytest.mark.usefixtures("mfa_required")
def test_a_user_with_a_device_enters_a_code_after_the_password(district: District) -> None:
    device = TOTPDevice.objects.create(user=district.alice, name="身份验证器", confirmed=True)
    client, _ = log_in("alice")
    page = client.get("/staff/")
    assert page["Location"].startswith("/accounts/mfa/verify/")
    wrong = client.post("/accounts/mfa/verify/", {"token": "123456", "next": "/staff/"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert client.get("/staff/").status_code == 302
    wait_out_the_throttle(device)
    right = client.post("/accounts/mfa/verify/", {"token": code_for(device), "next": "/staff/"})
    assert right.status_code == 302 and right["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


@pytest.mark.usefixtures("mfa_required")
def test_a_recovery_code_works_once(district: District) -> None:
    client, _ = log_in("olivia")
    device = TOTPDevice.objects.create(user=district.olivia, name="x", confirmed=False)
    done = client.post("/accounts/mfa/setup/", {"token": code_for(device)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10

    second, _ = log_in("olivia")
    used = second.post("/accounts/mfa/verify/", {"token": codes[0], "next": "/staff/"})
    assert used.status_code == 302 and second.get("/staff/").status_code == 200
    third, _ = log_in("olivia")
    again = third.post("/accounts/mfa/verify/", {"token": codes[0], "next": "/staff/"})
    assert again.status_code == 400


@pytest.mark.usefixtures("mfa_required")
def test_others_may_log_in_without_a_second_factor_and_enrol_if_they_like(
    district: District,
) -> None:
    client, _ = log_in("alice")
    assert client.get("/staff/").status_code == 200
    page = client.get("/accounts/security/").content.decode()
    assert "账户安全" in page and "启用两步验证" in page


# --- Idle sessions and caching


def test_an_idle_staff_session_ends_after_30_minutes(district: District) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        staff = district.client_for(district.alice)
        resident = district.client_for(district.ruth)
        assert staff.get("/staff/").status_code == 200
        assert resident.get("/my/cases/").status_code == 200
        clock.shift(dt.timedelta(minutes=20))
        assert staff.get("/staff/").status_code == 200  # activity keeps it alive
        clock.shift(dt.timedelta(minutes=31))
        ended = staff.get("/staff/")
        assert ended.status_code == 302 and ended["Location"].startswith("/accounts/login/")
        assert staff.get("/staff/").status_code == 302  # logged out, not just redirected
        assert resident.get("/my/cases/").status_code == 200  # residents keep theirs longer


def test_staff_pages_are_never_stored(district: District) -> None:
    staff = district.client_for(district.alice)
    for path in ["/staff/", "/"]:
        assert "no-store" in staff.get(path)["Cache-Control"]
    assert "no-store" in Client().get("/staff/")["Cache-Control"]
    assert "no-store" not in Client().get("/").get("Cache-Control", "")


# --- 三员分立


@pytest.fixture
def three(district: District) -> dict[str, User]:
    def person(username: str, role: str) -> User:
        return actions.add_person(
            actor=None, username=username, full_name=username, roles=[role], password=PASSWORD
        )

    return {
        "system": person("sysadm", Role.ADMIN),
        "security": person("secadm", Role.SECURITY_ADMIN),
        "audit": person("audadm", Role.AUDIT_ADMIN),
    }


def test_only_the_audit_administrator_reads_the_audit_log(
    district: District, three: dict[str, User]
) -> None:
    path = "/admin/audit/auditevent/"
    assert district.client_for(three["audit"]).get(path).status_code == 200
    assert district.client_for(three["system"]).get(path).status_code == 403
    assert district.client_for(three["security"]).get(path).status_code == 403
    assert district.client_for(district.root).get(path).status_code == 403  # superuser too


def test_the_system_administrator_cannot_grant_roles(
    district: District, three: dict[str, User]
) -> None:
    client = district.client_for(three["system"])
    page = client.get(f"/admin/auth/user/{district.alice.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "groups" not in form.fields and "is_superuser" not in form.fields
    response = client.post(
        f"/admin/auth/user/{three['system'].pk}/change/",
        {
            "username": "sysadm",
            "first_name": "sysadm",
            "groups": [g.pk for g in district.olivia.groups.all()],
            "is_superuser": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    three["system"].refresh_from_db()
    assert not three["system"].is_superuser
    assert list(three["system"].groups.values_list("name", flat=True)) == ["admin"]


def test_the_security_administrator_grants_roles_audited_never_to_themselves(
    district: District, three: dict[str, User]
) -> None:
    client = district.client_for(three["security"])
    granted = client.post(
        f"/admin/auth/user/{district.alice.pk}/change/",
        {"roles": ["unit_staff", "window"], "reason": "窗口轮岗"},
    )
    assert granted.status_code == 302
    assert set(district.alice.groups.values_list("name", flat=True)) == {"unit_staff", "window"}
    event = AuditEvent.objects.get(action="org.set_roles", object_id=str(district.alice.pk))
    assert event.actor == three["security"] and event.after["roles"] == ["unit_staff", "window"]

    client.post(
        f"/admin/auth/user/{three['security'].pk}/change/",
        {"roles": ["security_admin", "audit_admin"], "reason": "自己给自己"},
    )
    assert list(three["security"].groups.values_list("name", flat=True)) == ["security_admin"]
    with pytest.raises(ValidationError):
        actions.set_roles(actor=three["security"], user=three["security"], roles=["admin"])
    with pytest.raises(ValidationError):
        actions.set_roles(actor=three["system"], user=district.alice, roles=["supervisor"])


def test_a_password_set_by_the_system_administrator_is_audited(
    district: District, three: dict[str, User]
) -> None:
    client = district.client_for(three["system"])
    response = client.post(
        f"/admin/auth/user/{district.olivia.pk}/password/",
        {"password1": "Another-pw-2026!", "password2": "Another-pw-2026!"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.set_password")
    assert event.actor == three["system"] and event.object_id == str(district.olivia.pk)
