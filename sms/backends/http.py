"""An HTTP SMS gateway: POST a JSON message with a bearer key (SMS_GATEWAY_URL and
SMS_GATEWAY_KEY from the environment). The gateway answers 2xx with JSON; its `id` (or
`message_id`) is stored as the provider's receipt. Most government SMS platforms (政务短信平台)
sit behind such a relay; a provider with its own signing scheme gets its own subclass."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from sms.backends.base import BaseBackend, SmsDeliveryError


class HttpGatewayBackend(BaseBackend):
    def send(self, phone: str, text: str, *, message_id: int) -> str:
        url = str(settings.SMS_GATEWAY_URL)
        if not url.startswith(("https://", "http://")):
            raise SmsDeliveryError("未配置短信网关地址（SMS_GATEWAY_URL）")
        body = json.dumps(
            {
                "phone": phone,
                "text": text,
                "sign": settings.SMS_SIGNATURE,
                "client_ref": str(message_id),
            },
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
                raw = response.read(65536)
        except urllib.error.HTTPError as error:
            raise SmsDeliveryError(f"短信网关拒绝：HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsDeliveryError(f"短信网关不可达：{error}") from error
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {}
        if isinstance(answer, dict):
            if answer.get("ok") is False or answer.get("error"):
                raise SmsDeliveryError(f"短信网关拒绝：{answer.get('error') or answer}")
            return str(answer.get("id") or answer.get("message_id") or "")[:100]
        return ""
