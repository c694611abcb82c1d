"""The signed one-time rating link an SMS carries (no login needed).

The link names the case and expires; it is one-time because a case can be rated once.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "evaluations.rating-link"


class BadLink(Exception):
    """Forged, damaged or expired."""


def rating_token(case_pk: int) -> str:
    return signing.dumps({"case": case_pk}, salt=SALT, compress=True)


def rating_link(case_pk: int) -> str:
    return reverse("evaluations:sms_rate", args=[rating_token(case_pk)])


def case_pk_from_token(token: str) -> int:
    max_age = int(settings.ZUOFENG["RATING_LINK_MAX_AGE_DAYS"]) * 86400
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink("评价链接已过期，请通过“我的办件”或拨打 12345 评价") from None
    except signing.BadSignature:
        raise BadLink("评价链接无效，请核对短信中的链接") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("case"), int):
        raise BadLink("评价链接无效，请核对短信中的链接")
    return payload["case"]
