"""Text messages to complainants (sent through `sms`, after the action commits).

Only the filing and the answer actions call these, with the phone they read from the sealed
identity themselves: the number never passes through a page, a form or a queue of the unit
that handles the complaint. The SmsMessage row keeps the number (masked in the admin) and
names the complaint as what the message is about.

The receipt text carries the receipt code. The code is the one secret that lets someone
follow the complaint, and the page shows it only once: sending it to the phone the
complainant gave us is what lets them keep it (a lost code cannot be recovered, we keep only
its hash), and it goes to no one else. The link never carries the code (links end up in
logs and browser histories): only the number, the code is typed in. The answer text carries
neither the code nor the answer itself, only that an answer is ready and where to read it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from complaints.models import Complaint
from sms.models import SmsMessage
from sms.notify import send_text
from zuofeng.public_url import public_url


def follow_link(complaint: Complaint) -> str:
    return public_url(reverse("complaints:follow")) + "?" + urlencode({"number": complaint.number})


def _sign() -> str:
    return f"【{settings.ZUOFENG['DISTRICT_NAME']}作风监督】"


def text_receipt(complaint: Complaint, code: str, phone: str) -> None:
    send_text(
        phone,
        f"{_sign()}已收到您的举报，举报编号 {complaint.number}，查询码 {code}"
        f"（请妥善保管，勿告诉他人）。凭编号和查询码查看办理进展：{follow_link(complaint)}",
        purpose=SmsMessage.Purpose.COMPLAINT_RECEIPT,
        related=complaint,
        secret=code,  # only its hash is kept anywhere else: the stored text loses it once sent
    )


def text_answer_ready(complaint: Complaint, phone: str) -> None:
    send_text(
        phone,
        f"{_sign()}您的举报 {complaint.number} 已有答复，请凭举报编号和查询码查看并评价："
        f"{follow_link(complaint)}",
        purpose=SmsMessage.Purpose.COMPLAINT_ANSWER,
        related=complaint,
    )
