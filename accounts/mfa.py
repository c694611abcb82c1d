"""Who must pass a second factor, and what a session knows about it.

A user with a confirmed device (TOTP or recovery codes) enters a code after the password;
a user whose role requires one (settings.ZUOFENG_MFA_REQUIRED_ROLES: the office, discipline
inspection and the three administrators) and has none is sent to enrolment and can open
nothing else. What the session needs (a device? staff idle limit?) is decided at login and
kept in the session, so an ordinary page costs no extra query.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django_otp import user_has_device

from org.roles import ADMIN_ROLES
from org.scoping import has_role, is_staff_member

HAS_DEVICE = "zf_mfa_device"
STAFF = "zf_staff"
LAST_SEEN = "zf_seen"


def mfa_required(user: Any) -> bool:
    roles = settings.ZUOFENG_MFA_REQUIRED_ROLES
    return bool(roles) and (has_role(user, *roles) or (user.is_superuser and "admin" in roles))


def is_staff_like(user: Any) -> bool:
    """Staff pages' users: unit staff, the office, discipline and the administrators."""
    return bool(user.is_staff or has_role(user, *ADMIN_ROLES) or is_staff_member(user))


def trusted_session(request: HttpRequest) -> bool:
    """A session the test client made (test settings only: ZUOFENG_MFA_TRUSTED_BACKENDS)."""
    trusted = getattr(settings, "ZUOFENG_MFA_TRUSTED_BACKENDS", ())
    return bool(trusted) and request.session.get(BACKEND_SESSION_KEY) in trusted


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)
    request.session[STAFF] = is_staff_like(user)
    request.session[LAST_SEEN] = int(time.time())


def client_ip(request: HttpRequest) -> str | None:
    """The client address django-axes locks out behind a reverse proxy: the proxy's header
    (settings.RATELIMIT_IP_META_KEY, from REAL_IP_HEADER), as django-ratelimit reads it."""
    key = getattr(settings, "RATELIMIT_IP_META_KEY", "REMOTE_ADDR")
    value = request.META.get(key) or request.META.get("REMOTE_ADDR")
    return value.split(",")[0].strip() if value else None
