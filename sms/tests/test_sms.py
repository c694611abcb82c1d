"""The SMS sender: stored delivery status, sent only after commit, rate-limited per phone,
never sent for real in tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction

from conftest import District
from sms.backends import backend_path, memory
from sms.backends.base import SmsDeliveryError
from sms.backends.http import HttpGatewayBackend
from sms.delivery import deliver
from sms.models import SmsMessage
from sms.notify import messages_about, send_text

pytestmark = pytest.mark.django_db

Purpose = SmsMessage.Purpose


@pytest.fixture(autouse=True)
def clean() -> Any:
    memory.reset()
    cache.clear()
    yield
    memory.reset()


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """`with committed():` ends like the caller's transaction committing: what send_text
    queued for after the commit runs then (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_tests_never_use_a_real_backend(settings: Any) -> None:
    settings.SMS_BACKEND = "sms.backends.http.HttpGatewayBackend"
    assert backend_path() == "sms.backends.memory.MemoryBackend"


def test_a_text_is_sent_after_commit_and_marked_sent(district: District, committed: Any) -> None:
    with committed():
        message = send_text(
            "+86 139-0000-1234",
            "您的办件已办结",
            purpose=Purpose.RATING_LINK,
            related=district.market,
        )
        assert memory.outbox == []  # nothing leaves before the action commits
        assert message.status == SmsMessage.Status.QUEUED
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT and message.sent_at is not None
    assert memory.outbox[0].phone == "13900001234" and memory.outbox[0].text == "您的办件已办结"
    assert list(messages_about(district.market)) == [message]


def test_a_secret_reaches_the_phone_but_not_the_stored_copy(committed: Any) -> None:
    text = "举报编号 2026120300001，查询码 K7QM-4XTR-9HNC，请妥善保管"
    with committed():
        message = send_text(
            "13900001234", text, purpose=Purpose.COMPLAINT_RECEIPT, secret="K7QM-4XTR-9HNC"
        )
    assert memory.outbox[0].text == text
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT
    assert message.text == "举报编号 2026120300001，查询码 ****，请妥善保管"
    # A refused text loses its secret too; it is never sent again anyway.
    memory.failing["13900005678"] = "短信网关拒绝：HTTP 503"
    with committed():
        failed = send_text(
            "13900005678", text, purpose=Purpose.COMPLAINT_RECEIPT, secret="K7QM-4XTR-9HNC"
        )
    failed.refresh_from_db()
    assert failed.status == SmsMessage.Status.FAILED and "K7QM" not in failed.text


def test_a_rolled_back_action_sends_nothing(district: District, committed: Any) -> None:
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        send_text("13900001234", "回执", purpose=Purpose.COMPLAINT_RECEIPT)
        raise RuntimeError
    assert memory.outbox == [] and not SmsMessage.objects.exists()


def test_bad_numbers_and_gateway_failures_are_stored_with_the_reason(committed: Any) -> None:
    bad = send_text("12345", "回执", purpose=Purpose.COMPLAINT_RECEIPT)
    assert bad.status == SmsMessage.Status.FAILED and bad.error == "手机号码无效"
    memory.failing["13900005678"] = "短信网关拒绝：HTTP 503"
    with committed():
        refused = send_text("13900005678", "答复", purpose=Purpose.COMPLAINT_ANSWER)
    refused.refresh_from_db()
    assert refused.status == SmsMessage.Status.FAILED and "503" in refused.error
    assert memory.outbox == []


def test_one_phone_is_rate_limited(settings: Any, committed: Any) -> None:
    settings.SMS_RATE = "3/h"
    with committed():
        sent = [send_text("13900001234", f"第 {n} 条", purpose=Purpose.NOTICE) for n in range(5)]
    assert all(m.error == "" for m in sent[:3])
    assert all(m.status == SmsMessage.Status.FAILED and "频繁" in m.error for m in sent[3:])
    assert len(memory.outbox) == 3
    # Another phone is not affected.
    assert send_text("13900009999", "回执", purpose=Purpose.NOTICE).error == ""


def test_a_message_is_delivered_once_even_if_the_task_runs_twice(committed: Any) -> None:
    with committed():
        message = send_text("13900001234", "回执", purpose=Purpose.NOTICE)
    assert deliver(message.pk) == SmsMessage.Status.SENT
    assert len(memory.outbox) == 1


def test_an_unknown_purpose_is_a_programming_error(db: Any) -> None:
    with pytest.raises(ValueError):
        send_text("13900001234", "x", purpose="spam")


class _Gateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append(
            {"auth": self.headers["Authorization"], **json.loads(body.decode())}
        )
        self.send_response(_Gateway.status)
        self.end_headers()
        self.wfile.write(b'{"id": "gw-42"}')

    def log_message(self, *args: Any) -> None:
        pass


def test_the_http_gateway_backend_posts_with_the_key(settings: Any) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.SMS_GATEWAY_KEY = "k-123"
        assert HttpGatewayBackend().send("13900001234", "回执", message_id=7) == "gw-42"
        assert _Gateway.received[-1] == {
            "auth": "Bearer k-123",
            "phone": "13900001234",
            "text": "回执",
            "sign": "",
            "client_ref": "7",
        }
        _Gateway.status = 503
        with pytest.raises(SmsDeliveryError, match="HTTP 503"):
            HttpGatewayBackend().send("13900001234", "回执", message_id=8)
    finally:
        _Gateway.status = 200
        server.shutdown()
        server.server_close()


def test_the_http_gateway_without_an_address_fails_clearly(settings: Any) -> None:
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(SmsDeliveryError, match="SMS_GATEWAY_URL"):
        HttpGatewayBackend().send("13900001234", "回执", message_id=1)


def test_the_demo_file_backend_writes_the_outbox(settings: Any, tmp_path: Any) -> None:
    from sms.backends.file import FileBackend

    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "outbox.jsonl")
    FileBackend().send("13900001234", "您的办件已受理", message_id=3)
    line = json.loads((tmp_path / "sms" / "outbox.jsonl").read_text(encoding="utf-8"))
    assert (line["id"], line["phone"], line["text"]) == (3, "13900001234", "您的办件已受理")


def test_the_sweep_requeues_a_message_whose_task_was_lost(db: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from sms.delivery import requeue_stale

    old = SmsMessage.objects.create(
        phone="13900001234",
        text="回执",
        purpose=Purpose.NOTICE,
        created_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert requeue_stale(timezone.now()) == {"requeued": 1}
    old.refresh_from_db()
    assert old.status == SmsMessage.Status.SENT and len(memory.outbox) == 1
    assert requeue_stale(timezone.now()) == {}
