"""Second factor pages: enter a code after the password, enrol an authenticator app (QR
code drawn on the page, no network), recovery codes, and the 账户安全 overview."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import CodeForm
from accounts.mfa import HAS_DEVICE, mfa_required
from zuofeng.audit.chain import record

RECOVERY_CODES = 10
TOTP_NAME = "身份验证器"
STATIC_NAME = "恢复码"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/staff/" if request.session.get("zf_staff") else "/"


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _new_recovery_codes(user: Any) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=STATIC_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not user_has_device(user, confirmed=True):
        return redirect(_with_next("accounts:setup", request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            device = match_token(user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                request.session[HAS_DEVICE] = True
                if isinstance(device, StaticDevice):
                    with transaction.atomic():
                        record(actor=user, action="accounts.recovery_code_used", obj=user)
                    left = StaticToken.objects.filter(device=device).count()
                    messages.warning(request, f"已使用一个恢复码，还剩 {left} 个。")
                return redirect(_next(request))
            form.add_error("token", "验证码不正确或已过期，请重新输入（多次输错需稍候再试）。")
        status = 400
    return render(
        request, "accounts/verify.html", {"form": form, "next": _next(request)}, status=status
    )


def _qr_svg(device: TOTPDevice) -> str:
    # SVG drawn by segno from the device's otpauth:// URL: no user text, safe to inline.
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=5, border=2, light="#fff", title="扫描二维码添加账户"))


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_totp = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect(_with_next("accounts:verify", request))
    if has_totp:
        messages.info(request, "您已启用两步验证。")
        return redirect("accounts:security")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                codes = _new_recovery_codes(user)
                record(actor=user, action="accounts.mfa_enrolled", obj=user)
            otp_login(request, device)
            request.session[HAS_DEVICE] = True
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        if form.is_valid():
            form.add_error("token", "验证码不正确，请确认手机时间准确后重新输入最新的 6 位数字。")
        status = 400
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_svg(device),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": mfa_required(user),
        "next": _next(request),
    }
    return render(request, "accounts/setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if request.method == "POST":
        if not (enrolled and user.is_verified()):
            messages.error(request, "请先启用两步验证并输入验证码。")
            return redirect("accounts:security")
        with transaction.atomic():
            codes = _new_recovery_codes(user)
            record(actor=user, action="accounts.recovery_codes_renewed", obj=user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    context = {"enrolled": enrolled, "left": left, "required": mfa_required(user)}
    return render(request, "accounts/security.html", context)


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None):
    """django-axes' answer to a locked-out account or address (settings.AXES_LOCKOUT_CALLABLE):
    429, in Chinese, saying how long the pause lasts."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
