"""Session security for every request (settings.MIDDLEWARE, after OTPMiddleware):

1. an idle session ends: staff after ZUOFENG_STAFF_IDLE_MINUTES without a request,
   everyone else after ZUOFENG_RESIDENT_IDLE_MINUTES;
2. the second factor: a user with a device who has not entered a code, or whose role
   requires one and has none, reaches only the /accounts/ pages (code, enrolment, logout);
3. `Cache-Control: no-store` on every staff page, so a shared computer's back button or a
   proxy never shows one staff member's pages to the next person.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_otp import user_has_device

from accounts.mfa import HAS_DEVICE, LAST_SEEN, STAFF, is_staff_like, mfa_required, trusted_session

# Touch the session's last-seen time at most this often: not a database write per request.
TOUCH_SECONDS = 60
# Reachable before the second factor: login/logout and the code and enrolment pages.
OPEN_PREFIXES = ("/accounts/", "/favicon.ico", "/healthz")


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        staff = False
        if user.is_authenticated:
            session = request.session
            if STAFF not in session:
                session[STAFF] = is_staff_like(user)
            staff = session[STAFF]
            if self._idle(request, staff):
                logout(request)
                messages.info(request, "您已长时间未操作，为保护账户安全已自动退出，请重新登录。")
                response = redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
                add_never_cache_headers(response)
                return response
            gate = self._second_factor(request)
            if gate is not None:
                add_never_cache_headers(gate)
                return gate
        response = self.get_response(request)
        if staff or request.path.startswith("/staff/"):
            add_never_cache_headers(response)
        return response

    def _idle(self, request: HttpRequest, staff: bool) -> bool:
        session = request.session
        minutes = (
            settings.ZUOFENG_STAFF_IDLE_MINUTES if staff else settings.ZUOFENG_RESIDENT_IDLE_MINUTES
        )
        now = int(time.time())
        seen = session.get(LAST_SEEN)
        if seen is not None and now - seen > minutes * 60:
            return True
        if seen is None or now - seen >= TOUCH_SECONDS:
            session[LAST_SEEN] = now
        return False

    def _second_factor(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if request.path.startswith(OPEN_PREFIXES) or request.path.startswith(
            "/" + settings.STATIC_URL.lstrip("/")
        ):
            return None
        if user.is_verified() or trusted_session(request):
            return None
        session = request.session
        if HAS_DEVICE not in session:
            session[HAS_DEVICE] = user_has_device(user, confirmed=True)
        if session[HAS_DEVICE]:
            target, message = "accounts:verify", "请输入身份验证器上的动态验证码。"
        elif mfa_required(user):
            target, message = "accounts:setup", "您的岗位必须启用两步验证，请先完成设置。"
        else:
            return None
        if request.path.startswith("/api/") or request.path.startswith("/open311/"):
            return JsonResponse({"detail": message}, status=403)
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
