"""The 好差评 invitation: a decided case's applicant gets the one-time rating link by text."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from cases.models import Case
from evaluations.links import rating_link
from sms.models import SmsMessage
from sms.notify import send_text
from zuofeng.public_url import public_url


def text_rating_link(sender: Any, *, case: Case, **kwargs: Any) -> None:
    """Connected to cases.signals.case_decided: runs inside the decision's transaction, so a
    rolled-back decision sends nothing (sms sends after the commit)."""
    send_text(
        case.applicant_phone,
        f"【{settings.ZUOFENG['DISTRICT_NAME']}政务服务】您的办件 {case.number}"
        f"（{case.matter.name}）已办结，请对本次服务评价：{public_url(rating_link(case.pk))}",
        purpose=SmsMessage.Purpose.RATING_LINK,
        related=case,
    )
