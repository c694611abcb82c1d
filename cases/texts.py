"""Text messages to applicants about their case (sent through `sms`, after the commit)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from cases.models import Case, SupplementRequest
from sms.models import SmsMessage
from sms.notify import send_text
from zuofeng.public_url import public_url


def text_supplement_notice(case: Case, notice: SupplementRequest) -> None:
    """一次性告知 by text: every missing material at once, and where to read the notice."""
    lookup = public_url(reverse("cases:lookup")) + f"?number={case.number}"
    materials = "、".join(notice.materials)
    note = f"说明：{notice.note} " if notice.note else ""
    send_text(
        case.applicant_phone,
        f"【{settings.ZUOFENG['DISTRICT_NAME']}政务服务】您的办件 {case.number} 需一次性补正材料："
        f"{materials}。{note}请凭办件编号和查询码查看一次性告知书：{lookup}",
        purpose=SmsMessage.Purpose.NOTICE,
        related=case,
    )
